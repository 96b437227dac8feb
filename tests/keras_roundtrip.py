"""Save a fixture's model in one fresh Python process, load it in another, and report what happened.

A fixture is a Python file defining `build_model()`, which returns a Keras model taking inputs of
shape (batch, 4). Each step runs `sys.executable` in a new process, so the loader sees only what a
real loading script would see: nothing the saving process defined or registered, unless the
loader is told to import the fixture module too (as a loading script that imports the training
code would).

    saved = save_in_fresh_process("fixtures/KL102/bad_x.py", tmp_path)
    assert saved.ok, saved.error
    loaded = load_in_fresh_process(tmp_path, import_fixture=True, safe_mode=False)
    loaded.ok, loaded.stage, loaded.error_type, loaded.error, loaded.equal

Both children answer with one JSON line on stdout (prefixed with RESULT_MARK, since Keras and
TensorFlow may print too). A child that dies without answering raises `HarnessError`: that is a
broken harness or environment, never an outcome to assert on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

MODULE_NAME = "keras_lint_fixture"  # the fixture's module name, the same in the saver and the loader
SEED = 1234
ATOL = 1e-5
TIMEOUT = 600
RESULT_MARK = "@@keras_roundtrip@@ "

MODEL_FILE = "model.keras"
INPUT_FILE = "input.npy"
OUTPUTS_FILE = "outputs.npz"
FIXTURE_FILE = "fixture_path.txt"


class HarnessError(RuntimeError):
    """A child process failed to report a result."""


@dataclass
class Outcome:
    ok: bool  # every stage ran without an exception
    stage: str  # the last stage entered: import, build, call, save (saver) / import, load, call, compare (loader)
    error_type: Optional[str] = None  # e.g. "ValueError" (the outermost exception)
    error: str = ""  # str() of the exception and of every exception in its __cause__/__context__ chain
    equal: Optional[bool] = None  # loader: outputs equal to the saved ones (np.allclose, atol=ATOL)
    workdir: str = ""


# Code shared by both children. Runs with the arguments as JSON in sys.argv[1].
_PRELUDE = r"""
import importlib.util, json, re, sys
import numpy as np

ARGS = json.loads(sys.argv[1])
STATE = {"stage": "start"}

def stage(name):
    STATE["stage"] = name

def report(ok, exc=None, **extra):
    result = {"ok": ok, "stage": STATE["stage"], **extra}
    if exc is not None:
        chain, seen = [], set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            chain.append(f"{type(exc).__name__}: {exc}")
            exc = exc.__cause__ or exc.__context__
        result["error_type"] = chain[0].split(":", 1)[0]
        result["error"] = re.sub(r"\x1b\[[0-9;]*m", "", "\n--- caused by ---\n".join(chain))
    print(ARGS["mark"] + json.dumps(result), flush=True)

