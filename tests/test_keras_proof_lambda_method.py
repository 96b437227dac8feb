"""`Lambda(self.method)` (KL102, keras-team/keras#13992), proven in real Keras: a bound method is no
plain function. Keras 2 saves it by its name only (`"function_type": "function"`), not as bytecode
as it saves a def, so a load in a fresh process fails with the thread's error, `AttributeError:
'NoneType' object has no attribute 'get'` (`.h5`), or `TypeError: unsupported callable` (a `.keras`
zip, tf.keras >= 2.13 and tf_keras), unless custom_objects maps the method's name to a function.
Keras 3 saves it as a `method` no load rebuilds. And what KL102 says about it, per declared Keras.
"""

import json
import os
import subprocess
import sys

import pytest
from conftest import lint_new_project
from keras_envs import env_python
from keras_roundtrip import tf_keras_env

PROJECT = '''\
{imports}


class ModelArchitecture:
    def custom_layer(self, x):
        return x * 2.0

    def gen(self):
        inputs = keras.Input(shape=(4,))
        return keras.Model(inputs, keras.layers.Lambda(self.custom_layer)(inputs))


if __name__ == "__main__":
    ModelArchitecture().gen().save("model.h5")
'''
TF_KERAS = "import tensorflow as tf\n\nkeras = tf.keras"
KERAS = "import keras"

_SAVE = r"""
import json, sys
import numpy as np
sys.path.insert(0, ".")
import arch
model = arch.ModelArchitecture().gen()
for path in sys.argv[1:]:
    model.save(path)
print("SAVED " + arch.keras.layers.Layer.__module__)
"""
_LOAD = r"""
import json, sys
import numpy as np
sys.path.insert(0, ".")
import arch
x = np.arange(8, dtype="float32").reshape(2, 4)
def custom_layer(t):
    return t * 2.0
result = {}
for path in sys.argv[1:]:
    for label, kwargs in (("default", {}), ("custom_objects", {"custom_objects": {"custom_layer": custom_layer}})):
        try:
            loaded = arch.keras.models.load_model(path, **kwargs)
            result[f"{path} {label}"] = bool(np.allclose(np.asarray(loaded.predict(x)), x * 2.0))
        except Exception as exc:
            result[f"{path} {label}"] = f"{type(exc).__name__}: {exc}"
print("RESULT " + json.dumps(result))
"""

NONE_GET = "AttributeError: 'NoneType' object has no attribute 'get'"
# name -> (keras_envs environment or None for this one, legacy switch, imports, Layer module, files, expected)
CASES = {
    "tf210": ("tf210", False, TF_KERAS, "keras.engine.", ["model.h5"],
              {"model.h5 default": NONE_GET, "model.h5 custom_objects": True}),
    "tf215": ("tf215", False, TF_KERAS, "keras.src.engine.", ["model.h5", "model.keras"],
              {"model.h5 default": NONE_GET, "model.h5 custom_objects": True,
               "model.keras default": "TypeError: unsupported callable", "model.keras custom_objects": True}),
    "tf_keras": (None, True, TF_KERAS, "tf_keras.src.", ["model.h5", "model.keras"],
                 {"model.h5 default": NONE_GET, "model.h5 custom_objects": True,
                  "model.keras default": "TypeError: unsupported callable", "model.keras custom_objects": True}),
    "kmb23": ("kmb23", False, KERAS, "keras.engine.", ["model.h5"],
              {"model.h5 default": NONE_GET, "model.h5 custom_objects": True}),
    "keras3": (None, False, KERAS, "keras.src.", ["model.h5", "model.keras"],
               {"model.h5 default": "TypeError: Expected 'config' to be a dict for method",
                "model.h5 custom_objects": "TypeError: Expected 'config' to be a dict for method",
                "model.keras default": "could not be deserialized properly",
                "model.keras custom_objects": "could not be deserialized properly"}),
}


def _run(python, env, code, *argv, cwd):
    done = subprocess.run([python, "-c", code, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bound_method_in_a_lambda_fails_to_load(name, tmp_path, pytestconfig):
    env_name, switch, imports, module, paths, expected = CASES[name]
    base = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "PYTHONPATH")}
    env = {**base, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "KERAS_BACKEND": "tensorflow"}
    if switch:
        env.update(tf_keras_env())
    python = str(env_python(env_name, pytestconfig)) if env_name else sys.executable
    (tmp_path / "arch.py").write_text(PROJECT.format(imports=imports))
    assert f"SAVED {module}" in _run(python, env, _SAVE, *paths, cwd=tmp_path)
    result = json.loads(_run(python, env, _LOAD, *paths, cwd=tmp_path).split("RESULT ", 1)[1])
    assert sorted(result) == sorted(expected)
    for key, wanted in expected.items():
        if wanted is True:
            assert result[key] is True, (key, result[key])
        else:
            assert isinstance(result[key], str) and wanted in result[key], (key, result[key])


# -- what KL102 says, per declared Keras --------------------------------------------------------------


def lint(tmp_path, monkeypatch, capsys, code, requirement):
    files = {"arch.py": code, "requirements.txt": requirement + "\n"}
    return lint_new_project(tmp_path, monkeypatch, capsys, files, "KL102")


def test_tensorflow_2_10_is_told_the_method_is_saved_by_name(tmp_path, monkeypatch, capsys):
    found = lint(tmp_path, monkeypatch, capsys, PROJECT.format(imports=TF_KERAS), "tensorflow==2.10.*")
    assert found == [
        "arch.py:12:36: KL102 Lambda layer wraps the bound method `self.custom_layer`: Keras 2 saves a method by its "
        "name only, not as bytecode, and a load fails unless custom_objects maps `custom_layer` to a function "
        "(`.h5`: \"AttributeError: 'NoneType' object has no attribute 'get'\"); call it from a Layer subclass"
    ]
    assert "bytecode, as it saves a lambda" not in found[0]


def test_tensorflow_2_15_is_also_told_what_a_keras_file_does(tmp_path, monkeypatch, capsys):
    found = lint(tmp_path, monkeypatch, capsys, PROJECT.format(imports=TF_KERAS), "tensorflow==2.15.*")
    assert len(found) == 1
    assert ("(`.h5`: \"AttributeError: 'NoneType' object has no attribute 'get'\"; a `.keras` file: \"TypeError: "
            "unsupported callable\", safe_mode=False does not help)") in found[0]


def test_keras3_is_told_no_load_rebuilds_it(tmp_path, monkeypatch, capsys):
    found = lint(tmp_path, monkeypatch, capsys, PROJECT.format(imports=KERAS), "keras>=3")
    assert len(found) == 1
    assert "Keras saves it as a `method` that no load rebuilds, custom_objects and safe_mode=False included" in found[0]
    assert "Could not locate function" not in found[0]


def test_a_staticmethod_is_a_function_saved_as_bytecode(tmp_path, monkeypatch, capsys):
    code = PROJECT.format(imports=TF_KERAS).replace("    def custom_layer(self, x):", "    @staticmethod\n    def custom_layer(x):")
    found = lint(tmp_path, monkeypatch, capsys, code, "tensorflow==2.10.*")
    assert len(found) == 1 and "the function `self.custom_layer`: Keras 2 saves it as Python bytecode" in found[0]
