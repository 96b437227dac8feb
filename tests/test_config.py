"""Configuration: found walking up, flags win, every mistake is one clear line naming file and key."""

import os
import subprocess

import pytest
from conftest import BIN

LAMBDA = "import keras\nx = keras.layers.Lambda(lambda t: t * 2)\n"
NAMED = "import keras\ndef f(t):\n    return t\ny = keras.layers.Lambda(f)\n"


def lint(*args, cwd=None):
    result = subprocess.run([os.path.join(BIN, "keras-lint"), *args], capture_output=True, text=True, cwd=cwd)
    return result.returncode, result.stdout, result.stderr


def codes(out):
    return sorted(line.split()[1] for line in out.splitlines())


def test_setup_cfg_section_is_read(project):
    (project / "setup.cfg").write_text("[keras-lint]\nignore = KL101\n")
    (project / "m.py").write_text(LAMBDA + NAMED)
    assert codes(lint("m.py")[1]) == ["KL102"]


def test_tox_ini_section_is_read_and_its_mistakes_are_errors(project):
    """flake8 users keep settings in tox.ini: `[keras-lint]` there was silently ignored."""
    (project / "tox.ini").write_text("[tox]\nenvlist = py311\n\n[keras-lint]\nignore = KL101\n")
    (project / "m.py").write_text(LAMBDA + NAMED)
    assert codes(lint("m.py")[1]) == ["KL102"]
    (project / "tox.ini").write_text("[keras_lint]\nignore = KL101\n")
    code, out, err = lint("m.py")
    assert (code, out) == (2, "")
    assert err == "keras-lint: error: tox.ini:1: unknown section [keras_lint]: keras-lint reads [keras-lint]\n"
    (project / "setup.cfg").write_text("[keras-lint]\nignore = KL102\n")  # setup.cfg first, as flake8 reads it
    (project / "tox.ini").write_text("[keras-lint]\nignore = KL101\n")
    assert codes(lint("m.py")[1]) == ["KL101"]


def test_pyproject_table_is_read_and_flags_win(project):
    (project / "pyproject.toml").write_text('[tool.keras-lint]\nselect = ["KL102"]\n')
    (project / "m.py").write_text(LAMBDA + NAMED)
    assert codes(lint("m.py")[1]) == ["KL102"]
    assert codes(lint("--select", "KL101", "m.py")[1]) == ["KL101"]


def test_nearest_config_walking_up_from_the_first_path(project):
    (project / "setup.cfg").write_text("[keras-lint]\nignore = KL101\n")
    sub = project / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.keras-lint]\nignore = ["KL102"]\n')
    (sub / "m.py").write_text(LAMBDA + NAMED)
    assert codes(lint("sub/m.py")[1]) == ["KL101"]
    (sub / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")  # no keras-lint table: keep walking
    assert codes(lint("sub/m.py")[1]) == ["KL102"]


def test_explicit_config_file(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("cfg") / "lint.toml"
    other.write_text('[tool.keras-lint]\nignore = ["KL102"]\n')
    (project / "m.py").write_text(LAMBDA + NAMED)
    assert codes(lint("--config", str(other), "m.py")[1]) == ["KL101"]
    code, _, err = lint("--config", "nope.cfg", "m.py")
    assert code == 2 and err == "keras-lint: error: nope.cfg: configuration file not found\n"


def test_per_file_ignores_ini_and_toml(project):
    (project / "tests").mkdir()
    (project / "tests" / "t.py").write_text(LAMBDA + NAMED)
    (project / "m.py").write_text(LAMBDA)
    (project / "setup.cfg").write_text("[keras-lint]\nper-file-ignores =\n    tests/*: KL101, KL102\n    m.py:KL1\n")
    assert lint(".")[1] == ""
    (project / "setup.cfg").unlink()
    (project / "pyproject.toml").write_text('[tool.keras-lint.per-file-ignores]\n"tests/*" = ["KL102"]\n')
    assert codes(lint(".")[1]) == ["KL101", "KL101"]


def test_exclude_and_extend_exclude(project):
    for name in ("gen", "keep", "old"):
        (project / name).mkdir()
        (project / name / "m.py").write_text(LAMBDA)
    (project / "setup.cfg").write_text("[keras-lint]\nextend-exclude = gen, old/*.py\n")
    out = lint(".")[1]
    assert [line.split(":")[0] for line in out.splitlines()] == [os.path.join("keep", "m.py")]
    assert lint("gen/m.py")[1] == ""  # as in flake8, named files are excluded too (pre-commit names them)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[keras-lint]\nselct = KL101\n", "setup.cfg:2: unknown keras-lint option 'selct'"),
        ("[keras-lint]\nselect = KL101, KX1\n", "setup.cfg:2: keras-lint option 'select': unknown rule code 'KX1'"),
        ("[keras-lint]\ntarget-keras = 4\n", "setup.cfg:2: keras-lint option 'target-keras': unknown Keras major version in '4' (known: 2.0–2.21, 3.0–3.15); expected a Keras version or range such as 2.10, 2.4-2.15, 3, 3.6 or auto"),
        ("[keras-lint]\nper-file-ignores = tests/*\n", "setup.cfg:2: keras-lint option 'per-file-ignores': expected"),
        ("[keras-lint]\nignore = KL1\n[keras-lint]\n", "setup.cfg:3: cannot read configuration: section 'keras-lint' already exists"),
    ],
)
def test_config_mistakes_are_one_line_exit_2(project, text, message):
    (project / "setup.cfg").write_text(text)
    (project / "m.py").write_text(LAMBDA)
    code, out, err = lint("m.py")
    assert code == 2 and out == ""
    assert err.startswith("keras-lint: error: " + message) and err.count("\n") == 1


