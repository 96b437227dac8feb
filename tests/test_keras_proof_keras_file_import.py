"""An unregistered class saved in a `.keras` file, loaded by a script that never imports its module,
against real Keras, each script in a fresh process (keras_api fact keras_file_imports_unregistered_class;
KL201 and KL401 read it at every point of a declared range):
- Keras 3.6 (tests/keras_envs.py keras36) imports the module the file names and loads the model, so a
  project declaring keras==3.6.* gets neither finding;
- Keras 3.15 (this environment) refuses ("Could not locate class"): a project declaring keras>=3.9
  gets both, and one declaring keras>=3.0 gets both for 3.9 on only;
- tf_keras 2.21 (this environment) loads it as a string ("'str' object is not callable"): a project
  declaring tf-keras gets KL401 (keras-lint used to leave every Keras 2 `.keras` load alone).
The project: layers.py defines Scale (get_config, no registration), train.py imports it, builds and
saves model.keras, predict.py loads model.keras and nothing else.
"""

import os
import subprocess
import sys

import pytest
from conftest import BIN
from keras_envs import env_python

LAYERS = '''{keras_import}


class Scale(keras.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config
'''

TRAIN = '''import numpy as np
{keras_import}

from layers import Scale

inputs = keras.Input((2,))
model = keras.Model(inputs, Scale(3.0)(inputs))
model.save("{saved}")
np.save("expected.npy", model.predict(np.ones((1, 2), "float32"), verbose=0))
'''

PREDICT = '''import numpy as np
{keras_import}

model = keras.models.load_model("{saved}")
same = np.allclose(model.predict(np.ones((1, 2), "float32"), verbose=0), np.load("expected.npy"))
print("LOADED", type(model.layers[-1]).__module__, same)
'''

QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "KERAS_BACKEND": "tensorflow"}


def project(tmp_path, declared: str, keras_import: str = "import keras", saved: str = "model.keras"):
    (tmp_path / "requirements.txt").write_text(declared + "\n")
    for name, text in (("layers.py", LAYERS), ("train.py", TRAIN), ("predict.py", PREDICT)):
        (tmp_path / name).write_text(text.format(keras_import=keras_import, saved=saved))
    return tmp_path


def lint(folder) -> list:
    done = subprocess.run([os.path.join(BIN, "keras-lint"), "-j", "1", "--no-cache", "--select", "KL201,KL401", "."],
                          cwd=folder, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return [line for line in done.stdout.splitlines() if " KL" in line and ": KL" in line]


def run(python, folder, script: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "TF_USE_LEGACY_KERAS")}
    return subprocess.run([str(python), script], cwd=folder, capture_output=True, text=True,
                          env={**env, **QUIET}, timeout=600, stdin=subprocess.DEVNULL)


def test_keras_3_6_loads_it_and_a_project_declaring_it_gets_no_finding(tmp_path, pytestconfig):
    folder = project(tmp_path, "keras==3.6.*")
    assert lint(folder) == []
    python = env_python("keras36", pytestconfig)
    saved = run(python, folder, "train.py")
    assert saved.returncode == 0, saved.stderr[-3000:]
    loaded = run(python, folder, "predict.py")
    assert "LOADED layers True" in loaded.stdout, loaded.stderr[-3000:]


def test_keras_3_6_does_not_load_it_from_h5_and_the_findings_stay(tmp_path, pytestconfig):
    folder = project(tmp_path, "keras==3.6.*", saved="model.h5")
    found = lint(folder)
    assert sorted(line.split(" ")[1] for line in found) == ["KL201", "KL401"], found
    python = env_python("keras36", pytestconfig)
    assert run(python, folder, "train.py").returncode == 0
    loaded = run(python, folder, "predict.py")
    assert "LOADED" not in loaded.stdout and "Unknown layer" in loaded.stderr, loaded.stderr[-3000:]


def test_keras_3_15_refuses_it_and_a_range_reaching_3_9_is_told_where(tmp_path):
    folder = project(tmp_path, "keras>=3.9")
    assert sorted(line.split(" ")[1] for line in lint(folder)) == ["KL201", "KL401"]
    (folder / "requirements.txt").write_text("keras>=3.0\n")
    found = lint(folder)
    assert sorted(line.split(" ")[1] for line in found) == ["KL201", "KL401"]
    assert all(" on Keras 3.9" in line for line in found), found
    assert run(sys.executable, folder, "train.py").returncode == 0
    loaded = run(sys.executable, folder, "predict.py")
    assert "LOADED" not in loaded.stdout and "Could not locate class 'Scale'" in loaded.stderr, loaded.stderr[-3000:]


def test_a_class_defined_in_the_saving_script_is_reported_on_keras_3_6(tmp_path):
    """Saved from the script that defines it, the class is `__main__.Scale`: no loader can import that."""
    folder = project(tmp_path, "keras==3.6.*")
    (folder / "train.py").write_text(
        (folder / "train.py").read_text().replace("from layers import Scale\n", (folder / "layers.py").read_text())
    )
    (folder / "layers.py").unlink()
    assert sorted(line.split(" ")[1] for line in lint(folder)) == ["KL201", "KL401"]


def test_tf_keras_loads_it_as_a_string_and_kl401_says_so(tmp_path):
    folder = project(tmp_path, "tf-keras==2.21.*", keras_import="import tf_keras as keras")
    found = lint(folder)
    assert any(line.startswith("predict.py:4:") and " KL401 " in line and "`Scale`" in line for line in found), found
    assert run(sys.executable, folder, "train.py").returncode == 0
    loaded = run(sys.executable, folder, "predict.py")
    assert "LOADED" not in loaded.stdout and "'str' object is not callable" in loaded.stderr, loaded.stderr[-3000:]


@pytest.mark.parametrize("declared", ["keras==3.6.*", "keras>=3.9"])
def test_the_near_miss_a_registered_class_the_loader_imports_is_never_reported(tmp_path, declared):
    folder = project(tmp_path, declared)
    text = (folder / "layers.py").read_text()
    (folder / "layers.py").write_text(text.replace(
        "class Scale(", '@keras.saving.register_keras_serializable(package="proof")\nclass Scale('))
    text = (folder / "predict.py").read_text()
    (folder / "predict.py").write_text(text.replace("import keras\n", "import keras\n\nimport layers  # noqa: F401\n"))
    assert lint(folder) == []
    assert run(sys.executable, folder, "train.py").returncode == 0
    assert "LOADED layers True" in run(sys.executable, folder, "predict.py").stdout
