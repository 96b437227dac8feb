"""KL301, KL302 and KL303 against real Keras: every fixture is saved in one fresh process, loaded in others.

Each `fixtures/KL30x/bad_*.py` declares, in comment lines, what Keras does with it, and the test
checks it:

    # load-error: <ExceptionType>: <text>   a default load fails at load with this, and so does a
                                            load whose script first imports the training module
    # also-fails-with: <kwarg>=<value>      ... also with these load_model() arguments (module imported)
    # loads-with: <kwarg>=<value>           ... but loads, with equal outputs, with these arguments
                                            (custom_objects maps keys to attribute names of the module)
    # load-silently-differs                 loads without error, but the outputs differ

and every KL30x finding keras-lint reports on the fixture quotes the declared error text (or says
"silently"). `good_*.py` must round-trip with equal outputs when the loader imports the module.

The last tests need no Keras: they run the CLI over a two-module project, so that a function or
factory imported from another module of the project is judged by its definition there.
"""

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import BIN
from keras_roundtrip import load_in_fresh_process, run_python

from keras_lint.engine.run import lint_path
from keras_lint.keras_api import KERAS_BUILTIN_FUNCTION_NAMES
from keras_lint.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CODES = ("KL301", "KL302", "KL303")

LOAD_ERROR = re.compile(r"^# load-error: (\w+): (.+)$", re.M)
ALSO_FAILS = re.compile(r"^# also-fails-with: (\w+)=(.+)$", re.M)
LOADS_WITH = re.compile(r"^# loads-with: (\w+)=(.+)$", re.M)
SILENT = "# load-silently-differs"


def fixture_files(kind):
    return sorted(p for code in CODES for p in (FIXTURES / code).glob(f"{kind}_*.py"))


def ids(paths):
    return [f"{path.parent.name}/{path.stem}" for path in paths]


BAD = fixture_files("bad")
GOOD = fixture_files("good")
FAILING = [p for p in BAD if SILENT not in p.read_text()]
SILENT_BAD = [p for p in BAD if SILENT in p.read_text()]


def declared_error(path):
    match = LOAD_ERROR.search(path.read_text())
    assert match, f"{path.name} declares neither `# load-error:` nor `{SILENT}`"
    return match.groups()


def variants(pattern, paths):
    found = []
    for path in paths:
        for key, value in pattern.findall(path.read_text()):
            found.append((path, key, ast.literal_eval(value.strip())))
    return found


ALSO_FAILING = variants(ALSO_FAILS, BAD)
LOADING = variants(LOADS_WITH, BAD)


def variant_ids(found):
    return [f"{p.parent.name}/{p.stem}-{key}" for p, key, _ in found]


def test_fixtures_exist():
    for code in CODES:
        assert len([p for p in BAD if p.parent.name == code]) >= 2, code
        assert [p for p in GOOD if p.parent.name == code], code
    assert SILENT_BAD and ALSO_FAILING and LOADING


@pytest.mark.parametrize("path", BAD, ids=ids(BAD))
def test_findings_quote_what_keras_does(path):
    """What the message claims is what the fixture declares (and the tests below measure)."""
    findings = [f for f in lint_path(str(path), Settings()).findings if f.code in CODES]
    assert findings
    text = "silently" if path in SILENT_BAD else declared_error(path)[1]
    for finding in findings:
        assert text in finding.message, finding


@pytest.mark.keras
@pytest.mark.parametrize("import_fixture", [False, True], ids=["loader-without-module", "loader-imports-module"])
@pytest.mark.parametrize("path", FAILING, ids=ids(FAILING))
def test_default_load_fails(path, import_fixture, saved):
    error_type, text = declared_error(path)
    outcome = load_in_fresh_process(saved(path), import_fixture=import_fixture)
    assert not outcome.ok, f"the model loaded (equal={outcome.equal})"
    assert (outcome.stage, outcome.error_type) == ("load", error_type), outcome.error
    assert text in outcome.error


@pytest.mark.keras
@pytest.mark.parametrize("path, key, value", ALSO_FAILING, ids=variant_ids(ALSO_FAILING))
def test_load_also_fails_with(path, key, value, saved):
    error_type, text = declared_error(path)
    outcome = load_in_fresh_process(saved(path), import_fixture=True, **{key: value})
    assert not outcome.ok, f"the model loaded with {key}={value!r} (equal={outcome.equal})"
    assert outcome.stage == "load" and text in outcome.error, outcome.error


@pytest.mark.keras
@pytest.mark.parametrize("path, key, value", LOADING, ids=variant_ids(LOADING))
def test_loads_with(path, key, value, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=True, **{key: value})
    assert outcome.ok, f"failed at {outcome.stage} with {key}={value!r}:\n{outcome.error}"
    assert outcome.equal, "loaded, but the outputs differ from the saved model's"


