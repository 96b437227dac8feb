"""Does a class's saved config carry each `__init__` argument? What KL202, KL203 and KL206 ask:
a key traced through the class's own get_config, its project bases (and what they hand on to
Keras) and its subclasses, with the errors a load then raises."""

from __future__ import annotations

import ast
import os
import weakref
from typing import TYPE_CHECKING, Optional

from ..index.model import ClassInfo
from ..index.project_index import ProjectIndex, base_kind
from ..keras_api import CUSTOM_OBJECT_BASES
from ..names import keras_path, path_matches

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule

# `__init__` parameters Keras passes back by itself (Layer/Model config) or that never need a key.
EXEMPT_PARAMS = frozenset({"name", "trainable", "dtype", "weights"})  # weights: initial values, loaded from the file
# Keras's own Layer/Model: the keys their get_config writes (Keras 3 and tf_keras).
LAYER_CONFIG_KEYS = frozenset({"name", "trainable", "dtype", "activity_regularizer"})
# Keras's plain Layer, and built-ins that keep its get_config (their subclasses get the automatic config)
LAYER_BASES = (*CUSTOM_OBJECT_BASES["layer"], "layers.AbstractRNNCell")
MODEL_BASES = ("Model", "models.Model", "engine.training.Model")  # Keras's plain Model


def direct_base(project: ProjectIndex, info: ClassInfo):
    """What `super()` reaches from `info`: a project ClassInfo, a Keras public path (str), or None
    when it cannot be told (several bases, a base outside the project and Keras)."""
    if len(info.bases) != 1:
        return None
    parent = project.find(info.bases[0])
    if parent is not None:
        return parent
    if base_kind(info.bases[0]):
        return keras_path(info.bases[0])
    return None


def passed_on(info: ClassInfo, key: str):
    """The keyword under which an argument given to `info.__init__` as `key` reaches the base's
    `__init__`: `key` itself, False when it does not reach it under that name, None when unknown."""
    init = info.init
    if init is None:
        return key  # the base's own __init__ receives it
    if key in {p.name for p in init.own_params}:
        forwarded = init.forwarded.get(key)
        if forwarded is None:
            return False
        if forwarded == "":
            return None  # positional: which base parameter it fills is not known here
        return key if forwarded == key else False
    return key if init.forwards_kwargs else False


def trace_key(
    rule: Optional[Rule], info: ClassInfo, key: str, seen: frozenset = frozenset(), project: Optional[ProjectIndex] = None
) -> tuple:
    """Does the config `info`'s get_config (its own or an inherited one) returns hold `key`, for an
    argument passed to `info(...)` as `key`? (True / False / None when it cannot be told, and for
    False the class along the chain where it is lost.) Without a rule (the index alone, for
    `might_report`) keys added under computed names go unseen: it may say False where the rule
    says None, never the reverse."""
    project = project or rule.context.project
    if info.qualname in seen:
        return None, None
    seen = seen | {info.qualname}
    own = info.get_config
    if own is not None:
        if key in own.keys:
            return True, None
        if not own.complete or (rule is not None and dynamic_keys(rule, info)):
            return None, None
        if not own.calls_super:
            return False, info
    arrival = passed_on(info, key)
    if arrival is None:
        return None, None
    if arrival is False:
        # Not handed to the base; an inherited get_config may still read it from `self` (unknowable).
        if any(a.get_config is not None and key in a.get_config.keys for a in project.ancestors(info)):
            return None, None
        return False, info
    parent = direct_base(project, info)
    if parent is None:
        return None, None
    if isinstance(parent, str):
        if path_matches(parent, *LAYER_BASES, *MODEL_BASES):
            return (True, None) if arrival in LAYER_CONFIG_KEYS else (None, None)
        return True, None  # a built-in (Dense, Loss, ...): its get_config carries the keywords it takes
    return trace_key(rule, parent, arrival, seen, project)


def dynamic_keys(rule: Rule, info: ClassInfo) -> bool:
    """Does the class's get_config add keys the index does not list? `config[k] = v` with a computed
    `k` (a loop over stored kwargs), `config |= ...`, `config.setdefault(...)`. (Read here: the
    index's ConfigInfo counts only literal keys and does not mark these incomplete.)"""
    function = ast_method(info, "get_config", rule)
    if function is None:
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                return True
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault":
            return True
    return False


_SUBCLASSES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # ProjectIndex -> {qualname: [ClassInfo]}


