"""The flake8 plugin: same findings as the CLI, from the lines flake8 hands it, options from flake8's config."""

import os
import re
import subprocess
import sys

import pytest
from conftest import BIN

SOURCE = (
    "import keras\n"
    "def f(t):\n"
    "    return t\n"
    "x = keras.layers.Lambda(lambda t: t * 2)\n"
    "y = keras.layers.Lambda(f)  # noqa: KL102\n"
    "z = keras.layers.Lambda(f)\n"
)


def flake8(*args, stdin=None):
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "KL", *args], input=stdin, capture_output=True, text=True
    )
    return result.returncode, result.stdout, result.stderr


def cli(*args, stdin=None):
    """keras-lint's run, its fix marks ([*] / [~]) taken out: flake8 cannot fix, so it prints none."""
    result = subprocess.run([os.path.join(BIN, "keras-lint"), *args], input=stdin, capture_output=True, text=True)
    return result.returncode, re.sub(r": (KL\d{3}) \[[*~]\] ", r": \1 ", result.stdout), result.stderr


def test_plugin_is_registered_under_KL():
    out = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True).stdout
    assert "keras-lint" in out


def test_same_findings_as_the_cli(project):
    (project / "m.py").write_text(SOURCE)
    code, out, err = flake8("m.py")
    assert code == 1, err
    assert out == cli("m.py")[1]
    assert [line.split(": ")[0] for line in out.splitlines()] == ["m.py:4:5", "m.py:6:5"]


def test_stdin_as_editors_call_it(project):
    code, out, _ = flake8("--stdin-display-name", "pkg/model.py", "-", stdin=SOURCE)
    assert out == cli("--stdin-filename", "pkg/model.py", "-", stdin=SOURCE)[1]
    assert out.startswith("pkg/model.py:4:5: KL101 Lambda layer")  # no fix mark under flake8


def test_flake8_disable_noqa_shows_suppressed_findings(project):
    (project / "m.py").write_text(SOURCE)
    out = flake8("--disable-noqa", "m.py")[1]
    assert "m.py:5:5: KL102" in out


@pytest.mark.parametrize("config_file, section", [("setup.cfg", "flake8"), ("tox.ini", "flake8"), (".flake8", "flake8")])
def test_keras_target_from_flake8_config(project, config_file, section):
    (project / "m.py").write_text(SOURCE)
    assert "Keras 3 refuses" in flake8("m.py")[1]
    (project / config_file).write_text(f"[{section}]\nkeras-target = 2\n")
    assert "Keras 2 saves it as Python bytecode" in flake8("m.py")[1]


def test_bad_keras_target_is_a_clear_error(project):
    (project / "m.py").write_text(SOURCE)
    code, out, err = flake8("--keras-target", "5", "m.py")
    assert code != 0 and out == ""
    assert "keras-lint: error: keras-target: unknown Keras major version in '5'" in err


def test_syntax_errors_are_flake8s_to_report(project):
    (project / "m.py").write_text("def f(:\n")
    out = flake8("--select", "KL,E9", "m.py")[1]
    assert "E999" in out and "KL" not in out


# One configuration for every front end: the plugin reads [tool.keras-lint] / [keras-lint] as the CLI does.

DECORATED = "import keras\nfrom mylib.export import export\n\n\n@export('model.Block')\nclass Block(keras.layers.Layer):\n    pass\n"


def all_four(name, text):
    """What the CLI and flake8 report on `name`, each on the file and on stdin (as editors call them)."""
    return {
        "cli": cli(name)[1],
        "cli-stdin": cli("--stdin-filename", name, "-", stdin=text)[1],
        "flake8": flake8(name)[1],
        "flake8-stdin": flake8("--stdin-display-name", name, "-", stdin=text)[1],
    }


def test_register_decorators_from_keras_lint_config(project):
    (project / "model.py").write_text(DECORATED)
    before = all_four("model.py", DECORATED)
    assert all(out.startswith("model.py:6:1: KL201 ") for out in before.values()), before
    (project / "pyproject.toml").write_text('[tool.keras-lint]\nregister-decorators = ["mylib.export.export"]\n')
    assert all_four("model.py", DECORATED) == dict.fromkeys(before, "")


