"""Questions about LibCST nodes that know nothing of Keras: every node under a node, a dotted name, a
call's argument, a class's method, `super()` calls, literal values; and LibCST base classes added
to our plain visitor classes only when first needed (importing them does not load LibCST)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Optional

from .lazy import cst

_CHILD_FIELDS: dict = {}  # node type -> names of its dataclass fields


def descendants(node: cst.CSTNode):
    """`node` and every node under it, in no particular order, read off the nodes' fields. For
    questions whose answer is a set: LibCST's own `visit` (and `children`) rebuilds every node it
    passes, which made these sub-walks half of all the time rules spent in LibCST."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        fields = _CHILD_FIELDS.get(type(current))
        if fields is None:
            fields = _CHILD_FIELDS[type(current)] = tuple(f.name for f in dataclasses.fields(current))
        for field in fields:
            value = getattr(current, field)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(item for item in value if isinstance(item, cst.CSTNode))


_WITH_LIBCST: dict = {}  # (class, LibCST base name) -> the class with that base added


def with_libcst_base(cls: type, base: str, **attributes) -> type:
    """`cls` with LibCST's class `base` ("CSTVisitor", "CSTTransformer", ...) added, made once, when
    first needed: our visitors are plain classes so that importing them does not load LibCST."""
    made = _WITH_LIBCST.get((cls, base))
    if made is None:
        namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__, **attributes}
        made = _WITH_LIBCST[(cls, base)] = type(cls.__name__, (cls, getattr(cst, base)), namespace)
    return made


def dotted(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def argument(call: cst.Call, position: int, keyword: str) -> Optional[cst.Arg]:
    """The argument bound to a parameter, given positionally or by keyword; None if absent or unknowable."""
    positional = 0
    for arg in call.args:
        if arg.star:
            return None  # *args / **kwargs could supply it
        if arg.keyword is None:
            if positional == position:
                return arg
            positional += 1
        elif arg.keyword.value == keyword:
            return arg
    return None


def method(node: cst.ClassDef, name: str) -> Optional[cst.FunctionDef]:
    """The class's own `def name` (the last one, as Python keeps it)."""
    found = None
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
            found = stmt
    return found


def names_read(function: cst.FunctionDef) -> set:
    """Every bare name used in the function's body (not its signature)."""
    return {node.value for node in descendants(function.body) if isinstance(node, cst.Name)}


def is_super_call(call: cst.Call, method_name: str) -> bool:
    """`super().m(...)`, `super(C, self).m(...)` or `Base.m(self, ...)`: what the project index
    counts as calling the base's method (index.ast_questions.is_super_call), read off LibCST."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == method_name):
        return False
    owner = func.value
    if isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "super":
        return True
    first = call.args[0] if call.args else None
    return (
        first is not None
        and first.keyword is None
        and not first.star
        and isinstance(first.value, cst.Name)
        and first.value.value == "self"
        and dotted(owner) is not None
    )


def super_calls(function: cst.FunctionDef, method_name: str) -> list:
    """The calls of the base's `method_name` anywhere in a function (in no particular order)."""
    return [node for node in descendants(function.body) if isinstance(node, cst.Call) and is_super_call(node, method_name)]


def literal_value(node: Optional[cst.BaseExpression]):
    """The value of a literal True/False/None/number/string, or `...` when not a literal."""
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.Integer):
        return int(node.value, 0) if node.value.isdigit() else ...
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    return ...


@functools.lru_cache(maxsize=8)
def nodes_in_order(node: cst.CSTNode) -> tuple:
    """`node` and every node under it, parents before children, in source order. One visitor pass
    (`CSTNode.children` rebuilds the node each time it is read, far too slow for a whole class),
    kept for the last few nodes: the fixes ask several questions of the same class body."""
    found: list = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, current: cst.CSTNode) -> bool:
            found.append(current)
            return True

    node.visit(Collect())
    return tuple(found)


def code_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def self_attribute(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def params_by_name(function: cst.FunctionDef) -> dict:
    """A def's parameters a call can name (positional-only ones included), by name."""
    params = function.params
    return {p.name.value: p for p in [*params.posonly_params, *params.params, *params.kwonly_params]}
