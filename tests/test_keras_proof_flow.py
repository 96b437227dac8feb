"""KL401 on the model flow (issue 20) against real Keras 3, each step in a fresh process.

fixtures/KL401/flow/ (and fixtures/KL201/flow/): each fixture's `train()` saves its model(s) in a fresh process; in a second
fresh process that imports the fixture (so its classes and functions are defined, as a script's
would be), every other module-level function without parameters loads one. A loader KL401 reports
fails, with an error naming an object the finding names (or, for a bound method, Keras's "for
method"); every other loader loads. fixtures/KL401/flow_split/: the training script saves, the
prediction script (another file that never imports the training code) fails to load the model, and
the serving script that names both objects in custom_objects loads it.

The fixtures that use tensorflow_hub and segmentation_models (not installed here) are checked
statically by tests/test_fixtures.py; their failures were measured with those libraries installed
outside the project (keras_api.THIRD_PARTY_OBJECTS says which versions and what they raise).
"""

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import BIN
from keras_roundtrip import RESULT_MARK, run_python

FLOW = Path(__file__).resolve().parent.parent / "fixtures" / "KL401" / "flow"
SPLIT = FLOW.parent / "flow_split"
OTHER_LIBRARIES = ("tensorflow_hub", "segmentation_models")
KERAS3_FIXTURES = [
    p for p in sorted([*FLOW.glob("*.py"), *(FLOW.parent.parent / "KL201" / "flow").glob("*.py")])
    if not any(lib in p.read_text() for lib in OTHER_LIBRARIES)
]

_CHILD = r"""
import importlib.util, json, os, sys
ARGS = json.loads(sys.argv[1])
sys.path.insert(0, ARGS["folder"])
RESULT = {}

def attempt(function):
    try:
        function()
        return {"ok": True}
    except Exception as exc:
        chain, seen = [], set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            chain.append(f"{type(exc).__name__}: {exc}")
            exc = exc.__cause__ or exc.__context__
        return {"ok": False, "error": "\n".join(chain)}

for module_name, function in ARGS["calls"]:
    if module_name.endswith(".py"):
        spec = importlib.util.spec_from_file_location("flow_fixture", module_name)
        module = importlib.util.module_from_spec(spec)
        sys.modules["flow_fixture"] = module
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    RESULT[f"{module_name}:{function}"] = attempt(getattr(module, function))
"""


def run_calls(workdir, folder, calls):
    code = _CHILD + f"\nprint({RESULT_MARK!r} + json.dumps(RESULT), flush=True)\n"
    proc = run_python(code, json.dumps({"folder": str(folder), "calls": calls}), cwd=workdir)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    assert len(lines) == 1, f"child failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(lines[0][len(RESULT_MARK):])


