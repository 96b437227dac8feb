"""Where a Lambda call stands, tracked while the rule walks the file: the top-level statement it is in,
the function and class around it, what the enclosing scopes bind (`Site`, `SiteTracker`)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ...cst.lazy import cst
from .capture import _all_params, _target_names


@dataclasses.dataclass(frozen=True)
class Site:
    """Where the Lambda call stands, as the rule's visitor saw it."""

    target: Optional[str] = None  # the name the statement assigns the layer (or its output) to, else
    # the keyword it is passed by or the dict key it is the value of (`backbone=Lambda(...)`)
    function: Optional[str] = None  # the innermost enclosing function
    shadowed: frozenset = frozenset()  # names bound by enclosing comprehensions or lambdas
    of_layer: bool = False  # `target` names the layer, not its output
    inputs: frozenset = frozenset()  # the plain names the layer is called on (`x` in `Lambda(...)(x)`)


class SiteTracker:
    """Mixin for the rule's visitor: keeps track of what encloses each node, for `Site`."""

    def __init__(self, context):
        super().__init__(context)
        self._functions: list = []  # names of the enclosing defs
        self._assignments: list = []  # enclosing `x = ...` statements
        self._bound: list = []  # names bound by enclosing lambdas and comprehensions
        self._classes: list = []  # enclosing class statements
        self._named: dict = {}  # id(call) -> (call, the keyword or dict key naming it, the call it is called by)

    def site_of(self, call: cst.Call) -> Site:
        target, of_layer, inputs = None, False, frozenset()
        if self._assignments:
            assignment = self._assignments[-1]
            value = assignment.value
            if (value is call or (isinstance(value, cst.Call) and value.func is call)) and len(assignment.targets) == 1:
                target = _last_name(assignment.targets[0].target)
                of_layer = value is call
                if not of_layer:
                    inputs = frozenset(_plain_names(value.args))
        named = self._named.get(id(call))
        if target is None and named is not None and named[0] is call:
            _, target, outer = named
            of_layer = outer is None
            if outer is not None:
                inputs = frozenset(_plain_names(outer.args))
        function = self._functions[-1] if self._functions else None
        shadowed = frozenset().union(*self._bound)
        return Site(target, function=function, shadowed=shadowed, of_layer=of_layer, inputs=inputs)

    def inside_keras_class(self) -> bool:
        """Is the node in the code of a class that may be a Keras layer or model? A Lambda built
        there is a sub-layer: Keras saves the class's own config and its code builds the Lambda
        again on load, so the Lambda is never serialized (measured, triage)."""
        project = self.context.project
        for node in self._classes:
            if node.bases:
                info = project.class_at(self.context.path, self.line_of(node))
                if info is None or project.may_be_keras(info):
                    return True  # a nested class, unknown to the index: may be one
        return False

    def visit_Module(self, node: cst.Module) -> None:
        self._named.clear()  # (the engine walks one statement at a time: ids of the last may be reused)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._name(node.value, node.keyword.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if isinstance(node.key, cst.SimpleString):
            key = node.key.evaluated_value
            if isinstance(key, str):
                self._name(node.value, key)

    def _name(self, value: cst.BaseExpression, name: str) -> None:
        """`name=Lambda(...)` or `name=Lambda(...)(x)`, `{"name": ...}`: the call is named so."""
        if isinstance(value, cst.Call):
            self._named[id(value)] = (value, name, None)
            if isinstance(value.func, cst.Call):
                self._named[id(value.func)] = (value.func, name, value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        self._assignments.append(node)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        self._assignments.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._bound.append(frozenset(p.name.value for p in _all_params(node.params)))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._bound.pop()

    # LibCST finds visitor methods by their __name__: one method per node type.
    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._bound.append(_comprehension_targets(node))

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._bound.append(_comprehension_targets(node))

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._bound.append(_comprehension_targets(node))

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._bound.append(_comprehension_targets(node))

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._bound.pop()

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._bound.pop()

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._bound.pop()

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._bound.pop()


def _plain_names(args) -> list:
    """The names among call arguments, also inside a list or tuple (`Lambda(...)([a, b])`)."""
    found = []
    for arg in args:
        value = arg.value
        items = [e.value for e in value.elements] if isinstance(value, (cst.List, cst.Tuple)) else [value]
        found += [item.value for item in items if isinstance(item, cst.Name)]
    return found


def _last_name(target: cst.BaseExpression) -> Optional[str]:
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value  # `self.scaler = Lambda(...)`
    return None


def _comprehension_targets(node) -> frozenset:
    targets, for_in = set(), node.for_in
    while for_in is not None:
        targets |= _target_names(for_in.target)
        for_in = for_in.inner_for_in
    return frozenset(targets)

