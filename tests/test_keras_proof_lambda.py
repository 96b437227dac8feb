"""KL101 and KL102 against real Keras: every fixture is saved in one fresh process, loaded in another.

- `fixtures/KL101/bad_*.py` must be refused by Keras's lambda safety check on a default load, and
  get past that check with `safe_mode=False`. Past the check they must round-trip with equal
  outputs, unless the fixture declares how it fails instead, in a comment line
  `# unsafe-load: <load|call> raises <ExceptionType>: <text in the error>`.
- `fixtures/KL102/bad_*.py` must fail to load with "Could not locate function '<name>'", naming the
  function passed to the reported Lambda, both when the loader knows nothing and when it imports
  the fixture module first (which is why the rule exists: importing the code does not help) --
  unless the fixture declares `# loads-but-differs`: then it must load and compute something else.
- `good_*.py` in both folders must round-trip with equal outputs when the loader imports the module.

A fixture is saved once per test process (the `saved` fixture of conftest.py), whichever test asks first.
"""

import ast
import re
from pathlib import Path

import pytest
from keras_roundtrip import load_in_fresh_process

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

LAMBDA_REFUSED = "Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda"
LOCATE_FUNCTION = re.compile(r"Could not locate function '([^']+)'")
UNSAFE_LOAD = re.compile(r"^# unsafe-load: (load|call) raises (\w+): (.+)$", re.M)

pytestmark = pytest.mark.keras


def fixture_files(code, kind):
    return sorted((FIXTURES / code).glob(f"{kind}_*.py"))


def ids(paths):
    return [f"{path.parent.name}/{path.stem}" for path in paths]


KL101_BAD = fixture_files("KL101", "bad")
KL102_ALL_BAD = fixture_files("KL102", "bad")
KL102_DIFFERS = [p for p in KL102_ALL_BAD if "# loads-but-differs" in p.read_text()]
KL102_BAD = [p for p in KL102_ALL_BAD if p not in KL102_DIFFERS]
GOOD = fixture_files("KL101", "good") + fixture_files("KL102", "good")


def test_fixtures_exist():
    assert len(KL101_BAD) >= 3 and len(KL102_BAD) >= 3 and len(GOOD) >= 4


def reported_lambda_functions(path, code):
    """The last name of the function passed to each `Lambda(...)` call on a `# expect: <code>` line."""
    source = path.read_text()
    lines = {n for n, line in enumerate(source.splitlines(), 1) if f"# expect: {code}" in line}
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.lineno in lines and not isinstance(node.func, ast.Call):
            function = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == "function")
            names.append(function.attr if isinstance(function, ast.Attribute) else function.id)
    assert names, f"no reported Lambda call found in {path.name}"
    return names


@pytest.mark.parametrize("path", KL101_BAD, ids=ids(KL101_BAD))
def test_kl101_default_load_is_refused_by_the_lambda_check(path, saved):
    outcome = load_in_fresh_process(saved(path))
    assert not outcome.ok, "the model loaded although it holds a Python lambda"
    assert (outcome.stage, outcome.error_type) == ("load", "ValueError"), outcome.error
    assert LAMBDA_REFUSED in outcome.error


@pytest.mark.parametrize("path", KL101_BAD, ids=ids(KL101_BAD))
def test_kl101_safe_mode_false_gets_past_the_lambda_check(path, saved):
    outcome = load_in_fresh_process(saved(path), safe_mode=False)
    assert LAMBDA_REFUSED not in outcome.error
    declared = UNSAFE_LOAD.search(path.read_text())
    if declared is None:
        assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
        assert outcome.equal, "loaded with safe_mode=False but the outputs differ"
    else:
        stage, error_type, text = declared.groups()
        assert not outcome.ok, f"declared to fail at {stage}, but it round-tripped (equal={outcome.equal})"
        assert (outcome.stage, outcome.error_type) == (stage, error_type), outcome.error
        assert text in outcome.error


@pytest.mark.parametrize("import_fixture", [False, True], ids=["loader-without-module", "loader-imports-module"])
@pytest.mark.parametrize("path", KL102_BAD, ids=ids(KL102_BAD))
def test_kl102_load_cannot_locate_the_function(path, import_fixture, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=import_fixture)
    assert not outcome.ok, "the model loaded although its Lambda function is not registered"
    assert (outcome.stage, outcome.error_type) == ("load", "TypeError"), outcome.error
    located = LOCATE_FUNCTION.search(outcome.error)
    assert located, outcome.error
    assert located.group(1) in reported_lambda_functions(path, "KL102")


@pytest.mark.parametrize("path", KL102_DIFFERS, ids=ids(KL102_DIFFERS))
def test_kl102_function_reloads_as_a_different_builtin(path, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=True)
    assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal is False, "the reloaded model computes the same: the rule's claim does not hold"


@pytest.mark.parametrize("path", GOOD, ids=ids(GOOD))
def test_good_fixture_round_trips(path, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=True)
    assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal, "loaded, but the outputs differ from the saved model's"
