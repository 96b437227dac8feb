from __future__ import annotations

from typing import Optional

from ..analysis import argument_kinds, model_flow
from ..analysis.get_config_coverage import (
    config_carries,
    h5_load_drops,
    h5_model_config_empty,
    h5_save_refuses,
    missing_argument_error,
    supplied_by_subclasses,
)
from ..cst.lazy import cst
from ..cst.nodes import descendants, dotted, method, params_by_name
from ..finding import Edit, Fix
from ..fixers.get_config_entries import (
    LAYER_ENTRY,
    SERIALIZED_ENTRIES,
    UNKNOWN_ENTRY,
    calls_name,
    dict_lines,
    entry,
    entry_kind,
    from_config_lines,
    layers_module,
    method_after,
    quote_of,
    stored_attribute,
)
from ..index.model import ClassInfo
from ..index.modules import qualify
from ..index.project_index import ProjectIndex, base_kind
from ..keras_api import (
    EMPTY_CONFIG_BASES,
    EXEMPT_PARAMS,
    LAYER_BASES,
    MODEL_BASES,
    RAISING_BASES,
    TF_INITIALIZER_MAKERS,
    VERSIONED_FACTS,
)
from ..names import keras_path, path_matches
from .base import Invalid, Rule

# Keras 3's automatic config keeps only these (and lists/tuples/dicts of them): str, int, float,
# bool, None (keras/src/ops/operation.py, Operation.__new__). Annotations that name them:
_JSON_TYPES = frozenset(
    "int float str bool bytes list tuple dict set frozenset Any object typing.Any "
    "typing.List typing.Tuple typing.Dict typing.Sequence typing.Mapping typing.Set typing.FrozenSet "
    "typing.Iterable typing.Literal typing.Text collections.abc.Sequence collections.abc.Mapping "
    "collections.abc.Iterable".split()
)
_UNIONS = frozenset({"typing.Optional", "typing.Union", "Optional", "Union"})
# Bases that can make a class's instances JSON values (str/int subclasses, enums, named tuples, dicts).
_VALUE_BASE_ROOTS = frozenset("str int float bool bytes dict list tuple enum typing collections builtins".split())
_CONTAINERS = frozenset(
    "list tuple set frozenset typing.List typing.Tuple typing.Sequence typing.Iterable typing.Set "
    "typing.FrozenSet collections.abc.Sequence collections.abc.Iterable".split()
)
_MAPPINGS = frozenset("dict typing.Dict typing.Mapping collections.abc.Mapping".split())
_CALLABLES = frozenset({"typing.Callable", "collections.abc.Callable", "Callable"})
_ARRAY_MAKERS = frozenset(
    "array asarray zeros ones full eye identity arange linspace zeros_like ones_like full_like".split()
)
_TF_OBJECTS = frozenset({"Tensor", "Variable", "Module", "TensorSpec", "DType"})


class _NonJson:
    """Evidence, read from the class's own source, that an `__init__` parameter holds an object
    Keras 3's automatic config refuses (a layer, an initializer instance, an array, a function)."""

    def __init__(self, rule: Rule, info: ClassInfo):
        self.rule = rule
        self.project: ProjectIndex = rule.context.project
        self.info = info

    def why(self, param: cst.Param, init: cst.FunctionDef) -> Optional[str]:
        name = param.name.value
        if param.annotation is not None and self.annotation(param.annotation.annotation) == "object":
            return f"annotated `{_code(param.annotation.annotation)}`"
        if param.default is not None and self.default(param.default) \
                and self.rule.context.keras.holds("auto_config_records_defaults"):
            return f"defaults to `{_code(param.default)}`"  # (tf_keras records the arguments passed only)
        return self.use(name, init)

    # -- what a name means -------------------------------------------------------------------------

    def qualified(self, node: cst.BaseExpression) -> Optional[str]:
        name = dotted(node)
        if name is None:
            return None
        return self.rule.names.qualified(name, self.rule.line_of(node)) or name

    def is_keras_class(self, qualified: Optional[str]) -> bool:
        path = keras_path(qualified)
        return bool(path) and path.rsplit(".", 1)[-1][:1].isupper()

    def is_custom_object_class(self, qualified: Optional[str]) -> bool:
        found = self.project.find(qualified) if qualified else None
        return found is not None and self.project.keras_kind(found) is not None

    def is_plain_project_class(self, node: cst.BaseExpression) -> bool:
        """A project class whose instances are no JSON value: none of it or its project ancestors
        builds on a built-in type or an enum (a `class Mode(str, Enum)` member is a string)."""
        is_package = self.info.path.endswith("__init__.py")
        name = qualify(self.rule.names, self.info.module, is_package, dotted(node), self.rule.line_of(node))
        found = self.project.find(name)
        if found is None:
            return False
        bases = [b for cls in [found, *self.project.ancestors(found)] for b in cls.bases]
        return all(b is not None and b.split(".")[0] not in _VALUE_BASE_ROOTS for b in bases)

    # -- annotations: "object", "json" or None (unknown) ----------------------------------------

    def annotation(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Name) and node.value == "None":
            return "none"
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self.union([node.left, node.right])
        if isinstance(node, (cst.Name, cst.Attribute)):
            qualified = self.qualified(node)
            if qualified in _JSON_TYPES or f"typing.{qualified}" in _JSON_TYPES:
                return "json"
            if qualified in _CALLABLES:
                return "object"
            if qualified and (qualified.startswith("numpy.") and qualified.endswith("ndarray")):
                return "object"
            if qualified and qualified.startswith("tensorflow.") and qualified.rsplit(".", 1)[-1] in _TF_OBJECTS:
                return "object"
            if self.is_keras_class(qualified) or self.is_custom_object_class(qualified):
                return "object"
            if self.is_plain_project_class(node):
                return "object"  # `config: ModelConfig`, a project dataclass: not a JSON value
            return None
        if isinstance(node, cst.Subscript):
            head = self.qualified(node.value)
            items = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            if head in _CALLABLES:
                return "object"
            if head in _UNIONS:
                return self.union(items)
            if head in _CONTAINERS:
                return self.union([i for i in items if not (isinstance(i, cst.Ellipsis))], every=True)
            if head in _MAPPINGS and len(items) == 2:
                return self.annotation(items[1])
            if head in ("typing.Literal", "Literal"):
                return "json"
        return None

    def union(self, members: list, every: bool = False) -> Optional[str]:
        """An object when every member that is not None is one (a value could always be None)."""
        kinds = [self.annotation(m) for m in members]
        kinds = [k for k in kinds if k != "none"]
        if kinds and all(k == "object" for k in kinds):
            return "object"
        if kinds and all(k == "json" for k in kinds):
            return "json"
        return None

    # -- defaults --------------------------------------------------------------------------------

    def default(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Lambda):
            return True
        if isinstance(node, cst.Call):
            qualified = self.qualified(node.func)
            if qualified is None:
                return False
            last = qualified.rsplit(".", 1)[-1]
            if self.is_keras_class(qualified) or self.is_custom_object_class(qualified):
                return True  # keras.initializers.GlorotUniform(), layers.Dense(4), MyLayer()
            if qualified.startswith("numpy.") and last in _ARRAY_MAKERS:
                return True
            if qualified.startswith("tensorflow.") and last in ("constant", "Variable", "zeros", "ones", "convert_to_tensor"):
                return True
            if qualified in TF_INITIALIZER_MAKERS:
                return True  # tf.zeros_initializer(): TensorFlow's own object, no Keras one
            return False
        if isinstance(node, (cst.Name, cst.Attribute)):
            if isinstance(node, cst.Name):
                binding = self.rule.names.binding(node.value, self.rule.line_of(node))
                if binding is not None and binding.scope == "module" and binding.kind in ("def", "lambda", "class"):
                    return True  # a function or a class object
            qualified = self.qualified(node)
            path = keras_path(qualified)
            if path and (path.startswith("activations.") or self.is_keras_class(qualified)):
                return True  # keras.activations.relu, keras.layers.Dense (the class itself)
            if qualified and qualified.startswith(("tensorflow.nn.", "tensorflow.math.")):
                return True
        return False

    # -- uses ------------------------------------------------------------------------------------

    def use(self, name: str, init: cst.FunctionDef) -> Optional[str]:
        """Called (`name(...)` in __init__, or `self.attr(...)` after `self.attr = name`): a string
        or number cannot be. Only when nothing else is ever assigned to it."""
        for attr, param in self.info.init.stored.items():
            if param == name and attr in self.info.called_attributes and self.only_assigned(attr, name):
                return f"called as `self.{attr}(...)`"
        # (memo, issue 18's cost: the same for every parameter and every point of the range)
        assigned, called = self.rule.once(init, "assigned_and_called", lambda: _names_assigned_and_called(init))
        if name in called and name not in assigned:
            return f"called as `{name}(...)` in `__init__`"
        return None

    def only_assigned(self, attr: str, param: str) -> bool:
        values = self.info.attribute_stores.get(attr, ())
        return bool(values) and all(value == param for value in values)