def import_fixture(path):
    spec = importlib.util.spec_from_file_location(ARGS["module"], path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[ARGS["module"]] = module
    spec.loader.exec_module(module)
    return module

def outputs_of(model, x):
    import keras
    return [keras.ops.convert_to_numpy(y) for y in keras.tree.flatten(model(x))]
"""

_SAVE = r"""
from pathlib import Path
work = Path(ARGS["workdir"])
try:
    stage("import")
    module = import_fixture(ARGS["fixture"])
    stage("build")
    model = module.build_model()
    stage("call")
    x = np.random.default_rng(ARGS["seed"]).normal(size=(2, 4)).astype("float32")
    ys = outputs_of(model, x)
    stage("save")
    model.save(str(work / ARGS["model_file"]))
    np.save(work / ARGS["input_file"], x)
    np.savez(work / ARGS["outputs_file"], *ys)
except Exception as exc:
    report(False, exc)
else:
    report(True)
"""

_LOAD = r"""
from pathlib import Path
work = Path(ARGS["workdir"])
try:
    kwargs = dict(ARGS["load_kwargs"])
    if ARGS["import_fixture"]:
        stage("import")
        module = import_fixture(ARGS["fixture"])
        if "custom_objects" in kwargs:
            kwargs["custom_objects"] = {key: getattr(module, attr) for key, attr in kwargs["custom_objects"].items()}
    import keras
    stage("load")
    model = keras.saving.load_model(str(work / ARGS["model_file"]), **kwargs)
    stage("call")
    ys = outputs_of(model, np.load(work / ARGS["input_file"]))
    stage("compare")
    saved = np.load(work / ARGS["outputs_file"])
    expected = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    equal = len(ys) == len(expected) and all(
        y.shape == e.shape and np.allclose(y, e, atol=ARGS["atol"]) for y, e in zip(ys, expected)
    )
except Exception as exc:
    report(False, exc)
else:
    report(True, equal=bool(equal))
"""


def _run(code: str, args: dict, workdir: Path) -> Outcome:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    args = dict(args, mark=RESULT_MARK, module=MODULE_NAME, workdir=str(workdir))
    proc = subprocess.run(
        [sys.executable, "-c", _PRELUDE + code, json.dumps(args)],
        cwd=workdir,  # neither the fixture's folder nor the repository is importable from here
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if len(lines) != 1:
        raise HarnessError(
            f"child exited with {proc.returncode} without a result\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return Outcome(workdir=str(workdir), **json.loads(lines[0][len(RESULT_MARK):]))


def save_in_fresh_process(fixture_path, workdir) -> Outcome:
    """Import the fixture, build its model, compute outputs on a seeded (2, 4) input, save all in workdir."""
    fixture_path, workdir = Path(fixture_path).resolve(), Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / FIXTURE_FILE).write_text(str(fixture_path))
    args = dict(
        fixture=str(fixture_path),
        seed=SEED,
        model_file=MODEL_FILE,
        input_file=INPUT_FILE,
        outputs_file=OUTPUTS_FILE,
    )
    return _run(_SAVE, args, workdir)


def load_in_fresh_process(workdir, import_fixture: bool = False, **load_kwargs) -> Outcome:
    """Load workdir's model with `keras.saving.load_model(path, **load_kwargs)` and compare outputs.

    Nothing is passed but load_kwargs (so by default: safe_mode on, no custom_objects). With
    import_fixture=True the fixture module is imported first, so its registrations run.
    `custom_objects` must map keys to names of attributes of the fixture module, e.g.
    `custom_objects={"my_fn": "my_fn"}`, and needs import_fixture=True.
    """
    workdir = Path(workdir).resolve()
    if "custom_objects" in load_kwargs and not import_fixture:
        raise ValueError("custom_objects are looked up in the fixture module: pass import_fixture=True")
    args = dict(
        fixture=(workdir / FIXTURE_FILE).read_text(),
        import_fixture=import_fixture,
        load_kwargs=load_kwargs,
        atol=ATOL,
        model_file=MODEL_FILE,
        input_file=INPUT_FILE,
        outputs_file=OUTPUTS_FILE,
    )
    return _run(_LOAD, args, workdir)


def tf_keras_env() -> dict:
    """The environment a child process needs to run tf_keras (TensorFlow's Keras 2): the legacy
    switch on, and KERAS_LINT_TF_KERAS (a folder from `pip install --no-deps --target DIR
    tf-keras==2.21.0`) on its path when set. tf_keras is installed by the README's test command;
    without it the calling test fails, saying so (a Keras 2 claim is never left unproven)."""
    import importlib.util

    import pytest

    extra = os.environ.get("KERAS_LINT_TF_KERAS")
    if extra and (Path(extra) / "tf_keras").is_dir():
        path = os.pathsep.join(p for p in (extra, os.environ.get("PYTHONPATH")) if p)
        return {"PYTHONPATH": path, "TF_USE_LEGACY_KERAS": "1"}
    if importlib.util.find_spec("tf_keras") is None:
        pytest.fail("tf_keras is not installed: python -m pip install --no-deps tf-keras==2.21.0 (see README)")
    return {"TF_USE_LEGACY_KERAS": "1"}
