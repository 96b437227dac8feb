"""How a custom object's `__init__` hands its arguments on to Keras, which KL204 and KL205 both ask:
the chain of classes from it to its Keras base, what each `__init__` accepts, where `super().__init__`
is called, and the edits that make an `__init__` accept and pass on `**kwargs`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..cst.lazy import cst
from ..cst.nodes import dotted
from ..index.model import ClassInfo, InitInfo
from ..index.project_index import ProjectIndex, base_kind
from ..keras_api import KERAS_OWN, PLAIN_BASES, WEIGHTED_LAYERS
from ..names import keras_path, path_matches

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule

# Bases that define neither __init__ arguments nor get_config.
INERT_BASES = frozenset({"object", "builtins.object", "abc.ABC"})


def _inert_mixin(project: ProjectIndex, info: ClassInfo, seen: frozenset = frozenset()) -> bool:
    """A project class that cannot change what __init__ takes or what get_config writes."""
    if info.qualname in seen or info.init is not None or info.get_config is not None:
        return False
    if "from_config" in info.methods:
        return False
    for base in info.bases:
        if base in INERT_BASES:
            continue
        parent = project.find(base)
        if parent is None or not _inert_mixin(project, parent, seen | {info.qualname}):
            return False
    return True


def chain(project: ProjectIndex, info: ClassInfo) -> Optional[tuple]:
    """([the class, its project ancestors in MRO order], the Keras base's public path) when every
    class on the way has exactly one base leading to Keras and any others are inert; else None
    (a base outside the project and Keras could define __init__ or get_config)."""
    classes = [info]
    current = info
    while True:
        primary = None
        for base in current.bases:
            if base is None:
                return None
            if base in INERT_BASES:
                continue
            parent = project.find(base)  # first: linting Keras's own source, its layers are project classes
            if parent is not None and base_kind(base) and path_matches(keras_path(base), *KERAS_OWN):
                parent = None  # ... but its Layer and Model are what they are everywhere else
            if parent is not None:
                if project.keras_kind(parent) is None:
                    if _inert_mixin(project, parent):
                        continue
                    return None
                candidate = parent
            elif base_kind(base):
                candidate = keras_path(base)
            else:
                return None
            if primary is not None:
                return None
            primary = candidate
        if primary is None:
            return None
        if isinstance(primary, str):
            return classes, primary
        if primary in classes:
            return None
        classes.append(primary)
        current = primary


def accepted(init: InitInfo) -> set:
    return {p.name for p in init.own_params}


def builds_functional(definition: cst.FunctionDef) -> bool:
    """Does this `__init__` call `super().__init__(inputs, outputs, ...)` (a functional-style Model)?"""
    found = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call):
                if any(
                    (arg.keyword is None and not arg.star)
                    or (arg.keyword is not None and arg.keyword.value in ("inputs", "outputs"))
                    for arg in call.args
                ):
                    found.append(call)

    definition.body.visit(Collect())
    return bool(found)


def holds_trainable_weights(rule: Rule, node: cst.ClassDef, info: ClassInfo) -> bool:
    """Is there evidence that `trainable` matters for this class: it is a model, is built on a
    weighted built-in layer, or its own body adds a trainable weight or builds a weighted layer
    (a built-in one, or a project layer/model)? False also when unsure (an ancestor could)."""
    project = rule.context.project
    if project.keras_kind(info) == "model":
        return True
    if any(path.rpartition(".")[2] in WEIGHTED_LAYERS for path in project.keras_bases(info) if path):
        return True
    found = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value in ("add_weight", "add_variable"):
                frozen = any(
                    arg.keyword is not None and arg.keyword.value == "trainable"
                    and isinstance(arg.value, cst.Name) and arg.value.value == "False"
                    for arg in call.args
                )
                if not frozen:
                    found.append(call)
                return
            name = dotted(func)
            if name is None:
                return
            line = rule.line_of(call)
            path = rule.names.keras(name, line)
            if path is not None:
                if path.rpartition(".")[2] in WEIGHTED_LAYERS or base_kind(rule.names.qualified(name, line)) == "model":
                    found.append(call)
                return
            target = project.find(rule.names.qualified(name, line)) or project.find(f"{info.module}.{name}")
            if target is None or project.keras_kind(target) not in ("layer", "model"):
                return
            if keras_path(target.qualname) is not None:  # linting Keras itself: its layers are known
                if target.name in WEIGHTED_LAYERS or project.keras_kind(target) == "model":
                    found.append(call)
            else:
                found.append(call)  # a project layer: assume it has weights

    node.body.visit(Collect())
    return bool(found)


def super_init_call(definition: cst.FunctionDef) -> Optional[cst.Call]:
    """The `super().__init__(...)` (or `super(Cls, self).__init__(...)`) call of an `__init__`, when
    it is the only call of any `__init__` there and sits in the method itself (not in a nested
    def, lambda or class)."""
    calls = []

    class Collect(cst.CSTVisitor):
        depth = 0

        def visit_FunctionDef(self, node) -> None:
            self.depth += 1

        def leave_FunctionDef(self, node) -> None:
            self.depth -= 1

        def visit_Lambda(self, node) -> None:
            self.depth += 1

        def leave_Lambda(self, node) -> None:
            self.depth -= 1

        def visit_ClassDef(self, node) -> None:
            self.depth += 1

        def leave_ClassDef(self, node) -> None:
            self.depth -= 1

        def visit_Call(self, call: cst.Call) -> None:
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "__init__":
                calls.append((call, self.depth))

    definition.body.visit(Collect())
    if len(calls) != 1 or calls[0][1]:
        return None
    call = calls[0][0]
    owner = call.func.value
    if (
        isinstance(owner, cst.Call)
        and isinstance(owner.func, cst.Name)
        and owner.func.value == "super"
        and len(owner.args) in (0, 2)
        and not call.lpar
    ):
        return call
    return None


def own_parameters(definition: cst.FunctionDef) -> set:
    """Names a call can bind by keyword: they never land in `**kwargs`."""
    params = definition.params
    return {p.name.value for p in (*params.params, *params.kwonly_params)}


def kwargs_can_join(
    project: ProjectIndex,
    info: ClassInfo,
    definition: cst.FunctionDef,
    call: cst.Call,
    keras_positionals: bool,
    forwarded: Optional[str] = None,
) -> bool:
    """Can `**kwargs` be added to this `super().__init__` call without a keyword arriving twice?
    Loading passes the config's keys by keyword; those the own parameters do not take land in
    `**kwargs`. So every keyword the call passes must be an own parameter, and so must the base
    parameter each positional argument fills: known for a project parent; for a built-in Keras
    layer (`Dense(units)`) assumed when the argument is the own parameter of that name, if
    `keras_positionals`; never for Keras's plain bases, whose positionals are `name`, `dtype`, ...
    `forwarded`: the name of a `**kwargs` the call already passes on (else any `**` disqualifies)."""
    params = definition.params
    if params.posonly_params:
        return False  # a positional-only parameter's name can land in **kwargs
    own = own_parameters(definition)
    star = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
    positional = []
    for arg in call.args:
        if arg.star == "**":
            if forwarded is None or not (isinstance(arg.value, cst.Name) and arg.value.value == forwarded):
                return False
        elif arg.star == "*":
            if not (isinstance(arg.value, cst.Name) and arg.value.value == star):
                return False  # loading passes no positionals: only the own *args is surely empty then
        elif arg.keyword is not None:
            if arg.keyword.value not in own:
                return False
        else:
            positional.append(arg.value)
    if not positional:
        return True
    if not all(isinstance(value, cst.Name) and value.value in own for value in positional):
        return False
    found = chain(project, info)
    if found is None:
        return False
    classes, keras_base = found
    parent = next((cls for cls in classes[1:] if cls.init is not None), None)
    if parent is not None:
        names = [p.name for p in parent.init.params if p.kind == "positional"]
        return len(names) >= len(positional) and all(name in own for name in names[: len(positional)])
    kind = project.keras_kind(info)
    return keras_positionals and kind in ("layer", "model") and not path_matches(keras_base, *PLAIN_BASES)


def passes_on(call: cst.Call, name: Optional[str]) -> bool:
    """Does the call pass `**name` on?"""
    return any(arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value == name for arg in call.args)


def listed(names, suffix: str = "") -> str:
    items = [f"`{n}{suffix}`" for n in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