def subclasses(project: ProjectIndex, info: ClassInfo) -> list:
    """The project classes whose direct base is `info`."""
    if project not in _SUBCLASSES:
        children: dict = {}
        for cls in list(project.classes.values()):
            for base in cls.bases:
                parent = project.find(base)
                if parent is not None and parent.qualname != cls.qualname:
                    children.setdefault(parent.qualname, []).append(cls)
        _SUBCLASSES[project] = children
    return _SUBCLASSES[project].get(info.qualname, [])


def supplied_by_subclasses(rule: Rule, info: ClassInfo, key: str, seen: frozenset = frozenset()) -> bool:
    """A base class's argument that its project subclasses take care of: each one that deals with
    it supplies it itself (Conv's `rank`, given as a constant by Conv2D), carries it in its own
    config, or passes it on from a base of its own of the same kind; at least one does. Then the
    base is not built directly. A subclass without an `__init__` of its own builds the base as it is
    (the base may be concrete), unless it is itself such a base for subclasses of its own; one that
    neither takes nor gives the argument says nothing."""
    children = subclasses(rule.context.project, info)
    seen = seen | {info.qualname}
    evidence = False
    for child in children:
        if child.qualname in seen:
            return False
        if child.init is None:  # `class Plain(Base): pass` between the base and the classes that supply it
            if not supplied_by_subclasses(rule, child, key, seen):
                return False
            evidence = True
            continue
        if passes_explicitly(rule, child, key, info):
            evidence = True
        elif key in {p.name for p in child.init.own_params}:
            if not (trace_key(rule, child, key)[0] is True or supplied_by_subclasses(rule, child, key, seen)):
                return False
            evidence = True
    return evidence


def passes_explicitly(rule: Rule, child: ClassInfo, key: str, base: Optional[ClassInfo] = None) -> bool:
    """Does the child's `__init__` give its base `key` a value of its own (`rank=2`, or positionally
    in `key`'s place), rather than passing on an argument of the same name?"""
    init = ast_method(child, "__init__", rule)
    if init is None:
        return False
    position = None
    if base is not None and base.init is not None:
        positional = [p.name for p in base.init.params if p.kind == "positional"]
        position = positional.index(key) if key in positional else None
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
            if any(k.arg == key and not (isinstance(k.value, ast.Name) and k.value.id == key) for k in node.keywords):
                return True
            args = list(node.args)
            if not isinstance(node.func.value, ast.Call):  # Base.__init__(self, ...)
                args = args[1:]
            if position is not None and not any(isinstance(a, ast.Starred) for a in args[: position + 1]):
                if len(args) > position and not (isinstance(args[position], ast.Name) and args[position].id == key):
                    return True
    return False


def config_carries(rule: Rule, info: ClassInfo, key: str) -> Optional[bool]:
    return trace_key(rule, info, key)[0]


_PARSED: dict = {}  # (path, mtime, size) -> ast.Module or None, for reading ancestors' methods


def ast_class(info: ClassInfo, rule: Rule) -> Optional[ast.ClassDef]:
    """A project class's `ast` node (the engine gives rules LibCST nodes of the current statement
    only): from the current file's bindings when it is defined here, else read from its file."""
    if os.path.abspath(info.path) == os.path.abspath(rule.context.path):
        for binding in rule.names.module.bindings.get(info.name, []):
            if binding.kind == "class" and isinstance(binding.node, ast.ClassDef) and binding.node.lineno == info.line:
                return binding.node
    try:
        stat = os.stat(info.path)
    except OSError:
        return None
    key = (os.path.abspath(info.path), stat.st_mtime_ns, stat.st_size)
    if key not in _PARSED:
        try:
            with open(info.path, "rb") as handle:
                _PARSED[key] = ast.parse(handle.read())
        except (OSError, SyntaxError, ValueError, RecursionError):
            _PARSED[key] = None
    tree = _PARSED[key]
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.lineno == info.line and node.name == info.name:
            return node
    return None


def ast_method(info: ClassInfo, name: str, rule: Rule):
    cls = ast_class(info, rule)
    for stmt in cls.body if cls is not None else ():
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            return stmt
    return None


def quoted(names: list) -> str:
    """Python's own listing of missing arguments: 'a', 'a' and 'b', 'a', 'b', and 'c'."""
    items = [f"'{n}'" for n in names]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def missing_argument_error(owner: str, required: list) -> str:
    """The TypeError Python raises for `cls(**config)` without the required arguments."""
    positional = [p.name for p in required if p.kind == "positional"]
    names, kind = (positional, "positional") if positional else ([p.name for p in required], "keyword-only")
    plural = "argument" if len(names) == 1 else "arguments"
    return f"TypeError: {owner}.__init__() missing {len(names)} required {kind} {plural}: {quoted(names)}"
