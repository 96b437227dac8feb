"""KL204 and KL205 against real Keras 3: every fixture is saved in one fresh process, loaded in others.

- `fixtures/KL204/bad_*.py` whose message says loading fails: the load (the loader imports the
  fixture, so registration is not the problem) raises TypeError "unexpected keyword argument 'K'",
  where K is the keyword the KL204 message quotes.
- `fixtures/KL204/bad_*.py` whose message says arguments are dropped: the fixture's `GIVEN`
  arguments (name=, dtype=) did not reach the layer at construction, the saved config has the
  defaults, and the model still loads with equal outputs.
- `fixtures/KL205/bad_*.py`: the model loads, but every key the KL205 message lists (name,
  trainable, dtype, reduction) comes back different from the freshly built object's.
- `good_*.py` in both folders: round trip with equal outputs, every fixture object's config after
  loading equals the config written into the `.keras` file, and trainable/dtype/reduction equal
  the freshly built object's; KL204's good fixture also shows its `GIVEN` arguments arriving.

A fixture is saved once per test process (the `saved` fixture of conftest.py), whichever test asks first.
"""

import json
import re
import zipfile
from pathlib import Path

import pytest
from keras_roundtrip import (
    ATOL,
    FIXTURE_FILE,
    INPUT_FILE,
    MODEL_FILE,
    MODULE_NAME,
    OUTPUTS_FILE,
    load_in_fresh_process,
    run_python,
)

from keras_lint import api
from keras_lint.engine.run import lint_path
from keras_lint.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
UNEXPECTED = re.compile(r"__init__\(\) got an unexpected keyword argument '(\w+)'")
MARK = "@@keras_proof_init@@ "

pytestmark = pytest.mark.keras


def fixture_files(code, kind):
    return sorted((FIXTURES / code).glob(f"{kind}_*.py"))


def ids(paths):
    return [f"{path.parent.name}/{path.stem}" for path in paths]


def messages(path, code):
    result = lint_path(str(path), Settings(select=(code,)))
    assert result.errors == []
    return [f.message for f in result.findings]


def says_load_fails(path):
    return any(UNEXPECTED.search(m) for m in messages(path, "KL204"))


KL204_BAD = fixture_files("KL204", "bad")
KL204_LOAD_FAILS = [p for p in KL204_BAD if says_load_fails(p)]
KL204_DROPPED = [p for p in KL204_BAD if not says_load_fails(p)]
KL205_BAD = fixture_files("KL205", "bad")
# A `tf_keras` fixture runs on TensorFlow's Keras 2, not on the Keras 3 this file loads with: its
# round trip is proven in test_keras_proof_legacy_switch.py.
TF_KERAS = [p for p in fixture_files("KL204", "good") if "tf_keras" in p.stem]
GOOD = [p for p in fixture_files("KL204", "good") + fixture_files("KL205", "good") if p not in TF_KERAS]


def test_fixtures_exist():
    assert len(KL204_LOAD_FAILS) >= 4 and len(KL204_DROPPED) >= 1
    assert len(KL205_BAD) >= 4 and len(GOOD) >= 6 and len(TF_KERAS) == 1


# Loads the saved model in a fresh process (after importing the fixture, as a loading script that
# imports the training code would), compares its outputs with the saved model's as
# keras_roundtrip's loader does, then builds the fixture's model anew in the same process, and
# describes every object of a fixture class in both: layers, the model itself, its loss, metrics,
# the layers' kernel and bias constraints.
_INSPECT = r"""
import importlib.util, json, sys
ARGS = json.loads(sys.argv[1])
spec = importlib.util.spec_from_file_location(ARGS["module"], ARGS["fixture"])
module = importlib.util.module_from_spec(spec)
sys.modules[ARGS["module"]] = module
spec.loader.exec_module(module)
import keras

def describe(obj, where):
    policy = getattr(obj, "dtype_policy", None)
    return {
        "where": where,
        "class": type(obj).__name__,
        "name": getattr(obj, "name", None),
        "trainable": getattr(obj, "trainable", None),
        "dtype": policy.name if policy is not None else getattr(obj, "dtype", None),
        "reduction": getattr(obj, "reduction", None),
        "config": json.loads(json.dumps(obj.get_config(), default=str)),
    }

def objects(model):
    found = [(model, "model")]
    layers = list(model._flatten_layers(include_self=False, recursive=True))
    found += [(layer, "layer") for layer in layers]
    found += [(getattr(layer, attr), "constraint") for layer in layers
              for attr in ("kernel_constraint", "bias_constraint") if getattr(layer, attr, None) is not None]
    if getattr(model, "loss", None) is not None:
        found += [(loss, "loss") for loss in keras.tree.flatten(model.loss)]
    compiled = getattr(model, "_compile_metrics", None)
    if compiled is not None:
        found += [(metric, "metric") for metric in keras.tree.flatten(compiled._user_metrics)]
    return [describe(obj, where) for obj, where in found if type(obj).__module__ == ARGS["module"]]

result = {"given": getattr(module, "GIVEN", None)}
try:
    loaded = keras.saving.load_model(ARGS["model"])
    result["loaded"] = objects(loaded)
    import numpy as np
    ys = [keras.ops.convert_to_numpy(y) for y in keras.tree.flatten(loaded(np.load(ARGS["input"])))]
    saved = np.load(ARGS["outputs"])
    expected = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    result["equal"] = len(ys) == len(expected) and all(
        y.shape == e.shape and np.allclose(y, e, atol=ARGS["atol"]) for y, e in zip(ys, expected)
    )
except Exception as exc:
    result["load_error"] = f"{type(exc).__name__}: {exc}"
result["built"] = objects(module.build_model())
print(ARGS["mark"] + json.dumps(result), flush=True)
"""


