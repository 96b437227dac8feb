"""KL301, and the call-site questions KL302 shares with it: where does a callable get saved by name?

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

from ..lazy_libcst import cst
from ..names import KerasNames, dotted_name, keras_path
from ..project import GET_CUSTOM_OBJECTS, FunctionInfo, module_name
from ..project import qualify as qualify_in_project
from .base import Invalid, Rule, argument, dotted
from .helpers import is_registration
from .keras_builtins import KERAS_KEYWORD_NAMES

# Keyword arguments as Black and PEP 8 write them (`loss=`), so that docstrings and attribute names
# do not send statements to LibCST; `Activation` also finds local aliases of the layer.
TRIGGERS = ("loss=", "metrics=", "activation=", "initializer=", "regularizer=", "constraint=", "Activation")
LAYER_KEYWORDS = ("activation", "recurrent_activation")
LAYER_KEYWORD_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
COMPILE_KEYWORDS = ("loss", "metrics", "weighted_metrics")
COMPILE_MARKERS = ("loss", "optimizer", "metrics")  # keywords that make `<x>.compile(...)` Keras's
NOT_LAYERS = ("Input", "InputSpec")
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
        if not self._file_uses_keras():
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

    def _file_uses_keras(self) -> bool:
        return self.names.imports_keras() or any(
            m == "tensorflow" or m.startswith("tensorflow.") for m in self.names.imported_modules
        )

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
        if not hasattr(self, "_module"):
            self._module = module_name(self.context.path)
        return self._module

    def qualify(self, name: Optional[str], line: int) -> Optional[str]:
        """Project-absolute qualified name of a dotted expression (as the project index spells it)."""
        return qualify(self.names, self.module, self.context.path, name, line)

    def project_class(self, name: str, line: int):
        return self.context.project.find(self.qualify(name, line))

    def function_node(self, name: str, line: int):
        """(ast.FunctionDef, its file's KerasNames, its module, scope) of a function by dotted name; None if unknown.

        Local defs come from the binding; imported project functions from their own file (parsed once)."""
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
        if not isinstance(info, FunctionInfo):
            return None
        parsed = _parsed(info.path)
        if parsed is None:
            return None
        tree, names = parsed
        for node in _module_level_defs(tree.body):
            if node.lineno == info.line and node.name == info.name:
                return node, names, info.module, "module", info.path
        return None

    def _custom_object_keys(self) -> set:
        """String keys this file puts in the custom-object registry: Keras finds a function saved under
        that name again (as whatever was registered under it) when the loader imports the module."""
        if not hasattr(self, "_keys"):
            self._keys = set()
            parsed = _parsed(self.context.path)
            for node in ast.walk(parsed[0]) if parsed else ():
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
    chain = [info, *project.ancestors(info)]
    init = next((c.init for c in chain if c.init is not None), None)
    config = next((c.get_config for c in chain if c.get_config is not None), None)
    if init is not None:
        return keyword in {p.name for p in init.own_params} and config is not None and keyword in config.keys
    if any(c.get_config is not None and not (c.get_config.calls_super or keyword in c.get_config.keys) for c in chain):
        return False
    bases = [p for p in project.keras_bases(info) if p]
    return bool(bases) and all(p.split(".")[0] == "layers" and p.split(".")[-1] not in ("Layer",) for p in bases)


def qualify(names: KerasNames, module: str, path: str, name: Optional[str], line: int) -> Optional[str]:
    """The project index's qualified name of `name` (project.qualify), for a file given by path."""
    return qualify_in_project(names, module, os.path.basename(path) == "__init__.py", name or None, line)


_PARSED: dict = {}


def _parsed(path: str):
    """(ast tree, KerasNames) of another project file, parsed once per process; None if unreadable."""
    if path not in _PARSED:
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8")
            tree = ast.parse(text)
            _PARSED[path] = (tree, KerasNames(tree, text))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            _PARSED[path] = None
    return _PARSED[path]


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
    """If a function returns an inner function it defines (not itself registered) or a lambda, what
    Keras would save in its place: "`loss_fn`" / "a lambda"; else None."""
    inner = {}
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner[stmt.name] = stmt
    for stmt in _flat(node.body):
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value
            if isinstance(value, ast.Name) and value.id in inner:
                if inner[value.id].decorator_list:
                    return None  # registered (or wrapped) inside the factory: a deliberate scheme, not judged
                return f"its inner function `{value.id}`"
            if isinstance(value, ast.Lambda):
                return "a lambda"
    return None


def _flat(body: list):
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _flat(inner)
        for handler in getattr(stmt, "handlers", []):
            yield from _flat(handler.body)


# -- the rule ------------------------------------------------------------------------------------


class UnserializableCallable(CallSites, Rule):
    """
    ## What it does
    Reports a callable that Keras cannot save in a loadable way, passed where Keras saves it: as
    `loss=`, `metrics=[...]` or `weighted_metrics=[...]` of `compile()`, or as `activation=`,
    `recurrent_activation=`, `*_initializer=`, `*_regularizer=` or `*_constraint=` of a Keras layer
    (or of a project layer/model whose `get_config` saves that argument). The callables are: a Python
    `lambda` (or a name bound to one), a bound method (`self.my_loss`), a function defined inside
    another function, and the result of calling a project factory that returns an inner function or
    a lambda (`focal_loss(gamma=2)`). Strings, Keras's own functions, and anything it cannot resolve
    are left alone; so are sub-layers built inside a custom layer or model class (Keras re-creates
    them by running the class's code, it never saves their config).

    ## Why is this bad?
    Measured with Keras 3.15, each fails on a default load, also when the loading script imports
    the training code:
    - a lambda is saved as bytecode: in `compile()`, `ValueError: Requested the deserialization of
      a Python lambda.`; in a layer, `TypeError: Could not interpret activation function
      identifier` (or `initializer`/`regularizer`/`constraint`), even with `safe_mode=False`;
    - a nested function or a factory's inner function is saved by its bare name (`loss_fn`), which
      no registration can match: `TypeError: Could not locate function 'loss_fn'` (for an
      initializer, regularizer or constraint: `Could not interpret initializer identifier`);
    - a bound method is saved as an object of class `method`: `TypeError: Expected 'config' to be
      a dict for method`.
    Only `custom_objects=` (for a named function) or, for `compile()` arguments, `compile=False`
    (the model comes back uncompiled) gets such a model back.

    ## Example
    ```python
    def focal_loss(gamma=2.0):
        def loss_fn(y_true, y_pred):
            ...
        return loss_fn

    model.compile(optimizer="adam", loss=focal_loss(gamma=3.0))
    x = keras.layers.Dense(64, activation=lambda t: t * keras.ops.sigmoid(t))(x)
    ```

    ## Use instead
    A registered `Loss` subclass whose `get_config` carries the factory's arguments, and a
    registered module-level function (or a built-in name) for the activation:
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    class FocalLoss(keras.losses.Loss):
        def __init__(self, gamma=2.0, **kwargs):
            super().__init__(**kwargs)
            self.gamma = gamma

        def call(self, y_true, y_pred):
            ...

        def get_config(self):
            return {**super().get_config(), "gamma": self.gamma}

    model.compile(optimizer="adam", loss=FocalLoss(gamma=3.0))
    x = keras.layers.Dense(64, activation="silu")(x)
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL301"
    name = "unserializable-callable"
    summary = "lambda, method, nested function or factory result passed as loss/metric/activation/...: the model cannot be loaded"
    triggers = TRIGGERS
    needs_project = True  # project functions and classes, wherever they are defined

    VALID = [
        # built-in names and Keras's own functions
        "import keras\nmodel.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\n",
        "import keras\nkeras.layers.Dense(3, activation=keras.activations.relu,\n"
        "                   kernel_initializer=keras.initializers.he_normal)\n",
        # a registered module-level function
        "import keras\n@keras.saving.register_keras_serializable(package='p')\ndef my_loss(y, p):\n    return y - p\n"
        "model.compile(optimizer='adam', loss=my_loss)\n",
        # not Keras: no Keras import, or a compile() without a Keras keyword, or a non-Keras callee
        "model.compile(loss=lambda y, p: y - p)\n",
        "import keras\nimport re\nre.compile(r'x', flags=0)\npattern.compile(loss=lambda y, p: y)\n".replace("loss=", "key="),
        "import keras\nimport mylib\nmylib.Dense(3, activation=lambda t: t)\n",
        "import keras\nkeras.Input((3,), name='x')\nkeras.layers.Dense(3, activation=act)\n",
        # a sub-layer built inside a custom layer is never saved
        "import keras\nclass Block(keras.layers.Layer):\n    def __init__(self, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.d = keras.layers.Dense(3, activation=lambda t: t * 2)\n",
        # super().compile() in an override forwards its own arguments
        "import keras\nclass M(keras.Model):\n    def compile(self, loss=None, **kw):\n"
        "        super().compile(loss=lambda y, p: y - p, **kw)\n",
        # a factory that returns a Keras object, a call we cannot resolve, a parameter
        "import keras\ndef make_loss(gamma):\n    return keras.losses.MeanSquaredError()\n"
        "model.compile(optimizer='adam', loss=make_loss(2))\n",
        "import keras\nfrom mylib import make_loss\nmodel.compile(optimizer='adam', loss=make_loss(2))\n",
        "import keras\ndef build(act):\n    return keras.layers.Dense(3, activation=act)\n",
        # a factory whose inner function registers itself (a deliberate scheme, not judged here)
        "import keras\ndef make(k):\n    @keras.saving.register_keras_serializable(name=f'scale_{k}')\n    def act(t):\n"
        "        return t * k\n    return act\nkeras.layers.Dense(3, activation=make(2))\n",
        # a project layer whose get_config does not save the keyword
        "import keras\n@keras.saving.register_keras_serializable(package='p')\nclass L(keras.layers.Layer):\n"
        "    def __init__(self, activation=None, **kwargs):\n        super().__init__(**kwargs)\n"
        "        self.activation = activation\n    def get_config(self):\n        return super().get_config()\n"
        "L(activation=lambda t: t)\n",
        # `self.attr` that is not a method of the class
        "import keras\nclass Builder:\n    def __init__(self):\n        self.act = 'relu'\n"
        "    def build(self):\n        return keras.layers.Dense(3, activation=self.act)\n",
    ]
    INVALID = [
        Invalid("import keras\nx = keras.layers.Dense(3, activation=lambda t: t * 2)(x)\n", 2, 27, "Python lambda"),
        Invalid("import keras\nmodel.compile(optimizer='adam', loss=lambda y, p: keras.ops.mean(y - p))\n", 2, 33,
                "`loss=` of compile()"),
        Invalid("import tensorflow as tf\nmodel.compile(optimizer='adam', loss='mse', metrics=['mae', lambda y, p: p])\n",
                2, 61, "`metrics=`"),
        Invalid("import keras\nmodel.compile(loss='mse', weighted_metrics=[lambda y, p: p])\n", 2, 45),
        Invalid("from keras import layers\nlayers.Conv2D(3, 3, kernel_initializer=lambda shape, dtype=None: 0)\n", 2, 21,
                "kernel_initializer"),
        Invalid("from tensorflow.keras.layers import LSTM\nLSTM(3, recurrent_activation=lambda t: t)\n", 2, 9),
        Invalid("import keras\nkeras.layers.Dense(3, kernel_regularizer=lambda w: 0.0, bias_constraint=None)\n", 2, 23),
        Invalid("import keras\nkeras.layers.Activation(lambda t: t)\n", 2, 25, "activation of `layers.Activation`"),
        Invalid("import keras\nswish = lambda t: t\nkeras.layers.Dense(3, activation=swish)\n", 3, 23,
                "`swish`, a Python lambda"),
        # the result of a project factory returning its inner function
        Invalid(
            "import keras\ndef focal_loss(gamma=2.0):\n    def loss_fn(y, p):\n        return (y - p) * gamma\n"
            "    return loss_fn\nmodel.compile(optimizer='adam', loss=focal_loss(gamma=3.0))\n",
            6, 33, "Could not locate function 'loss_fn'",
        ),
        # ... also when the factory itself is registered (KL303 reports the factory)
        Invalid(
            "import keras\n@keras.saving.register_keras_serializable(package='p')\ndef focal_loss(gamma=2.0):\n"
            "    def loss_fn(y, p):\n        return (y - p) * gamma\n    return loss_fn\n"
            "model.compile(optimizer='adam', loss={'out': focal_loss(3.0)})\n",
            7, 39, "`loss_fn`",
        ),
        Invalid(
            "import keras\ndef scaled(k):\n    return lambda t: t * k\nkeras.layers.Dense(3, activation=scaled(2))\n",
            4, 23, "a lambda",
        ),
        # a nested function
        Invalid(
            "import keras\ndef build():\n    def act(t):\n        return t * 2\n"
            "    return keras.layers.Dense(3, activation=act)\n",
            5, 34, "nested function `act`",
        ),
        # a bound method
        Invalid(
            "import keras\nclass Trainer:\n    def loss(self, y, p):\n        return y - p\n"
            "    def run(self, model):\n        model.compile(optimizer='adam', loss=self.loss)\n",
            6, 41, "method `self.loss`",
        ),
        Invalid(
            "import keras\nclass M(keras.Model):\n    def my_loss(self, y, p):\n        return y - p\n"
            "    def setup(self):\n        self.compile(optimizer='adam', loss=self.my_loss)\n",
            6, 40, "Expected 'config' to be a dict for method",
        ),
        # a project layer whose get_config saves the keyword
        Invalid(
            "import keras\n@keras.saving.register_keras_serializable(package='p')\nclass L(keras.layers.Layer):\n"
            "    def __init__(self, activation=None, **kwargs):\n        super().__init__(**kwargs)\n"
            "        self.activation = keras.activations.get(activation)\n    def get_config(self):\n"
            "        return {**super().get_config(), 'activation': keras.activations.serialize(self.activation)}\n"
            "L(activation=lambda t: t)\n",
            9, 3, "of `L`",
        ),
    ]

    def check_call(self, node: cst.Call) -> None:
        for site in self.saved_arguments(node):
            problem = self.unserializable(site)
            if problem is not None:
                what, why = problem
                self.report(site.node, f"{what} passed as {site.place}: {why}")

    def unserializable(self, site: Site) -> Optional[tuple]:
        """(what it is, why loading fails) for a callable Keras cannot save loadably; None otherwise."""
        value = site.value
        if isinstance(value, cst.Lambda):
            return "Python lambda", _lambda_consequence(site)
        if isinstance(value, cst.Call):
            return self._factory_result(value, site)
        name = dotted(value)
        if name is None:
            return None
        line = self.line_of(value)
        head, _, rest = name.partition(".")
        if head in ("self", "cls") and rest and "." not in rest:
            return self._method(name, rest, site)
        if rest:
            return None
        binding = self.names.binding(name, line)
        if binding is None:
            return None
        if binding.kind == "lambda":
            return f"`{name}`, a Python lambda,", _lambda_consequence(site)
        if binding.kind == "def" and binding.scope == "function":
            if self.is_registered_function(binding.node, self.names, self.module, self.context.path) is not False:
                return None
            return f"nested function `{name}`", _by_name(
                name, site, "a function defined inside another function is not registered when the loader imports the module"
            )
        return None

    def _factory_result(self, call: cst.Call, site: Site) -> Optional[tuple]:
        callee = dotted(call.func)
        if callee is None:
            return None
        found = self.function_node(callee, self.line_of(call))
        if found is None:
            return None
        node, names, module, _scope, path = found
        if keras_path(qualify(names, module, path, node.name, node.lineno)) is not None:
            return None  # Keras's own code
        returned = returned_inner(node)
        if returned is None:
            return None
        what = f"`{callee}(...)`, which returns {returned},"
        if returned == "a lambda":
            return what, _lambda_consequence(site)
        inner = returned.split("`")[1]
        return what, _by_name(inner, site, "registering the factory does not register what it returns")

    def _method(self, name: str, attr: str, site: Site) -> Optional[tuple]:
        classes = self._classes()
        if not classes:
            return None
        for stmt in classes[-1].body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == attr:
                decorators = {dotted(d.decorator) for d in stmt.decorators}
                if decorators - {"staticmethod", "classmethod"}:
                    return None  # a property, a registration, a wrapper: not judged
                return (
                    f"method `{name}`",
                    "Keras 3 saves it as an object of class `method` and cannot load it (\"Expected 'config' to be "
                    f"a dict for method\"){_compile_false(site)}; use a registered module-level function or a "
                    "registered Loss/Metric subclass",
                )
        return None


def _compile_false(site: Site) -> str:
    return ", unless loaded with compile=False (uncompiled)" if site.keyword in COMPILE_KEYWORDS else ""


def _lambda_consequence(site: Site) -> str:
    if site.keyword in COMPILE_KEYWORDS:
        failure = (
            "Keras saves it as bytecode and a default load refuses it (\"Requested the deserialization of a Python lambda\")"
        )
    else:
        kind = "activation function" if "activation" in site.keyword else site.keyword.rsplit("_", 1)[-1]
        failure = (
            f"Keras 3 saves it as bytecode that the layer cannot load back (\"Could not interpret {kind} identifier\"), "
            "not even with safe_mode=False"
        )
    return f"{failure}{_compile_false(site)}; use a built-in name or a registered module-level function or class"


def silently_swapped(name: str, keyword: str) -> bool:
    """Is a function saved by this bare name loaded back as Keras's own function of that name?
    Measured for `activation=` (`mish`) and `loss=` (`huber`); an initializer named `orthogonal`
    fails instead ("Expected 'config' to be a dict for Orthogonal")."""
    return name in KERAS_KEYWORD_NAMES and not keyword.endswith(LAYER_KEYWORD_SUFFIXES)


def load_failure(name: str, keyword: str) -> str:
    """What a default Keras 3.15 load does with a function saved by its bare name (measured)."""
    if silently_swapped(name, keyword):
        return f"the load silently uses Keras's built-in `{name}` instead"
    if keyword.endswith(LAYER_KEYWORD_SUFFIXES):
        kind = keyword.rsplit("_", 1)[-1]
        if name in KERAS_KEYWORD_NAMES:
            return f"the load fails: `{name}` names a Keras built-in {kind}, not this function"
        return f"the load fails (\"Could not interpret {kind} identifier: {{... 'config': '{name}' ...}}\")"
    return f"the load fails (\"Could not locate function '{name}'\")"


def _by_name(name: str, site: Site, why_registration_fails: str) -> str:
    return (
        f"Keras saves only the name `{name}`: {load_failure(name, site.keyword)}, even when the loader imports "
        f"the training code{_compile_false(site)}; {why_registration_fails}; use a registered class "
        "(Loss/Metric/Layer/Initializer subclass) whose get_config carries the arguments"
    )
