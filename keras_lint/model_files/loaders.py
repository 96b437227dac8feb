"""The project's `load_model("models/best.keras", ...)` calls that name a model file (the
save->load flow): with their `compile=`, `safe_mode=` and `custom_objects=`, the file is judged as
that call will load it, and a failure is also reported at the call's line.

Only a path written as a literal (a string, or the literal end of an `os.path.join`/`Path(...)`
is not enough: the whole path) is matched, against the file's absolute path from the project root,
the calling file's folder or the current folder.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from typing import Optional

from ..keras_api import LOADERS
from ..names import KerasNames

LOAD_MODEL = tuple(path for path in LOADERS if path.endswith("load_model"))


@dataclasses.dataclass(frozen=True)
class LoadCall:
    path: str  # the Python file
    line: int
    col: int  # 1-based
    literal: str  # the model path as written
    compile: Optional[bool] = None  # None: not given (Keras's default, True) or not a literal
    safe_mode: Optional[bool] = None
    custom_objects: Optional[frozenset] = None  # the keys of a literal dict; None: none given
    custom_objects_unknown: bool = False  # given, but not a dict literal with string keys

    def names(self, model_path: str, root: str) -> bool:
        """Does this call's literal name `model_path`?"""
        target = os.path.normcase(os.path.abspath(model_path))
        bases = [root, os.path.dirname(self.path), os.getcwd()]
        candidates = [self.literal] if os.path.isabs(self.literal) else [os.path.join(b, self.literal) for b in bases]
        return any(os.path.normcase(os.path.abspath(c)) == target for c in candidates)


def _literal_bool(node) -> Optional[bool]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, bool) else None


def _dotted(node) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def load_calls(path: str, text: str) -> list:
    """The `load_model` calls of one file whose model path is a string literal."""
    if "load_model" not in text:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return []
    names = None
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and (_dotted(node.func) or "").endswith("load_model")):
            continue
        names = names or KerasNames(tree, text)
        if not names.is_keras(_dotted(node.func), node.lineno, *LOAD_MODEL):
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        target = node.args[0] if node.args else keywords.get("filepath")
        if not (isinstance(target, ast.Constant) and isinstance(target.value, str)):
            continue
        positional = node.args[1:]  # load_model(filepath, custom_objects=None, compile=True, safe_mode=True)
        objects = keywords.get("custom_objects", positional[0] if positional else None)
        keys, unknown = None, False
        if objects is not None:
            if isinstance(objects, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in objects.keys):
                keys = frozenset(k.value for k in objects.keys)
            else:
                unknown = True
        compile_ = keywords.get("compile", positional[1] if len(positional) > 1 else None)
        safe_mode = keywords.get("safe_mode", positional[2] if len(positional) > 2 else None)
        found.append(LoadCall(path, node.lineno, node.col_offset + 1, target.value, _literal_bool(compile_),
                              _literal_bool(safe_mode), keys, unknown))
    return found


def as_called(verdicts: list, call: LoadCall) -> list:
    """The verdicts that still hold when `call` loads the file: what its custom_objects provide is
    found (a dict we cannot read may provide anything a custom object needs)."""
    kept = []
    for verdict in verdicts:
        if verdict.needs and (call.custom_objects_unknown or call.custom_objects and (
                verdict.needs in call.custom_objects or verdict.needs.partition(">")[2] in call.custom_objects)):
            continue
        kept.append(verdict)
    return kept


# -- which project files the loading process imports ----------------------------------------------------

_DYNAMIC_IMPORTS = ("import_module", "__import__", "exec", "run_path", "run_module", "load_source", "exec_module")


def _imported_names(tree, module: str, is_package: bool) -> Optional[set]:
    """The module names a file imports anywhere in it (also inside functions and `try`), with every
    package prefix; None when it imports dynamically (importlib, __import__, exec, runpy)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = _dotted(node.func) or ""
            if called.rpartition(".")[2] in _DYNAMIC_IMPORTS:
                return None
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                parts = parts if is_package else parts[:-1]
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            names = [base] + [f"{base}.{alias.name}" if base else alias.name for alias in node.names if alias.name != "*"]
        for name in names:
            parts = name.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return found


def imported_files(path: str, project) -> Optional[frozenset]:
    """The absolute paths of the project files that importing (running) `path` imports, through the
    project's own imports, `path` included; None when that cannot be known (a dynamic import in one
    of them, or a file that does not parse)."""
    if project is None:
        return None
    start = os.path.abspath(path)
    seen, queue = {start}, [start]
    while queue:
        current = queue.pop()
        summary = project.summary_of(current)
        module = summary.module if summary is not None else os.path.splitext(os.path.basename(current))[0]
        try:
            with open(current, encoding="utf-8", errors="replace") as handle:
                tree = ast.parse(handle.read())
        except (OSError, SyntaxError, ValueError, RecursionError):
            return None
        names = _imported_names(tree, module, current.endswith("__init__.py"))
        if names is None:
            return None
        for name in names:
            target = project.module(name)
            if target is None:
                continue
            found = os.path.abspath(target.path)
            if found not in seen:
                seen.add(found)
                queue.append(found)
    return frozenset(seen)


def module_names(path: str) -> Optional[frozenset]:
    """The names a file binds at module level (imports, defs, classes, assignments): what tf_keras's
    rebuilt lambdas find in `__main__` when this file is the script that loads. None if unreadable."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    names = set()
    for node in tree.body:
        for inner in [node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else ast.walk(node):
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(inner.name)
            elif isinstance(inner, ast.alias):
                names.add(inner.asname or inner.name.split(".")[0])
            elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                names.add(inner.id)
    return frozenset(names)
