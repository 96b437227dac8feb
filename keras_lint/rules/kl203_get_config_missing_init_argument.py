from __future__ import annotations

from typing import Optional

import libcst as cst

from ..names import keras_path, path_matches
from ..project import CUSTOM_OBJECT_BASES, ClassInfo, ProjectIndex, base_kind
from .base import Invalid, Rule

# `__init__` parameters Keras passes back by itself (Layer/Model config) or that never need a key.
EXEMPT_PARAMS = frozenset({"name", "trainable", "dtype"})
# Keras's own Layer/Model: the keys their get_config writes (Keras 3 and tf_keras).
LAYER_CONFIG_KEYS = frozenset({"name", "trainable", "dtype", "activity_regularizer"})
LAYER_BASES = CUSTOM_OBJECT_BASES["layer"]  # Keras's plain Layer
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


def trace_key(project: ProjectIndex, info: ClassInfo, key: str, seen: frozenset = frozenset()) -> tuple:
    """Does the config `info`'s get_config (its own or an inherited one) returns hold `key`, for an
    argument passed to `info(...)` as `key`? (True / False / None when it cannot be told, and for
    False the class along the chain where it is lost.)"""
    if info.qualname in seen:
        return None, None
    seen = seen | {info.qualname}
    own = info.get_config
    if own is not None:
        if key in own.keys:
            return True, None
        if not own.complete:
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
    return trace_key(project, parent, arrival, seen)


def config_carries(project: ProjectIndex, info: ClassInfo, key: str) -> Optional[bool]:
    return trace_key(project, info, key)[0]


def reported_at(project: ProjectIndex, ancestor: ClassInfo, key: str) -> bool:
    """Would this rule report `key` on the ancestor's own get_config?"""
    owner = init_owner(project, ancestor)
    return (
        ancestor.get_config is not None
        and owner is not None
        and key in {p.name for p in owner.init.own_params}
    )


def init_owner(project: ProjectIndex, info: ClassInfo) -> Optional[ClassInfo]:
    """The project class whose `__init__` builds `info` (itself, or the nearest ancestor defining one)."""
    if info.init is not None:
        return info
    for ancestor in project.ancestors(info):
        if ancestor.init is not None:
            return ancestor
    return None


def method(node: cst.ClassDef, name: str) -> Optional[cst.FunctionDef]:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
            return stmt
    return None


def names_used(function: cst.FunctionDef) -> set:
    """Every bare name read or written in a function's body (not its signature)."""
    found: set = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    function.body.visit(Collect())
    return found


