"""A layer's custom function in a `.h5` file (KL302; versioned fact h5_loads_custom_layer_functions),
proven in real Keras 2 interpreters, and what keras-lint says about it per declared TensorFlow.

keras-team/keras#20833 (TF 2.15): a function registered with register_keras_serializable and passed
as a Dense activation saves to `.h5`, and load_model fails even though the loading script imports
the module that registers it: "Unknown activation function: 'function'". tf.keras up to 2.12 stores
the function's name and loads it; tf.keras 2.13-2.15 and tf_keras store a bare 'function'. The
same model saved to `.keras` loads. keras-lint reports the registered function only where the
project's Keras is one of those, and only when the project saves such a model to `.h5`.
"""

import json
import os
import subprocess

import pytest
from conftest import lint_new_project
from keras_envs import env_python
from keras_roundtrip import tf_keras_env

PROJECT = '''\
import tensorflow as tf

keras = tf.keras


@keras.utils.register_keras_serializable(package="my_package")
def custom_fn(x):
    return x**2


def build():
    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(1, activation=custom_fn)(inputs)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    model = build()
    model.save("model.h5")
'''

# Save in one process, load in a fresh one that imports the project module (so the function is
# registered there too), as the thread's loading script does.
_SAVE = r"""
import json, sys
import numpy as np
sys.path.insert(0, ".")
import train
model = train.build()
x = np.arange(6, dtype="float32").reshape(2, 3)
for path in sys.argv[1:]:
    model.save(path)
json.dump(np.asarray(model(x)).tolist(), open("expected.json", "w"))
print("SAVED " + train.keras.layers.Layer.__module__)
"""
_LOAD = r"""
import json, sys
import numpy as np
sys.path.insert(0, ".")
import train
x = np.arange(6, dtype="float32").reshape(2, 3)
result = {}
for path in sys.argv[1:]:
    try:
        loaded = train.keras.models.load_model(path)
        result[path] = bool(np.allclose(np.asarray(loaded(x)), json.load(open("expected.json")), atol=1e-5))
    except Exception as exc:
        result[path] = f"{type(exc).__name__}: {exc}"
print("RESULT " + json.dumps(result))
"""

# name -> (interpreter: a keras_envs environment or None for this one under the legacy switch, the
# Layer module it must run, whether its .h5 holds the registered function)
KERAS2 = {
    "tf210": ("tf210", "keras.engine.", True),
    "tf215": ("tf215", "keras.src.engine.", False),
    "tf_keras": (None, "tf_keras.src.", False),
}


def _run(python, env, code, *argv, cwd):
    done = subprocess.run([python, "-c", code, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(KERAS2))
def test_a_registered_activation_in_h5_loads_only_where_the_fact_says(name, tmp_path, pytestconfig):
    env_name, module, holds = KERAS2[name]
    base = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "PYTHONPATH")}
    env = {**base, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    if env_name is None:
        import sys

        python, env = sys.executable, {**env, **tf_keras_env()}
    else:
        python = str(env_python(env_name, pytestconfig))
    (tmp_path / "train.py").write_text(PROJECT)
    paths = ["model.h5"] + (["model.keras"] if not holds else [])  # TF <= 2.12 writes `.keras` as HDF5 too
    saved = _run(python, env, _SAVE, *paths, cwd=tmp_path)
    assert f"SAVED {module}" in saved
    result = json.loads(_run(python, env, _LOAD, *paths, cwd=tmp_path).split("RESULT ", 1)[1])
    if holds:
        assert result == {"model.h5": True}
    else:
        assert "Unknown activation function: 'function'" in result["model.h5"], result
        assert result["model.keras"] is True


# -- what keras-lint says, per declared TensorFlow ----------------------------------------------------


def lint(tmp_path, monkeypatch, capsys, code, requirement):
    files = {"train.py": code, "requirements.txt": requirement + "\n"}
    return lint_new_project(tmp_path, monkeypatch, capsys, files, "KL302")


def test_tensorflow_2_15_reports_the_registered_activation_saved_to_h5(tmp_path, monkeypatch, capsys):
    found = lint(tmp_path, monkeypatch, capsys, PROJECT, "tensorflow==2.15.*")
    assert len(found) == 1 and found[0].startswith("train.py:13:37: KL302 ")
    assert ("registered function `custom_fn` passed as `activation=` of `layers.Dense`, in the model line 19 of "
            "this file saves to `.h5`: tf.keras ≥ 2.13 stores it in `.h5` as a bare 'function'") in found[0]
    assert "(\"Unknown activation function: 'function'\"); save the model to `.keras` instead" in found[0]


def test_tensorflow_2_10_loads_it_and_is_not_told(tmp_path, monkeypatch, capsys):
    assert lint(tmp_path, monkeypatch, capsys, PROJECT, "tensorflow==2.10.*") == []


def test_a_range_says_in_which_versions(tmp_path, monkeypatch, capsys):
    found = lint(tmp_path, monkeypatch, capsys, PROJECT, "tensorflow>=2.10,<2.16")
    assert len(found) == 1 and ": KL302 on tf.keras 2.13–2.15: registered function `custom_fn`" in found[0].replace(
        "train.py:13:37", "")


def test_a_h5_save_whose_model_the_file_does_not_show_is_named(tmp_path, monkeypatch, capsys):
    code = PROJECT.replace('    model = build()\n    model.save("model.h5")', '    build().save("model.h5")')
    found = lint(tmp_path, monkeypatch, capsys, code, "tensorflow==2.15.*")
    assert len(found) == 1 and "`custom_fn` passed as `activation=` of `layers.Dense`, and this file saves " \
        "a model to `.h5`: tf.keras ≥ 2.13 stores it" in found[0]


def test_the_same_model_saved_to_keras_is_not_reported(tmp_path, monkeypatch, capsys):
    code = PROJECT.replace('"model.h5"', '"model.keras"')
    assert lint(tmp_path, monkeypatch, capsys, code, "tensorflow==2.15.*") == []


def test_an_unregistered_activation_is_told_what_each_version_does(tmp_path, monkeypatch, capsys):
    code = PROJECT.replace('@keras.utils.register_keras_serializable(package="my_package")\n', "")
    found = lint(tmp_path, monkeypatch, capsys, code, "tensorflow>=2.10,<2.16")
    assert len(found) == 1, found
    assert ("on tf.keras 2.10–2.12: unregistered function `custom_fn` passed as `activation=` of `layers.Dense`: "
            "tf.keras saves only its name: a load fails without custom_objects "
            "(\"Unknown activation function: 'custom_fn'\")") in found[0]
    assert ("on tf.keras 2.13–2.15: unregistered function `custom_fn` passed as `activation=` of `layers.Dense`: "
            "tf.keras ≥ 2.13 saves it to `.h5` as a bare 'function' that no load finds, not even given "
            "custom_objects or registered") in found[0]