def test_toml_type_errors(project):
    (project / "pyproject.toml").write_text("[tool.keras-lint]\nignore = 3\n")
    (project / "m.py").write_text(LAMBDA)
    code, _, err = lint("m.py")
    assert code == 2 and "pyproject.toml:2: keras-lint option 'ignore': expected a list of strings, got 3" in err


def test_target_keras_from_config(project):
    (project / "pyproject.toml").write_text('[tool.keras-lint]\ntarget-keras = 2\n')
    (project / "m.py").write_text(LAMBDA)
    assert "Keras 2 saves" in lint("m.py")[1]


@pytest.mark.parametrize(
    "name, text, message",
    [
        # a file that cannot be parsed: the unclosed header of our own table
        ("pyproject.toml", '[tool.keras-lint]\nignore = KL101\n', "pyproject.toml:2: cannot read configuration: Invalid value (column 10)"),
        ("pyproject.toml", '[tool.keras-lint\nignore = ["KL101"]\n', "pyproject.toml:1: section header '[tool.keras-lint' is not closed"),
        ("setup.cfg", "[metadata]\nname = x\n[keras-lint\nignore = KL101\n",
         "setup.cfg:3: section header '[keras-lint' is not closed"),
        # section names close to ours: a typo, never the defaults without a word
        ("pyproject.toml", '[tool.keras_lint]\nignore = ["KL101"]\n',
         "pyproject.toml:1: unknown section [tool.keras_lint]: keras-lint reads [tool.keras-lint]"),
        ("pyproject.toml", '[tool.black]\nline-length = 99\n\n[tool.keraslint.per-file-ignores]\n"m.py" = ["KL1"]\n',
         "pyproject.toml:4: unknown section [tool.keraslint.per-file-ignores]: keras-lint reads [tool.keras-lint]"),
        ("pyproject.toml", '[keras-lint]\nignore = ["KL101"]\n',
         "pyproject.toml:1: unknown section [keras-lint]: keras-lint reads [tool.keras-lint]"),
        ("setup.cfg", "[metadata]\nname = x\n\n[keras_lint]\nignore = KL101\n",
         "setup.cfg:4: unknown section [keras_lint]: keras-lint reads [keras-lint]"),
        ("setup.cfg", "[Keras-Lint]\nignore = KL101\n", "setup.cfg:1: unknown section [Keras-Lint]: keras-lint reads [keras-lint]"),
        ("setup.cfg", "[tool.keras-lint]\nignore = KL101\n",
         "setup.cfg:1: unknown section [tool.keras-lint]: keras-lint reads [keras-lint]"),
        ("setup.cfg", "[kears-lint]\nignore = KL101\n", "setup.cfg:1: unknown section [kears-lint]: keras-lint reads [keras-lint]"),
        ("pyproject.toml", '[[tool.keras-lint]]\nignore = ["KL101"]\n', "pyproject.toml:1: [tool.keras-lint] must be a table"),
        # unknown keys and bad values name their line
        ("setup.cfg", "[keras-lint]\nignore = KL102\nselct = KL101\n",
         "setup.cfg:3: unknown keras-lint option 'selct' (did you mean 'select'?)"),
        ("pyproject.toml", '[tool.keras-lint]\nselect = ["KL"]\n\ntarget_keras = "4"\n',
         "pyproject.toml:4: keras-lint option 'target-keras': unknown Keras major version in '4' (known: 2.0–2.21, 3.0–3.15); expected a Keras version or range such as 2.10, 2.4-2.15, 3, 3.6 or auto"),
        ("pyproject.toml", '[tool.keras-lint]\nselect = ["KL"]\n[tool.keras-lint.per-file-ignores]\n"m.py" = ["KX1"]\n',
         "pyproject.toml:3: keras-lint option 'per-file-ignores': unknown rule code 'KX1' (see keras-lint --list-rules)"),
    ],
)
def test_config_file_mistakes_name_file_and_line(project, name, text, message):
    (project / name).write_text(text)
    (project / "m.py").write_text(LAMBDA)
    code, out, err = lint("m.py")
    assert (code, out) == (2, ""), err
    assert err == f"keras-lint: error: {message}\n"


def test_near_miss_section_in_setup_cfg_beside_a_good_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.keras-lint]\nignore = ["KL102"]\n')
    (project / "setup.cfg").write_text("[keras_lint]\nignore = KL101\n")
    (project / "m.py").write_text(LAMBDA)
    code, _, err = lint("m.py")
    assert code == 2 and err == "keras-lint: error: setup.cfg:1: unknown section [keras_lint]: keras-lint reads [keras-lint]\n"


@pytest.mark.parametrize("header", ["[tool.keras]", "[tool.keras-nlp]", "[tool.keras-io]", "[tool.pylint]"])
def test_other_tools_sections_are_not_near_misses(project, header):
    (project / "pyproject.toml").write_text(f"{header}\nx = 1\n")
    (project / "m.py").write_text(LAMBDA)
    code, out, err = lint("m.py")
    assert code == 1 and "KL101" in out, err


def test_quoted_toml_table_name_is_ours(project):
    (project / "pyproject.toml").write_text('[tool."keras-lint"]\nignore = ["KL101"]\n')
    (project / "m.py").write_text(LAMBDA + NAMED)
    assert codes(lint("m.py")[1]) == ["KL102"]
