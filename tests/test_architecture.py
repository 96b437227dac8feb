"""The flow reads off the module names -- read a file, resolve its Keras names, index the project,
run the rules, apply fixes, report -- and no module reaches back up that chain. Checked on the
imports each module writes (at its top or inside a function), read with `ast`."""

import ast
import pathlib
import re

import keras_lint

PACKAGE = pathlib.Path(keras_lint.__file__).parent

# Each module's stage; a module may import only from an earlier stage.
STAGES = [
    {"__init__", "finding", "settings", "lazy_libcst"},  # plain data
    {"source", "files", "noqa"},  # read a file (find files, decode, noqa comments)
    {"names"},  # resolve a file's Keras names
    {"project"},  # index the project
    {"rules"},  # the rules (the whole package)
    {"engine", "config", "cache"},  # run the rules on a file; check settings; remember results
    {"fixes"},  # apply fixes
    {"report"},  # print findings
    {"cli", "flake8_plugin"},  # the two front ends
    {"__main__"},
]
RULE_MODULE = re.compile(r"kl\d{3}_")


def stage(module: str) -> int:
    top = module.split(".")[0]
    return next(i for i, names in enumerate(STAGES) if top in names)


def imported(path: pathlib.Path) -> set:
    """The package's own modules `path` imports, as dotted names relative to the package."""
    here = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
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
    for path in PACKAGE.glob("*.py"):
        stage(path.stem)  # StopIteration: a new module needs its place in STAGES
    assert stage("rules") == 4


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


def test_a_rule_module_holds_one_rule_and_imports_no_other_rule():
    """What two rules share lives in a support module of `rules/` (helpers, save_paths, ...),
    not in one of the two rules."""
    from keras_lint.rules import ALL_RULES

    rule_files = sorted(p for p in (PACKAGE / "rules").glob("*.py") if RULE_MODULE.match(p.name))
    assert len(rule_files) == len(ALL_RULES)
    assert sorted(rule.__module__.rsplit(".", 1)[1] for rule in ALL_RULES.values()) == [p.stem for p in rule_files]
    wrong = []
    for path in (PACKAGE / "rules").glob("*.py"):
        for name in imported(path):
            last = name.rsplit(".", 1)[-1]
            if RULE_MODULE.match(last) and last != path.stem:
                wrong.append(f"{path.stem} imports {last}")
    assert wrong == []