def kl401(*paths):
    result = subprocess.run(
        [os.path.join(BIN, "keras-lint"), "-j", "1", "--no-cache", "--select", "KL401", *map(str, paths)],
        capture_output=True, text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    return [line for line in result.stdout.splitlines() if " KL401 " in line]


def loaders(path):
    """Module-level functions without parameters but `train` (and helpers that take none, such as
    `other_model`): name -> (first line, last line)."""
    tree = ast.parse(path.read_text())
    return {
        node.name: (node.lineno, node.end_lineno)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.args.args and node.name not in ("train", "other_model")
    }


def named_in(finding):
    return set(re.findall(r"`(\w+)`", finding.split("will not resolve:", 1)[-1]))


def test_there_are_flow_fixtures_of_both_kinds():
    assert [p for p in KERAS3_FIXTURES if p.name.startswith("bad_")]
    assert [p for p in KERAS3_FIXTURES if p.name.startswith("good_")]


@pytest.mark.keras
@pytest.mark.parametrize("path", KERAS3_FIXTURES, ids=[p.stem for p in KERAS3_FIXTURES])
def test_reported_loads_fail_and_the_others_load(path, tmp_path):
    findings = kl401(path)
    lines = {int(f.split(":")[1]): f for f in findings}
    functions = loaders(path)
    reported = {name: next(f for n, f in lines.items() if first <= n <= last)
                for name, (first, last) in functions.items() if any(first <= n <= last for n in lines)}
    assert set(lines) <= {n for first, last in functions.values() for n in range(first, last + 1)}, findings
    assert bool(reported) == path.name.startswith("bad_"), findings

    saved = run_calls(tmp_path, path.parent, [[str(path), "train"]])
    assert all(r["ok"] for r in saved.values()), saved
    result = run_calls(tmp_path, path.parent, [[str(path), name] for name in functions])
    for name in functions:
        outcome = result[f"{path}:{name}"]
        if name in reported:
            assert not outcome["ok"], f"{name}() loaded although KL401 reports it"
            names = named_in(reported[name])
            assert any(f"'{n}'" in outcome["error"] for n in names) or (
                "for method" in outcome["error"] and "(a bound method" in reported[name]
            ), (outcome["error"][-800:], reported[name])
        else:
            assert outcome["ok"], f"{name}() failed although KL401 is silent:\n{outcome['error'][-1500:]}"


@pytest.mark.keras
def test_split_project_prediction_script_fails_and_serving_script_loads(tmp_path):
    findings = kl401(*sorted(SPLIT.glob("*.py")))
    assert [os.path.basename(f.split(":")[0]) for f in findings] == ["flow_split_predict.py"], findings
    assert named_in(findings[0]) == {"Gate", "smooth_l1"}, findings
    assert "flow_split_train.py:" in findings[0]

    saved = run_calls(tmp_path, SPLIT, [["flow_split_train", "train"]])
    assert all(r["ok"] for r in saved.values()), saved
    result = run_calls(tmp_path, SPLIT, [["flow_split_predict", "predict"], ["flow_split_serve", "predict"]])
    failed = result["flow_split_predict:predict"]
    assert not failed["ok"] and ("'Gate'" in failed["error"] or "'smooth_l1'" in failed["error"]), failed
    assert result["flow_split_serve:predict"]["ok"], result["flow_split_serve:predict"]


PATHS = FLOW.parent / "flow_paths"
REACH = FLOW.parent / "flow_reach"
WRAP = FLOW.parent / "flow_wrap"


@pytest.mark.keras
def test_argparse_config_helper_and_clone_paths_lead_to_the_failing_loads(tmp_path):
    """Item 2 (argparse default, config dict) and item 4 (a helper handed the model; clone_model): the
    loads KL401 links to those saves fail on the unregistered layer; the plain model's load works."""
    findings = kl401(*sorted(PATHS.glob("*.py")))
    assert {int(f.split(":")[1]) for f in findings} == {6, 10, 14}, findings
    assert all(named_in(f) == {"Clip"} and "flow_paths_predict.py" in f for f in findings), findings

    saved = run_calls(tmp_path, PATHS, [["flow_paths_train", "train"]])
    assert all(r["ok"] for r in saved.values()), saved
    names = ["from_arguments", "from_config", "from_clone", "plain_model"]
    result = run_calls(tmp_path, PATHS, [["flow_paths_predict", n] for n in names])
    for name in names[:3]:
        outcome = result[f"flow_paths_predict:{name}"]
        assert not outcome["ok"] and "'Clip'" in outcome["error"], (name, outcome)
    assert result["flow_paths_predict:plain_model"]["ok"], result["flow_paths_predict:plain_model"]


@pytest.mark.keras
def test_a_registration_counts_only_in_a_process_that_imports_its_module(tmp_path):
    """Item 3: the layer is registered, but the prediction script never imports the registering module
    (directly or through another): Keras 3 cannot locate the class. The serving script imports the
    builder module, which imports the layer's: it loads."""
    findings = kl401(*sorted(REACH.glob("*.py")))
    assert [os.path.basename(f.split(":")[0]) for f in findings] == ["flow_reach_predict.py"], findings
    assert named_in(findings[0]) == {"Swish"} and "never imports" in findings[0], findings

    saved = run_calls(tmp_path, REACH, [["flow_reach_train", "train"]])
    assert all(r["ok"] for r in saved.values()), saved
    bare = run_calls(tmp_path, REACH, [["flow_reach_predict", "predict"]])["flow_reach_predict:predict"]
    assert not bare["ok"] and "'Swish'" in bare["error"], bare
    served = run_calls(tmp_path, REACH, [["flow_reach_serve", "predict"]])["flow_reach_serve:predict"]
    assert served["ok"], served


_WRAP_SAVE = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
import keras
from flow_wrap_nets import Autoencoder
encoder = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)])
encoder.save("wrap_encoder.keras")
decoder.save("wrap_decoder.keras")
model = Autoencoder(encoder, decoder)
model(keras.ops.zeros((1, 4)))
model.save_weights("wrap_autoencoder.weights.h5")
print("SAVED")
"""


@pytest.mark.keras
def test_the_wrapper_loader_that_kl401_leaves_alone_loads(tmp_path):
    """alibi-detect's pattern: networks of built-in layers saved alone, the wrapper rebuilt in code around
    them and given its weights. KL401 is silent, and the load works in a fresh process."""
    findings = kl401(*sorted(WRAP.glob("*.py")))
    assert {os.path.basename(f.split(":")[0]) for f in findings} == {
        "bad_class_imported_for_the_load.py", "bad_splitext_h5_file.py", "flow_wrap_pretrained.py"}, findings
    proc = run_python(_WRAP_SAVE, str(WRAP), cwd=tmp_path)
    assert "SAVED" in proc.stdout, proc.stderr[-2000:]
    loaded = run_python(
        "import sys; sys.path.insert(0, sys.argv[1]); import good_wrapper_around_loaded_networks as g; "
        "m = g.load_autoencoder('.'); print('LOADED', type(m).__name__)", str(WRAP), cwd=tmp_path)
    assert "LOADED Autoencoder" in loaded.stdout, loaded.stderr[-2000:]
