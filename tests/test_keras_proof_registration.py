"""KL201, KL208 and KL209 against real Keras, plus how they read a whole project.

- `fixtures/KL201/bad_*.py`: every class marked `# expect: KL201` is used by the saved model. Loading
  it without custom_objects fails with "Could not locate class '<that class>'", and so does a loader
  that imports the module and registers the class only there. The same file with the class
  registered (one decorator added) is silent under KL201, and round-trips when the loader imports it.
- `fixtures/KL208/bad_*.py`: the model saves and loads without any error, yet computes something
  else after loading (two objects share one key, both load as the last one).
- `fixtures/KL209/bad_*.py`: building or calling the model fails on first use of the decorated object, as the
  fixture declares in a line `# first-use: <stage> raises <ExceptionType>: <text in the error>`.
- `good_*.py` in the three folders round-trip with equal outputs when the loader imports the module;
  `KL201/good_keras_internal_class.py` (a model built from one of Keras's own unregistered classes,
  the reason KL201 is silent inside Keras's own packages) does so even when it does not.
- The classes KL201 leaves alone because no saved model can hold them: the abstract base of
  `KL201/good_abstract_base.py` cannot be instantiated (and its registered subclass round-trips);
  a model using the base of `KL201/good_call_not_implemented_base.py`, whose `call` only raises
  NotImplementedError, fails when built (and its registered subclass round-trips);
  the model of `KL201/good_get_config_refuses.py` fails at save, with the class's own error, and that
  of `KL201/good_argument_never_plain.py` with Keras's (its layer argument has no automatic config).

A fixture is saved once per test process (the `saved` fixture of conftest.py), whichever test asks first.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BIN
from keras_roundtrip import MODEL_FILE, _run, load_in_fresh_process, save_in_fresh_process

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LOCATE_CLASS = re.compile(r"Could not locate class '([^']+)'")
FIRST_USE = re.compile(r"^# first-use: (build|call) raises (\w+): (.+)$", re.M)
EXPECT_COMMENT = re.compile(r"\s*#\s*expect:[^\n]*")


def fixture_files(code, kind):
    return sorted((FIXTURES / code).glob(f"{kind}_*.py"))


def ids(paths):
    return [f"{path.parent.name}/{path.stem}" for path in paths]


KL201_BAD = fixture_files("KL201", "bad")
KL208_BAD = fixture_files("KL208", "bad")
KL209_BAD = fixture_files("KL209", "bad")
REFUSES = FIXTURES / "KL201" / "good_get_config_refuses.py"  # never saved: it has its own test
NEVER_PLAIN = FIXTURES / "KL201" / "good_argument_never_plain.py"  # never saved either: its own test
GOOD = [
    path for path in fixture_files("KL201", "good") + fixture_files("KL208", "good") + fixture_files("KL209", "good")
    if path not in (REFUSES, NEVER_PLAIN)
]
KERAS_INTERNAL = FIXTURES / "KL201" / "good_keras_internal_class.py"
ABSTRACT = FIXTURES / "KL201" / "good_abstract_base.py"
CALL_BASE = FIXTURES / "KL201" / "good_call_not_implemented_base.py"


def test_fixtures_exist():
    assert len(KL201_BAD) >= 3 and len(KL208_BAD) >= 3 and len(KL209_BAD) >= 3 and len(GOOD) >= 6
    assert KERAS_INTERNAL in GOOD and ABSTRACT in GOOD and CALL_BASE in GOOD and REFUSES.is_file()


def reported_classes(path, code="KL201"):
    """Names of the classes whose `class` line is marked `# expect: <code>`."""
    source = path.read_text()
    lines = {n for n, line in enumerate(source.splitlines(), 1) if f"# expect: {code}" in line}
    names = [node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef) and node.lineno in lines]
    assert names, f"no reported class found in {path.name}"
    return names


def lint(*args, cwd):
    return subprocess.run([os.path.join(BIN, "keras-lint"), *args], capture_output=True, text=True, cwd=cwd)


# -- KL201 ---------------------------------------------------------------------------------------

# A loader that imports the fixture module and registers the reported classes there, then loads.
_LOAD_AFTER_REGISTERING_IN_LOADER = r"""
from pathlib import Path
try:
    stage("import")
    module = import_fixture(ARGS["fixture"])
    import keras
    for name in ARGS["classes"]:
        keras.saving.register_keras_serializable(package=ARGS["package"])(getattr(module, name))
    stage("load")
    keras.saving.load_model(str(Path(ARGS["workdir"]) / ARGS["model_file"]))
except Exception as exc:
    report(False, exc)
else:
    report(True)
