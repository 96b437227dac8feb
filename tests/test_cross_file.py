"""Every front end judges a file with its whole project in view: the CLI on files and on stdin, and
the flake8 plugin (issue 21), which builds the project index once per process, as the CLI does."""

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
    for command, stdin in (
        ([os.path.join(BIN, "keras-lint"), "--stdin-filename", "model.py", "-"], MODEL),
        ([sys.executable, "-m", "flake8", "--select", "KL", "model.py"], None),
        ([sys.executable, "-m", "flake8", "--select", "KL", "--stdin-display-name", "model.py", "-"], MODEL),
    ):
        other = subprocess.run(command, input=stdin, capture_output=True, text=True)
        assert [line.split(": ")[0] for line in other.stdout.splitlines()] == ["model.py:4:5"], command


def test_a_base_class_reached_through_namespace_folders(project):
    """No `__init__.py` anywhere: `from models.base import Base` still finds the base (Python imports
    `src/models/` as a namespace package when `src` is on the path), so the subclass is judged."""
    (project / "src" / "models").mkdir(parents=True)
    (project / "src" / "models" / "base.py").write_text(
        "import keras\n@keras.saving.register_keras_serializable()\nclass Base(keras.layers.Layer):\n    pass\n"
    )
    (project / "src" / "models" / "blocks.py").write_text("from models.base import Base\nclass Block(Base):\n    pass\n")
    cli = subprocess.run([os.path.join(BIN, "keras-lint"), "src/models/blocks.py"], capture_output=True, text=True)
    assert [line.split(" ")[:2] for line in cli.stdout.splitlines()] == [["src/models/blocks.py:2:1:", "KL201"]]
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "KL", "src/models/blocks.py"], capture_output=True, text=True)
    # A file that never spells Keras or TensorFlow is not looked at by the plugin: plain code costs
    # flake8 nothing (README, flake8 and editors); the CLI, which indexes the project first, judges it.
    assert flake8.stdout == ""


def test_two_modules_of_one_name_in_different_folders_are_both_seen(project):
    """Two scripts' folders can each hold an `ops.py`: both modules are named `ops`, and a function
    each registers under one key is still a duplicate (KL208 once looked them up by module name)."""
    for folder in ("a", "b"):
        (project / folder).mkdir()
        (project / folder / "ops.py").write_text(
            "import keras\n@keras.saving.register_keras_serializable(package='p')\ndef scale(x):\n    return x\n"
        )
    cli = subprocess.run([os.path.join(BIN, "keras-lint"), "--select", "KL208", "."], capture_output=True, text=True)
    assert [line.split(" ")[:2] for line in cli.stdout.splitlines()] == [["b/ops.py:2:1:", "KL208"]]


def test_a_lambda_in_a_test_case_whose_base_lives_in_another_file(project):
    """The class around a Lambda decides whether it is saved: in a Keras layer it is a sub-layer
    (never saved); in a test case it builds a model that is. The CLI resolves the base in the other
    file, with only KL101 selected too; so does flake8, with the project index."""
    (project / "testing.py").write_text("import tensorflow as tf\nclass KerasTestCase(tf.test.TestCase):\n    pass\n")
    (project / "model_test.py").write_text(
        "import keras\nfrom testing import KerasTestCase\n"
        "class ModelTest(KerasTestCase):\n    def test_model(self):\n"
        "        return keras.Sequential([keras.layers.Lambda(lambda t: t * 2)])\n"
    )
    for select in ("KL", "KL101"):
        cli = subprocess.run([os.path.join(BIN, "keras-lint"), "--select", select, "model_test.py"], capture_output=True, text=True)
        assert [line.split(" ")[:2] for line in cli.stdout.splitlines()] == [["model_test.py:5:34:", "KL101"]], select
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "KL", "model_test.py"], capture_output=True, text=True)
    assert [line.split(" ")[:2] for line in flake8.stdout.splitlines()] == [["model_test.py:5:34:", "KL101"]]


def test_without_a_project_marker_only_the_folder_s_own_files_are_indexed(tmp_path, monkeypatch):
    """With no pyproject.toml, setup.cfg or .git at or above it, the target's folder may be /tmp or
    a home folder: its own .py files (a script's sibling modules) are indexed, nothing below them,
    so one file never costs a walk of a whole home folder. What lives deeper is unresolved: silent."""
    from keras_lint.index.modules import project_root

    assert project_root(str(tmp_path / "model.py")) == str(tmp_path)  # the premise: no marker above
    registered = "import keras\n@keras.saving.register_keras_serializable()\nclass {0}(keras.layers.Layer):\n    pass\n"
    (tmp_path / "base.py").write_text(registered.format("Base"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.py").write_text(registered.format("Deep"))
    (tmp_path / "model.py").write_text(
        "from base import Base\nfrom sub.deep import Deep\nclass A(Base):\n    pass\nclass B(Deep):\n    pass\n"
    )
    monkeypatch.chdir(tmp_path)
    cli = subprocess.run([os.path.join(BIN, "keras-lint"), "--no-cache", "model.py"], capture_output=True, text=True)
    assert [line.split(" ")[:2] for line in cli.stdout.splitlines()] == [["model.py:3:1:", "KL201"]], cli.stdout
    (tmp_path / "setup.cfg").write_text("")  # a marked project: everything below is indexed
    cli = subprocess.run([os.path.join(BIN, "keras-lint"), "--no-cache", "model.py"], capture_output=True, text=True)
    assert [line.split(" ")[:2] for line in cli.stdout.splitlines()] == [["model.py:3:1:", "KL201"], ["model.py:5:1:", "KL201"]]
