"""KL206 and KL207 against real Keras: every claim their messages make is measured here.

KL206 (nested object not serialized):
- `fixtures/KL206/bad_*.py` are saved as `.keras` and `.h5` in one fresh process; another that
  imports the fixture (so the classes are registered) fails to load the `.keras` file with Keras
  3's "could not be deserialized properly" ('TrackedDict' object is not callable), unless the
  fixture declares another failure its message claims (`# proof: ...`: a top-level subclassed
  model that fails when called; an `.h5` file that cannot be loaded while `.keras` round-trips).
- `fixtures/KL206/good_*.py` round-trip through `.keras` and `.h5` with equal outputs and an equal
  serialized model config.

KL207 (add_weight without name=):
- Keras 3 (`bad_two_unnamed_weights.py`): saved as `.h5` and as `.keras`, it loads with equal
  outputs; the unnamed weights are called `variable`, `variable_1`, ... and a second model built
  in the same process gets the next numbers (a process-wide counter).
- tf_keras (`bad_tf_keras_unnamed_weights.py`): `.h5` saving fails with "name already exists"
  and SavedModel saving with "'NoneType' object has no attribute 'replace'"; the named version
  (`good_tf_keras_named_weights.py`) saves both ways and loads with equal outputs. tf_keras is not
  a test extra (its wheel requires the full `tensorflow` package, which cannot sit beside
  `tensorflow-cpu`): the README's test command installs it with `--no-deps`
  (`keras_roundtrip.tf_keras_env`).
"""

import json
import re
from pathlib import Path

import keras_roundtrip
import pytest
from keras_roundtrip import load_in_fresh_process, run_python, save_in_fresh_process, tf_keras_env

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
pytestmark = pytest.mark.keras

NOT_DESERIALIZED = "could not be deserialized properly"


def fixture_files(code, kind):
    return sorted((FIXTURES / code).glob(f"{kind}_*.py"))


def ids(paths):
    return [f"{path.parent.name}/{path.stem}" for path in paths]


