"""KL202 and an `__init__` argument whose default is an object (versioned fact auto_config_records_defaults;
keras_api.TF_INITIALIZER_MAKERS), against real Keras, each save in a fresh process:
- Keras 3.15 (this environment) records defaults: a layer whose `gamma_initializer` defaults to
  `tf.zeros_initializer()` -- TensorFlow's own initializer, no Keras object -- cannot be saved even when
  nobody passes it, and KL202 says so;
- tf_keras 2.21 (this environment) records the arguments passed only: the same layer left at its default
  saves and reloads, and KL202 is silent; passed `tf.zeros_initializer()` at a call site, the save raises,
  and KL202 names that call site.
"""

import os
import subprocess
import sys

from conftest import BIN

LAYER = '''import numpy as np
import tensorflow as tf
{keras_import}


class ChannelAttention(keras.layers.Layer):
    def __init__(self, gamma_initializer=tf.zeros_initializer(), **kwargs):
        super().__init__(**kwargs)
        self.gamma_initializer = gamma_initializer

    def build(self, input_shape):
        self.gamma = self.add_weight(name="gamma", shape=(1,), initializer=self.gamma_initializer)

    def call(self, inputs):
        return inputs * (1.0 + self.gamma)


def build():
    inputs = keras.Input((4,))
    return keras.Model(inputs, {made}(inputs))


if __name__ == "__main__":
    build().save("model.h5")
    loaded = keras.models.load_model("model.h5", custom_objects={{"ChannelAttention": ChannelAttention}})
    print("ROUND TRIP", np.allclose(loaded.predict(np.ones((1, 4)), verbose=0), 1.0))
'''

QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "KERAS_BACKEND": "tensorflow"}


def write(tmp_path, declared: str, keras_import: str, made: str = "ChannelAttention()"):
    (tmp_path / "requirements.txt").write_text(declared + "\n")
    (tmp_path / "model.py").write_text(LAYER.format(keras_import=keras_import, made=made))
    return tmp_path


def kl202(folder) -> list:
    done = subprocess.run([os.path.join(BIN, "keras-lint"), "-j", "1", "--no-cache", "--select", "KL202", "."],
                          cwd=folder, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return [line for line in done.stdout.splitlines() if ": KL202 " in line]


def run(folder) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "TF_USE_LEGACY_KERAS")}
    return subprocess.run([sys.executable, "model.py"], cwd=folder, capture_output=True, text=True,
                          env={**env, **QUIET}, timeout=600, stdin=subprocess.DEVNULL)


def test_keras_3_refuses_a_tensorflow_initializer_default_nobody_passes(tmp_path):
    folder = write(tmp_path, "keras>=3.12", "import keras")
    found = kl202(folder)
    assert len(found) == 1 and "`gamma_initializer` (defaults to `tf.zeros_initializer()`)" in found[0], found
    done = run(folder)
    assert "ROUND TRIP" not in done.stdout
    assert "NotImplementedError" in done.stderr and "non-serializable argument values" in done.stderr, done.stderr[-2000:]


def test_tf_keras_saves_it_left_at_its_default(tmp_path):
    folder = write(tmp_path, "tf-keras", "import tf_keras as keras")
    assert kl202(folder) == []
    done = run(folder)
    assert "ROUND TRIP True" in done.stdout, done.stderr[-2000:]


def test_tf_keras_refuses_it_passed_at_a_call_site(tmp_path):
    folder = write(tmp_path, "tf-keras", "import tf_keras as keras",
                   made="ChannelAttention(gamma_initializer=tf.zeros_initializer())")
    found = kl202(folder)
    assert len(found) == 1 and "`gamma_initializer` (given an object at model.py:20)" in found[0], found
    done = run(folder)
    assert "ROUND TRIP" not in done.stdout
    assert "NotImplementedError" in done.stderr and "non-serializable argument values" in done.stderr, done.stderr[-2000:]


def test_keras_3_11_records_only_what_is_passed_so_a_project_declaring_it_is_told_nothing(tmp_path):
    """The save itself is proven on Keras 3.6 by tests/version_probes/auto_config_records_defaults.py."""
    assert kl202(write(tmp_path, "keras==3.11.*", "import keras")) == []
    (tmp_path / "requirements.txt").write_text("keras>=3.0\n")
    found = kl202(tmp_path)
    assert len(found) == 1 and ": KL202 on Keras 3.12–3.15: " in found[0], found
