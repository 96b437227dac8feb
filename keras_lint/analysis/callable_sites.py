"""The call-site questions KL301 and KL302 share: where does a callable get saved by name?

Keras saves a function passed as a loss, metric, activation, initializer, regularizer or constraint
by its name only (`{"module": "builtins", "class_name": "function", "config": "loss_fn"}`) and
finds it again on load only if that name is a Keras built-in or was registered when the model was
saved. The places looked at:

- `<x>.compile(loss=..., metrics=[...], weighted_metrics=[...])`, accepted as Keras's `compile`
  only when the file imports Keras or TensorFlow and the call passes `loss=`, `optimizer=` or
  `metrics=` (the receiver's type is unknown); `super().compile(...)` is an override forwarding
  its own arguments, and Keras skips the compile config of a model whose `compile` is overridden.
- a Keras layer constructor (any capitalised export of `keras.layers`: `activation=`,
  `recurrent_activation=`, `*_initializer=`, `*_regularizer=`, `*_constraint=`, and the first
  argument of `Activation`), or a project layer/model class whose `get_config` carries that
  keyword. Not inside a Keras layer or model class: a sub-layer built in `__init__`/`build` is
  re-created by code on load, its config is never saved.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import os
import re
from typing import Optional

from ..cst.lazy import cst
from ..cst.nodes import argument, dotted
from ..index.ast_questions import returned_inner as def_returned_inner
from ..index.model import FunctionInfo
from ..index.modules import qualify as qualify_in_project
from ..keras_api import (
    COMPILE_KEYWORDS,
    COMPILE_MARKERS,
    GET_CUSTOM_OBJECTS,
    KERAS_KEYWORD_NAMES,
    LAYER_KEYWORD_SUFFIXES,
    LAYER_KEYWORDS,
    NOT_LAYERS,
)
from ..names import KerasNames, dotted_name, keras_path
from .registration import is_registration

# Keyword arguments as Black and PEP 8 write them (`loss=`), so that docstrings and attribute names
# do not send statements to LibCST; `Activation` also finds local aliases of the layer.
TRIGGERS = ("loss=", "metrics=", "activation=", "initializer=", "regularizer=", "constraint=", "Activation")
# Where a keyword the gate looks at can be written (every keyword above ends in one of these words,
# spaced as it may be), or `Activation`: the gate walks only the parts of a statement that hold one.
_GATE_WORDS = re.compile(r"(?:loss|metrics|activation|initializer|regularizer|constraint)\s*=(?!=)|Activation")


@dataclasses.dataclass
class Site:
    """One callable Keras will save: the expression, where to report, and what it is passed as."""

    value: cst.BaseExpression
    node: cst.CSTNode  # the keyword argument, or the element of a list/dict passed to it
    place: str  # e.g. "`loss=` of compile()", "`activation=` of `layers.Dense`"
    keyword: str  # loss | metrics | weighted_metrics | activation | kernel_initializer ...


class CallSites:
    """Mixin for call-site rules: tracks the enclosing classes and custom-object registrations, and
    yields the saved arguments of each call to `check_call`."""

    @classmethod
    def might_report_statement(cls, statement: ast.stmt, context) -> bool:
        """Is there a call that saved_arguments could find a non-literal callable in? A compile()
        with a loss/metrics keyword, or, outside classes that may be Keras layers (their sub-layers
        are never saved), a call with an activation/initializer/... keyword or an `Activation(x)`."""

        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", ())])
        text = "".join(context.lines[first - 1: statement.end_lineno])
        lines = sorted({first + text.count("\n", 0, match.start()) for match in _GATE_WORDS.finditer(text)})
        stack = [(statement, False)]  # (node, inside a class that may be a Keras layer)
        while stack:
            node, in_keras_class = stack.pop()
            end = getattr(node, "end_lineno", None)
            if end is not None:
                start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
                if bisect.bisect_left(lines, start) == bisect.bisect_right(lines, end):
                    continue  # none of its lines holds such a keyword
            if isinstance(node, ast.ClassDef) and node.bases and not in_keras_class:
                info = context.project.class_at(context.path, node.lineno)
                in_keras_class = info is None or context.project.may_be_keras(info)
                if in_keras_class and not any("compile" in line for line in context.lines[node.lineno - 1: node.end_lineno]):
                    continue  # in such a class only what a compile() call is given can be saved
            if isinstance(node, ast.Call):
                # The keyword's name first: judging its value asks the name table (the cost of this gate).
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr == "compile":
                    if any(k.arg in COMPILE_KEYWORDS and _might_be_unsaveable(k.value, context.names) for k in node.keywords):
                        return True
                elif not in_keras_class and (
                    any(k.arg and _saved_layer_keyword(k.arg) and _might_be_unsaveable(k.value, context.names)
                        for k in node.keywords)
                    or (
                        node.args
                        and (getattr(func, "attr", None) or getattr(func, "id", None)) == "Activation"
                        and _might_be_unsaveable(node.args[0], context.names)
                    )
                ):
                    return True
            stack.extend((child, in_keras_class) for child in ast.iter_child_nodes(node))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes().append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes().pop()

    def _classes(self) -> list:
        if not hasattr(self, "_class_stack"):
            self._class_stack = []
        return self._class_stack

    # `get_custom_objects().update({"swish": Activation(swish)})` / `get_custom_objects()["k"] = ...`:
    # what is built there is put in the registry, not saved in a model.
    def visit_Call(self, node: cst.Call) -> None:
        if self._registers_custom_objects(node):
            self._registrations = getattr(self, "_registrations", 0) + 1
        elif not getattr(self, "_registrations", 0):
            self.check_call(node)

    def leave_Call(self, original_node: cst.Call) -> None:
        if self._registers_custom_objects(original_node):
            self._registrations -= 1

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._assigns_custom_object(node):
            self._registrations = getattr(self, "_registrations", 0) + 1

    def leave_Assign(self, original_node: cst.Assign) -> None:
        if self._assigns_custom_object(original_node):
            self._registrations -= 1

    def check_call(self, node: cst.Call) -> None:
        raise NotImplementedError

    def _registers_custom_objects(self, node: cst.Call) -> bool:
        func = node.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value == "update"
            and isinstance(func.value, cst.Call)
            and self._is_get_custom_objects(func.value)
        )

    def _assigns_custom_object(self, node: cst.Assign) -> bool:
        return any(
            isinstance(t.target, cst.Subscript)
            and isinstance(t.target.value, cst.Call)
            and self._is_get_custom_objects(t.target.value)
            for t in node.targets
        )

    def _is_get_custom_objects(self, call: cst.Call) -> bool:
        return self.names.is_keras(dotted(call.func), self.line_of(call), *GET_CUSTOM_OBJECTS)

    # -- where callables are saved ---------------------------------------------------------------

    def saved_arguments(self, call: cst.Call) -> list:
        """The arguments of `call` that Keras saves by name, each as a Site; [] if not provably Keras."""
        sites = self._compile_sites(call)
        if sites:
            return sites
        if any(self._maybe_keras_class(c) for c in self._classes()):
            return []  # a sub-layer of a custom layer/model: re-created by code on load, never saved
        return self._layer_sites(call)

    def _compile_sites(self, call: cst.Call) -> list:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
            return []
        if isinstance(func.value, cst.Call) and dotted(func.value.func) == "super":
            return []
        if not self.names.uses_keras_or_tf():
            return []
        keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
        if not any(k in keywords for k in COMPILE_MARKERS):
            return []
        sites = []
        for keyword in COMPILE_KEYWORDS:
            arg = keywords.get(keyword)
            if arg is not None:
                sites += _expand(arg, arg.value, f"`{keyword}=` of compile()", keyword)
        return sites

    def _layer_sites(self, call: cst.Call) -> list:
        callee = dotted(call.func)
        if callee is None:
            return []
        line = self.line_of(call)
        path = self.names.keras(callee, line)
        keywords = [a for a in call.args if a.keyword is not None and _saved_layer_keyword(a.keyword.value)]
        if path is not None:
            parts = path.split(".")
            if not (len(parts) >= 2 and parts[0] == "layers" and parts[-1][:1].isupper() and parts[-1] not in NOT_LAYERS):
                return []
            place = f"`layers.{parts[-1]}`"
            sites = [s for a in keywords for s in _expand(a, a.value, f"`{a.keyword.value}=` of {place}", a.keyword.value)]
            if parts[-1] == "Activation":
                first = argument(call, 0, "activation")
                if first is not None and first.keyword is None:
                    sites.append(Site(first.value, first, f"the activation of {place}", "activation"))
            return sites
        info = self.project_class(callee, line)
        if info is None or self.context.project.keras_kind(info) not in ("layer", "model"):
            return []
        return [
            s
            for a in keywords
            if _reaches_config(self.context.project, info, a.keyword.value)
            for s in _expand(a, a.value, f"`{a.keyword.value}=` of `{info.name}`", a.keyword.value)
        ]

    def _maybe_keras_class(self, node: cst.ClassDef) -> bool:
        """Could this enclosing class be a Keras layer/model (or anything whose sub-layers are not saved)?"""
        if not node.bases:
            return False
        info = self.context.project.class_at(self.context.path, self.line_of(node))
        if info is None:
            return True  # a nested class with bases: unknown
        return self.context.project.may_be_keras(info)

    # -- name resolution ----------------------------------------------------------------------------

    @property
    def module(self) -> str:
        return self.context.module

    def qualify(self, name: Optional[str], line: int) -> Optional[str]:
        """Project-absolute qualified name of a dotted expression (as the project index spells it)."""
        return qualify(self.names, self.module, self.context.path, name, line)

    def project_class(self, name: str, line: int):
        return self.context.project.find(self.qualify(name, line))

    def function_node(self, name: str, line: int):
        """(node, names, module, scope, path) of a function by dotted name; None if unknown.

        A def of this file (local, or imported from this very file): its `ast.FunctionDef` in
        `context.tree` and this file's KerasNames. A function imported from another project file: an
        IndexedFunction (its summary) in place of both, which qualify, is_registered_function and
        returned_inner accept; the index is the only reader of other files."""
        head = name.split(".")[0]
        binding = self.names.binding(head, line)
        if binding is None:
            return None
        if binding.kind == "def" and "." not in name:
            return binding.node, self.names, self.module, binding.scope, self.context.path
        if binding.kind not in ("import", "alias"):
            return None
        qualified = self.qualify(name, line)
        if qualified is None or keras_path(qualified) is not None:
            return None
        info = self.context.project.find(qualified, "functions")
        if not isinstance(info, FunctionInfo) or not info.is_def:
            return None  # not a function, or a decorator class (its `__call__`)
        tree = self.context.tree
        if tree is not None and os.path.abspath(info.path) == os.path.abspath(self.context.path):
            for node in _module_level_defs(tree.body):
                if node.lineno == info.line and node.name == info.name:
                    return node, self.names, info.module, "module", info.path
            return None
        function = IndexedFunction(info)
        return function, function, info.module, "module", info.path

    def _custom_object_keys(self) -> set:
        """String keys this file puts in the custom-object registry: Keras finds a function saved under
        that name again (as whatever was registered under it) when the loader imports the module."""
        if not hasattr(self, "_keys"):
            self._keys = set()
            tree = self.context.tree  # the text being linted (an editor's buffer is judged as it is)
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Subscript) and self._is_ast_get_custom_objects(target.value):
                            if isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
                                self._keys.add(target.slice.value)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                    if self._is_ast_get_custom_objects(node.func.value):
                        for arg in node.args:
                            if isinstance(arg, ast.Dict):
                                self._keys |= {
                                    k.value for k in arg.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
                                }
                        self._keys |= {k.arg for k in node.keywords if k.arg}
        return self._keys

    def _is_ast_get_custom_objects(self, node) -> bool:
        return isinstance(node, ast.Call) and self.names.is_keras(dotted_name(node.func), node.lineno, *GET_CUSTOM_OBJECTS)

    def is_registered_function(self, node, names: KerasNames, module: str, path: str) -> Optional[bool]:
        """True: registered; False: provably not; None: a decorator we cannot judge (stay silent)."""
        project = self.context.project
        if node.name in project.custom_object_names or node.name in self._custom_object_keys():
            return True
        if isinstance(node, IndexedFunction):  # another file's: its decorators as its summary resolved them
            decorators = node.info.decorators
            if any(project.registers(d) for d in decorators):
                return True  # (a `register_keras_serializable` among them is one of these)
            return None if any(project.find(d, "functions") is None for d in decorators) else False
        unknown = False
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            written = dotted_name(target)
            if is_registration(names, written, decorator.lineno):
                return True
            qualified = qualify(names, module, path, written, decorator.lineno) or written
            if project.registers(qualified):
                return True
            if project.find(qualified, "functions") is None:
                unknown = True  # a decorator from elsewhere might register (or replace) the function
        return None if unknown else False


# -- what a value is ---------------------------------------------------------------------------------


def _expand(arg: cst.Arg, value: cst.BaseExpression, place: str, keyword: str) -> list:
    """A value, or the elements of the list/tuple/dict (of lists) it is: each is saved on its own."""
    if isinstance(value, (cst.List, cst.Tuple)):
        return [s for e in value.elements if isinstance(e, cst.Element) for s in _expand(e, e.value, place, keyword)]
    if isinstance(value, cst.Dict):
        return [s for e in value.elements if isinstance(e, cst.DictElement) for s in _expand(e, e.value, place, keyword)]
    return [Site(value, arg, place, keyword)]


def _might_be_unsaveable(value: ast.expr, names) -> bool:
    """Could KL301/KL302 report this argument value? A lambda; `self.method`; a name bound to a
    lambda or a def; a project (non-Keras) function or its call; never a literal or Keras's own
    `keras.activations.relu`, `initializers.Constant(1.0)` (the cheap, `ast` side of unserializable()
    and unregistered())."""
    if isinstance(value, ast.Lambda):
        return True
    if isinstance(value, (ast.List, ast.Tuple)):
        return any(_might_be_unsaveable(e, names) for e in value.elts)
    if isinstance(value, ast.Dict):
        return any(_might_be_unsaveable(v, names) for v in value.values)
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Call):
        return True  # a bound method of a new instance: `SSDLoss(...).compute_loss`
    if isinstance(value, ast.Call):
        value = value.func  # a factory's result: judged by the factory
    name = dotted_name(value)
    if name is None:
        return False
    head, _, rest = name.partition(".")
    if head in ("self", "cls"):
        return bool(rest) and "." not in rest
    binding = names.binding(head, value.lineno)
    if binding is None:
        return False
    if rest and "." not in rest and binding.kind == "other" and isinstance(binding.node, ast.Call):
        return True  # `loss_obj.method`, `loss_obj = SSDLoss(...)`
    if binding.kind in ("lambda", "def"):
        return True
    return binding.kind in ("import", "alias") and names.keras(name, value.lineno) is None


def _saved_layer_keyword(keyword: str) -> bool:
    return keyword in LAYER_KEYWORDS or keyword.endswith(LAYER_KEYWORD_SUFFIXES)


def _reaches_config(project, info, keyword: str) -> bool:
    """Does a keyword given to this project layer/model class end up in its saved config?

    Yes when the nearest `__init__` takes it as its own parameter and the nearest `get_config`
    lists it; or when no project class defines `__init__`, so it goes to a built-in Keras layer, and
    every `get_config` on the way builds on `super().get_config()`."""
    chain = project.lineage(info)
    init_owner, config_owner = project.nearest(info, "__init__"), project.nearest(info, "get_config")
    init = init_owner.init if init_owner is not None else None
    config = config_owner.get_config if config_owner is not None else None
    if init is not None:
        return keyword in {p.name for p in init.own_params} and config is not None and keyword in config.keys
    if any(c.get_config is not None and not (c.get_config.calls_super or keyword in c.get_config.keys) for c in chain):
        return False
    bases = [p for p in project.keras_bases(info) if p]
    return bool(bases) and all(p.split(".")[0] == "layers" and p.split(".")[-1] not in ("Layer",) for p in bases)


def qualify(names, module: str, path: str, name: Optional[str], line: int) -> Optional[str]:
    """The project index's qualified name of `name` (project.qualify), for a file given by path.
    For another file's function (`names` an IndexedFunction): what its own name resolves to at its
    `def`, as its summary says; None for anything else."""
    if isinstance(names, IndexedFunction):
        return names.info.qualified if (name, line) == (names.name, names.lineno) else None
    return qualify_in_project(names, module, os.path.basename(path) == "__init__.py", name or None, line)


@dataclasses.dataclass(frozen=True)
class IndexedFunction:
    """A module-level `def` of another project file, known by its summary in the project index:
    function_node's answer for it, in place of its `ast` node and its file's KerasNames."""

    info: FunctionInfo

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def lineno(self) -> int:
        return self.info.line


def _module_level_defs(body: list):
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield stmt
        elif isinstance(stmt, (ast.If, ast.With, ast.AsyncWith, ast.Try)) or type(stmt).__name__ == "TryStar":
            for block in ("body", "orelse", "finalbody"):
                yield from _module_level_defs(getattr(stmt, block, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _module_level_defs(handler.body)


def returned_inner(node) -> Optional[str]:
    """If a function (function_node's answer: an `ast` def, or another file's IndexedFunction)
    returns an inner function it defines (not itself registered) or a lambda, what Keras would save
    in its place: "its inner function `loss_fn`" / "a lambda"; else None."""
    return node.info.returned_inner if isinstance(node, IndexedFunction) else def_returned_inner(node)


# -- the rule ------------------------------------------------------------------------------------


def silently_swapped(name: str, keyword: str) -> bool:
    """Is a function saved by this bare name loaded back as Keras's own function of that name?
    Measured for `activation=` (`mish`) and `loss=` (`huber`); an initializer named `orthogonal`
    fails instead ("Expected 'config' to be a dict for Orthogonal")."""
    return name in KERAS_KEYWORD_NAMES and not keyword.endswith(LAYER_KEYWORD_SUFFIXES)


def load_failure(name: str, keyword: str, keras_major: int = 3) -> str:
    """What a default load does with a function saved by its bare name: Keras 3.15's (measured), or
    with `keras_major` 2 tf.keras's "Unknown ..." errors (research/keras-error-catalog.md)."""
    if keras_major == 2 and not silently_swapped(name, keyword):
        if keyword in COMPILE_KEYWORDS:
            return f"the load fails (\"Unknown {'loss' if keyword == 'loss' else 'metric'} function: '{name}'\")"
        if keyword.endswith(LAYER_KEYWORD_SUFFIXES):
            return f"the load fails (\"Unknown {keyword.rsplit('_', 1)[-1]}: '{name}'\")"
        return f"the load fails (\"Unknown activation function: '{name}'\")"
    if silently_swapped(name, keyword):
        return f"the load silently uses Keras's built-in `{name}` instead"
    if keyword.endswith(LAYER_KEYWORD_SUFFIXES):
        kind = keyword.rsplit("_", 1)[-1]
        if name in KERAS_KEYWORD_NAMES:
            return f"the load fails: `{name}` names a Keras built-in {kind}, not this function"
        return f"the load fails (\"Could not interpret {kind} identifier: {{... 'config': '{name}' ...}}\")"
    return f"the load fails (\"Could not locate function '{name}'\")"