@pytest.mark.keras
@pytest.mark.parametrize("import_fixture", [False, True], ids=["loader-without-module", "loader-imports-module"])
@pytest.mark.parametrize("path", SILENT_BAD, ids=ids(SILENT_BAD))
def test_load_silently_changes_the_model(path, import_fixture, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=import_fixture)
    assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal is False, "the outputs are equal: Keras did not swap in its built-in"


@pytest.mark.keras
@pytest.mark.parametrize("path", GOOD, ids=ids(GOOD))
def test_good_fixture_round_trips(path, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=True)
    assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal, "loaded, but the outputs differ from the saved model's"


# -- across modules of one project (CLI; no Keras needed) ---------------------------------------

LOSSES = '''\
import keras


def dice_loss(y_true, y_pred):
    return 1.0 - keras.ops.mean(y_true * y_pred)


@keras.saving.register_keras_serializable(package="proj")
def registered_loss(y_true, y_pred):
    return keras.ops.mean(y_true - y_pred)


def focal(gamma):
    def focal_fn(y_true, y_pred):
        return gamma * keras.ops.mean(y_true - y_pred)

    return focal_fn


def export(path):
    def wrap(symbol):
        keras.saving.register_keras_serializable(package="proj")(symbol)
        return symbol

    return wrap


@export("proj.exported_loss")
def exported_loss(y_true, y_pred):
    return keras.ops.mean(y_true - y_pred)
'''

TRAIN = '''\
import keras

from . import losses
from .losses import dice_loss, focal, registered_loss, exported_loss


def build(model):
    model.compile(optimizer="adam", loss=dice_loss)
    model.compile(optimizer="adam", loss=losses.dice_loss)
    model.compile(optimizer="adam", loss=registered_loss)
    model.compile(optimizer="adam", loss=exported_loss)
    model.compile(optimizer="adam", loss=focal(2.0))
    model.compile(optimizer="adam", loss=losses.focal(2.0))
'''


def run_cli(root, *args):
    # All rules: the CLI indexes the whole project only when a selected rule looks at custom objects.
    return subprocess.run([f"{BIN}/keras-lint", *args], cwd=root, capture_output=True, text=True)


def rows(stdout):
    found = [(line.split(":")[1], line.split()[1]) for line in stdout.splitlines() if line.startswith("pkg/")]
    return sorted(row for row in found if row[1] in CODES)


def test_functions_imported_from_another_module_are_judged_by_their_definition(project):
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "losses.py").write_text(LOSSES)
    (project / "pkg" / "train.py").write_text(TRAIN)
    result = run_cli(project, "-j", "1", "pkg")
    assert rows(result.stdout) == [("12", "KL301"), ("13", "KL301"), ("8", "KL302"), ("9", "KL302")], result.stdout
    assert "Could not locate function 'focal_fn'" in result.stdout


def test_registered_factory_in_another_module(project):
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    registered = LOSSES.replace("\ndef focal(", '\n@keras.saving.register_keras_serializable(package="proj")\ndef focal(')
    (project / "pkg" / "losses.py").write_text(registered)
    (project / "pkg" / "train.py").write_text(TRAIN)
    result = run_cli(project, "-j", "1", "pkg")
    assert ("13", "KL303") in rows(result.stdout), result.stdout
    assert ("12", "KL301") in rows(result.stdout), result.stdout


@pytest.mark.keras
def test_the_builtin_function_names_are_what_keras_finds_on_load():
    """KL102/KL301/KL303 treat a bare function name as reloadable only if Keras 3's loader finds it:
    a function (not a class) exported as `keras.<module>.<name>` for a module in BUILTIN_MODULES.
    `identity`, `swish`, `l2`, `zeros` once were in the set and fail with "Could not locate function"."""
    script = (
        "import inspect, json\n"
        "import keras\n"
        "from keras.src import api_export\n"
        "from keras.src.saving import serialization_lib\n"
        "found = set()\n"
        "for name, obj in api_export.REGISTERED_NAMES_TO_OBJS.items():\n"
        "    parts = name.split('.')\n"
        "    if len(parts) == 3 and parts[0] == 'keras' and parts[1] in serialization_lib.BUILTIN_MODULES"
        " and not inspect.isclass(obj):\n"
        "        found.add(parts[2])\n"
        "print(json.dumps(sorted(found)))\n"
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    exported = set(json.loads(result.stdout.splitlines()[-1])) - {"get", "serialize", "deserialize"}  # the modules' own helpers
    assert exported == KERAS_BUILTIN_FUNCTION_NAMES