def _code(node: cst.CSTNode) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())  # on one line
    return text if len(text) <= 40 else text[:37] + "..."


def _names_assigned_and_called(function: cst.FunctionDef) -> tuple:
    assigned: set = set()
    called: set = set()
    for node in descendants(function.body):
        if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Name):
            assigned.add(node.target.value)
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            called.add(node.func.value)
    return assigned, called


def _unresolved(project: ProjectIndex, info: ClassInfo) -> bool:
    """Is a base of the class or of a project ancestor neither a project class nor Keras's?
    (An unknown mixin may define get_config.)"""
    for cls in project.lineage(info):
        for base in cls.bases:
            if project.find(base) is None and not base_kind(base):
                return True
    return False


def _model_h5_versions() -> tuple:
    """tf.keras and a Model subclass without get_config saved to .h5, as VERSIONED_FACTS says it: the
    last minor whose save raises NotImplementedError (model_subclass_h5_save_raises), the first that
    saves an empty config instead, and the last before its automatic config (model_auto_config):
    ("2.8", "2.9", "2.11")."""
    def minor(specifier: str, step: int) -> str:
        major, number = specifier.lstrip("<=>").split(".")
        return f"{major}.{int(number) + step}"

    raises = VERSIONED_FACTS["model_subclass_h5_save_raises"]["tf.keras"]
    return minor(raises, 0), minor(raises, 1), minor(VERSIONED_FACTS["model_auto_config"]["tf.keras"], -1)


