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

Every Keras child of the tests runs through `run_python`, which is `python -c code args` with
one saving: importing TensorFlow and Keras takes a child about 6 s of its 6.3 s, so a child that
needs no environment of its own is forked from a process that has done that import and nothing
else (`_ForkServer`). Its state is that of a new interpreter just after `import keras`: no
fixture module, no registration, no model, whatever earlier children did. A child that sets its
own environment (tf_keras's legacy switch is read at import) is started afresh, and so is every
child when KERAS_ROUNDTRIP_FRESH=1 is set or the platform cannot fork.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
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
    args = dict(args, mark=RESULT_MARK, module=MODULE_NAME, workdir=str(workdir))
    # cwd: neither the fixture's folder nor the repository is importable from there
    proc = run_python(_PRELUDE + code, json.dumps(args), cwd=workdir)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if len(lines) != 1:
        raise HarnessError(
            f"child exited with {proc.returncode} without a result\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return Outcome(workdir=str(workdir), **json.loads(lines[0][len(RESULT_MARK):]))


# -- Running a child -------------------------------------------------------------------------------

CHILD_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


def run_python(code: str, *argv: str, cwd=None, env: Optional[dict] = None, timeout: float = TIMEOUT):
    """`python -c code *argv` in `cwd` (default: this process's), with `env` added to os.environ and
    CHILD_ENV; a subprocess.CompletedProcess with text stdout and stderr. Raises
    subprocess.TimeoutExpired after `timeout` seconds, as subprocess.run does."""
    cwd = str(cwd or os.getcwd())
    if env or not hasattr(os, "fork") or os.environ.get("KERAS_ROUNDTRIP_FRESH") == "1":
        return subprocess.run(
            [sys.executable, "-c", code, *argv], cwd=cwd, env={**os.environ, **CHILD_ENV, **(env or {})},
            capture_output=True, text=True, timeout=timeout,
        )
    return _ForkServer.instance().run(code, list(argv), cwd, timeout)


def _environ() -> dict:
    """The environment a child would inherit; pytest's note of the running test changes each test."""
    return {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}


# The fork server's own code: import Keras once, then fork one child per request line read on stdin
# and answer each with the child's exit code. A child points its stdout/stderr at the files the
# request names, enters the request's folder and runs the code as `python -c` would, as __main__.
_FORK_SERVER = r"""
import json, os, sys, traceback, types
import numpy, keras

def child(request):
    status = 1
    try:
        write = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, request["stdout"], write), (2, request["stderr"], write)):
            os.dup2(os.open(path, flags, 0o600), fd)
        os.chdir(request["cwd"])
        sys.argv = ["-c", *request["argv"]]
        main = types.ModuleType("__main__")
        sys.modules["__main__"] = main
        exec(compile(request["code"], "<string>", "exec"), main.__dict__)
        status = 0
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            status = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)

print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        child(json.loads(line))
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""


class _ForkServer:
    """One per test process, started on first use, stopped when its stdin closes (at exit), and
    started anew when this process's environment changed since (a child must see it)."""

    _running: Optional["_ForkServer"] = None

    @classmethod
    def instance(cls) -> "_ForkServer":
        running = cls._running
        if running is None or running.proc.poll() is not None or running.environ != _environ():
            if running is not None:
                running.stop()
            cls._running = cls()
        return cls._running

    def __init__(self):
        self.environ = _environ()
        self.folder = tempfile.mkdtemp(prefix="keras-fork-server-")
        self.log = os.path.join(self.folder, "server.stderr")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _FORK_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                cwd=self.folder, env={**os.environ, **CHILD_ENV}, text=True, start_new_session=True,
            )
        atexit.register(self.stop)
        self._answer(TIMEOUT)  # "ready": Keras is imported

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()  # the server's loop ends
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, code: str, argv: list, cwd: str, timeout: float) -> subprocess.CompletedProcess:
        with tempfile.TemporaryDirectory(dir=self.folder) as scratch:
            out, err = os.path.join(scratch, "stdout"), os.path.join(scratch, "stderr")
            for path in (out, err):
                open(path, "w").close()  # there to read even if the child dies before it opens them
            request = {"code": code, "argv": argv, "cwd": cwd, "stdout": out, "stderr": err}
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            try:
                returncode = int(self._answer(timeout))
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the server and its child: the next run starts anew
                self.proc.wait()
                raise
            outputs = []
            for path in (out, err):
                with open(path, encoding="utf-8", errors="replace") as handle:
                    outputs.append(handle.read())
        return subprocess.CompletedProcess([sys.executable, "-c", code, *argv], returncode, *outputs)

    def _answer(self, timeout: float) -> str:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise subprocess.TimeoutExpired([sys.executable, "-c", "<fork server>"], timeout)
        line = self.proc.stdout.readline()
        if not line:
            with open(self.log, encoding="utf-8", errors="replace") as log:
                raise HarnessError(f"the fork server died (exit {self.proc.wait()}):\n{log.read()[-4000:]}")
        return line.strip()


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
