"""The CLI judges a file with its whole project in view; flake8 sees one file and claims only what it proves."""

import os
import subprocess
import sys

from conftest import BIN

HELPERS = (
    "import keras\n"
    "@keras.saving.register_keras_serializable(package='helpers')\n"
    "def halve(t):\n"
    "    return t / 2\n"
    "def double(t):\n"
    "    return t * 2\n"
)
MODEL = "import keras\nfrom helpers import halve, double\nx = keras.layers.Lambda(halve)\ny = keras.layers.Lambda(double)\n"


def test_kl102_sees_a_registration_in_another_project_module(project):
    (project / "helpers.py").write_text(HELPERS)
    (project / "model.py").write_text(MODEL)
    cli = subprocess.run([os.path.join(BIN, "keras-lint"), "model.py"], capture_output=True, text=True)
    assert [line.split(": ")[0] for line in cli.stdout.splitlines()] == ["model.py:4:5"]
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "KL", "model.py"], capture_output=True, text=True)
    assert [line.split(": ")[0] for line in flake8.stdout.splitlines()] == ["model.py:3:5", "model.py:4:5"]
