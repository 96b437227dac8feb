"""The flow reads off the package's folders and modules -- read a file, resolve its Keras names,
index the project, ask the shared questions, build fixes, run the rules, apply fixes, report -- and
no module reaches back up that chain. Checked on the imports each module writes (at its top or
inside a function), read with `ast`. Imports under `if TYPE_CHECKING:` are left out: they exist
for annotations only (an analysis or fixer function takes the rule that calls it), never at run time."""

import ast
import pathlib
import re

import keras_lint

PACKAGE = pathlib.Path(keras_lint.__file__).parent

# Each top-level module or package and its stage; a module may import only from an earlier stage,
# or from its own package.
STAGES = [
    {"__init__", "finding", "settings"},  # plain data
    {"keras_api"},  # every fact about Keras the rules rely on, as data
    {"cst"},  # LibCST plumbing: lazy import, node positions, the walk, node questions (no Keras knowledge)
    {"source", "files", "noqa", "dependencies", "roots"},  # read a file (find files, decode, noqa comments; declared versions)
    {"names"},  # resolve a file's Keras names
    {"index"},  # summarise each file, join the summaries into the project index
    {"model_files"},  # read saved model files and judge them against the Keras that loads them (KL6nn)
    {"analysis"},  # read-only questions several rules ask
    {"fixers"},  # the edits and rewrites several rules' fixes are made of
    {"rules"},  # the rules: base.py and one module per rule
    {"engine", "config", "cache", "editor_cache"},  # run the rules on a file; check settings; remember results
    {"fixes"},  # apply fixes
    {"report", "adopt"},  # print findings; adopt on a codebase with findings (--add-noqa, baselines)
    {"api"},  # the public pipeline every front end calls
    {"cli", "flake8_plugin"},  # the two front ends
    {"__main__"},
]
RULE_MODULE = re.compile(r"kl\d{3}_")


def stage(module: str) -> int:
    top = module.split(".")[0]
    return next(i for i, names in enumerate(STAGES) if top in names)


def _type_checking_only(tree: ast.Module) -> set:
    """The import nodes under `if TYPE_CHECKING:`."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return skipped


def imported(path: pathlib.Path) -> set:
    """The package's own modules `path` imports, as dotted names relative to the package."""
    here = path.relative_to(PACKAGE).with_suffix("").parts
    if here[-1] == "__init__":
        here = here[:-1] + ("__init__",)
    tree = ast.parse(path.read_text())
    skipped = _type_checking_only(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(here[: len(here) - node.level])
            if node.module:
                found.add(".".join(base + node.module.split(".")))
            else:
                found.update(".".join(base + [alias.name]) for alias in node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found.update(n.split(".", 1)[1] for n in names if n.startswith("keras_lint."))
    return {name for name in found if name and name != "__version__"}


def test_every_module_has_a_stage():
    for path in PACKAGE.iterdir():
        if path.suffix == ".py" or (path / "__init__.py").exists():
            stage(path.stem)  # StopIteration: a new module or package needs its place in STAGES
    assert stage("rules") > stage("fixers") > stage("analysis") > stage("index") > stage("names") > stage("cst")


def test_no_module_imports_from_a_later_stage():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for name in imported(path):
            if name.split(".")[0] in {"", "__init__"}:
                continue  # `from . import __version__`
            if stage(name) > stage(module) or (stage(name) == stage(module) and name.split(".")[0] != module.split(".")[0]):
                wrong.append(f"{module} imports {name}")
    assert wrong == []


def test_the_layering_test_sees_a_reverse_import(tmp_path):
    """The check above would catch an analysis module importing a rule (it reads imports, and a
    package-relative one resolves to the package it names)."""
    probe = PACKAGE / "analysis" / "_probe_for_test.py"
    probe.write_text("from ..rules import ALL_RULES\n")
    try:
        names = imported(probe)
    finally:
        probe.unlink()
    assert names == {"rules"} and stage("rules") > stage("analysis.anything")


def test_rules_holds_the_rules_and_nothing_else():
    """`ls keras_lint/rules/` is the catalog: base.py, the discovery in __init__.py, one module per rule."""
    others = sorted(
        p.name for p in (PACKAGE / "rules").iterdir() if p.name not in ("__init__.py", "base.py", "__pycache__")
        and not RULE_MODULE.match(p.name)
    )
    assert others == []


def test_the_engine_does_not_import_a_rules_internals():
    wrong = []
    for path in sorted((PACKAGE / "engine").glob("*.py")):
        for name in imported(path):
            if name.startswith("rules.") and name not in ("rules.base",):
                wrong.append(f"engine/{path.name} imports {name}")
    assert wrong == []


def test_no_module_outside_the_package_imports_a_private_name():
    """bench/ and the front ends go through public names (api.py is the pipeline)."""
    root = PACKAGE.parent
    wrong = []
    for path in sorted([*(root / "bench").glob("*.py"), *(root / "tests").glob("*.py")]):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("keras_lint"):
                wrong += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                value = node.value
                if isinstance(value, ast.Name) and value.id in ("cli", "api", "engine", "fixes", "index", "cache"):
                    wrong.append(f"{path.name}: {value.id}.{node.attr}")
    assert wrong == []


def test_a_rule_module_holds_one_rule_named_as_its_file_and_imports_no_other_rule():
    """What two rules share lives in analysis/ or fixers/, not in one of the two rules; a rule
    module's name is its code and its rule's name (`kl101_lambda_layer_python_lambda.py`)."""
    from keras_lint.rules import ALL_RULES

    rule_files = sorted(p for p in (PACKAGE / "rules").glob("*.py") if RULE_MODULE.match(p.name))
    assert len(rule_files) == len(ALL_RULES)
    assert sorted(rule.__module__.rsplit(".", 1)[1] for rule in ALL_RULES.values()) == [p.stem for p in rule_files]
    assert sorted(f"{code.lower()}_{rule.name.replace('-', '_')}" for code, rule in ALL_RULES.items()) == [
        p.stem for p in rule_files
    ]
    wrong = []
    for path in (PACKAGE / "rules").glob("*.py"):
        for name in imported(path):
            last = name.rsplit(".", 1)[-1]
            if RULE_MODULE.match(last) and last != path.stem:
                wrong.append(f"{path.stem} imports {last}")
    assert wrong == []


def test_nothing_below_the_index_opens_a_file():
    """The index is the only reader of files: a rule gets its file's text and tree from its
    context, other files as their summaries (an editor's unsaved buffer is judged as it is)."""
    readers = {"open", "read_text", "read_bytes", "getmtime", "stat", "scandir", "listdir"}
    wrong = []
    for folder in ("rules", "analysis", "fixers", "cst"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            where = path.relative_to(PACKAGE)
            wrong += [f"{where} imports {name}" for name in imported(path) if name.split(".")[0] in ("source", "files")]
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                    if name in readers:
                        wrong.append(f"{where}:{node.lineno} calls {name}")
    assert wrong == []
