"""KL202 and KL203 against real Keras: each fixture is saved in one fresh process and loaded in another.

The claim each bad fixture must live up to is read from keras-lint's own message about it:

- a quoted `NotImplementedError: ...` -> `model.save` raises exactly that;
- a quoted `TypeError: ... missing 1 required positional argument: 'x'` -> saving works, loading
  raises that (somewhere in the exception chain);
- "`x` (defaulted: it silently comes back as its default after load)" -> loading works, the loaded
  object's `x` equals the `__init__` default, the freshly built one's does not, outputs differ;
- "records the default of `x`" -> the saved config holds the default, not the value built with, and
  loading then fails on the weights.

Good fixtures must round-trip: equal outputs, and the loaded object's config equal to the config
stored in the file. Attribute values, configs and `__init__` defaults are measured in the child
processes, never written down here.
"""

from __future__ import annotations

import ast
import json
import re
import zipfile
from pathlib import Path

import pytest
from keras_roundtrip import (
    INPUT_FILE,
    MODEL_FILE,
    MODULE_NAME,
    OUTPUTS_FILE,
    RESULT_MARK,
    HarnessError,
    run_python,
    save_in_fresh_process,
)

from keras_lint.engine.run import lint_path
from keras_lint.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CODES = ("KL202", "KL203")

pytestmark = pytest.mark.keras

QUOTED_ERROR = re.compile(r"`((?:NotImplementedError|TypeError): [^`]+)`")
DEFAULTED = re.compile(r"((?:`\w+`(?:, )?)+) \(defaulted: ")
RECORDS_DEFAULT = re.compile(r"records the default of ((?:`\w+`(?:, )?)+)")


def fixture_files(kind):
    return sorted(p for code in CODES for p in (FIXTURES / code).glob(f"{kind}_*.py"))


def ids(paths):
    return [f"{path.parent.name}/{path.stem}" for path in paths]


BAD = fixture_files("bad")
GOOD = fixture_files("good")


def test_fixtures_exist():
    for code in CODES:
        assert len(list((FIXTURES / code).glob("bad_*.py"))) >= 3
        assert len(list((FIXTURES / code).glob("good_*.py"))) >= 3


def finding(path):
    """The one finding of the fixture's rule, and the name of the class it is about."""
    code = path.parent.name
    result = lint_path(str(path), Settings(select=(code,)))
    assert result.errors == [] and len(result.findings) == 1, (result.errors, result.findings)
    found = result.findings[0]
    tree = ast.parse(path.read_text())
    classes = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.lineno <= found.line <= (node.end_lineno or node.lineno)
    ]
    assert classes, f"no class around line {found.line}"
    return found.message, classes[-1].name


def names_in(group: str) -> list:
    return re.findall(r"`(\w+)`", group)


# A child that loads the saved model (importing the fixture, as a loading script that imports the
# training code would), then builds a fresh model, and reports for every instance of one class:
# its attributes, its get_config(), and the class's __init__ defaults.
_INSPECT = r"""
import importlib.util, inspect, json, re, sys
import numpy as np

ARGS = json.loads(sys.argv[1])
result = {}

def chain(exc):
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        parts.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n--- caused by ---\n".join(parts))

def plain(value):
    return json.loads(json.dumps(value, default=repr))

def instances(model, cls_name):
    found, stack, seen = [], [model], set()
    while stack:
        layer = stack.pop(0)
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if type(layer).__name__ == cls_name:
            found.append(layer)
        stack.extend(getattr(layer, "layers", []))
    return found

def describe(model):
    out = []
    for obj in instances(model, ARGS["cls"]):
        attrs = {a: plain(getattr(obj, a)) for a in ARGS["attrs"] if hasattr(obj, a)}
        out.append({"attrs": attrs, "config": plain(obj.get_config())})
    return out

spec = importlib.util.spec_from_file_location(ARGS["module"], ARGS["fixture"])
module = importlib.util.module_from_spec(spec)
sys.modules[ARGS["module"]] = module
spec.loader.exec_module(module)
import keras

try:
    loaded = keras.saving.load_model(ARGS["model"])
    ys = [keras.ops.convert_to_numpy(y) for y in keras.tree.flatten(loaded(np.load(ARGS["input"])))]
    saved = np.load(ARGS["outputs"])
    expected = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    result["equal"] = len(ys) == len(expected) and all(
        y.shape == e.shape and bool(np.allclose(y, e, atol=1e-5)) for y, e in zip(ys, expected)
    )
    result["loaded"] = describe(loaded)
except Exception as exc:
    result["load_error"] = chain(exc)

result["built"] = describe(module.build_model())
cls = getattr(module, ARGS["cls"])
result["defaults"] = {
    name: plain(p.default) for name, p in inspect.signature(cls.__init__).parameters.items()
    if p.default is not inspect.Parameter.empty
}
print(ARGS["mark"] + json.dumps(result), flush=True)
"""


