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
    assert "keras-lint: error: keras-target: expected 2, 3 or auto, got '5'" in err


def test_syntax_errors_are_flake8s_to_report(project):
    (project / "m.py").write_text("def f(:\n")
    out = flake8("--select", "KL,E9", "m.py")[1]
    assert "E999" in out and "KL" not in out
