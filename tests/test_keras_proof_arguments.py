"""Real-Keras proofs for what call sites show about constructor arguments (issue 19).

- KL202 `bad_model_takes_generator.py` (a GAN-style `PairModel(generator, discriminator)`):
  Keras 3 `model.save` raises NotImplementedError; the fix keras-lint applies (safe fixes only)
  serializes both models and rebuilds them in `from_config`: the fixed model saves, loads in a
  fresh process without custom_objects, gives the same outputs and weights, and its `generator`
  and `discriminator` are models again (Keras 3 and tf_keras). The fix keras-lint used to call
  safe (`"generator": self.generator`) saves too, but loads a plain dict in the model's place.
- KL202 `bad_layer_initializer_at_call_site.py`: a Layer whose initializer argument is only handed
  on to `add_weight`; built with `keras.initializers.Constant(2.0)` saving raises
  NotImplementedError in Keras 3 and tf_keras; the near miss (built with "ones") round-trips.
- KL203 `bad_subclass_adds_required_argument.py`: a subclass adds a required argument its
  project parent's get_config does not carry: loading fails (missing 1 required positional
  argument). `bad_config_property_leaves_out_argument.py`: a `{**self.config}` get_config whose
  subclass's `config` property leaves out its argument: it loads as its default (other outputs).
  Keras 3 and tf_keras; the near misses round-trip, and so do the fixed files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from keras_roundtrip import load_in_fresh_process, run_python, save_in_fresh_process, tf_keras_env

FIXTURES = Path(FIXTURES)
GAN = FIXTURES / "KL202" / "bad_model_takes_generator.py"
WINDOW_BAD = FIXTURES / "KL202" / "bad_layer_initializer_at_call_site.py"
WINDOW_GOOD = FIXTURES / "KL202" / "good_layer_initializer_name_at_call_site.py"

# Build, save, load in a fresh process (the module imported first: it registers its classes, as
# the loading script importing the training code does; no custom_objects), compare outputs and
# weights, and name the type of each attribute in ARGS["attrs"] after loading.
_ROUND_TRIP = r"""
import importlib.util, json, sys
import numpy as np
mode, fixture, keras_name, model_file = sys.argv[1:5]
attrs = sys.argv[5:]
spec = importlib.util.spec_from_file_location("keras_lint_fixture", fixture)
module = importlib.util.module_from_spec(spec)
sys.modules["keras_lint_fixture"] = module
result = {}
try:
    spec.loader.exec_module(module)
    keras = importlib.import_module(keras_name)
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    if mode == "save":
        model = module.build_model()
        y = np.asarray(model(x))
        model.save(model_file)
        np.save("x.npy", x)
        np.save("y.npy", y)
        np.savez("w.npz", *[np.asarray(w) for w in model.get_weights()])
    else:
        model = keras.models.load_model(model_file)
        def attribute(path):  # "generator" on the model, or "window.initializer" on its layer "window"
            owner, _, name = path.rpartition(".")
            return getattr(model.get_layer(owner) if owner else model, name)
        result["types"] = {
            a: ("model" if isinstance(attribute(a), keras.Model)
                else "layer" if isinstance(attribute(a), keras.layers.Layer)
                else type(attribute(a)).__name__)
            for a in attrs
        }
        y = np.asarray(model(np.load("x.npy")))
        result["equal"] = bool(np.allclose(y, np.load("y.npy"), atol=1e-5))
        saved = np.load("w.npz")
        weights = [np.asarray(w) for w in model.get_weights()]
        result["same_weights"] = len(weights) == len(saved.files) and all(
            np.allclose(w, saved[f"arr_{i}"]) for i, w in enumerate(weights)
        )
    result["ok"] = True
except Exception as exc:
    result["ok"] = False
    result["error"] = f"{type(exc).__name__}: {exc}"