def inspect_in_fresh_process(workdir):
    workdir = Path(workdir)
    args = dict(
        module=MODULE_NAME,
        fixture=(workdir / FIXTURE_FILE).read_text(),
        model=str(workdir / MODEL_FILE),
        input=str(workdir / INPUT_FILE),
        outputs=str(workdir / OUTPUTS_FILE),
        atol=ATOL,
        mark=MARK,
    )
    proc = run_python(_INSPECT, json.dumps(args), cwd=workdir)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    assert len(lines) == 1, f"inspection died ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(lines[0][len(MARK):])


def saved_configs(workdir, package):
    """The configs the `.keras` file holds for objects registered under `package` (the fixture stem)."""
    with zipfile.ZipFile(Path(workdir) / MODEL_FILE) as archive:
        root = json.loads(archive.read("config.json"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            if str(node.get("registered_name", "")).startswith(package + ">"):
                found.append((node["registered_name"].split(">", 1)[1], node["config"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(root)
    return found


FILE_ONLY_KEYS = ("build_config", "compile_config", "shared_object_id")


def comparable(config):
    """A config as the loaded object reports it: without what only the file holds (build and
    compile configs; the ids the file gives objects serialized more than once)."""
    if isinstance(config, dict):
        return {k: comparable(v) for k, v in config.items() if k not in FILE_ONLY_KEYS}
    if isinstance(config, list):
        return [comparable(v) for v in config]
    return config


@pytest.mark.parametrize("path", KL204_LOAD_FAILS, ids=ids(KL204_LOAD_FAILS))
def test_kl204_load_fails_on_the_keyword_the_message_quotes(path, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=True)
    assert not outcome.ok, "the model loaded although __init__ cannot take what the config holds"
    assert (outcome.stage, outcome.error_type) == ("load", "TypeError"), outcome.error
    raised = UNEXPECTED.search(outcome.error)
    assert raised, outcome.error
    quoted = {UNEXPECTED.search(m).group(1) for m in messages(path, "KL204")}
    assert quoted == {raised.group(1)}, f"message quotes {quoted}, Keras raised {raised.group(0)}"


@pytest.mark.parametrize("path", KL204_DROPPED, ids=ids(KL204_DROPPED))
def test_kl204_arguments_given_at_construction_are_dropped(path, saved):
    workdir = saved(path)
    seen = inspect_in_fresh_process(workdir)
    given = seen["given"]
    assert given, f"{path.name} must declare GIVEN, the arguments build_model passes"
    (built,) = seen["built"]
    assert built["name"] != given["name"], "name= reached the layer"
    assert built["dtype"] != given["dtype"], "dtype= reached the layer"
    for _, config in saved_configs(workdir, path.stem):
        assert config["name"] != given["name"] and json.dumps(given["dtype"]) not in json.dumps(config["dtype"])
    assert "load_error" not in seen, seen["load_error"]
    assert seen["equal"], "loaded, but the outputs differ from the saved model's"


LISTED = re.compile(r"`(name|trainable|dtype|reduction)`")


@pytest.mark.parametrize("path", KL205_BAD, ids=ids(KL205_BAD))
def test_kl205_listed_keys_come_back_reset(path, saved):
    (message,) = messages(path, "KL205")
    keys = set(LISTED.findall(message.split("super().get_config()`:", 1)[1].split("(", 1)[0]))
    assert keys, message
    seen = inspect_in_fresh_process(saved(path))
    assert "load_error" not in seen, seen["load_error"]  # silently: it loads
    assert len(seen["built"]) == len(seen["loaded"]) == 1, seen
    (built,), (loaded,) = seen["built"], seen["loaded"]
    # The fixture sets every listed key away from its default; each comes back as the default.
    for key in keys:
        assert built[key] != loaded[key], f"{key} survived the reload: {built[key]!r}"


@pytest.mark.parametrize("path", GOOD, ids=ids(GOOD))
def test_good_fixture_round_trips_with_equal_outputs_and_config(path, saved):
    workdir = saved(path)
    seen = inspect_in_fresh_process(workdir)
    assert "load_error" not in seen, seen["load_error"]
    assert seen["equal"], "loaded, but the outputs differ from the saved model's"
    on_file = saved_configs(workdir, path.stem)
    assert on_file and len(on_file) == len(seen["loaded"])
    loaded_objects = sorted(seen["loaded"], key=lambda o: o["class"])
    for (class_name, config), loaded in zip(sorted(on_file, key=lambda c: c[0]), loaded_objects):
        assert class_name == loaded["class"]
        assert comparable(loaded["config"]) == comparable(config)
    for built, loaded in zip(seen["built"], seen["loaded"]):
        for key in ("trainable", "dtype", "reduction"):
            assert built[key] == loaded[key], f"{built['class']}.{key}: built {built[key]!r}, loaded {loaded[key]!r}"
    if seen["given"]:
        (built,) = seen["built"]
        assert built["name"] == seen["given"]["name"] and built["dtype"] == seen["given"]["dtype"]


# -- tf_keras: a Loss that takes nothing (recall triage; BASE_CONFIG_KEYS[(2, "loss")]) -------------

TF_KERAS_LOSS = '''
import tf_keras


class MyLoss(tf_keras.losses.Loss):
    def __init__(self):
        super().__init__()

    def call(self, y_true, y_pred):
        return tf_keras.backend.mean((y_true - y_pred) ** 2)
'''
_TF_KERAS_SAVE = r"""
import sys, numpy as np
sys.path.insert(0, ".")
import tf_keras, losses
model = tf_keras.Sequential([tf_keras.Input((4,)), tf_keras.layers.Dense(2)])
model.compile(optimizer="sgd", loss=losses.MyLoss())
model.save("m.h5")
np.save("y.npy", model(np.ones((2, 4), "float32")).numpy())
"""
_TF_KERAS_LOAD = r"""
import sys, numpy as np
sys.path.insert(0, ".")
import tf_keras, losses
try:
    model = tf_keras.models.load_model("m.h5", custom_objects={"MyLoss": losses.MyLoss})
except Exception as exc:
    print("ERROR", type(exc).__name__, exc)
else:
    print("EQUAL", bool(np.allclose(model(np.ones((2, 4), "float32")).numpy(), np.load("y.npy"))))
"""


@pytest.mark.parametrize("fixed", [False, True], ids=["as-written", "fixed"])
def test_kl204_tf_keras_loss_without_kwargs_fails_to_load_and_the_fix_round_trips(fixed, tmp_path):
    from keras_roundtrip import tf_keras_env

    source = TF_KERAS_LOSS
    (tmp_path / "losses.py").write_text(source)
    lint = lint_path(str(tmp_path / "losses.py"), Settings(select=("KL204",)))
    assert [UNEXPECTED.search(f.message).group(1) for f in lint.findings] == ["reduction"]
    if fixed:
        source = api.fix_text(source, str(tmp_path / "losses.py"), Settings(select=("KL204",))).fixed_text
        assert "def __init__(self, **kwargs):\n        super().__init__(**kwargs)" in source, source
        (tmp_path / "losses.py").write_text(source)
    env = tf_keras_env()
    saved = run_python(_TF_KERAS_SAVE, cwd=tmp_path, env=env)
    assert saved.returncode == 0, saved.stderr[-3000:]
    loaded = run_python(_TF_KERAS_LOAD, cwd=tmp_path, env=env)
    if fixed:
        assert "EQUAL True" in loaded.stdout, loaded.stdout + loaded.stderr[-3000:]
    else:
        assert "ERROR TypeError MyLoss.__init__() got an unexpected keyword argument 'reduction'" in loaded.stdout, (
            loaded.stdout + loaded.stderr[-3000:])