class MissingGetConfig(Rule):
    """
    ## What it does
    Reports a Keras custom object whose `__init__` takes arguments of its own while neither the
    class nor a project ancestor defines `get_config`, where that loses them:

    - Subclass of `Layer` (Keras 3, and Keras 2: a file importing `tf_keras` or `keras.engine`, or
      `--target-keras 2`): only when an argument is annotated as, defaults to, or is used as an
      object the automatic config refuses (a layer, an initializer instance -- Keras's, or
      TensorFlow's own `tf.zeros_initializer()` --, an array, a function). Plain
      `str`/`int`/`float`/`bool`/`None` values are recorded automatically (measured in Keras 3
      and tf_keras; only tf.keras 2.10 and older raised for any argument). An object *default*
      counts from Keras 3.12 only, which records defaults too; earlier Keras 3, tf.keras and
      tf_keras record the arguments passed, so there only a call site passing an object counts
      (versioned fact `auto_config_records_defaults`).
    - Subclass of `keras.Model`: under Keras 3 always (it records the defaults); under Keras 2 as a
      `Layer` (tf_keras records plain values as passed, measured; an object argument makes it save
      an empty config that cannot be loaded).
    - Subclass of another built-in (`Dense`, `Loss`, `Metric`, `Initializer`, `Constraint`,
      `Regularizer`, `LearningRateSchedule`, ...): the arguments the base's `get_config` does not
      carry. Arguments forwarded by the same keyword (or positionally) to the built-in's
      `__init__` (`units` to `Dense`) are covered.

    `name`, `trainable`, `dtype`, `*args` and `**kwargs` never need keys.

    On tf.keras 2.10 and older (a project declaring them), a `Layer` with any positional argument,
    and on tf.keras before 2.12 a `keras.Model` subclass, is reported when a `.h5` save of the
    project may hold it: one whose model is shown to build it (the message names that save), or one
    whose model the project does not show (a parameter, `self.model.save(...)`). Not when every
    instance the project builds is part of another project layer or model (built in its methods, or
    handed to a Model subclass without get_config): a `.h5` save serializes the layers of a model's
    graph, not those a layer tracks itself.

    ## Why is this bad?
    Keras rebuilds the object on load from `get_config()`. Keras 3 `model.save` raises
    `NotImplementedError: Object Wrap was created by passing non-serializable argument values in
    __init__(), and therefore the object must override get_config()` for a non-JSON argument; for
    a `keras.Model` subclass it records each argument's *default*, not the value passed (or fails
    at save when there is no default), so the loaded model is rebuilt differently and its weights
    fail to load. tf.keras 2.10 and older raise at save for any argument (`Layer X has arguments
    [...] in __init__ and therefore must override get_config()`). A built-in base's `get_config`
    silently drops what it does not know: a defaulted argument comes back as its default, a required
    one makes loading raise `TypeError: ... missing 1 required positional argument`.

    ## Example
    ```python
    class Wrap(keras.layers.Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

        def call(self, x):
            return self.inner(x)
    ```

    ## Use instead
    ```python
        def get_config(self):
            return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}

        @classmethod
        def from_config(cls, config):
            config["inner"] = keras.layers.deserialize(config["inner"])
            return cls(**config)
    ```

    ## Fix safety
    For a `keras.Model` subclass or a subclass of another built-in, the fix adds, after `__init__`,
    `def get_config(self): return {**super().get_config(), "p": self.p, ...}` with every argument
    the base does not carry (for a base whose get_config raises or returns nothing, such as
    `LearningRateSchedule` or `Initializer`: `{"p": self.p, ...}` with every argument, no super).
    How each argument is written is decided by what it is, from its annotation, default, its uses
    in the class and every call site of the project (`Cls(...)`, a subclass's
    `super().__init__(...)`, `functools.partial(Cls, ...)`):

    - a plain value (a plain annotation, a literal default, or a plain value at every call site
      that gives it one) as `self.p`: safe when stored unchanged under its own name (`self.p = p`,
      assigned nowhere else; measured: the fixed fixtures round-trip), unsafe under another name;
    - a layer or model at every call site that gives it one (of a `Layer` or `Model` subclass):
      `keras.layers.serialize(self.p)` in get_config and a generated `from_config` rebuilding it
      with `keras.layers.deserialize`: safe (measured on a GAN-style `Model(generator,
      discriminator)`, Keras 3 and tf_keras: same outputs and weights, and the attributes are
      models again after loading; `"generator": self.generator` instead loads a dict);
    - an instance of a Keras initializer, regularizer or constraint class at every call site that
      gives it one (all of one family; default None or none), in a `Layer` or `Model`:
      `keras.initializers.serialize(self.p)` (`regularizers`, `constraints`) and the matching
      `deserialize` in a generated `from_config`: safe (measured with `Constant`, `L2`, `MaxNorm`,
      `NonNeg` and None, Keras 3 `.keras`, tf_keras `.keras` and `.h5`: same outputs and weights,
      the attribute is the same class again after loading);
    - a required argument of unknown kind (no annotation, no call site): `self.p`, unsafe (the
      message says so: were it a layer, it would load as a dict);
    - anything else (a function, an array, another Keras object, a project object at a call site; an
      object annotation; a defaulted argument not provably plain): no fix, the message says why.

    There is no fix either when an argument is not stored unchanged; when `__init__` lacks
    `**kwargs` (it could not take the `name`/`trainable`/`dtype` that `super().get_config()` adds);
    when the class or a project ancestor defines `from_config`; and when a project class
    subclasses it (it would inherit the new keys).
    """

    code = "KL202"
    name = "missing-get-config"
    summary = "custom object takes `__init__` arguments but has no `get_config` that can carry them"
    severity = "error"
    help = "add a `get_config` that returns `super().get_config()` updated with every `__init__` argument"
    looks_at_custom_objects = True
    fix = "safe"  # unsafe when an argument is stored under another attribute name
    # get_config need only exist; the index counts each method's `self.<attr> = ...` for the fix.
    reads_methods = frozenset({"__init__"})
    versioned_facts = (
        "h5_requires_get_config", "model_auto_config", "layer_config_drops_arguments", "h5_skips_tracked_sublayers",
        "auto_config_records_defaults",
    )

    _K3 = "import keras\n\n"
    _K2 = "import tf_keras as keras\n\n"
    _PLAIN = (
        "class Units(keras.layers.Layer):\n    def __init__(self, units=3, name=None, **kwargs):\n"
        "        super().__init__(name=name, **kwargs)\n        self.units = units\n\n"
        "    def call(self, x):\n        return x * self.units\n"
    )
    VALID = [
        # tf_keras auto-configs plain values too (measured; a triage false positive when reported)
        _K2 + _PLAIN,
        # tf_keras records only the arguments passed: an object default left alone saves and reloads
        # (measured, versioned fact auto_config_records_defaults; Keras 3.12 on refuse it)
        _K2 + "class Wrap(keras.layers.Layer):\n    def __init__(self, inner=keras.layers.Dense(2), **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.inner = inner\n",
        # Keras 3 auto-configs plain values (measured: round-trips with the value passed)
        _K3 + _PLAIN,
        # annotated with a project enum of strings: its members are strings
        _K3 + "import enum\nclass Mode(str, enum.Enum):\n    SUM = 'sum'\n"
        "class Pool(keras.layers.Layer):\n    def __init__(self, mode: Mode = Mode.SUM, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.mode = mode\n",
        # AbstractRNNCell keeps Layer's get_config: its subclasses get the automatic config (measured, triage)
        _K2 + "class Cell(keras.layers.AbstractRNNCell):\n    def __init__(self, units, gain=1.0, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units, self.gain = units, gain\n",
        # a tf_keras Model records plain values as passed too (measured S11d; a triage false positive)
        _K2 + "class Stack(keras.Model):\n    def __init__(self, width, depth=2):\n        super().__init__()\n"
        "        self.blocks = [keras.layers.Dense(width) for _ in range(depth)]\n",
        _K3 + "class T(keras.layers.Layer):\n    def __init__(self, units: int, pair: tuple = (1, 2), "
        "mode: 'str | None' = None, act: 'str | Callable' = 'relu', **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n",
        # a string normalised into an object is still a string when passed
        _K3 + "class A(keras.layers.Layer):\n    def __init__(self, activation='relu', **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.activation = keras.activations.get(activation)\n\n"
        "    def call(self, x):\n        return self.activation(x)\n",
        # stored, then replaced: what is called is not the argument
        _K3 + "class A(keras.layers.Layer):\n    def __init__(self, kind='relu', **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.fn = kind\n        if kind == 'relu':\n"
        "            self.fn = keras.activations.relu\n\n    def call(self, x):\n        return self.fn(x)\n",
        # a project ancestor defines get_config (KL203's business)
        _K2 + "class Base(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n\n\n"
        "class Child(Base):\n    def __init__(self, units, **kwargs):\n        super().__init__(units, **kwargs)\n",
        # forwarded to the built-in base that carries it
        _K3 + "class D(keras.layers.Dense):\n    def __init__(self, units, activation=None, **kwargs):\n"
        "        super().__init__(units, activation=activation, **kwargs)\n",
        _K2 + "class D(keras.layers.Dense):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(units=units, **kwargs)\n",
        # only Keras's own arguments
        _K2 + "class N(keras.layers.Layer):\n    def __init__(self, name=None, trainable=True, dtype=None, **kwargs):\n"
        "        super().__init__(name=name, trainable=trainable, dtype=dtype, **kwargs)\n",
        # a mixin the index cannot see may define get_config
        _K2 + "from mylib import ConfigMixin\n\n\nclass M(ConfigMixin, keras.layers.Layer):\n"
        "    def __init__(self, units, **kwargs):\n        super().__init__(**kwargs)\n        self.units = units\n",
        # no __init__ of its own
        _K3 + "class M(keras.Model):\n    def call(self, x):\n        return x\n",
        # every call site passes the initializer by name: the automatic config records it
        _K3 + "class Window(keras.layers.Layer):\n    def __init__(self, size, init, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.size, self.init = size, init\n\n"
        "    def build(self, shape):\n        self.w = self.add_weight(name='w', shape=(1,), initializer=self.init)\n\n\n"
        "window = Window(3, 'ones')\n",
    ]
    INVALID = [
        # a call site passes an initializer instance: the automatic config refuses it
        Invalid(
            _K3 + "class Window(keras.layers.Layer):\n    def __init__(self, size, init, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.size, self.init = size, init\n\n"
            "    def build(self, shape):\n        self.w = self.add_weight(name='w', shape=(1,), initializer=self.init)\n\n\n"
            "window = Window(3, keras.initializers.Constant(2.0))\n",
            3, 1, "refuses `init` (given a Keras object at example.py:12)",
            # serialized with keras.initializers' pair, rebuilt in from_config (measured: round-trips)
            fixed="""
                import keras

                class Window(keras.layers.Layer):
                    def __init__(self, size, init, **kwargs):
                        super().__init__(**kwargs)
                        self.size, self.init = size, init

                    def get_config(self):
                        return {
                            **super().get_config(),
                            "size": self.size,
                            "init": keras.initializers.serialize(self.init),
                        }

                    @classmethod
                    def from_config(cls, config):
                        config = dict(config)
                        config["init"] = keras.initializers.deserialize(config["init"])
                        return cls(**config)

                    def build(self, shape):
                        self.w = self.add_weight(name='w', shape=(1,), initializer=self.init)


                window = Window(3, keras.initializers.Constant(2.0))
            """,
        ),
        # models passed at the call site: serialized, and rebuilt in from_config
        Invalid(
            _K3 + "class Pair(keras.Model):\n    def __init__(self, generator, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.generator = generator\n\n\n"
            "pair = Pair(keras.Sequential([keras.layers.Dense(2)]))\n",
            3, 1, "requires `generator`",
            fixed="""
                import keras

                class Pair(keras.Model):
                    def __init__(self, generator, **kwargs):
                        super().__init__(**kwargs)
                        self.generator = generator

                    def get_config(self):
                        return {**super().get_config(), "generator": keras.layers.serialize(self.generator)}

                    @classmethod
                    def from_config(cls, config):
                        config = dict(config)
                        config["generator"] = keras.layers.deserialize(config["generator"])
                        return cls(**config)


                pair = Pair(keras.Sequential([keras.layers.Dense(2)]))
            """,
        ),
        # nothing shows what `generator` is: the fix that writes it as it is is unsafe
        Invalid(
            _K3 + "class Pair(keras.Model):\n    def __init__(self, generator, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.generator = generator\n",
            3, 1, "(unsafe fix: nothing shows that `generator` is a plain value",
            fixed="""
                import keras

                class Pair(keras.Model):
                    def __init__(self, generator, **kwargs):
                        super().__init__(**kwargs)
                        self.generator = generator

                    def get_config(self):
                        return {**super().get_config(), "generator": self.generator}
            """,
        ),
        Invalid(
            _K3 + "class Wrap(keras.layers.Layer):\n    def __init__(self, inner, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.inner = inner\n\n"
            "    def call(self, x):\n        return self.inner(x)\n",
            3, 1, "Keras 3: `Wrap` has no get_config and its automatic config refuses `inner` (called as `self.inner(...)`)",
        ),
        Invalid(
            _K3 + "class Init(keras.layers.Layer):\n"
            "    def __init__(self, init=keras.initializers.GlorotUniform(), **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.init = init\n",
            3, 1, "defaults to `keras.initializers.GlorotUniform()`",
        ),
        Invalid(
            """
                import keras
                import numpy as np
                from typing import Optional


                class Table(keras.layers.Layer):
                    def __init__(self, table: Optional[np.ndarray] = None, **kwargs):
                        super().__init__(**kwargs)
                        self.table = table
            """,
            6, 1, "annotated `Optional[np.ndarray]`",
        ),
        # an annotation over several lines is quoted on one (a finding is one line)
        Invalid(
            """
                import keras
                import numpy as np
                from typing import Optional


                class Table(keras.layers.Layer):
                    def __init__(
                        self,
                        table: Optional[
                            np.ndarray
                        ] = None,
                        **kwargs,
                    ):
                        super().__init__(**kwargs)
                        self.table = table
            """,
            6, 1, "annotated `Optional[ np.ndarray ]`",
        ),
        Invalid(
            _K3 + "class Seq(keras.layers.Layer):\n    def __init__(self, blocks: list[keras.layers.Layer], **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.blocks = blocks\n",
            3, 1, "`blocks`",
        ),
        # annotated with a project class (measured: a dataclass argument makes model.save raise)
        Invalid(
            """
                import dataclasses

                import keras

                @dataclasses.dataclass
                class HeadConfig:
                    units: int = 4

                class Head(keras.layers.Layer):
                    def __init__(self, config: HeadConfig, **kwargs):
                        super().__init__(**kwargs)
                        self.dense = keras.layers.Dense(config.units)
            """,
            9, 1, "annotated `HeadConfig`",
        ),
        # Keras 3, Model subclass: the default is recorded instead of the value passed
        Invalid(
            _K3 + "class Net(keras.Model):\n    def __init__(self, units=3, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.dense = keras.layers.Dense(units)\n\n"
            "    def call(self, x):\n        return self.dense(x)\n",
            3, 1, "records the default of `units`",
        ),
        Invalid(
            """
                from tensorflow import keras

                class Net(keras.Model):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.dense = keras.layers.Dense(units)
            """,
            3, 1, "Keras 3: `keras.Model` subclass `Net` requires `units`",
        ),
        # Keras 2: an object argument passed (tf_keras auto-configs plain values, as Keras 3 does)
        Invalid(
            _K2 + "class Wrap(keras.layers.Layer):\n    def __init__(self, inner, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.inner = inner\n\n\nwrap = Wrap(keras.layers.Dense(2))\n",
            3, 1, "Keras 2: `Wrap` has no get_config",
            _K2 + "class Wrap(keras.layers.Layer):\n    def __init__(self, inner, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.inner = inner\n\n"
            "    def get_config(self):\n"
            '        return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}\n\n'
            "    @classmethod\n    def from_config(cls, config):\n        config = dict(config)\n"
            '        config["inner"] = keras.layers.deserialize(config["inner"])\n        return cls(**config)\n\n\n'
            "wrap = Wrap(keras.layers.Dense(2))\n",
        ),
        Invalid(
            """
                from keras.engine.training import Model

                class Net(Model):
                    def __init__(self, head):
                        super().__init__()
                        self.head = head

                    def call(self, x):
                        return self.head(x)
            """,
            3, 1, "Keras 2: `keras.Model` subclass `Net` has no get_config and its automatic config refuses `head`",
        ),
        # a built-in base's get_config does not carry the added argument (both majors)
        Invalid(
            _K3 + "class ScaledDense(keras.layers.Dense):\n    def __init__(self, units, scale=1.0, **kwargs):\n"
            "        super().__init__(units, **kwargs)\n        self.scale = scale\n",
            3, 1, "`scale` (defaulted: it silently comes back as its default after load)",
            fixed="""
                import keras

                class ScaledDense(keras.layers.Dense):
                    def __init__(self, units, scale=1.0, **kwargs):
                        super().__init__(units, **kwargs)
                        self.scale = scale

                    def get_config(self):
                        return {**super().get_config(), "scale": self.scale}
            """,
        ),
        Invalid(
            _K2 + "class FocalLoss(keras.losses.Loss):\n    def __init__(self, gamma, name='focal', **kwargs):\n"
            "        super().__init__(name=name, **kwargs)\n        self.gamma = gamma\n",
            3, 1, "missing 1 required positional argument: 'gamma'",
            fixed="""
                import tf_keras as keras

                class FocalLoss(keras.losses.Loss):
                    def __init__(self, gamma, name='focal', **kwargs):
                        super().__init__(name=name, **kwargs)
                        self.gamma = gamma

                    def get_config(self):
                        return {**super().get_config(), 'gamma': self.gamma}
            """,
        ),
        Invalid(
            _K3 + "class Decay(keras.optimizers.schedules.LearningRateSchedule):\n"
            "    def __init__(self, rate=0.1):\n        self.rate = rate\n\n"
            "    def __call__(self, step):\n        return self.rate\n",
            3, 1, "NotImplementedError",
            fixed="""
                import keras

                class Decay(keras.optimizers.schedules.LearningRateSchedule):
                    def __init__(self, rate=0.1):
                        self.rate = rate

                    def get_config(self):
                        return {"rate": self.rate}

                    def __call__(self, step):
                        return self.rate
            """,
        ),
        # through a project ancestor without get_config
        Invalid(
            _K3 + "class Base(keras.layers.Dense):\n    pass\n\n\n"
            "class Child(Base):\n    def __init__(self, units, gain=2.0, **kwargs):\n"
            "        super().__init__(units=units, **kwargs)\n        self.gain = gain\n",
            7, 1, "`gain`",
            fixed="""
                import keras

                class Base(keras.layers.Dense):
                    pass


                class Child(Base):
                    def __init__(self, units, gain=2.0, **kwargs):
                        super().__init__(units=units, **kwargs)
                        self.gain = gain

                    def get_config(self):
                        return {**super().get_config(), "gain": self.gain}
            """,
        ),
        # fixes: a Model subclass storing its arguments, after __init__ and before the next method
        Invalid(
            _K3 + "class Net(keras.Model):\n    def __init__(self, units=3, rate=0.5, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n        self.rate = rate\n"
            "        self.dense = keras.layers.Dense(units)\n\n"
            "    def call(self, x):  # the head\n        return self.dense(x) * self.rate\n",
            3, 1, "records the default of `units`, `rate`",
            fixed="""
                import keras

                class Net(keras.Model):
                    def __init__(self, units=3, rate=0.5, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                        self.rate = rate
                        self.dense = keras.layers.Dense(units)

                    def get_config(self):
                        return {**super().get_config(), "units": self.units, "rate": self.rate}

                    def call(self, x):  # the head
                        return self.dense(x) * self.rate
            """,
        ),
        # stored under another name: unsafe; a long config goes one entry a line
        Invalid(
            _K3 + "class ScaledDense(keras.layers.Dense):\n"
            "    def __init__(self, units, scale_of_the_outputs: float = 1.0, offset_of_the_outputs=0.0, **kwargs):\n"
            "        super().__init__(units, **kwargs)\n        self._scale = scale_of_the_outputs\n"
            "        self.offset_of_the_outputs = offset_of_the_outputs\n",
            3, 1, "`scale_of_the_outputs`, `offset_of_the_outputs` (defaulted",
            fixed="""
                import keras

                class ScaledDense(keras.layers.Dense):
                    def __init__(self, units, scale_of_the_outputs: float = 1.0, offset_of_the_outputs=0.0, **kwargs):
                        super().__init__(units, **kwargs)
                        self._scale = scale_of_the_outputs
                        self.offset_of_the_outputs = offset_of_the_outputs

                    def get_config(self):
                        return {
                            **super().get_config(),
                            "scale_of_the_outputs": self._scale,
                            "offset_of_the_outputs": self.offset_of_the_outputs,
                        }
            """,
        ),
        # a base whose get_config returns nothing: a config of its own, without **kwargs
        Invalid(
            """
                import tensorflow as tf

                class Scaled(tf.keras.initializers.Initializer):
                    def __call__(self, shape, dtype=None):
                        return tf.ones(shape, dtype) * self.scale

                    def __init__(self, scale):
                        self.scale = scale""",  # and no newline at the end
            3, 1, "`scale` (required",
            fixed="""
                import tensorflow as tf

                class Scaled(tf.keras.initializers.Initializer):
                    def __call__(self, shape, dtype=None):
                        return tf.ones(shape, dtype) * self.scale

                    def __init__(self, scale):
                        self.scale = scale

                    def get_config(self):
                        return {"scale": self.scale}
            """,
        ),
        # no fix: without **kwargs, `name` from super().get_config() would make loading fail
        Invalid(
            _K3 + "class ScaledDense(keras.layers.Dense):\n    def __init__(self, units, scale=1.0):\n"
            "        super().__init__(units)\n        self.scale = scale\n",
            3, 1, "`scale`",
        ),
        # no fix: a defaulted argument not provably plain (None, no annotation) may hold an object
        Invalid(
            _K3 + "class ScaledDense(keras.layers.Dense):\n    def __init__(self, units, scale=None, **kwargs):\n"
            "        super().__init__(units, **kwargs)\n        self.scale = scale\n",
            3, 1, "`scale`",
        ),
        # no fix: the argument is stored changed
        Invalid(
            _K3 + "class ScaledDense(keras.layers.Dense):\n    def __init__(self, units, scale=1.0, **kwargs):\n"
            "        super().__init__(units, **kwargs)\n        self.scale = float(scale)\n",
            3, 1, "`scale`",
        ),
    ]

    @classmethod
    def might_report(cls, info: ClassInfo, project: ProjectIndex) -> bool:
        return (
            info.init is not None
            and info.get_config is None
            and not any(a.get_config is not None for a in project.ancestors(info))
            and not _unresolved(project, info)
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node)
        if info is None or info.init is None or info.get_config is not None:
            return
        if info.name != node.name.value or method(node, "get_config") is not None:
            return  # the index was built before --fix changed the file: the text decides
        project = self.context.project
        ancestors = project.ancestors(info)
        if any(a.get_config is not None for a in ancestors) or _unresolved(project, info):
            return
        bases = set(project.keras_bases(info))
        if len(bases) != 1:
            return
        base = bases.pop()
        init = method(node, "__init__")
        if init is None:
            return
        params = [p for p in info.init.own_params if p.name not in EXEMPT_PARAMS]
        lost = [
            p for p in params
            if config_carries(self, info, p.name) is False and not supplied_by_subclasses(self, info, p.name)
        ]
        keras3 = self.context.keras_major == 3
        base_name = base.rsplit(".", 1)[-1]

        if path_matches(base, *LAYER_BASES) or path_matches(base, *MODEL_BASES):
            is_model = path_matches(base, *MODEL_BASES)
            if is_model and keras3:
                if lost:
                    fix, note = self._fix(node, init, info, base, lost, layer=True)
                    self.report(node, self.model_message(info, lost) + note, fix)
                return
            if not is_model and self.context.keras.holds("h5_requires_get_config"):
                self._h5_requires_get_config(node, info)
                return
            if not is_model and self.context.keras.holds("layer_config_drops_arguments"):
                self._h5_load_drops(node, info)
                return
            if is_model and self._h5_model_config_empty(node, info):
                return
            # A Layer, or a Keras 2 Model: the automatic config records plain values as passed (measured:
            # S4; tf_keras S11d), so only an argument it refuses breaks saving.
            evidence = _NonJson(self, info)
            signature = params_by_name(init)
            reasons = []
            for param in params:
                if param.name in signature:
                    why = evidence.why(signature[param.name], init) or self.refused_at_call_site(info, param.name)
                    if why:
                        reasons.append(f"`{param.name}` ({why})")
            if not reasons:
                return
            fix, note = self._fix(node, init, info, base, params, layer=True)
            if note and any(r.split(" (", 1)[1].rstrip(")") in note for r in reasons):
                note = " (no automatic fix)"  # the reason names the call site already
            if is_model:  # Keras 2 (measured, S11c; model_auto_config's probe on TF 2.4.4-2.15.1, tf_keras 2.21)
                self.report(
                    node,
                    f"Keras 2: `keras.Model` subclass `{info.name}` has no get_config and its automatic config refuses "
                    f"{', '.join(reasons)}, which is not a plain value: {self._empty_config_where()} saves an empty "
                    "config (a warning at save) and load_model fails `TypeError: Unable to revive model from config`; "
                    f"add get_config (and from_config){note}",
                    fix,
                )
            else:
                self.report(
                    node,
                    f"Keras {self.context.keras_major}: `{info.name}` has no get_config and its automatic config refuses "
                    f"{', '.join(reasons)}, which is not a plain value: model.save raises `NotImplementedError: "
                    f"{'Object' if keras3 else 'Layer'} {info.name} was created by passing non-serializable argument values`; "
                    f"add get_config (and from_config){note}",
                    fix,
                )
            return
        if base_kind(base) == "model" or not lost:
            return  # Sequential / Functional: rebuilt through their own layer lists
        fix, note = self._fix(node, init, info, base, lost)
        if path_matches(base, *RAISING_BASES):
            names = ", ".join(f"`{p.name}`" for p in lost)
            self.report(
                node,
                f"`{info.name}` has no get_config and `{base_name}.get_config` raises NotImplementedError: "
                f"saving it fails; add get_config returning {names}{note}",
                fix,
            )
            return
        self.report(
            node,
            f"`{info.name}` has no get_config and `{base_name}.get_config` does not carry "
            f"{self.lost_description(info, lost)}; add get_config{note}",
            fix,
        )

    def _empty_config_where(self) -> str:
        """Which Keras 2 saves an empty config for a Model subclass whose argument is no plain value
        (measured: TF 2.9.3-2.15.1, tf_keras 2.21; TF 2.2.3-2.8.4 raise NotImplementedError at the save
        instead: versioned fact model_subclass_h5_save_raises, from which the text is derived)."""
        if self.context.keras.line == "tf.keras":
            last, first, _ = _model_h5_versions()
            return f"tf.keras ({first} on; {last} and earlier raise NotImplementedError at the save instead)"
        return "tf_keras" if self.context.keras.line == "tf_keras" else "Keras 2"

    def _h5_saver(self, info: ClassInfo) -> Optional[str]:
        """Where the project saves a model holding `info` to `.h5`, as a message says it ("as line 12 of
        this file does", "as `train.py:30` does"), or a `.h5` save whose model it does not show ("`x.py:9`
        saves to .h5 a model it does not build there"); None when no `.h5` save can hold it: the
        project saves none, every one it shows builds another model, or every instance of the class is
        a part of another project layer or model, whose get_config a `.h5` save calls instead."""
        project = self.context.project
        if self.context.keras.holds("h5_skips_tracked_sublayers") and argument_kinds.built_only_nested(project, info):
            return None
        holding, unshown = model_flow.h5_saves(project, info)
        if holding:
            return f"as {self.place(*holding[0])} does"
        if unshown:
            return f"{self.place(*unshown[0])} saves to .h5 a model it does not build there"
        return None

    def _h5_model_config_empty(self, node: cst.ClassDef, info: ClassInfo) -> bool:
        """tf.keras before 2.12 (model_auto_config): a Model subclass without get_config is saved to
        `.h5` with an empty config, whatever its arguments are; reported where the project saves a
        model to `.h5`. True when reported."""
        arguments = h5_model_config_empty(self.context.project, info, self.context.keras)
        where = self._h5_saver(info) if arguments else None
        if where is None:
            return False
        owner = self.context.project.nearest(info, "__init__")
        required = [p.name for p in owner.init.own_params if p.name in arguments and not p.has_default]
        names = ", ".join(f"`{name}`" for name in arguments)
        if required:
            outcome = "load_model fails `TypeError: Unable to revive model from config`"
        else:
            outcome = f"load_model rebuilds it with the defaults of {names}, not the values passed"
        if self.context.keras.line == "keras2-multibackend":
            self.report(
                node,
                f"Keras 2: `keras.Model` subclass `{info.name}` takes {names} in __init__ and has no get_config; on "
                f"multi-backend Keras, saving a model holding it to .h5 ({where}) raises NotImplementedError "
                "(a subclassed Model has no config of its own there); add get_config returning them",
            )
            return True
        since = VERSIONED_FACTS["model_auto_config"]["tf.keras"].lstrip(">=")
        last, first, last_empty = _model_h5_versions()
        self.report(
            node,
            f"Keras 2: `keras.Model` subclass `{info.name}` takes {names} in __init__ and has no get_config; on tf.keras "
            f"before {since}, saving a model holding it to .h5 ({where}) keeps no config for it ({first} to "
            f"{last_empty} store an empty one, {last} and earlier raise NotImplementedError at the save), so {outcome}; "
            "add get_config returning them",
        )
        return True

    def _h5_load_drops(self, node: cst.ClassDef, info: ClassInfo) -> None:
        """Multi-backend Keras: the default Layer.get_config carries name, trainable and dtype only,
        so a model holding a layer with other arguments saves to `.h5` and fails to load, given the
        class or not; reported where the project saves a model to `.h5`."""
        arguments = h5_load_drops(self.context.project, info, self.context.keras)
        where = self._h5_saver(info) if arguments else None
        if where is None:
            return
        owner = self.context.project.nearest(info, "__init__")
        required = [p for p in owner.init.params if p.name in arguments and not p.has_default]
        names = ", ".join(f"`{name}`" for name in arguments)
        if required:
            error = missing_argument_error(info.name, required).replace(f"{info.name}.__init__", "__init__")  # Python <= 3.7
            outcome = f"load_model fails even given the class (`{error}`)"
        else:
            outcome = f"load_model rebuilds it with the defaults of {names}, not the values passed"
        self.report(
            node,
            f"`{info.name}` takes {names} in __init__ and has no get_config; on multi-backend Keras, Layer.get_config "
            f"carries only name, trainable and dtype: a model holding it saves to .h5 ({where}), but "
            f"{outcome}; add get_config returning them",
        )

    def _h5_requires_get_config(self, node: cst.ClassDef, info: ClassInfo) -> None:
        """tf.keras <= 2.10: the default Layer.get_config raises for any argument it does not carry
        itself, and `.h5` saving calls it (a SavedModel directory does not): reported where the
        project saves a model to `.h5`."""
        arguments = h5_save_refuses(self.context.project, info, self.context.keras)
        where = self._h5_saver(info) if arguments else None
        if where is None:
            return
        names = ", ".join(f"`{name}`" for name in arguments)
        self.report(
            node,
            f"`{info.name}` takes {names} in __init__ and has no get_config; on {self.context.keras.where('h5_requires_get_config')}, "
            f"saving a model holding it to .h5 ({where}) raises `NotImplementedError: Layer {info.name} has "
            "arguments in `__init__` and therefore must override `get_config()``; add get_config returning them",
        )

    def refused_at_call_site(self, info: ClassInfo, param: str) -> Optional[str]:
        """A call site of the project that gives `param` a value the automatic config refuses."""
        project = self.context.project
        for value in argument_kinds.passed(project, info, param):
            if value.kind in argument_kinds.REFUSED:
                return f"given {argument_kinds.describe(value.kind)} at {value.where(project.root)}"
        return None

    def _fix(
        self, node: cst.ClassDef, init: cst.FunctionDef, info: ClassInfo, base: str, lost: list, layer: bool = False
    ) -> tuple:
        """(fix, note): get_config returning `self.<p>` for every lost argument `p` (every argument of
        a `layer`: a Layer's or Model's own get_config replaces the automatic one), after
        `super().get_config()` (whose name/trainable/dtype keys `__init__` must then accept: it needs
        **kwargs), or alone for a base whose get_config raises or returns nothing (then for every
        argument). Each argument is written as its kind at the project's call sites allows
        (fixers/get_config_entries.entry_kind): a plain value as `self.p` (safe), one of unknown kind
        as `self.p` (unsafe), a layer or model (of a Layer or Model) serialized with
        `keras.layers.serialize` and rebuilt by a generated from_config (safe: that pair round-trips,
        measured), a Keras initializer/regularizer/constraint likewise with its module's pair. `note` tells the message why the fix is unsafe or missing, when kinds decided."""
        project = self.context.project
        if project.subclasses(info) or project.nearest(info, "from_config") is not None:
            return None, ""  # a subclass would inherit the new keys; a from_config may read others
        standalone = path_matches(base, *RAISING_BASES, *EMPTY_CONFIG_BASES)
        if not standalone and init.params.star_kwarg is None:
            return None, ""  # super().get_config()'s `name` would make loading fail: "unexpected keyword argument"
        params = info.init.own_params if standalone else lost
        signature = params_by_name(init)
        stored, layers, unknown = [], [], []
        for param in params:
            attr = stored_attribute(info, node, init, param.name) if param.name in signature else None
            if attr is None:
                return None, ""
            called = attr in info.called_attributes or calls_name(init, param.name)
            how, why = entry_kind(self, info, signature[param.name], called)
            if how is None:
                return None, f" (no automatic fix: {why})"
            if how in SERIALIZED_ENTRIES:
                if not layer or attr != param.name:
                    what = "a layer or model" if how == LAYER_ENTRY else "a Keras object"
                    return None, f" (no automatic fix: `{param.name}` holds {what}, which needs serializing)"
                layers.append((param.name, how))
            elif how == UNKNOWN_ENTRY:
                unknown.append(why)
            stored.append((param.name, attr))
        if not stored:
            return None, ""
        quote = quote_of(init)
        modules = {name: layers_module(self, init, how) for name, how in layers}
        if None in modules.values():
            return None, ""
        entries = []
        for name, attr in stored:
            text = entry(name, attr, quote)  # __init__: never blanked
            if name in modules:
                text = f"{quote}{name}{quote}: {modules[name]}.serialize(self.{attr})"
            entries.append(text)
        if not standalone:
            entries.insert(0, "**super().get_config()")
        body = ["def get_config(self):", *("    " + line for line in dict_lines(entries))]
        if layers:
            body += ["", *from_config_lines(list(modules.items()), quote)]
        edit = method_after(self, init, body)
        edit = Edit(edit.start, edit.end, "\n".join(line if line.strip() else "" for line in edit.text.split("\n")))
        if unknown:
            return Fix("unsafe", (edit,), "add get_config"), f" (unsafe fix: {unknown[0]})"
        safety = "safe" if all(name == attr for name, attr in stored) else "unsafe"
        title = "add get_config and from_config" if layers else "add get_config"
        return Fix(safety, (edit,), title), ""

    @staticmethod
    def lost_description(info: ClassInfo, lost: list) -> str:
        required = [p for p in lost if not p.has_default]
        defaulted = [p for p in lost if p.has_default]
        parts = []
        if required:
            names = ", ".join(f"`{p.name}`" for p in required)
            parts.append(f"{names} (required: load raises `{missing_argument_error(info.name, required)}`)")
        if defaulted:
            names = ", ".join(f"`{p.name}`" for p in defaulted)
            they = "they silently come back as their defaults" if len(defaulted) > 1 else "it silently comes back as its default"
            parts.append(f"{names} (defaulted: {they} after load)")
        return " and ".join(parts)

    @staticmethod
    def model_message(info: ClassInfo, lost: list) -> str:
        required = [p.name for p in lost if not p.has_default]
        defaulted = [p.name for p in lost if p.has_default]
        if required:
            names = ", ".join(f"`{n}`" for n in required)
            return (
                f"Keras 3: `keras.Model` subclass `{info.name}` requires {names} but has no get_config: "
                f"model.save raises `NotImplementedError: Object {info.name} was created by passing "
                "non-serializable argument values` (or load_model fails); add get_config"
            )
        names = ", ".join(f"`{n}`" for n in defaulted)
        return (
            f"Keras 3: `keras.Model` subclass `{info.name}` has no get_config, so Keras records the default of "
            f"{names}, not the value passed: the model is rebuilt with the default on load and its weights "
            "fail to load; add get_config"
        )
