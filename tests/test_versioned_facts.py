"""Every versioned Keras fact (keras_api.VERSIONED_FACTS) agrees with what real Keras does, in real
interpreters of eight Keras versions: tf.keras 2.8 (TF 2.8.4, Python 3.8), tf.keras 2.10 (TF 2.10.1,
Python 3.10), tf.keras 2.11 (TF 2.11.1, Python 3.10), tf.keras 2.15 (TF 2.15.1), Keras 3.6.0 (TF
2.18.1) and multi-backend Keras 2.3.1 (TF 2.1.4, Python 3.7), each made once by keras_envs.py; tf_keras 2.21 and Keras 3.15.1 (this
environment, the first under TF_USE_LEGACY_KERAS=1).

Each fact's probe is tests/version_probes/<fact>.py. All probes of one interpreter run in two fresh
processes of it (run.py): one builds and saves, the second loads what the first wrote, as a loading
script would. So each interpreter imports TensorFlow twice, once per test run even under xdist (the
first worker to need an interpreter's verdicts writes them where the other workers read them).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from keras_envs import env_python

from keras_lint import keras_api
from keras_lint.keras_api import KERAS_LINES, VERSIONED_FACTS, fact_holds

PROBES = Path(__file__).resolve().parent / "version_probes"
MARK = "@@version_probes@@ "
TIMEOUT = 900

# name -> (Keras line, test environment of keras_envs or None for this one, environment variables,
#          the Keras minor it must report)
INTERPRETERS = {
    "tf28": ("tf.keras", "tf28", {}, "2.8"),
    "tf210": ("tf.keras", "tf210", {}, "2.10"),
    "tf211": ("tf.keras", "tf211", {}, "2.11"),
    "tf215": ("tf.keras", "tf215", {}, "2.15"),
    "tf_keras": ("tf_keras", None, {"TF_USE_LEGACY_KERAS": "1"}, "2.21"),
    "keras3": ("keras3", None, {}, "3.15"),
    "keras36": ("keras3", "keras36", {}, "3.6"),
    "kmb23": ("keras2-multibackend", "kmb23", {}, "2.3"),
}
SPECIFIER = re.compile(r"(|(>=|<=|==)\d+\.\d+|>=\d+\.\d+,<=\d+\.\d+)")


def probe_names() -> list:
    return sorted(path.stem for path in PROBES.glob("*.py") if path.stem not in ("run", "probe_common"))


def _run_probes(name: str, config, workdir: Path) -> dict:
    line, env_name, env, _ = INTERPRETERS[name]
    python = str(env_python(env_name, config)) if env_name else sys.executable
    inherited = {key: value for key, value in os.environ.items() if key not in ("TF_USE_LEGACY_KERAS", "PYTHONPATH")}
    quiet = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "KERAS_BACKEND": "tensorflow"}
    child_env = {**inherited, **env, **quiet}
    answers = {}
    for phase in ("save", "load"):
        done = subprocess.run(
            [python, str(PROBES / "run.py"), line, phase, str(workdir), ",".join(probe_names())],
            capture_output=True, text=True, env=child_env, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
        )
        found = [text for text in done.stdout.splitlines() if text.startswith(MARK)]
        assert found, f"{name}: the {phase} probes answered nothing (exit {done.returncode}):\n{done.stderr[-3000:]}"
        answer = json.loads(found[-1][len(MARK):])
        answers.setdefault("keras", answer["keras"])
        answers.setdefault("module", answer["module"])
        answers.setdefault("verdicts", {}).update(answer["verdicts"])
    return answers


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory, pytestconfig):
    """verdicts(name) -> {"keras": version, "module": the module of its Layer, "verdicts": {fact: verdict}},
    computed once per test run for each interpreter (shared between xdist workers through files
    under the run's common temporary folder, behind a lock)."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    shared = shared / "version_probes"
    shared.mkdir(exist_ok=True)
    memo = {}

    def get(name):
        if name not in memo:
            answer_file = shared / f"{name}.json"
            with open(shared / f"{name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not answer_file.exists():
                    workdir = shared / name
                    workdir.mkdir(exist_ok=True)
                    answer_file.write_text(json.dumps(_run_probes(name, pytestconfig, workdir)))
            memo[name] = json.loads(answer_file.read_text())
        return memo[name]

    return get


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(INTERPRETERS))
@pytest.mark.parametrize("fact", sorted(VERSIONED_FACTS))
def test_fact_agrees_with_real_keras(fact, name, verdicts):
    line, _, _, minor = INTERPRETERS[name]
    answers = verdicts(name)
    assert answers["keras"].startswith(minor + "."), f"{name} runs Keras {answers['keras']}, not {minor}"
    verdict = answers["verdicts"].get(fact)
    assert verdict is not None, f"{name}: no verdict for {fact}"
    assert verdict["holds"] is not None, f"{name}: the probe of {fact} failed: {verdict['observed']}"
    expected = fact_holds(fact, line, answers["keras"])
    assert verdict["holds"] == expected, (
        f"{fact} on {line} {answers['keras']}: VERSIONED_FACTS says it {'holds' if expected else 'does not hold'}, "
        f"the probe saw: {verdict['observed']}"
    )


def test_every_fact_has_a_probe_and_every_probe_a_fact():
    assert sorted(VERSIONED_FACTS) == probe_names()


def test_the_table_keeps_its_grammar():
    """Lines are KERAS_LINES keys; each specifier is '', '>=A.B', '<=A.B', '==A.B' or '>=A.B,<=C.D'."""
    for fact, lines in VERSIONED_FACTS.items():
        assert set(lines) <= set(KERAS_LINES), fact
        for line, specifier in lines.items():
            assert SPECIFIER.fullmatch(specifier), f"{fact} {line}: {specifier!r}"


@pytest.mark.parametrize(
    "specifier, version, holds",
    [
        ("", "2.0", True),
        (">=2.11", "2.10", False),
        (">=2.11", "2.11", True),
        (">=2.11", "2.11.1", True),
        (">=2.11", "2.15.0", True),
        ("<=2.10", "2.10.1", True),
        ("<=2.10", "2.9", True),
        ("<=2.10", "2.11", False),
        ("==3.6", "3.6.0", True),
        ("==3.6", "3.7", False),
        (">=3.0,<=3.8", "3.8.2", True),
        (">=3.0,<=3.8", "3.9", False),
        (">=3.2,<=3.8", "3.1", False),
    ],
)
def test_fact_holds_compares_minors(monkeypatch, specifier, version, holds):
    monkeypatch.setitem(keras_api.VERSIONED_FACTS, "probe", {"keras3": specifier, "tf.keras": specifier})
    assert fact_holds("probe", "keras3", version) is holds
    assert fact_holds("probe", "tf.keras", version) is holds
    assert fact_holds("probe", "tf_keras", version) is False  # a line absent never holds


@pytest.mark.parametrize("specifier", [">2.1", "~=2.1", ">=2", ">=2.1.3", "2.1", ">=2.1;<=2.3"])
def test_fact_holds_refuses_a_specifier_outside_the_grammar(monkeypatch, specifier):
    monkeypatch.setitem(keras_api.VERSIONED_FACTS, "probe", {"keras3": specifier})
    with pytest.raises(ValueError, match="probe"):
        fact_holds("probe", "keras3", "3.0")
    assert not SPECIFIER.fullmatch(specifier)


def test_fact_holds_refuses_an_unknown_fact():
    with pytest.raises(KeyError):
        fact_holds("no_such_fact", "keras3", "3.0")