print("RESULT " + json.dumps(result))
"""


def round_trip(step, fixture, workdir, attrs=(), keras_name="keras", model_file="model.keras", env=None):
    done = run_python(_ROUND_TRIP, step, str(fixture), keras_name, model_file, *attrs, cwd=workdir, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no result:\n{done.stdout}\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT "):])


def fixed_copy(fixture, workdir, *replace, code="KL202"):
    """The fixture as `keras-lint --fix` leaves it (safe fixes only), written into workdir."""
    target = workdir / fixture.name
    text = fixture.read_text()
    for old, new in replace:
        text = text.replace(old, new)
    target.write_text(text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "keras_lint", "--no-cache", "--select", code, "--fix", str(target)],
        capture_output=True, text=True, env=env, cwd=workdir,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def test_gan_style_model_without_get_config_fails_to_save(tmp_path):
    saved = save_in_fresh_process(GAN, tmp_path)
    assert not saved.ok and saved.stage == "save", saved
    assert saved.error_type == "NotImplementedError", saved.error
    assert "Object PairModel was created by passing non-serializable argument values" in " ".join(saved.error.split())


def test_gan_style_model_fixed_round_trips_with_its_models(tmp_path):
    fixed = fixed_copy(GAN, tmp_path)
    text = fixed.read_text()
    assert '"generator": keras.layers.serialize(self.generator)' in text
    assert 'config["generator"] = keras.layers.deserialize(config["generator"])' in text
    assert round_trip("save", fixed, tmp_path)["ok"]
    loaded = round_trip("load", fixed, tmp_path, ("generator", "discriminator"))
    assert loaded == {
        "ok": True, "equal": True, "same_weights": True,
        "types": {"generator": "model", "discriminator": "model"},
    }, loaded


def test_gan_style_model_fixed_round_trips_with_its_models_in_tf_keras(tmp_path):
    fixed = fixed_copy(GAN, tmp_path, ("import keras\n", "import tf_keras as keras\n"))
    assert "keras.layers.serialize(self.generator)" in fixed.read_text()
    env = tf_keras_env()
    for model_file in ("model.keras",):  # tf_keras saves no subclassed model to .h5 at all
        saved = round_trip("save", fixed, tmp_path, (), "tf_keras", model_file, env)
        assert saved["ok"], saved
        loaded = round_trip("load", fixed, tmp_path, ("generator", "discriminator"), "tf_keras", model_file, env)
        assert loaded == {
            "ok": True, "equal": True, "same_weights": True,
            "types": {"generator": "model", "discriminator": "model"},
        }, (model_file, loaded)


def test_the_fix_once_called_safe_loads_a_dict_in_place_of_the_model(tmp_path):
    """What `"generator": self.generator` (the former "safe" fix) does: saves, loads, no error, and
    the attributes are dicts (a model that only holds them, as a GAN's train_step uses them, loads
without error); calling them fails. keras-lint must never write it for a model."""
    corrupt = tmp_path / "corrupt.py"
    corrupt.write_text(GAN.read_text().replace(
        "        self.discriminator = discriminator\n",
        "        self.discriminator = discriminator\n\n"
        "    def get_config(self):\n"
        '        return {**super().get_config(), "generator": self.generator, "discriminator": self.discriminator}\n',
    ))
    assert round_trip("save", corrupt, tmp_path)["ok"]
    loaded = round_trip("load", corrupt, tmp_path, ("generator", "discriminator"))
    assert loaded["types"] == {"generator": "TrackedDict", "discriminator": "TrackedDict"}, loaded
    assert not loaded["ok"] and "'TrackedDict' object is not callable" in loaded["error"], loaded


def test_initializer_instance_at_the_call_site_fails_to_save(tmp_path):
    saved = save_in_fresh_process(WINDOW_BAD, tmp_path)
    assert not saved.ok and saved.stage == "save", saved
    assert saved.error_type == "NotImplementedError", saved.error
    assert "Object Window was created by passing non-serializable argument values" in " ".join(saved.error.split())


def test_initializer_instance_at_the_call_site_fails_to_save_in_tf_keras(tmp_path):
    copy = tmp_path / "window.py"
    copy.write_text(WINDOW_BAD.read_text().replace("import keras\n", "import tf_keras as keras\n"))
    saved = round_trip("save", copy, tmp_path, (), "tf_keras", "model.keras", tf_keras_env())
    assert not saved["ok"], saved
    assert saved["error"].startswith("NotImplementedError:"), saved
    assert "Layer Window was created by passing non-serializable argument values" in " ".join(saved["error"].split())


def test_initializer_name_at_the_call_site_round_trips(tmp_path):
    saved = save_in_fresh_process(WINDOW_GOOD, tmp_path)
    assert saved.ok, saved.error
    loaded = load_in_fresh_process(tmp_path, import_fixture=True)
    assert loaded.ok and loaded.equal, loaded


def test_initializer_instance_at_the_call_site_fixed_round_trips(tmp_path):
    """The safe fix serializes the initializer with keras.initializers.serialize and rebuilds it
    with keras.initializers.deserialize in a generated from_config: the model saves, loads in a
    fresh process without custom_objects, with the same outputs and weights, and the loaded layer's
    `initializer` is a `Constant` again (Keras 3 .keras; tf_keras .keras and .h5)."""
    fixed = fixed_copy(WINDOW_BAD, tmp_path)
    text = fixed.read_text()
    assert '"initializer": keras.initializers.serialize(self.initializer)' in text
    assert 'config["initializer"] = keras.initializers.deserialize(config["initializer"])' in text
    want = {"ok": True, "equal": True, "same_weights": True, "types": {"window.initializer": "Constant"}}
    assert round_trip("save", fixed, tmp_path)["ok"]
    loaded = round_trip("load", fixed, tmp_path, ("window.initializer",))
    assert loaded == want, loaded
    copy, env = tf_keras_copy(fixed, tmp_path), tf_keras_env()
    for model_file in ("model.keras", "model.h5"):
        saved = round_trip("save", copy, tmp_path, (), "tf_keras", model_file, env)
        assert saved["ok"], (model_file, saved)
        loaded = round_trip("load", copy, tmp_path, ("window.initializer",), "tf_keras", model_file, env)
        assert loaded == want, (model_file, loaded)


def test_regularizer_and_constraint_at_the_call_site_fixed_round_trip(tmp_path):
    """The same fix for a regularizer and a constraint (and None given to one of them at a second
    call site): keras.regularizers / keras.constraints serialize and deserialize round-trip."""
    source = tmp_path / "held.py"
    source.write_text(
        "import keras\n\n\n"
        "@keras.saving.register_keras_serializable(package='held')\n"
        "class Held(keras.layers.Layer):\n"
        "    def __init__(self, units, regularizer=None, constraint=None, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        "        self.units = units\n"
        "        self.regularizer = regularizer\n"
        "        self.constraint = constraint\n\n"
        "    def build(self, input_shape):\n"
        "        self.w = self.add_weight(name='w', shape=(input_shape[-1], self.units),\n"
        "                                 regularizer=self.regularizer, constraint=self.constraint)\n\n"
        "    def call(self, x):\n"
        "        return x @ self.w\n\n\n"
        "def build_model():\n"
        "    inputs = keras.Input((4,))\n"
        "    hidden = Held(3, keras.regularizers.L2(0.1), keras.constraints.MaxNorm(2.0), name='held')(inputs)\n"
        "    return keras.Model(inputs, Held(2, constraint=keras.constraints.NonNeg(), name='last')(hidden))\n"
    )
    fixed = fixed_copy(source, tmp_path)
    text = fixed.read_text()
    assert '"regularizer": keras.regularizers.serialize(self.regularizer)' in text, text
    assert 'config["constraint"] = keras.constraints.deserialize(config["constraint"])' in text, text
    attrs = ("held.regularizer", "held.constraint", "last.regularizer", "last.constraint")
    want = {
        "ok": True, "equal": True, "same_weights": True,
        "types": dict(zip(attrs, ("L2", "MaxNorm", "NoneType", "NonNeg"))),
    }
    assert round_trip("save", fixed, tmp_path)["ok"]
    loaded = round_trip("load", fixed, tmp_path, attrs)
    assert loaded == want, loaded
    copy, env = tf_keras_copy(fixed, tmp_path), tf_keras_env()
    for model_file in ("model.keras", "model.h5"):
        assert round_trip("save", copy, tmp_path, (), "tf_keras", model_file, env)["ok"], model_file
        loaded = round_trip("load", copy, tmp_path, attrs, "tf_keras", model_file, env)
        assert loaded == want, (model_file, loaded)


# -- KL203: a subclass's argument the inherited get_config (or the config property it spreads) leaves out

SUBCLASS_BAD = FIXTURES / "KL203" / "bad_subclass_adds_required_argument.py"
SUBCLASS_GOOD = FIXTURES / "KL203" / "good_subclass_carries_added_argument.py"
PROPERTY_BAD = FIXTURES / "KL203" / "bad_config_property_leaves_out_argument.py"
PROPERTY_GOOD = FIXTURES / "KL203" / "good_config_property_carries_argument.py"


def tf_keras_copy(fixture, workdir):
    copy = workdir / f"tf_{fixture.name}"
    copy.write_text(fixture.read_text().replace("import keras\n", "import tf_keras as keras\n"))
    return copy


def test_subclass_adding_a_required_argument_fails_to_load(tmp_path):
    saved = save_in_fresh_process(SUBCLASS_BAD, tmp_path)
    assert saved.ok, saved.error
    loaded = load_in_fresh_process(tmp_path, import_fixture=True)
    assert not loaded.ok and loaded.stage == "load", loaded
    assert "missing 1 required positional argument: 'scale'" in loaded.error, loaded.error


def test_subclass_adding_a_required_argument_fails_to_load_in_tf_keras(tmp_path):
    copy, env = tf_keras_copy(SUBCLASS_BAD, tmp_path), tf_keras_env()
    assert round_trip("save", copy, tmp_path, (), "tf_keras", "model.keras", env)["ok"]
    loaded = round_trip("load", copy, tmp_path, (), "tf_keras", "model.keras", env)
    assert not loaded["ok"] and "missing 1 required positional argument: 'scale'" in loaded["error"], loaded


def test_config_property_leaving_out_an_argument_loads_its_default(tmp_path):
    saved = save_in_fresh_process(PROPERTY_BAD, tmp_path)
    assert saved.ok, saved.error
    loaded = load_in_fresh_process(tmp_path, import_fixture=True)
    assert loaded.ok and loaded.equal is False, loaded  # k=5 came back as k=3


def test_config_property_leaving_out_an_argument_loads_its_default_in_tf_keras(tmp_path):
    copy, env = tf_keras_copy(PROPERTY_BAD, tmp_path), tf_keras_env()
    assert round_trip("save", copy, tmp_path, (), "tf_keras", "model.keras", env)["ok"]
    loaded = round_trip("load", copy, tmp_path, (), "tf_keras", "model.keras", env)
    assert loaded["ok"] and loaded["equal"] is False, loaded


@pytest.mark.parametrize("fixture", [SUBCLASS_GOOD, PROPERTY_GOOD], ids=["subclass", "property"])
def test_near_misses_round_trip(fixture, tmp_path):
    saved = save_in_fresh_process(fixture, tmp_path)
    assert saved.ok, saved.error
    loaded = load_in_fresh_process(tmp_path, import_fixture=True)
    assert loaded.ok and loaded.equal, loaded


@pytest.mark.parametrize(
    "fixture, written",
    [
        (SUBCLASS_BAD, "def get_config(self):\n        return {**super().get_config(), \"scale\": self.scale}"),
        (PROPERTY_BAD, 'def config(self):\n        return {"units": self.units, "k": self.k}'),
    ],
    ids=["subclass", "property"],
)
def test_fixed_subclasses_round_trip(fixture, written, tmp_path):
    """The safe fix round-trips with equal outputs and weights, Keras 3 and tf_keras: a get_config of
    the subclass's own (the call sites pass plain values), or, where the inherited get_config spreads
    the subclass's own `config` property, the argument added to that property."""
    fixed = fixed_copy(fixture, tmp_path, code="KL203")
    assert written in fixed.read_text(), fixed.read_text()
    assert round_trip("save", fixed, tmp_path)["ok"]
    loaded = round_trip("load", fixed, tmp_path)
    assert loaded == {"ok": True, "equal": True, "same_weights": True, "types": {}}, loaded
    copy, env = tf_keras_copy(fixed, tmp_path), tf_keras_env()
    assert round_trip("save", copy, tmp_path, (), "tf_keras", "model.keras", env)["ok"]
    loaded = round_trip("load", copy, tmp_path, (), "tf_keras", "model.keras", env)
    assert loaded == {"ok": True, "equal": True, "same_weights": True, "types": {}}, loaded
