"""LibCST's batched visit (`libcst.visit_batched`) without its copies: the same `visit_*` and
`leave_*` methods of the same visitors, called on the same nodes in the same order.

LibCST's walk (`CSTNode.visit`) builds a new copy of every node it passes, so that a transformer
can change it; visitors that only read, as rules do, throw the copies away. The copies were about
a third of the time of a walk with the rules (bench/phases.py). This walk reads each node's fields
instead.

The order: LibCST visits a node's children in the order of the source, field by field, in its
`_visit_and_replace_children`, which names each field as a string (`visit_required(self, "func",
...)`). Those names, in the order they appear in that method's code, are this walk's order. The
first node of each type is checked against LibCST's own `children`; a type where they differ is
walked through `children`. tests/test_walk.py compares the whole visit with LibCST's on every
fixture, every rule example and generated programs.
"""

from __future__ import annotations

import dataclasses

from .lazy import cst

_FIELDS: dict = {}  # node type -> names of its fields that hold nodes, in visiting order; None: use `children`


def visit_batched(module: cst.CSTNode, visitors: list) -> None:
    """Call each visitor's `visit_<Type>` on every node, before its children, and `leave_<Type>`
    after them, visitors in the order given (as `libcst.visit_batched`)."""
    visits: dict = {}
    leaves: dict = {}
    for visitor in visitors:
        for name, method in visitor.get_visitors().items():
            kind, _, node_type = name.partition("_")
            if "_" in node_type:  # `visit_Call_func`: LibCST's per-field hooks, which no rule uses
                raise NotImplementedError(f"{type(visitor).__name__}.{name}: per-field visitor methods are not walked")
            (visits if kind == "visit" else leaves).setdefault(node_type, []).append(method)
    _walk(module, visits, leaves)


def _walk(node: cst.CSTNode, visits: dict, leaves: dict) -> None:
    node_type = type(node)
    for method in visits.get(node_type.__name__, ()):
        method(node)
    fields = _FIELDS[node_type] if node_type in _FIELDS else _fields_of(node)
    if fields is None:
        for child in node.children:
            _walk(child, visits, leaves)
    else:
        for field in fields:
            value = getattr(node, field)
            if isinstance(value, cst.CSTNode):
                _walk(value, visits, leaves)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        _walk(item, visits, leaves)
    for method in leaves.get(node_type.__name__, ()):
        method(node)


def _fields_of(node: cst.CSTNode):
    """The visiting order of the node's type, read off LibCST's code once; None when the first
    node of the type does not confirm it."""
    node_type = type(node)
    names = {field.name for field in dataclasses.fields(node_type)}
    code = getattr(node_type._visit_and_replace_children, "__code__", None)  # None: not a plain function
    order: list = []
    for constant in code.co_consts if code is not None else ():
        if isinstance(constant, str) and constant in names and constant not in order:
            order.append(constant)
    fields = tuple(order)
    read = [child for field in fields for child in _nodes_in(getattr(node, field))]
    confirmed = [id(child) for child in read] == [id(child) for child in node.children]
    _FIELDS[node_type] = fields if confirmed else None
    return _FIELDS[node_type]


def _nodes_in(value) -> list:
    if isinstance(value, cst.CSTNode):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, cst.CSTNode)]
    return []