def run_child(code, env=None, cwd=None, args="{}"):
    """Run `code` in a fresh interpreter (with `args` as sys.argv[1]); it prints one line `RESULT <json>`."""
    proc = run_python(code, args, cwd=cwd, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert len(lines) == 1, f"child exited with {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(lines[0][len("RESULT "):])


# ------------------------------------------------------------------------------------------------
# KL206

KL206_BAD = fixture_files("KL206", "bad")
KL206_GOOD = fixture_files("KL206", "good")
FORMATS = ("model.keras", "model.h5")
# A bad fixture that fails otherwise than "a `.keras` load raises could not be deserialized properly"
# says how, as its message does: `# proof: <.keras|.h5> <load|call> raises <ExceptionType>: <text>`.
PROOF = re.compile(r"^# proof: (\.keras|\.h5) (load|call) raises (\w+): (.+)$", re.M)

_PRELUDE = r"""
import importlib.util, json, sys
import numpy as np
ARGS = json.loads(sys.argv[1])

def chain(exc):
    texts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        texts.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    return "\n--- caused by ---\n".join(texts)

spec = importlib.util.spec_from_file_location("keras_lint_fixture", ARGS["fixture"])
module = importlib.util.module_from_spec(spec)
sys.modules["keras_lint_fixture"] = module
spec.loader.exec_module(module)
import keras

def describe(model, x):
    outputs = [keras.ops.convert_to_numpy(y) for y in keras.tree.flatten(model(x))]
    config = json.dumps(keras.saving.serialize_keras_object(model), sort_keys=True, default=repr)
    return outputs, config
"""

_SAVE_BOTH = _PRELUDE + r"""
model = module.build_model()
x = np.random.default_rng(1234).normal(size=(2, 4)).astype("float32")
outputs, config = describe(model, x)
np.save("x.npy", x)
np.savez("y.npz", *outputs)
with open("config.json", "w") as handle:
    handle.write(config)
result = {}
for target in ARGS["formats"]:
    try:
        model.save(target)
        result[target] = "ok"
    except Exception as exc:
        result[target] = chain(exc)
print("RESULT " + json.dumps(result))
"""

_LOAD_EACH = _PRELUDE + r"""
x = np.load("x.npy")
saved = np.load("y.npz")
expected = [saved[f"arr_{i}"] for i in range(len(saved.files))]
saved_config = open("config.json").read()
result = {}
for target in ARGS["formats"]:
    stage = "load"
    try:
        model = keras.saving.load_model(target)
        stage = "call"
        outputs, config = describe(model, x)
    except Exception as exc:
        result[target] = {"ok": False, "stage": stage, "error_type": type(exc).__name__, "error": chain(exc)}
        continue
    equal = len(outputs) == len(expected) and all(
        y.shape == e.shape and np.allclose(y, e, atol=1e-5) for y, e in zip(outputs, expected)
    )
    result[target] = {"ok": True, "equal": bool(equal), "same_config": config == saved_config}
print("RESULT " + json.dumps(result))
"""


@pytest.fixture(scope="session")
def round_trip(tmp_path_factory):
    """round_trip(path) -> {format: load outcome}, saving in one fresh process and loading in another
    that imports the fixture (so its classes are registered, as in a real loading script)."""
    results = {}

    def run(path):
        if path not in results:
            workdir = tmp_path_factory.mktemp(path.stem)
            args = json.dumps({"fixture": str(path), "formats": list(FORMATS)})
            saved = run_child(_SAVE_BOTH, cwd=workdir, args=args)
            assert saved == {target: "ok" for target in FORMATS}, f"saving {path.name} failed: {saved}"
            results[path] = run_child(_LOAD_EACH, cwd=workdir, args=args)
        return results[path]

    return run


def test_kl206_fixtures_exist():
    assert len(KL206_BAD) >= 5 and len(KL206_GOOD) >= 3


@pytest.mark.parametrize("path", KL206_BAD, ids=ids(KL206_BAD))
def test_kl206_bad_fixture_fails_to_load_as_the_message_says(path, round_trip):
    outcome = round_trip(path)
    declared = PROOF.search(path.read_text())
    if declared is None:
        # "... inside a model, loading a `.keras` file fails with "could not be deserialized properly""
        keras_file = outcome["model.keras"]
        assert not keras_file["ok"], f"{path.name} loaded from .keras (equal={keras_file.get('equal')})"
        assert (keras_file["stage"], keras_file["error_type"]) == ("load", "TypeError"), keras_file["error"]
        assert NOT_DESERIALIZED in keras_file["error"]
        assert "'TrackedDict' object is not callable" in keras_file["error"]
        return
    target, stage, error_type, text = declared.groups()
    failed = outcome["model" + target]
    assert not failed["ok"], f"{path.name} round-tripped through {target} (equal={failed.get('equal')})"
    assert (failed["stage"], failed["error_type"]) == (stage, error_type), failed["error"]
    assert text in failed["error"]
    if target == ".h5":
        # "Keras 3 `.keras` files load through from_config, but legacy `.h5` files cannot be loaded"
        assert outcome["model.keras"] == {"ok": True, "equal": True, "same_config": True}, outcome["model.keras"]


@pytest.mark.parametrize("path", KL206_GOOD, ids=ids(KL206_GOOD))
def test_kl206_good_fixture_round_trips_with_equal_outputs_and_config(path, round_trip):
    outcome = round_trip(path)
    for target in FORMATS:
        assert outcome[target] == {"ok": True, "equal": True, "same_config": True}, (target, outcome[target])


# ------------------------------------------------------------------------------------------------
# KL207


KL207_KERAS3 = FIXTURES / "KL207" / "bad_two_unnamed_weights.py"
KL207_TF_KERAS_BAD = FIXTURES / "KL207" / "bad_tf_keras_unnamed_weights.py"
KL207_TF_KERAS_GOOD = FIXTURES / "KL207" / "good_tf_keras_named_weights.py"

_NAMES = r"""
import importlib.util, json
spec = importlib.util.spec_from_file_location("keras_lint_fixture", %r)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
first = [w.name for w in module.build_model().weights]
second = [w.name for w in module.build_model().weights]
print("RESULT " + json.dumps({"first": first, "second": second}))
"""


@pytest.mark.parametrize("model_file", ["model.h5", "model.keras"])
def test_kl207_keras3_round_trips_unnamed_weights(model_file, tmp_path, monkeypatch):
    monkeypatch.setattr(keras_roundtrip, "MODEL_FILE", model_file)
    saved = save_in_fresh_process(KL207_KERAS3, tmp_path)
    assert saved.ok, f"saving failed at {saved.stage}:\n{saved.error}"
    assert (tmp_path / model_file).exists()
    loaded = load_in_fresh_process(tmp_path, import_fixture=True)
    assert loaded.ok, f"failed at {loaded.stage}:\n{loaded.error}"
    assert loaded.equal, "loaded, but the outputs differ from the saved model's"


def test_kl207_keras3_names_unnamed_weights_from_a_process_wide_counter():
    names = run_child(_NAMES % str(KL207_KERAS3))
    assert names["first"] == ["variable", "variable_1"], names
    assert names["second"] == ["variable_2", "variable_3"], names


_TF_KERAS_SAVE = r"""
import importlib.util, json, sys
import numpy as np
spec = importlib.util.spec_from_file_location("keras_lint_fixture", %(fixture)r)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import tf_keras
result = {"version": tf_keras.__version__}
model = module.build_model()
x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
np.save("x.npy", x)
np.save("y.npy", np.asarray(model(x)))
result["weights"] = [w.name for w in model.weights]
for target in ("model.h5", "saved_model_dir"):
    try:
        model.save(target)
        result[target] = "ok"
    except Exception as exc:
        result[target] = f"{type(exc).__name__}: {exc}"
print("RESULT " + json.dumps(result))
"""

_TF_KERAS_LOAD = r"""
import importlib.util, json
import numpy as np
spec = importlib.util.spec_from_file_location("keras_lint_fixture", %(fixture)r)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import tf_keras
result = {}
for target in ("model.h5", "saved_model_dir"):
    model = tf_keras.models.load_model(target)
    result[target] = bool(np.allclose(np.asarray(model(np.load("x.npy"))), np.load("y.npy"), atol=1e-5))
print("RESULT " + json.dumps(result))
"""


def test_kl207_tf_keras_unnamed_weights_break_h5_and_savedmodel_saving(tmp_path):
    result = run_child(_TF_KERAS_SAVE % {"fixture": str(KL207_TF_KERAS_BAD)}, tf_keras_env(), tmp_path)
    assert result["weights"] == ["scale_offset/Variable:0", "scale_offset/Variable:0"], result
    assert result["model.h5"].startswith("ValueError:"), result
    assert "Unable to synchronously create dataset (name already exists)" in result["model.h5"]
    assert result["saved_model_dir"] == "AttributeError: 'NoneType' object has no attribute 'replace'", result


def test_kl207_tf_keras_named_weights_save_and_load(tmp_path):
    env = tf_keras_env()
    saved = run_child(_TF_KERAS_SAVE % {"fixture": str(KL207_TF_KERAS_GOOD)}, env, tmp_path)
    assert saved["model.h5"] == "ok" and saved["saved_model_dir"] == "ok", saved
    loaded = run_child(_TF_KERAS_LOAD % {"fixture": str(KL207_TF_KERAS_GOOD)}, env, tmp_path)
    assert loaded == {"model.h5": True, "saved_model_dir": True}, loaded
