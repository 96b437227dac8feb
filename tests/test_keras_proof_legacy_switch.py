"""Where `tf.keras` is tf_keras (Keras 2), keras-lint judges the file as Keras 2 -- proven with
tf_keras itself.

TensorFlow's legacy switch (TF_USE_LEGACY_KERAS=1) makes `tf.keras` tf_keras. keras-lint sees it
on when the file sets it, or when the project declares a tf-keras dependency (a project written
for Keras 2, run with the switch on: tensorflow-recommenders refuses to import otherwise). Found by
a triage of tensorflow-recommenders, where KL204 and KL402 made Keras 3 claims about such code.

- `fixtures/KL204/good_legacy_switch_tf_keras.py`: a layer whose `__init__` takes no `**kwargs`
  saves as `.keras`, `.h5` and a SavedModel folder (`model.save("dir")`, no extension) under
  tf_keras, and each loads with equal outputs. keras-lint is silent on it; without the switch
  (Keras 3, where the same layer fails to load: KL204's proofs) it reports KL204.
- The same code in a project that declares tf-keras, without the switch in the file: silent too,
  from the CLI and from flake8.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BIN
from keras_roundtrip import run_python, tf_keras_env

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "KL204" / "good_legacy_switch_tf_keras.py"
SWITCH = 'os.environ["TF_USE_LEGACY_KERAS"] = "1"\n'

_SAVE_AND_LOAD = r"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("legacy_fixture", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["legacy_fixture"] = module
spec.loader.exec_module(module)
import numpy as np
import tensorflow as tf
result = {"layer_module": tf.keras.layers.Layer.__module__}
model = module.build_model()
x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
expected = np.asarray(model(x))
for target in ("model.keras", "model.h5", "saved_model_dir"):
    try:
        model.save(target)
        loaded = tf.keras.models.load_model(target)
        result[target] = bool(np.allclose(np.asarray(loaded(x)), expected, atol=1e-5))
    except Exception as exc:
        result[target] = f"{type(exc).__name__}: {exc}"
print("RESULT " + json.dumps(result))
"""


def lint(*args, cwd):
    return subprocess.run([os.path.join(BIN, "keras-lint"), "--no-cache", *args], capture_output=True, text=True, cwd=cwd)


def codes(stdout: str) -> list:
    return [line.split(" ")[1] for line in stdout.splitlines()]


@pytest.mark.keras
def test_under_the_switch_a_layer_without_kwargs_saves_and_loads_in_every_format(tmp_path):
    proc = run_python(_SAVE_AND_LOAD, str(FIXTURE), cwd=tmp_path, env=tf_keras_env())
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert len(lines) == 1, proc.stderr[-3000:]
    result = json.loads(lines[0][len("RESULT "):])
    assert result.pop("layer_module").startswith("tf_keras."), result  # the switch made tf.keras tf_keras
    assert result == {"model.keras": True, "model.h5": True, "saved_model_dir": True}, result


def test_the_switch_in_the_file_makes_it_keras2(tmp_path):
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = sample\n")
    shutil.copy(FIXTURE, tmp_path / "layers.py")
    assert lint("layers.py", cwd=tmp_path).stdout == ""
    text = FIXTURE.read_text()
    assert SWITCH in text
    (tmp_path / "layers.py").write_text(text.replace(SWITCH, ""))
    assert codes(lint("layers.py", cwd=tmp_path).stdout) == ["KL204"]  # Keras 3 without it
    # `import keras` is the keras package (Keras 3) whatever the switch says
    (tmp_path / "layers.py").write_text(text.replace("import tensorflow as tf", "import tensorflow as tf\nimport keras"))
    assert codes(lint("layers.py", cwd=tmp_path).stdout) == ["KL204"]


@pytest.mark.parametrize(
    "name, declaration",
    [
        ("setup.cfg", "[metadata]\nname = sample\n\n[options]\ninstall_requires =\n    tensorflow>=2.16\n    tf-keras>=2.16\n"),
        ("pyproject.toml", '[project]\nname = "sample"\ndependencies = ["tensorflow", "tf_keras==2.21.0"]\n'),
        ("requirements.txt", "numpy\ntf-keras  # Keras 2 for tf.keras\n"),
        ("setup.py", 'from setuptools import setup\nsetup(name="sample", install_requires=["tensorflow", "tf-keras"])\n'),
    ],
)
def test_a_project_that_declares_tf_keras_is_judged_keras2(tmp_path, name, declaration):
    if name != "pyproject.toml":
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "sample"\n')  # the project marker
    (tmp_path / name).write_text(declaration)
    save = 'def export(folder):\n    model = tf.keras.Sequential([Scale()])\n    model.save(os.path.join(folder, "model"))\n'
    (tmp_path / "layers.py").write_text(FIXTURE.read_text().replace(SWITCH, "") + "\n\n" + save)
    assert lint("layers.py", cwd=tmp_path).stdout == ""
    flake8 = subprocess.run(
        [os.path.join(BIN, "flake8"), "--select", "KL", "layers.py"], capture_output=True, text=True, cwd=tmp_path
    )
    assert (flake8.returncode, flake8.stdout) == (0, ""), flake8.stdout + flake8.stderr


def test_without_the_declaration_the_same_project_is_keras3(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "sample"\ndependencies = ["tensorflow>=2.16", "keras>=3"]\n')
    save = 'def export(folder):\n    model = tf.keras.Sequential([Scale()])\n    model.save(os.path.join(folder, "model"))\n'
    (tmp_path / "layers.py").write_text(FIXTURE.read_text().replace(SWITCH, "") + "\n\n" + save)
    assert codes(lint("layers.py", cwd=tmp_path).stdout) == ["KL204", "KL402"]
