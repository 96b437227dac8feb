"""The CLI as users meet it: paths, output, exit codes, selection, stdin and bad input."""

import json
import os
import subprocess
import sys

import pytest
from conftest import BIN, NOTHING_DECLARED

from keras_lint.cli import main

TARGET_4 = ("unknown Keras major version in '4' (known: 2.0–2.21, 3.0–3.15); expected a Keras version or range "
            "such as 2.10, 2.4-2.15, 3, 3.6 or auto")

LAMBDA = "import keras\nx = keras.layers.Lambda(lambda t: t * factor)\n"  # `factor` unknown: no fix offered
NAMED = "import keras\ndef f(t):\n    return t\ny = keras.layers.Lambda(f)\n"
CLEAN = "import keras\nx = keras.layers.Dense(3)\n"


def lint(*args):
    result = subprocess.run([os.path.join(BIN, "keras-lint"), *args], capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def test_exit_codes_and_summary(project):
    (project / "clean.py").write_text(CLEAN)
    assert lint("clean.py") == (0, "", "Found 0 findings in 1 file.\n")
    (project / "bad.py").write_text(LAMBDA)
    code, out, err = lint(".")
    assert code == 1
    assert out.startswith("bad.py:2:5: KL101 Lambda layer wraps a Python lambda")
    assert err == "Found 1 finding in 2 files.\n" + NOTHING_DECLARED
    assert lint("--exit-zero", ".")[0] == 0


def test_findings_are_sorted_by_path_line_column(project):
    (project / "b.py").write_text(LAMBDA + NAMED.replace("import keras\n", ""))
    (project / "a.py").write_text(NAMED)
    code, out, _ = lint("-j", "2", "b.py", "a.py")
    assert [line.split(": ")[0] for line in out.splitlines()] == ["a.py:4:5", "b.py:2:5", "b.py:5:5"]


def test_python_dash_m_and_version(project):
    (project / "bad.py").write_text(LAMBDA)
    result = subprocess.run([sys.executable, "-m", "keras_lint", "bad.py"], capture_output=True, text=True)
    assert result.returncode == 1 and "KL101" in result.stdout
    assert lint("--version")[1].startswith("keras-lint ")


def test_json_format(project):
    (project / "bad.py").write_text(LAMBDA)
    code, out, _ = lint("--format", "json", "bad.py")
    (record,) = json.loads(out)
    assert code == 1
    assert record["code"] == "KL101" and record["name"] == "lambda-layer-python-lambda"
    assert (record["path"], record["line"], record["column"]) == ("bad.py", 2, 5)
    assert (record["end_line"], record["end_column"]) == (2, 46)
    assert record["fix"] is None
    (project / "bad.py").write_text("import keras\nx = keras.layers.Lambda(lambda t: t * 2)\n")
    (record,) = json.loads(lint("--format", "json", "bad.py")[1])
    assert record["fix"] == "safe"


def test_statistics(project):
    (project / "bad.py").write_text(LAMBDA + "y = keras.layers.Lambda(lambda t: t)\n")
    out = lint("--statistics", "bad.py")[1]
    assert out.splitlines()[-1].split() == ["2", "KL101", "lambda-layer-python-lambda", "fixable:", "1"]


@pytest.mark.parametrize(
    "args, codes",
    [
        ([], {"KL101", "KL102"}),
        (["--select", "KL101"], {"KL101"}),
        (["--ignore", "KL1"], set()),
        (["--select", "KL1", "--ignore", "KL101"], {"KL102"}),
        (["--ignore", "KL1", "--extend-select", "KL102"], {"KL102"}),
    ],
)
def test_selection_by_prefix(project, args, codes):
    (project / "m.py").write_text(LAMBDA + NAMED)
    out = lint(*args, "m.py")[1]
    assert {line.split()[1] for line in out.splitlines()} == codes


def test_unknown_code_in_select_is_a_usage_error(project):
    code, out, err = lint("--select", "KL8", ".")
    assert code == 2 and out == ""
    assert err == "keras-lint: error: --select: unknown rule code 'KL8' (see keras-lint --list-rules)\n"


def test_bad_flag_value_is_a_usage_error(project):
    code, _, err = lint("--target-keras", "4", ".")
    assert code == 2 and err == f"keras-lint: error: --target-keras: {TARGET_4}\n"


def test_stdin_with_a_display_name(project):
    result = subprocess.run(
        [os.path.join(BIN, "keras-lint"), "--stdin-filename", "src/model.py", "-"],
        input=LAMBDA, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("src/model.py:2:5: KL101 ")


def test_walk_skips_tool_folders_and_virtualenvs(project):
    for folder in [".git", "__pycache__", "build", "dist", ".tox", ".eggs", "node_modules", "site-packages", "env"]:
        (project / folder).mkdir()
        (project / folder / "m.py").write_text(LAMBDA)
    (project / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / "pkg").mkdir()
    (project / "pkg" / "m.py").write_text(LAMBDA)
    (project / "notes.txt").write_text(LAMBDA)
    code, out, err = lint(".")
    assert [line.split(":")[0] for line in out.splitlines()] == [os.path.join("pkg", "m.py")]
    assert err == "Found 1 finding in 1 file.\n" + NOTHING_DECLARED


def test_bad_input_is_one_clear_line_and_the_run_goes_on(project):
    (project / "syntax.py").write_text("def f(:\n    pass\n")
    (project / "latin.py").write_bytes(b"x = '\xff\xfe'\n")
    (project / "cookie.py").write_bytes(b"# -*- coding: no-such-codec -*-\nx = 1\n")
    (project / "nul.py").write_bytes(b"x = 1\x00\n")
    (project / "empty.py").write_text("")
    (project / "good.py").write_text(LAMBDA)
    code, out, err = lint(".", "missing.py")
    lines = out.splitlines()
    assert code == 2  # a missing path is an error; the files were still all linted
    assert "keras-lint: error: missing.py: no such file or folder" in err
    assert [line.split(": ")[1].split()[0] for line in lines] == ["KL001", "KL101", "KL001", "KL001", "KL001"]
    assert lines[0].startswith("cookie.py:1:1: KL001 cannot decode file")
    assert lines[2].startswith("latin.py:1:6: KL001 cannot decode file as utf-8")
    assert lines[3].startswith("nul.py:1:1: KL001 cannot parse file")
    assert lines[4].startswith("syntax.py:1:7: KL001 cannot parse file")
    assert err.endswith("Found 5 findings in 6 files.\n" + NOTHING_DECLARED)


def test_bom_and_crlf_files_report_the_right_places(project):
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + LAMBDA.replace("\n", "\r\n").encode())
    (project / "cr.py").write_bytes(("# a comment\r" + LAMBDA).encode())
    out = lint(".")[1]
    assert [line.split(": ")[0] for line in out.splitlines()] == ["bom.py:2:5", "cr.py:3:5"]


def test_main_in_process_matches_the_command(project, capsys):
    (project / "bad.py").write_text(LAMBDA)
    assert main(["-j", "1", "bad.py"]) == 1
    assert capsys.readouterr().out.startswith("bad.py:2:5: KL101")


def test_parallel_run_reports_the_same_as_one_process(project):
    for i in range(20):
        (project / f"m{i:02d}.py").write_text(LAMBDA + NAMED)
    assert lint("-j", "1", ".")[:2] == lint("-j", "2", ".")[:2]


def test_target_keras_changes_the_message(project):
    (project / "bad.py").write_text(LAMBDA)
    assert "Keras 3 refuses" in lint("bad.py")[1]
    assert "Keras 2 saves it as Python bytecode" in lint("--target-keras", "2", "bad.py")[1]
    (project / "legacy.py").write_text(LAMBDA.replace("import keras", "import tf_keras as keras"))
    assert "Keras 2 saves" in lint("legacy.py")[1]


def test_a_folder_named_on_the_command_line_is_walked_whatever_its_name(project):
    """`keras-lint build/gen` or `keras-lint .venv/lib/python3.11/site-packages`: the user asked for
    it. The built-in skips apply only to folders met while walking; the user's `exclude` globs
    apply to named folders as to named files."""
    for folder in ["build/gen", "site-packages/pkg", "site-packages/pkg/build", "vendored/lib"]:
        (project / folder).mkdir(parents=True)
        (project / folder / "m.py").write_text(LAMBDA)
    (project / "setup.cfg").write_text("[keras-lint]\nextend-exclude = vendored\n")
    code, out, err = lint("build/gen", "site-packages", "vendored/lib")
    assert sorted(line.split(":")[0] for line in out.splitlines()) == [
        os.path.join("build", "gen", "m.py"), os.path.join("site-packages", "pkg", "m.py"),
    ]


def test_output_does_not_depend_on_hash_seeds(tmp_path):
    """Triage: a KL401 message listed the names of a set, whose order changes with PYTHONHASHSEED
    (output must be reproducible: baselines and caches compare it). The fixtures and a loader that
    imports five unregistered layers give identical output under three seeds."""
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    for name in "ABCDE":
        (tmp_path / "pkg" / f"m{name}.py").write_text(f"import keras\n\n\nclass {name}(keras.layers.Layer):\n    pass\n")
    imports = "".join(f"from pkg.m{name} import {name}\n" for name in "ABCDE")
    (tmp_path / "pkg" / "loader.py").write_text("import keras\n" + imports + 'model = keras.models.load_model("m.keras")\n')
    fixtures = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs = [subprocess.run([os.path.join(BIN, "keras-lint"), "--no-cache", "--exit-zero", path],
                               capture_output=True, text=True, env=env, cwd=tmp_path).stdout
                for path in ("pkg", fixtures)]
        outputs.add(tuple(runs))
    assert len(outputs) == 1
    assert "`A`, `B`, `C` and 2 more" in next(iter(outputs))[0]