"""


@pytest.mark.keras
@pytest.mark.parametrize("path", KL201_BAD, ids=ids(KL201_BAD))
def test_kl201_load_without_custom_objects_cannot_locate_the_class(path, saved):
    outcome = load_in_fresh_process(saved(path))
    assert not outcome.ok, "the model loaded although its custom class is registered nowhere"
    assert (outcome.stage, outcome.error_type) == ("load", "TypeError"), outcome.error
    located = LOCATE_CLASS.search(outcome.error)
    assert located and located.group(1) in reported_classes(path), outcome.error


@pytest.mark.keras
@pytest.mark.parametrize("path", KL201_BAD, ids=ids(KL201_BAD))
def test_kl201_registering_only_in_the_loader_does_not_help(path, saved):
    workdir = saved(path)
    args = dict(
        fixture=str(path), classes=reported_classes(path), package=path.stem, model_file=MODEL_FILE,
    )
    outcome = _run(_LOAD_AFTER_REGISTERING_IN_LOADER, args, workdir)
    assert not outcome.ok, "registering the class only in the loader was enough"
    assert outcome.stage == "load", outcome.error
    located = LOCATE_CLASS.search(outcome.error)
    assert located and located.group(1) in reported_classes(path), outcome.error


def registered_copy(path, folder):
    """The bad fixture with each reported class decorated `@register_keras_serializable(...)`."""
    lines = path.read_text().splitlines(keepends=True)
    marked = {n for n, line in enumerate(lines, 1) if "# expect: KL201" in line}
    out = ["import keras as keras_for_the_fix\n"]
    for number, line in enumerate(lines, 1):
        if number in marked:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}@keras_for_the_fix.saving.register_keras_serializable(package=\"{path.stem}_fixed\")\n")
            line = EXPECT_COMMENT.sub("", line)
        out.append(line)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "setup.cfg").write_text("[metadata]\nname = fixed\n")
    copy = folder / f"{path.stem}_fixed.py"
    copy.write_text("".join(out))
    return copy


@pytest.mark.keras
@pytest.mark.parametrize("path", KL201_BAD, ids=ids(KL201_BAD))
def test_kl201_registered_class_is_silent_and_loads_when_the_loader_imports_it(path, tmp_path):
    copy = registered_copy(path, tmp_path / "project")
    result = lint("--select", "KL201", "-j", "1", str(copy), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    assert save_in_fresh_process(copy, tmp_path / "work").ok
    outcome = load_in_fresh_process(tmp_path / "work", import_fixture=True)
    assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal, "loaded, but the outputs differ from the saved model's"


@pytest.mark.keras
def test_kl201_keras_loads_its_own_unregistered_classes_without_the_module(saved):
    outcome = load_in_fresh_process(saved(KERAS_INTERNAL), import_fixture=False)
    assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal


_INSTANTIATE = r"""
try:
    stage("import")
    module = import_fixture(ARGS["fixture"])
    stage("build")
    getattr(module, ARGS["name"])()  # a class, or a function that builds a model
except Exception as exc:
    report(False, exc)
else:
    report(True)
