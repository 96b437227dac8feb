"""Where a file sits in its project: the project root, the module name Python imports a file as, and
project-absolute names (relative imports resolved)."""

from __future__ import annotations

import ast
import os
from typing import TYPE_CHECKING, Optional

from ..roots import is_marked_root, project_root  # noqa: F401  (the index answers with them)
from ..source import may_use_keras

if TYPE_CHECKING:  # for annotations only: this module is also the flake8 plugin's cheap first question
    from ..names import KerasNames


def module_name(path: str, packages: Optional[dict] = None) -> str:
    """The dotted module name Python would import the file as (walking up through packages).
    `packages` (folder -> its dotted package name, "" for none) remembers folders across calls."""
    packages = {} if packages is None else packages
    folder, filename = os.path.split(os.path.abspath(path))
    package = _package_name(folder, packages)
    module = "" if filename == "__init__.py" else os.path.splitext(filename)[0]
    return ".".join(part for part in (package, module) if part) or os.path.splitext(filename)[0]


def _package_name(folder: str, packages: dict) -> str:
    if folder not in packages:
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            parent, name = os.path.split(folder)
            above = _package_name(parent, packages) if parent != folder else ""
            packages[folder] = f"{above}.{name}" if above else name
        else:
            packages[folder] = ""
    return packages[folder]


def namespace_names(path: str, module: str, root: Optional[str]) -> list:
    """The other names a file imports as when the folders between its top package and the project
    root have no `__init__.py` (namespace packages): `src/models/base.py` in a project without
    package files is `base`, and also `models.base` and `src.models.base`."""
    if root is None:
        return []
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    for _ in range(module.count(".") + (os.path.basename(path) == "__init__.py")):
        folder = os.path.dirname(folder)  # up to the folder the top package (or the module) sits in
    root = os.path.abspath(root)
    names = []
    while folder != root and folder.startswith(root + os.sep) and os.path.basename(folder).isidentifier():
        module = f"{os.path.basename(folder)}.{module}"
        names.append(module)
        folder = os.path.dirname(folder)
    return names


def qualify(names: KerasNames, module: str, is_package: bool, dotted: Optional[str], line: int) -> Optional[str]:
    """The qualified name of a dotted name at `line`, project-absolute: a module-level class or def
    of this file becomes `module.Name`, a relative import `pkg.sub.Name`."""
    if dotted is None:
        return None
    head = dotted.split(".")[0]
    binding = names.binding(head, line)
    if binding is not None and binding.kind in ("class", "def") and binding.scope == "module":
        return f"{module}.{dotted}"
    qualified = names.qualified(dotted, line)
    return absolute_import(qualified, module, is_package) if qualified else qualified


def absolute_import(target: str, module: str, is_package: bool) -> str:
    """A name as imported into `module`, relative imports resolved: `..layers.Scale` imported into
    module `a.b.c.d` (or package `a.b.c`) is `a.b.layers.Scale`; an absolute name stays as it is."""
    if not target.startswith("."):
        return target
    level = len(target) - len(target.lstrip("."))
    parts = [p for p in (module if is_package else module.rpartition(".")[0]).split(".") if p]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    return ".".join(parts + [target.lstrip(".")])



_REACHES: dict = {}  # file -> does it, or a project base it imports, spell Keras (one flake8 process)


def reaches_keras_through_project(path: str, tree: ast.Module, depth: int = 3) -> bool:
    """Does a class of the file at `path` derive from a class it imports from its own project whose
    module spells Keras or TensorFlow -- or whose module does so for one of its own bases, `depth`
    modules deep? What makes a file that never spells Keras worth linting in its project:
    `class Sub(Base)` on another file's Keras layer. Asked by the flake8 plugin before it loads
    anything heavier: only the modules that define the file's imported bases are read (each once
    per process), so code whose classes derive from nothing imported costs no file read."""
    return _reaches(os.path.abspath(path), tree, depth)


def _reaches(path: str, tree: ast.Module, depth: int, wanted: frozenset = frozenset()) -> bool:
    if depth <= 0:
        return False
    for candidate, names in _base_modules(path, tree, wanted):
        if candidate not in _REACHES:
            _REACHES[candidate] = False  # (an import cycle stops here)
            try:
                with open(candidate, "rb") as handle:
                    text = handle.read().decode("utf-8", "replace")
                _REACHES[candidate] = may_use_keras(text) or _reaches(candidate, ast.parse(text), depth - 1, names)
            except (OSError, SyntaxError, ValueError, RecursionError):
                pass
        if _REACHES[candidate]:
            return True
    return False


def _base_modules(path: str, tree: ast.Module, wanted: frozenset = frozenset()) -> list:
    """(file, the names taken from it) for the project files defining the classes the module's
    classes derive from by an imported name (`from .base import Base` ... `class Sub(Base)`,
    `import pkg.base` ... `class Sub(pkg.base.Base)`), or the `wanted` names it re-exports:
    relative imports from its folder, absolute ones from the folder holding its top-level package."""
    bases = set(wanted) | {
        (base.id if isinstance(base, ast.Name) else _root(base))
        for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
        for base in node.bases if isinstance(base, (ast.Name, ast.Attribute))
    }
    bases.discard(None)
    if not bases:
        return []
    folder = os.path.dirname(path)
    top = folder
    for _ in range(module_name(path).count(".")):
        top = os.path.dirname(top)
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names = [alias for alias in node.names if (alias.asname or alias.name) in bases]
            if not names:
                continue
            base = folder
            for _ in range(max(node.level - 1, 0)):
                base = os.path.dirname(base)
            parts = node.module.split(".") if node.module else []
            targets = [parts + [alias.name] for alias in names] + [parts]
            start = base if node.level else top
        elif isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names if (alias.asname or alias.name.split(".")[0]) in bases]
            start = top
        else:
            continue
        taken = frozenset(alias.name for alias in node.names) if isinstance(node, ast.ImportFrom) else frozenset()
        for target in filter(None, targets):
            stem = os.path.join(start, *target)
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if os.path.isfile(candidate):
                    found.append((os.path.abspath(candidate), taken))
                    break
    return found


def _root(node: ast.AST) -> Optional[str]:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