def words_in(function: cst.FunctionDef) -> set:
    """Keys a from_config may supply arguments under: string literals and call keywords in its body."""
    found: set = set()

    class Collect(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            value = node.evaluated_value
            if isinstance(value, str):
                found.add(value)

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                found.add(node.keyword.value)

    function.body.visit(Collect())
    return found


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


def describe_missing(owner: str, required: list, defaulted: list) -> str:
    """`a` (required: load raises `TypeError: ...`) and `c` (defaulted: ...)."""
    parts = []
    if required:
        names = ", ".join(f"`{p.name}`" for p in required)
        parts.append(f"{names} (required: load raises `{missing_argument_error(owner, required)}`)")
    if defaulted:
        names = ", ".join(f"`{p.name}`" for p in defaulted)
        they = "they silently come back as their defaults" if len(defaulted) > 1 else "it silently comes back as its default"
        parts.append(f"{names} (defaulted: {they} after load)")
    return " and ".join(parts)


class GetConfigMissingInitArgument(Rule):
    """
    ## What it does
    Reports a `get_config` that leaves out an argument of the class's `__init__`. It reads dict
    literals, `config.update({...})`, `config["k"] = v`, `{**base, ...}` and
    `dict(list(base.items()) + ...)`, and counts the keys a project ancestor's or a built-in base's
    `get_config` adds for an argument forwarded to it by the same keyword (`super().__init__(units=units)`
    in a `Dense` subclass whose `get_config` calls `super().get_config()`). `name`, `trainable`,
    `dtype`, `*args` and `**kwargs` never need keys. Silent when the keys cannot all be seen, when
    a project ancestor defines `from_config`, and for arguments the class's own `from_config`
    supplies or its `__init__` never uses.

    ## Why is this bad?
    Keras rebuilds the object on load with `cls(**config)`. A required argument that is not in the
    config makes loading fail: `TypeError: RateLayer.__init__() missing 1 required positional
    argument: 'rate'`. A defaulted one is worse: the model loads without a word, the argument
    silently takes its default, and the loaded model computes something else (measured with Keras
    3 and tf_keras, every format except tf_keras SavedModel).

    ## Example
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def get_config(self):
            return super().get_config()  # `factor` is lost
    ```

    ## Use instead
    ```python
        def get_config(self):
            config = super().get_config()
            config.update({"factor": self.factor})
            return config
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL203"
    name = "get-config-missing-init-argument"
    summary = "`get_config` leaves out an `__init__` argument: load fails, or silently restores its default"
    looks_at_custom_objects = True

    _HEAD = "import keras\n\n"
    VALID = [
        # every argument carried, in the shapes real code uses
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, rate=0.5, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n        self.rate = rate\n\n"
        "    def get_config(self):\n        config = super().get_config()\n"
        "        config.update({'units': self.units})\n        config['rate'] = self.rate\n        return config\n",
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        base = super().get_config()\n        config = {'units': self.units}\n"
        "        return dict(list(base.items()) + list(config.items()))\n",
        # forwarded by keyword to a built-in base whose get_config carries it
        _HEAD + "class D(keras.layers.Dense):\n    def __init__(self, units, scale=1.0, **kwargs):\n"
        "        super().__init__(units=units, **kwargs)\n        self.scale = scale\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'scale': self.scale}\n",
        # forwarded to a project ancestor whose get_config carries it
        _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n\n\n"
        "class Child(Base):\n    def __init__(self, units, rate=0.1, **kwargs):\n"
        "        super().__init__(units=units, **kwargs)\n        self.rate = rate\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'rate': self.rate}\n",
        # the keys come from somewhere the index cannot see: silent
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        config = super().get_config()\n        config.update(self.extra())\n"
        "        return config\n",
        # the class's from_config supplies the argument
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, inner, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.inner = inner\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'inner_config': self.inner.get_config()}\n\n"
        "    @classmethod\n    def from_config(cls, config):\n"
        "        inner = keras.layers.Dense.from_config(config.pop('inner_config'))\n"
        "        return cls(inner=inner, **config)\n",
        # an argument __init__ never uses
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, legacy_flag=False, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n",
        # name / trainable / dtype are Keras's own
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, name=None, dtype=None, **kwargs):\n"
        "        super().__init__(name=name, dtype=dtype, **kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n",
        # a base the index cannot resolve: not provably Keras
        "import mylib\n\nclass A(mylib.Layer):\n    def __init__(self, units):\n        self.units = units\n\n"
        "    def get_config(self):\n        return {}\n",
    ]
    INVALID = [
        Invalid(
            _HEAD + "class RateLayer(keras.layers.Layer):\n    def __init__(self, rate, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            8, 5, "`rate` (required: load raises `TypeError: RateLayer.__init__() missing 1 required positional argument: 'rate'`)",
        ),
        Invalid(
            _HEAD + "class Scale(keras.layers.Layer):\n    def __init__(self, units, factor=1.0, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n        self.factor = factor\n\n"
            "    def get_config(self):\n        config = super().get_config()\n"
            "        config.update({'units': self.units})\n        return config\n",
            9, 5, "`factor` (defaulted: it silently comes back as its default after load)",
        ),
        # config["k"] = v shape, keyword-only argument
        Invalid(
            _HEAD + "class K(keras.layers.Layer):\n    def __init__(self, a, *, b=2, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.a, self.b = a, b\n\n"
            "    def get_config(self):\n        config = super().get_config()\n        config['a'] = self.a\n"
            "        return config\n",
            8, 5, "`b` (defaulted",
        ),
        # forwarded to Dense, but get_config does not call super(): `units` is lost
        Invalid(
            _HEAD + "class D(keras.layers.Dense):\n    def __init__(self, units, scale=1.0, **kwargs):\n"
            "        super().__init__(units=units, **kwargs)\n        self.scale = scale\n\n"
            "    def get_config(self):\n        return {'scale': self.scale}\n",
            8, 5, "`units` (required",
        ),
        # forwarded under another keyword: the base's config holds `units`, not `n`
        Invalid(
            _HEAD + "class D(keras.layers.Dense):\n    def __init__(self, n, **kwargs):\n"
            "        super().__init__(units=n, **kwargs)\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            7, 5, "missing 1 required positional argument: 'n'",
        ),
        # the project ancestor's get_config does not carry what the child forwards to it
        Invalid(
            _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units=4, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n\n"
            "    def get_config(self):\n        return super().get_config()\n\n\n"
            "class Child(Base):\n    def __init__(self, units=4, rate=0.1, **kwargs):\n"
            "        super().__init__(units=units, **kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'rate': self.rate}\n",
            8, 5, "`units`",
        ),
        # an ancestor without get_config: once Child defines one, Keras no longer auto-configs `units`
        Invalid(
            _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units=4, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n\n\n"
            "class Child(Base):\n    def __init__(self, units=4, rate=0.1, **kwargs):\n"
            "        super().__init__(units=units, **kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'rate': self.rate}\n",
            14, 5, "`units` (defaulted",
        ),
        # dict(list(base.items()) + list(config.items())) with one key short, on a Model subclass
        Invalid(
            "from tensorflow import keras\n\nclass M(keras.Model):\n    def __init__(self, units, depth=2, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.blocks = [keras.layers.Dense(units) for _ in range(depth)]\n\n"
            "    def get_config(self):\n        base = super().get_config()\n        config = {'units': 3}\n"
            "        return dict(list(base.items()) + list(config.items()))\n",
            8, 5, "`depth`",
        ),
        # a subclass that inherits __init__ but returns a config of its own
        Invalid(
            _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n\n\n"
            "class Child(Base):\n    def get_config(self):\n        return {'name': self.name}\n",
            13, 5, "`units` (required",
        ),
        # both kinds in one message
        Invalid(
            "import tf_keras as keras\n\nclass L(keras.layers.Layer):\n    def __init__(self, a, b, c=1, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.a, self.b, self.c = a, b, c\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'a': self.a}\n",
            8, 5, "`b` (required: load raises `TypeError: L.__init__() missing 1 required positional argument: 'b'`) and `c` (defaulted",
        ),
    ]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node)
        if info is None or info.get_config is None or not info.get_config.complete:
            return
        get_config = method(node, "get_config")
        if get_config is None:
            return
        project = self.context.project
        owner = init_owner(project, info)
        if owner is None or owner.init is None:
            return
        if any("from_config" in a.methods for a in project.ancestors(info)):
            return  # rebuilt by code we do not read here
        supplied: set = set()
        if "from_config" in info.methods:
            from_config = method(node, "from_config")
            if from_config is None:
                return
            supplied = words_in(from_config)
        used = None
        if owner is info:
            init = method(node, "__init__")
            used = names_used(init) if init is not None else None
        required, defaulted = [], []
        for param in owner.init.own_params:
            if param.name in EXEMPT_PARAMS or param.name in supplied:
                continue
            if used is not None and param.name not in used:
                continue  # never read: losing it changes nothing
            carried, lost_at = trace_key(project, info, param.name)
            if carried is not False:
                continue
            if lost_at is not info and reported_at(project, lost_at, param.name):
                continue  # lost by an ancestor's own get_config: reported there, fixed there
            (defaulted if param.has_default else required).append(param)
        if not required and not defaulted:
            return
        count = len(required) + len(defaulted)
        arguments = "argument" if count == 1 else "arguments"
        self.report(
            get_config,
            f"get_config of `{info.name}` leaves out `__init__` {arguments} "
            f"{describe_missing(owner.name, required, defaulted)}; add {'it' if count == 1 else 'them'} to the returned config",
        )