"""


@pytest.mark.keras
def test_kl201_an_abstract_base_cannot_be_instantiated(tmp_path):
    outcome = _run(_INSTANTIATE, dict(fixture=str(ABSTRACT), name="ScoringLayer"), tmp_path)
    assert (outcome.ok, outcome.stage, outcome.error_type) == (False, "build", "TypeError"), outcome.error
    assert "Can't instantiate abstract class ScoringLayer" in outcome.error


@pytest.mark.keras
def test_kl201_a_model_using_a_base_whose_call_is_not_implemented_fails_when_built(tmp_path):
    outcome = _run(_INSTANTIATE, dict(fixture=str(CALL_BASE), name="build_model_with_the_base"), tmp_path)
    assert (outcome.ok, outcome.stage, outcome.error_type) == (False, "build", "NotImplementedError"), outcome.error


@pytest.mark.keras
def test_kl201_a_model_whose_class_refuses_get_config_fails_at_save(tmp_path):
    outcome = save_in_fresh_process(REFUSES, tmp_path)
    assert (outcome.ok, outcome.stage, outcome.error_type) == (False, "save", "NotImplementedError"), outcome.error
    assert "StatefulNoise holds Python state" in outcome.error


@pytest.mark.keras
def test_kl201_a_model_whose_class_takes_a_layer_argument_fails_at_save(tmp_path):
    """good_argument_never_plain.py: `Wrapper(inner=Dense(4))` has no get_config, and Keras 3's
    automatic config refuses the layer, so no model holding it saves: KL201's load failure cannot
    happen (KL202 reports the save failure)."""
    outcome = save_in_fresh_process(NEVER_PLAIN, tmp_path)
    assert (outcome.ok, outcome.stage, outcome.error_type) == (False, "save", "NotImplementedError"), outcome.error
    assert "Object Wrapper was created by passing" in outcome.error


# -- KL208 ---------------------------------------------------------------------------------------


@pytest.mark.keras
@pytest.mark.parametrize("path", KL208_BAD, ids=ids(KL208_BAD))
def test_kl208_loads_without_error_but_computes_something_else(path, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=True)
    assert outcome.ok, f"expected a silent change, but loading failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal is False, "the loaded model computes the same as the saved one"


# -- KL209 ---------------------------------------------------------------------------------------


@pytest.mark.keras
@pytest.mark.parametrize("path", KL209_BAD, ids=ids(KL209_BAD))
def test_kl209_first_use_of_the_decorated_object_fails(path, tmp_path):
    declared = FIRST_USE.search(path.read_text())
    assert declared, f"{path.name} does not declare how its first use fails"
    stage, error_type, text = declared.groups()
    outcome = save_in_fresh_process(path, tmp_path)
    assert not outcome.ok, "the model was built although the class or function was replaced"
    assert (outcome.stage, outcome.error_type) == (stage, error_type), outcome.error
    assert text in outcome.error
    assert "register_keras_serializable.<locals>.decorator" in outcome.error or "__name__" in outcome.error


# -- good fixtures -------------------------------------------------------------------------------


@pytest.mark.keras
@pytest.mark.parametrize("path", GOOD, ids=ids(GOOD))
def test_good_fixture_round_trips(path, saved):
    outcome = load_in_fresh_process(saved(path), import_fixture=True)
    assert outcome.ok, f"failed at {outcome.stage}:\n{outcome.error}"
    assert outcome.equal, "loaded, but the outputs differ from the saved model's"


# -- the project view (no Keras needed) ----------------------------------------------------------

LAYER = "import keras\n\n\nclass {name}({base}):\n    def call(self, x):\n        return x\n"


def write(root, files):
    (root / "setup.cfg").write_text("[metadata]\nname = sample\n")
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def findings(stdout):
    return sorted((line.split(":")[0], int(line.split(":")[1]), line.split()[1]) for line in stdout.splitlines())


def test_kl201_follows_project_bases_and_registrations_across_files(tmp_path):
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/base.py": "import keras\n\n\n@keras.saving.register_keras_serializable(package='pkg')\n"
                       "class Base(keras.layers.Layer):\n    pass\n",
        "pkg/blocks.py": "from pkg.base import Base\n\n\nclass Block(Base):\n    pass\n\n\nclass Other(Base):\n    pass\n",
        "pkg/registry.py": "import keras\nfrom pkg.blocks import Other\n\nkeras.utils.get_custom_objects()['Other'] = Other\n",
    })
    result = lint("--select", "KL201", "-j", "1", ".", cwd=tmp_path)
    assert findings(result.stdout) == [("pkg/blocks.py", 4, "KL201")], result.stdout + result.stderr
    # flake8 on the one file sees its project too (issue 21), though the file never spells Keras
    alone = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "KL", "pkg/blocks.py"], capture_output=True, text=True, cwd=tmp_path
    )
    assert findings(alone.stdout) == [("pkg/blocks.py", 4, "KL201")], alone.stdout + alone.stderr


def test_kl201_register_decorators_option(tmp_path):
    write(tmp_path, {
        "model.py": "import keras\nfrom mylib.export import export\n\n\n@export('model.Block')\n"
                    "class Block(keras.layers.Layer):\n    pass\n",
    })
    assert findings(lint("--select", "KL201", "-j", "1", ".", cwd=tmp_path).stdout) == [("model.py", 6, "KL201")]
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = sample\n\n[keras-lint]\nregister-decorators = mylib.export.export\n")
    result = lint("--select", "KL201", "-j", "1", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_kl201_is_silent_in_kerass_own_packages(tmp_path):
    write(tmp_path, {
        "keras_cv/__init__.py": "",
        "keras_cv/layers.py": LAYER.format(name="Internal", base="keras.layers.Layer"),
        "keras_cv/models/no_init_here/blocks.py": LAYER.format(name="Block", base="keras.layers.Layer"),
        "mypkg/__init__.py": "",
        "mypkg/layers.py": LAYER.format(name="Internal", base="keras.layers.Layer"),
    })
    result = lint("--select", "KL201", "-j", "1", ".", cwd=tmp_path)
    assert findings(result.stdout) == [("mypkg/layers.py", 4, "KL201")], result.stdout + result.stderr


def test_kl208_reports_every_registration_after_the_first_in_path_order(tmp_path):
    registered = "import keras\n\n\n@keras.saving.register_keras_serializable()\nclass Scale(keras.layers.Layer):\n    pass\n"
    write(tmp_path, {"a/vision.py": registered, "b/text.py": registered, "c/audio.py": registered})
    result = lint("--select", "KL208", "-j", "1", ".", cwd=tmp_path)
    assert findings(result.stdout) == [("b/text.py", 4, "KL208"), ("c/audio.py", 4, "KL208")], result.stdout
    assert "`Custom>Scale` is already registered by the class `vision.Scale` (../a/vision.py, line 5)" in result.stdout
    # selected alone, KL208 still sees the whole project
    alone = lint("--select", "KL208", "-j", "1", "c/audio.py", cwd=tmp_path)
    assert findings(alone.stdout) == [("c/audio.py", 4, "KL208")], alone.stdout + alone.stderr