def inspect_in_fresh_process(path, workdir, cls_name, attrs):
    workdir = Path(workdir)
    args = dict(
        fixture=str(path), module=MODULE_NAME, cls=cls_name, attrs=list(attrs), mark=RESULT_MARK,
        model=str(workdir / MODEL_FILE), input=str(workdir / INPUT_FILE), outputs=str(workdir / OUTPUTS_FILE),
    )
    proc = run_python(_INSPECT, json.dumps(args), cwd=workdir)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if len(lines) != 1:
        raise HarnessError(f"inspector exited with {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(lines[0][len(RESULT_MARK):])


def stored_config(workdir, cls_name):
    """The config the .keras file stores for each instance of the class (config.json in the zip)."""
    with zipfile.ZipFile(Path(workdir) / MODEL_FILE) as archive:
        root = json.loads(archive.read("config.json"))
    found, stack = [], [root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if node.get("class_name") == cls_name and isinstance(node.get("config"), dict):
                found.append(node["config"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def squash(text):
    return " ".join(text.replace("`", "").split())


@pytest.mark.parametrize("path", BAD, ids=ids(BAD))
def test_bad_fixture_fails_as_the_message_says(path, tmp_path):
    message, cls_name = finding(path)
    quoted = QUOTED_ERROR.search(message)
    defaulted = DEFAULTED.search(message)
    recorded = RECORDS_DEFAULT.search(message)
    assert quoted or defaulted or recorded, f"no checkable claim in: {message}"

    saved = save_in_fresh_process(path, tmp_path)
    if quoted and quoted.group(1).startswith("NotImplementedError"):
        assert not saved.ok and saved.stage == "save", f"save did not fail: {saved}"
        assert saved.error_type == "NotImplementedError", saved.error
        assert squash(quoted.group(1).split(": ", 1)[1]) in squash(saved.error)
        return
    assert saved.ok, f"saving failed at {saved.stage}:\n{saved.error}"

    attrs = names_in(defaulted.group(1)) if defaulted else names_in(recorded.group(1)) if recorded else []
    report = inspect_in_fresh_process(path, tmp_path, cls_name, attrs)
    built = report["built"]
    assert built, f"build_model() holds no {cls_name}"

    if quoted:  # TypeError on load
        assert "load_error" in report, "the model loaded although the message says loading raises"
        assert "TypeError" in report["load_error"]
        assert squash(quoted.group(1).split(": ", 1)[1]) in squash(report["load_error"])
    if defaulted:
        assert "load_error" not in report, report.get("load_error")
        assert report["equal"] is False, "outputs equal although an argument came back changed"
        for name in attrs:
            default = report["defaults"][name]
            assert all(item["attrs"][name] != default for item in built), "built with the default: proves nothing"
            assert [item["attrs"][name] for item in report["loaded"]] == [default] * len(built)
    if recorded:
        stored = stored_config(tmp_path, cls_name)
        assert stored, "the file stores no config for the class"
        for name in attrs:
            default = report["defaults"][name]
            assert all(item["attrs"][name] != default for item in built), "built with the default: proves nothing"
            assert [config.get(name) for config in stored] == [default] * len(built)
        assert "load_error" in report, "the model loaded although it was rebuilt from the default"
        assert "could not be loaded" in report["load_error"], report["load_error"]


@pytest.mark.parametrize("path", GOOD, ids=ids(GOOD))
def test_good_fixture_round_trips_with_equal_config(path, tmp_path):
    tree = ast.parse(path.read_text())
    classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    saved = save_in_fresh_process(path, tmp_path)
    assert saved.ok, f"saving failed at {saved.stage}:\n{saved.error}"
    for cls_name in classes:
        stored = stored_config(tmp_path, cls_name)
        if not stored:
            continue  # a base class that build_model() does not instantiate
        report = inspect_in_fresh_process(path, tmp_path, cls_name, [])
        assert "load_error" not in report, report["load_error"]
        assert report["equal"] is True, "loaded, but the outputs differ"
        assert [item["config"] for item in report["loaded"]] == [json.loads(json.dumps(c)) for c in stored]
        # and the config the file stores is what the freshly built object reports
        assert [item["config"] for item in report["built"]] == [item["config"] for item in report["loaded"]]
