from typing import Iterator, Optional

import libcst as cst

from ..names import keras_path, path_matches
from ..project import base_kind
from .base import Invalid, Rule, dotted

# Serializing calls: `keras.layers.serialize`, `keras.saving.serialize_keras_object`,
# `keras.initializers.serialize`, ... (the last name is what matters; project helpers with other
# names leave the value unrecognised, and unrecognised values are never reported).
SERIALIZE = ("serialize", "serialize_keras_object")

# Keys that a Keras base's own `from_config` deserializes (Wrapper/TimeDistributed/Bidirectional:
# "layer", "backward_layer"; RNN: "cell"; StackedRNNCells: "cells"; Sequential/Pipeline: "layers").
DESERIALIZED_BY_KERAS_BASES = frozenset({"layer", "backward_layer", "cell", "cells", "layers"})

PLAIN_BASES = ("Layer", "layers.Layer", "Model", "models.Model")

# Only layers and models: the kinds whose load path (`cls(**config)`, then calling the layer) was measured.
KINDS = ("layer", "model")


class NestedObjectNotSerialized(Rule):
    """
    ## What it does
    Reports the `def get_config` of a Keras layer or model class when a key's value is
    `self.attr` (or `keras.layers.serialize(self.attr)` / any `*.serialize(self.attr)`), where
    `attr` stores an `__init__` argument unchanged and the class calls it as an object
    (`self.attr(x)`: a nested layer or model, a function, an initializer called as
    `self.init(shape)`, a regularizer, a constraint), and either
    - the class has no `from_config` (nor a project ancestor): Keras passes the saved dict straight
      back to `__init__`; or
    - (Keras 3 only) the class has a `from_config` but `get_config` returns the object itself,
      unserialized.

    Silent when the argument is normalised (`keras.initializers.get(x)`, `keras.layers.deserialize(x)`,
    ...), re-bound in `__init__` before it is stored, assigned again elsewhere in the class, or only
    passed on (`add_weight(initializer=self.init)`, `Dense(kernel_initializer=self.init)`): Keras
    accepts the dict there. Silent, too, on keys a Keras base's `from_config` deserializes itself
    (`layer` of a `Wrapper`, `cell` of an `RNN`, ...), on arguments that hold a class (a default
    such as `keras.layers.Dense`, a `Type[...]` annotation: Keras cannot save those at all), and
    when a base class is neither Keras's nor the project's (it may define `from_config`).

    ## Why is this bad?
    Keras turns the nested object into a dict when saving, and the default `from_config` calls
    `cls(**config)` without turning it back, so the loaded object holds a dict and calling it
    fails with `'TrackedDict' object is not callable` (Keras 3.15). A layer inside a model already
    fails at load: `TypeError: <class '...Functional'> could not be deserialized properly. Please
    ensure that components that are Python object instances (layers, models, etc.) returned by
    get_config() are explicitly deserialized in the model's from_config() method.`; a subclassed
    model loads and fails when called. tf_keras 2.21 fails the same way on `.keras` files.
    With a `from_config` that deserializes it but an unserialized object in `get_config`, Keras 3
    `.keras` files load, but legacy `.h5` files store the object's repr and cannot be loaded:
    `TypeError: Could not parse config: <Dense name=dense, built=False>` (a layer or function),
    `ValueError: Unknown config_item: 'Ones'` (an initializer).

    ## Example
    ```python
    class Residual(keras.layers.Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

        def call(self, x):
            return x + self.inner(x)

        def get_config(self):
            return {**super().get_config(), "inner": self.inner}
    ```

    ## Use instead
    The pair that works in every format, Keras 3 and tf_keras (`deserialize_keras_object` in
    `from_config` fails on tf_keras `.h5`):
    ```python
        def get_config(self):
            return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}

        @classmethod
        def from_config(cls, config):
            config = dict(config)
            config["inner"] = keras.layers.deserialize(config["inner"])
            return cls(**config)
    ```
    For a function, initializer, regularizer or constraint use the matching pair
    (`keras.activations.serialize`/`deserialize`, `keras.initializers.serialize`/`deserialize`,
    ...), or normalise the argument in `__init__` with `keras.initializers.get(...)` and friends.

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL206"
    name = "nested-object-not-serialized"
    summary = "`get_config` returns a nested layer/function it does not (de)serialize: load fails"
    looks_at_custom_objects = True

    VALID = [
        # the portable fix: serialize + from_config
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, inner, **kw):\n        super().__init__(**kw)\n"
        "        self.inner = inner\n    def call(self, x):\n        return self.inner(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}\n"
        "    @classmethod\n    def from_config(cls, config):\n"
        "        config['inner'] = keras.layers.deserialize(config['inner'])\n        return cls(**config)\n",
        # an initializer only passed to add_weight: Keras accepts the dict there
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, init=keras.initializers.Ones(), **kw):\n"
        "        super().__init__(**kw)\n        self.init = init\n    def build(self, s):\n"
        "        self.w = self.add_weight(name='w', shape=(3,), initializer=self.init)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'init': self.init}\n",
        # normalised in __init__
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, init, **kw):\n        super().__init__(**kw)\n"
        "        self.init = keras.initializers.get(init)\n    def call(self, x):\n        return x + self.init((3,))\n"
        "    def get_config(self):\n        return {**super().get_config(), 'init': self.init}\n",
        # a plain value stored and returned
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, units=3, **kw):\n        super().__init__(**kw)\n"
        "        self.units = units\n    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n",
        # deserialized in __init__ before it is stored
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, inner, **kw):\n        super().__init__(**kw)\n"
        "        if isinstance(inner, dict):\n            inner = keras.layers.deserialize(inner)\n        self.inner = inner\n"
        "    def call(self, x):\n        return self.inner(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}\n",
        # a Keras base (Wrapper) deserializes `layer` itself
        "import keras\nclass W(keras.layers.Wrapper):\n    def __init__(self, layer, **kw):\n        super().__init__(layer, **kw)\n"
        "        self.layer = layer\n    def call(self, x):\n        return self.layer(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'layer': keras.layers.serialize(self.layer)}\n",
        # not provably Keras
        "import mylib\nclass W(mylib.Layer):\n    def __init__(self, inner):\n        self.inner = inner\n"
        "    def call(self, x):\n        return self.inner(x)\n    def get_config(self):\n        return {'inner': self.inner}\n",
        # a project ancestor defines from_config
        "import keras\nclass B(keras.layers.Layer):\n    @classmethod\n    def from_config(cls, config):\n"
        "        config['inner'] = keras.layers.deserialize(config['inner'])\n        return cls(**config)\n"
        "class W(B):\n    def __init__(self, inner, **kw):\n        super().__init__(**kw)\n        self.inner = inner\n"
        "    def call(self, x):\n        return self.inner(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}\n",
        # the attribute is replaced in build()
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, act, **kw):\n        super().__init__(**kw)\n"
        "        self.act = act\n    def build(self, s):\n        self.act = keras.activations.get(self.act)\n"
        "    def call(self, x):\n        return self.act(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'act': self.act}\n",
        # a mixin we cannot see may define from_config
        "import keras\nfrom mylib import ConfigMixin\nclass W(ConfigMixin, keras.layers.Layer):\n    def __init__(self, inner, **kw):\n"
        "        super().__init__(**kw)\n        self.inner = inner\n    def call(self, x):\n        return self.inner(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'inner': self.inner}\n",
        # a class, not an instance (Keras cannot save it at all: another failure than this rule's)
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, block=keras.layers.Dense, **kw):\n"
        "        super().__init__(**kw)\n        self.block = block\n    def build(self, s):\n        self.inner = self.block(3)\n"
        "    def call(self, x):\n        return self.inner(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'block': self.block}\n",
        # tf_keras: an unserialized function with a from_config loads from `.h5` too (measured)
        "import tf_keras as keras\nclass W(keras.layers.Layer):\n    def __init__(self, fn, **kw):\n        super().__init__(**kw)\n"
        "        self.fn = fn\n    def call(self, x):\n        return self.fn(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'fn': self.fn}\n"
        "    @classmethod\n    def from_config(cls, config):\n"
        "        config['fn'] = keras.saving.deserialize_keras_object(config['fn'])\n        return cls(**config)\n",
        # a project helper serializes it (unrecognised: silent)
        "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, inner, **kw):\n        super().__init__(**kw)\n"
        "        self.inner = inner\n    def call(self, x):\n        return self.inner(x)\n"
        "    def get_config(self):\n        return {**super().get_config(), 'inner': to_json(self.inner)}\n",
    ]
    INVALID = [
        Invalid(
            "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, inner, **kw):\n        super().__init__(**kw)\n"
            "        self.inner = inner\n    def call(self, x):\n        return self.inner(x)\n"
            "    def get_config(self):\n        return {**super().get_config(), 'inner': self.inner}\n",
            8, 5, "could not be deserialized properly",
        ),
        Invalid(
            "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, inner, **kw):\n        super().__init__(**kw)\n"
            "        self.inner = inner\n    def call(self, x):\n        return self.inner(x)\n"
            "    def get_config(self):\n        config = super().get_config()\n"
            "        config.update({'inner': keras.layers.serialize(self.inner)})\n        return config\n",
            8, 5, "no `from_config`",
        ),
        # an initializer called directly (S9h)
        Invalid(
            "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, init, **kw):\n        super().__init__(**kw)\n"
            "        self.init = init\n    def call(self, x):\n        return x + self.init((3,))\n"
            "    def get_config(self):\n        return {**super().get_config(), 'init': self.init}\n",
            8, 5, "`self.init`",
        ),
        # a function argument called in call()
        Invalid(
            "import tensorflow as tf\nclass Act(tf.keras.layers.Layer):\n    def __init__(self, fn=tf.nn.relu, **kw):\n"
            "        super().__init__(**kw)\n        self.fn = fn\n    def call(self, x):\n        return self.fn(x)\n"
            "    def get_config(self):\n        config = super().get_config()\n        config['fn'] = self.fn\n        return config\n",
            8, 5, "`self.fn`",
        ),
        # from_config exists but get_config returns the raw object: .h5 fails
        Invalid(
            "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, inner, **kw):\n        super().__init__(**kw)\n"
            "        self.inner = inner\n    def call(self, x):\n        return self.inner(x)\n"
            "    def get_config(self):\n        return {**super().get_config(), 'inner': self.inner}\n"
            "    @classmethod\n    def from_config(cls, config):\n"
            "        config['inner'] = keras.layers.deserialize(config['inner'])\n        return cls(**config)\n",
            8, 5, "Could not parse config",
        ),
        # an optional function (default None) called when given
        Invalid(
            "import keras\nclass W(keras.layers.Layer):\n    def __init__(self, skip=None, **kw):\n        super().__init__(**kw)\n"
            "        self.skip = skip\n    def call(self, x):\n        return x if self.skip is None else self.skip(x)\n"
            "    def get_config(self):\n        return {**super().get_config(), 'skip': self.skip}\n",
            8, 5, "`self.skip`",
        ),
        # a Model subclass
        Invalid(
            "from tensorflow import keras\nclass M(keras.Model):\n    def __init__(self, backbone, **kw):\n"
            "        super().__init__(**kw)\n        self.backbone = backbone\n    def call(self, x):\n"
            "        return self.backbone(x)\n    def get_config(self):\n"
            "        return dict(super().get_config(), backbone=keras.layers.serialize(self.backbone))\n",
            8, 5,
        ),
    ]

    @classmethod
    def might_report(cls, info, project) -> bool:
        init = info.init
        return (
            init is not None
            and info.get_config is not None
            and project.keras_kind(info) in KINDS
            and any(attr in info.called_attributes and attr not in init.normalised for attr in init.stored)
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node)
        if info is None or info.init is None or info.get_config is None:
            return
        project = self.context.project
        if project.keras_kind(info) not in KINDS:
            return
        methods = {stmt.name.value: stmt for stmt in node.body.body if isinstance(stmt, cst.FunctionDef)}
        get_config, init = methods.get("get_config"), methods.get("__init__")
        if get_config is None or init is None:
            return
        lineage, keras_bases = _lineage(project, info)
        if lineage is None:
            return
        has_from_config = any("from_config" in cls.methods for cls in lineage)
        inherited_methods = set().union(*(cls.methods for cls in lineage))
        # A Keras base other than plain Layer/Model may deserialize some keys itself (Wrapper: "layer").
        special_base = any(not path_matches(path, *PLAIN_BASES) for path in keras_bases)
        assigned = _self_assignments(node)
        rebound = _rebound_names(init)
        class_params = _class_params(init)
        unserialized, serialized = [], []
        for key, attr, is_serialized in _config_values(get_config):
            param = info.init.stored.get(attr)
            if (
                param is None
                or attr in info.init.normalised
                or param in rebound
                or param in class_params
                or assigned.get(attr, 0) != 1
                or attr not in info.called_attributes
                or attr in inherited_methods
                or (special_base and key in DESERIALIZED_BY_KERAS_BASES)
            ):
                continue
            (serialized if is_serialized else unserialized).append(attr)
        if not has_from_config and (unserialized or serialized):
            if self.context.keras_major == 2:
                why = "tf_keras hands the saved dict back to `__init__`, and loading a `.keras` file fails"
            else:
                why = (
                    "Keras 3 hands the saved dict back to `__init__`, so the loaded object calls a dict "
                    "('TrackedDict' object is not callable; inside a model, loading a `.keras` file fails with "
                    "\"could not be deserialized properly\")"
                )
            self.report(
                get_config,
                f"get_config returns {_names(unserialized + serialized)}, called as an object, and the class has "
                f"no `from_config` to deserialize it: {why}; serialize it in get_config and deserialize it in "
                f"from_config (keras.layers.serialize/deserialize for a layer, the matching pair otherwise)",
            )
        elif has_from_config and unserialized and self.context.keras_major == 3:
            # tf_keras `.h5` fails here for a layer but loads a function: silent for Keras 2.
            self.report(
                get_config,
                f"get_config returns {_names(unserialized)} unserialized although from_config deserializes: "
                f"Keras 3 `.keras` files load, but legacy `.h5` files cannot be loaded (\"Could not parse config\" "
                f"for a layer or function, \"Unknown config_item\" for an initializer); return "
                f"keras.layers.serialize(...) (or the matching *.serialize) of it",
            )


def _lineage(project, info) -> tuple:
    """The class and its project ancestors up to (not into) Keras's own classes, and the public paths
    of the Keras bases reached. Linting Keras's own sources, `keras.layers.Layer` is a project class
    too; its `from_config` (`cls(**config)`) deserializes nothing, so the walk stops at Keras bases.
    (None, None) when some base is neither Keras's nor the project's (a mixin imported from elsewhere)."""
    lineage, keras_bases, stack, seen = [], [], [info], set()
    while stack:
        cls = stack.pop()
        if cls.qualname in seen:
            continue
        seen.add(cls.qualname)
        lineage.append(cls)
        for base in cls.bases:
            if base_kind(base):
                keras_bases.append(keras_path(base))
                continue
            parent = project.find(base)
            if parent is not None:
                stack.append(parent)
            else:
                return None, None  # a base we cannot see may define from_config
    return lineage, keras_bases


def _names(attrs: list) -> str:
    unique = list(dict.fromkeys(attrs))
    return ", ".join(f"`self.{a}`" for a in unique)


def _config_values(function: cst.FunctionDef) -> Iterator[tuple]:
    """(key, attr, serialized) for every string key get_config gives the value `self.attr` or
    `<...>.serialize(self.attr)`: in dict literals, `config["k"] = ...`, `.update(k=...)`, `dict(k=...)`."""
    for node in _walk(function.body):
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = _string(element.key)
                    if key is not None:
                        yield from _value(key, element.value)
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                subscript = target.target
                if isinstance(subscript, cst.Subscript) and len(subscript.slice) == 1:
                    index = subscript.slice[0].slice
                    key = _string(index.value) if isinstance(index, cst.Index) else None
                    if key is not None:
                        yield from _value(key, node.value)
        elif isinstance(node, cst.Call):
            name = dotted(node.func) or ""
            if name == "dict" or name.endswith(".update"):
                for arg in node.args:
                    if arg.keyword is not None and not arg.star:
                        yield from _value(arg.keyword.value, arg.value)


def _value(key: str, value: cst.BaseExpression) -> Iterator[tuple]:
    attr = _self_attribute(value)
    if attr is not None:
        yield key, attr, False
    elif isinstance(value, cst.Call) and len(value.args) >= 1 and not value.args[0].star:
        name = dotted(value.func) or ""
        attr = _self_attribute(value.args[0].value)
        if attr is not None and name.rsplit(".", 1)[-1] in SERIALIZE:
            yield key, attr, True


def _self_attribute(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def _string(node: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _self_assignments(node: cst.ClassDef) -> dict:
    """How many statements anywhere in the class assign `self.attr` (plain, augmented, annotated,
    tuple targets, `setattr(self, "attr", ...)`): an attribute assigned twice may hold anything."""
    counts: dict = {}

    def count(target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                count(element.value)
            return
        attr = _self_attribute(target)
        if attr is not None:
            counts[attr] = counts.get(attr, 0) + 1

    for sub in _walk(node.body):
        if isinstance(sub, cst.Assign):
            for target in sub.targets:
                count(target.target)
        elif isinstance(sub, (cst.AugAssign, cst.AnnAssign)):
            count(sub.target)
        elif isinstance(sub, cst.Call) and dotted(sub.func) == "setattr" and len(sub.args) >= 2:
            if isinstance(sub.args[0].value, cst.Name) and sub.args[0].value.value == "self":
                key = _string(sub.args[1].value)
                counts[key or "*"] = counts.get(key or "*", 0) + 2  # setattr: treat as a second assignment
    return counts


def _class_params(function: cst.FunctionDef) -> set:
    """Parameters that hold a class rather than an instance: a default naming a class
    (`block=keras.layers.Dense`, capitalised, not called) or a `Type[...]`/`type[...]` annotation.
    Keras cannot even save a class in a config (`get_config() missing 1 required positional
    argument: 'self'`), so the load failure this rule describes is not what happens to them."""
    found = set()
    params = function.params
    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
        default = dotted(param.default) if param.default is not None else None
        if default and default not in ("None", "True", "False") and default.rsplit(".", 1)[-1][:1].isupper():
            found.add(param.name.value)
        annotation = param.annotation.annotation if param.annotation is not None else None
        if isinstance(annotation, cst.Subscript) and (dotted(annotation.value) or "").rsplit(".", 1)[-1] in ("Type", "type"):
            found.add(param.name.value)
    return found


def _rebound_names(function: cst.FunctionDef) -> set:
    """Names (re)bound inside a function body: a parameter rebound before it is stored may have
    been deserialized (`if isinstance(inner, dict): inner = keras.layers.deserialize(inner)`)."""
    found = set()

    def names(target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            found.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                names(element.value)

    for sub in _walk(function.body):
        if isinstance(sub, cst.Assign):
            for target in sub.targets:
                names(target.target)
        elif isinstance(sub, (cst.AugAssign, cst.AnnAssign)):
            names(sub.target)
        elif isinstance(sub, cst.NamedExpr):
            names(sub.target)
        elif isinstance(sub, (cst.For,)):
            names(sub.target)
    return found


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))
