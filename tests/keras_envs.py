"""Interpreters of older TensorFlow (its own tf.keras 2) for tests that prove a Keras fact in the
version where it holds.

    python = env_python("tf210", config)   # Path of that environment's bin/python
    subprocess.run([str(python), "-c", code], ...)

Each environment is a virtualenv created once, on first use, under KERAS_LINT_TEST_ENVS (default
`~/.cache/keras-lint/test-envs/<name>`), and kept between runs: the next run finds it ready. Its
creation is safe under pytest-xdist (a file lock per environment: a second worker waits, then finds
it ready) and says so in one line on the terminal, since it takes a minute or more. Anything that
goes wrong (no such Python, no network, a failed install) FAILS the asking test with one clear line
and the tail of pip's log; no test skips for want of an environment.

An environment whose recipe changed (ENVS below) is made anew; one whose creation was interrupted
(no `.ready` marker holding its recipe) too.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

# name -> (Python minor version, pip requirements). TensorFlow 2.10 wheels exist up to Python 3.10,
# and were built against numpy 1 (TF 2.10 states no upper bound, so pip would pick numpy 2).
# keras36: a Keras 3 before the changes of 3.8, 3.9 and 3.11 that VERSIONED_FACTS records, with a
# TensorFlow that accepts it (TF 2.18 requires keras>=3.5).
ENVS = {
    "tf210": ("3.10", ("tensorflow-cpu==2.10.1", "numpy<2")),
    "tf211": ("3.10", ("tensorflow-cpu==2.11.1", "numpy<2")),  # the one tf.keras with auto_config_passes_base_keys
    "tf215": ("3.11", ("tensorflow-cpu==2.15.1",)),
    "keras36": ("3.11", ("tensorflow-cpu==2.18.1", "keras==3.6.0")),
    # The last tf.keras without `Functional` (Keras 2.3.0-tf) and the first with it (TF 2.3 bundles
    # Keras 2.4.0); their protobuf must predate 3.21 (TF 2.2/2.3's generated code), numpy is pinned by TF.
    "tf22": ("3.8", ("tensorflow-cpu==2.2.3", "protobuf<3.21")),
    "tf23": ("3.8", ("tensorflow-cpu==2.3.4", "protobuf<3.21")),
    # The last tf.keras whose .h5 save raises for any Model subclass without get_config (TF 2.9 saves an
    # empty config); the middle of tf.keras 2.4-2.10, whose facts were measured by hand on each minor.
    "tf28": ("3.8", ("tensorflow-cpu==2.8.4", "protobuf<3.21")),
    # Multi-backend Keras (the standalone keras package up to 2.3), on the TensorFlow backend of its time.
    "kmb23": ("3.7", ("tensorflow-cpu==2.1.4", "keras==2.3.1", "protobuf<3.21")),
}
ROOT_VARIABLE = "KERAS_LINT_TEST_ENVS"
INSTALL_TIMEOUT = 1800  # seconds for one pip install


def envs_root() -> Path:
    return Path(os.environ.get(ROOT_VARIABLE) or Path.home() / ".cache" / "keras-lint" / "test-envs")


def find_python(minor: str) -> str:
    """An interpreter of Python `minor` ("3.10"): this one, pyenv's, or `python3.10` on PATH (not a
    pyenv shim, which answers only for the versions pyenv has selected)."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == minor:
        return sys.executable
    root = os.environ.get("PYENV_ROOT") or os.path.join(Path.home(), ".pyenv")
    candidates = sorted(glob.glob(os.path.join(root, "versions", f"{minor}.*", "bin", "python")),
                        key=lambda path: [int(part) for part in path.split(os.sep)[-3].split(".") if part.isdigit()])
    if candidates:
        return candidates[-1]
    found = shutil.which(f"python{minor}")
    if found and f"{os.sep}shims{os.sep}" not in found:
        return found
    pytest.fail(f"keras_envs: no Python {minor} found (pyenv's, or python{minor} on PATH) for a test environment",
                pytrace=False)


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _announce(line: str, config=None) -> None:
    """One line on the terminal, past pytest's capture (also from an xdist worker, whose stderr is
    the terminal's)."""
    capture = config.pluginmanager.getplugin("capturemanager") if config is not None else None
    if capture is not None:
        with capture.global_and_fixture_disabled():
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
    else:
        sys.stderr.write(line + "\n")


def _run(command: list, log: Path) -> None:
    with open(log, "a") as out:
        out.write("$ " + " ".join(command) + "\n")
        out.flush()
        try:
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  timeout=INSTALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"timed out after {INSTALL_TIMEOUT} s: {' '.join(command)}")
    if done.returncode:
        raise RuntimeError(f"exit {done.returncode}: {' '.join(command)}")


def env_python(name: str, config=None) -> Path:
    """The `bin/python` of test environment `name` (a key of ENVS), creating the environment first
    if it is not ready. `config` (pytest's) lets the line announcing a creation reach the terminal."""
    minor, requirements = ENVS[name]
    root = envs_root()
    home = root / name
    python = home / "bin" / "python"
    marker = home / ".ready"
    recipe = json.dumps({"python": minor, "requirements": list(requirements)})
    if marker.is_file() and marker.read_text() == recipe:
        return python
    with _locked(root / f"{name}.lock"):
        if marker.is_file() and marker.read_text() == recipe:  # another worker made it meanwhile
            return python
        base = find_python(minor)
        log = root / f"{name}.log"
        log.write_text("")
        _announce(f"keras-lint tests: creating test environment {name} (Python {minor}, {' '.join(requirements)}) "
                  f"in {home}, once; this takes a minute or more", config)
        started = time.monotonic()
        shutil.rmtree(home, ignore_errors=True)
        try:
            _run([base, "-m", "venv", str(home)], log)
            _run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet",
                  *requirements], log)
        except (RuntimeError, OSError) as exc:
            tail = "\n".join(line for line in log.read_text().splitlines()[-15:] if "is ignored" not in line)
            pytest.fail(f"keras_envs: could not create test environment {name} in {home} ({exc}); "
                        f"pip's log {log} ends:\n{tail}", pytrace=False)
        marker.write_text(recipe)
        _announce(f"keras-lint tests: test environment {name} ready after {time.monotonic() - started:.0f} s", config)
    return python