@pytest.mark.parametrize("config_file, text", [
    ("pyproject.toml", "[tool.keras-lint]\ntarget-keras = 2\n"),
    ("setup.cfg", "[metadata]\nname = sample\n\n[keras-lint]\ntarget-keras = 2\n"),
])
def test_target_keras_from_keras_lint_config(project, config_file, text):
    (project / "m.py").write_text(SOURCE)
    keras3 = all_four("m.py", SOURCE)
    assert len(set(keras3.values())) == 1 and "Keras 3 refuses" in keras3["cli"]
    (project / config_file).write_text(text)
    keras2 = all_four("m.py", SOURCE)
    assert len(set(keras2.values())) == 1, keras2
    assert "Keras 2 saves it as Python bytecode" in keras2["cli"] and "Keras 3" not in keras2["cli"]


def test_an_explicit_flake8_keras_target_wins_over_the_config_file(project):
    (project / "m.py").write_text(SOURCE)
    (project / "pyproject.toml").write_text("[tool.keras-lint]\ntarget-keras = 2\n")
    assert "Keras 3 refuses" in flake8("--keras-target", "3", "m.py")[1]  # as --target-keras 3 wins for the CLI
    assert flake8("--keras-target", "3", "m.py")[1] == cli("--target-keras", "3", "m.py")[1]
    (project / "setup.cfg").write_text("[flake8]\nkeras-target = 3\n")
    assert "Keras 3 refuses" in flake8("m.py")[1]


def test_selection_stays_flake8s(project):
    (project / "m.py").write_text(SOURCE)
    (project / "pyproject.toml").write_text('[tool.keras-lint]\nignore = ["KL101"]\n')
    assert "KL101" not in cli("m.py")[1]
    assert "m.py:4:5: KL101" in flake8("m.py")[1]  # [tool.keras-lint]'s select/ignore are the CLI's
    assert "KL101" not in flake8("--extend-ignore", "KL101", "m.py")[1]


@pytest.mark.parametrize("config_file, text, message", [
    ("pyproject.toml", '[tool.keras_lint]\ntarget-keras = 2\n',
     "pyproject.toml:1: unknown section [tool.keras_lint]: keras-lint reads [tool.keras-lint]"),
    ("setup.cfg", "[metadata]\nname = x\n[keras-lint\ntarget-keras = 2\n", "setup.cfg:3: section header '[keras-lint' is not closed"),
    ("pyproject.toml", '[tool.keras-lint]\ntarget-keras = 2\nregister-decorator = ["a.b"]\n',
     "pyproject.toml:3: unknown keras-lint option 'register-decorator' (did you mean 'register-decorators'?)"),
    ("pyproject.toml", '[tool.keras-lint]\ntarget-keras = "4"\n',
     "pyproject.toml:2: keras-lint option 'target-keras': unknown Keras major version in '4' (known: 2.0–2.21, 3.0–3.15); expected a Keras version or range such as 2.10, 2.4-2.15, 3, 3.6 or auto"),
    ("pyproject.toml", '[tool.keras-lint]\nignore = KL101\n', "pyproject.toml:2: cannot read configuration: Invalid value (column 10)"),
    ("pyproject.toml", '[tool.keras-lint]\nignore = ["KX1"]\n',
     "pyproject.toml:2: keras-lint option 'ignore': unknown rule code 'KX1' (see keras-lint --list-rules)"),
])
@pytest.mark.parametrize("stdin", [False, True])
def test_config_mistakes_stop_flake8_with_the_clis_message(project, config_file, text, message, stdin):
    (project / "m.py").write_text(SOURCE)
    (project / config_file).write_text(text)
    name, source = ("-", SOURCE) if stdin else ("m.py", None)
    code, out, err = flake8("--stdin-display-name", "m.py", name, stdin=source)
    assert (code, out, err) == (1, "", f"keras-lint: error: {message}\n")
    assert (cli("--stdin-filename", "m.py", "-", stdin=SOURCE) if stdin else cli("m.py"))[2] == err


def test_config_mistake_found_in_a_flake8_worker_is_still_one_clear_line(project):
    (project / "pyproject.toml").write_text('[tool.keras-lint]\nignore = ["KX1"]\n')
    for name in ("a.py", "b.py", "c.py"):
        (project / name).write_text(SOURCE)
    code, out, err = flake8("-j", "2", "a.py", "b.py", "c.py")
    assert code == 1
    assert "keras-lint: error: pyproject.toml:2: keras-lint option 'ignore': unknown rule code 'KX1'" in out + err
