from __future__ import annotations

from typing import Optional

from ..analysis.init_chain import (
    accepted,
    builds_functional,
    chain,
    holds_trainable_weights,
    kwargs_can_join,
    listed,
    passes_on,
    super_init_call,
)
from ..cst.lazy import cst
from ..cst.nodes import method, names_read, super_calls
from ..finding import Fix
from ..fixers.edits import accept_kwargs_edits, append_argument
from ..index.model import ClassInfo, InitInfo
from ..index.project_index import ProjectIndex
from ..keras_api import OWN_FROM_CONFIG_BASES, PLAIN_BASES
from ..names import path_matches
from .base import Invalid, Rule

# What the config a Keras base's get_config writes starts with, in order, by (Keras major, kind).
# Measured with Keras 3.15.1 and tf_keras 2.21 (`cls.from_config(obj.get_config())` and .keras
# round trips): Layer and built-in layers write name, trainable, dtype; Loss name, reduction;
# Metric name, dtype; Optimizer name and its hyperparameters. tf_keras's `Model.get_config` returns
# {} once a subclass overrides it; its Loss writes reduction, name (measured on tf_keras 2.21 and
# TF 2.10.1: a `Loss` whose `__init__(self)` takes nothing fails `load_model` of a model compiled
# with it, "unexpected keyword argument 'reduction'", `.h5` and `.keras` alike).
# Initializer and Constraint write {}; Regularizer and LearningRateSchedule raise: nothing to say.
BASE_CONFIG_KEYS = {
    (3, "layer"): ("name", "trainable", "dtype"),
    (3, "model"): ("name", "trainable", "dtype"),
    (3, "loss"): ("name", "reduction"),
    (3, "metric"): ("name", "dtype"),
    (3, "optimizer"): (
        "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
        "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps",
    ),
    (2, "layer"): ("name", "trainable", "dtype"),
    (2, "loss"): ("reduction", "name"),
}
# The keys a Keras base's config holds, whatever the kind: a class whose own get_config writes one
# of them (a Constraint writing `name`, as Keras's own constraints do not) hands it to __init__ at load.
BASE_LIKE_KEYS = ("name", "trainable", "dtype", "reduction")
# What the Keras base's __init__ takes besides the subclass's own arguments, by kind: given to the
# subclass at construction and not handed on, they are dropped (plain Python, both majors).
BASE_INIT_KEYWORDS = {
    "layer": ("name", "trainable", "dtype"),
    "model": ("name", "trainable", "dtype"),
    "loss": ("name", "reduction", "dtype"),
    "metric": ("name", "dtype"),
    "optimizer": ("name", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema"),
}


def uses_of_kwargs(function: cst.FunctionDef, kwargs: str, base_keys: tuple) -> bool:
    """Does the body use `**kwargs` in any way that could hand a base argument on? Reading one
    unrelated key (`kwargs.pop("foo", None)`, `kwargs.get("foo")`, `kwargs["foo"]`, `"foo" in kwargs`)
    cannot; any other use (passing it, storing it, iterating it) might."""
    harmless: set = set()
    other = []

    def literal(node) -> Optional[str]:
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return value if isinstance(value, str) else None
        return None

    def is_kwargs(node) -> bool:
        return isinstance(node, cst.Name) and node.value == kwargs

    class Collect(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            func = call.func
            if (
                isinstance(func, cst.Attribute)
                and is_kwargs(func.value)
                and func.attr.value in ("pop", "get")
                and call.args
                and call.args[0].keyword is None
                and not call.args[0].star
                and literal(call.args[0].value) not in (None, *base_keys)
            ):
                harmless.add(id(func.value))

        def visit_Subscript(self, node: cst.Subscript) -> None:
            if is_kwargs(node.value) and len(node.slice) == 1:
                index = node.slice[0].slice
                if isinstance(index, cst.Index) and literal(index.value) not in (None, *base_keys):
                    harmless.add(id(node.value))

        def visit_Comparison(self, node: cst.Comparison) -> None:
            if (
                len(node.comparisons) == 1
                and isinstance(node.comparisons[0].operator, (cst.In, cst.NotIn))
                and is_kwargs(node.comparisons[0].comparator)
                and literal(node.left) not in (None, *base_keys)
            ):
                harmless.add(id(node.comparisons[0].comparator))

        def visit_Name(self, name: cst.Name) -> None:
            if name.value == kwargs and id(name) not in harmless:
                other.append(name)

    function.body.visit(Collect())
    return bool(other)


def config_keys(
    project: ProjectIndex, info: ClassInfo, major: int, kind: str, functional: bool = False,
    auto_passes_base_keys: bool = False,
) -> Optional[tuple]:
    """(the base keys -- name, trainable, dtype, ... -- the config of `info` provably holds, in the
    order Keras writes them; whether that depends on the Keras version; "own", "base" or "auto":
    who writes them), or None when unknown. `auto_passes_base_keys`: the Keras judged at is one
    whose automatic config hands a Keras 2 layer's base keys back to __init__ (tf.keras 2.11)."""
    found = chain(project, info)
    if found is None:
        return None
    classes, keras_base = found
    if any("from_config" in c.methods for c in classes) or path_matches(keras_base, *OWN_FROM_CONFIG_BASES):
        return None
    base_keys = BASE_CONFIG_KEYS.get((major, kind))
    if base_keys is None:
        return own_base_like_keys(classes)
    both = kind == "layer"  # the same in Keras 3 and tf_keras
    overridden = False
    for cls in classes:
        config = cls.get_config
        if config is None:
            continue
        if config.calls_super:
            overridden = True
            continue
        # This get_config builds its dict alone: only the base keys it writes itself are there.
        written = tuple(k for k in base_keys if k in config.keys)
        if not written and not config.complete:
            return None
        return written, not both, "own"
    if overridden or not path_matches(keras_base, *PLAIN_BASES):
        return base_keys, not both, "base"  # the Keras base's own get_config
    # No get_config anywhere: Keras's automatic config.
    init = info.init
    if init is None or (major != 3 and not (auto_passes_base_keys and kind == "layer")):
        return None  # tf_keras's automatic config keeps only the arguments __init__ takes
    if any(p.kind == "var_positional" or not p.default_is_literal for p in init.params):
        # Keras 3 writes the automatic config only for plain values (str, numbers, None, lists of
        # them); given *args, a layer or an array, it refuses to save at all (NotImplementedError).
        return None
    if major != 3:
        # tf.keras 2.11 (keras_api.VERSIONED_FACTS): only when every argument is provably plain (a
        # literal default); a required one may be a layer or model, for which saving fails first.
        if any(not (p.has_default and p.default_is_literal) for p in init.own_params):
            return None
        return base_keys, True, "auto"
    if functional:
        return base_keys, True, "auto"  # built as a Functional model: its get_config writes name (measured)
    if kind == "model" and any(not p.has_default for p in init.own_params):
        # A Model's automatic config is made of its defaults: with a required argument there is none,
        # and model.save already raises NotImplementedError (measured S11a; KL202 reports it).
        return None
    # Keras 3 (Operation.get_config) keeps `name` only if __init__ takes `name` or `**kwargs`.
    keep_name = "name" in accepted(init) or any(p.kind == "var_keyword" and p.name == "kwargs" for p in init.params)
    return tuple(k for k in base_keys if k != "name" or keep_name), True, "auto"


def own_base_like_keys(classes: list) -> Optional[tuple]:
    """For a kind whose Keras base writes nothing to say (Constraint, Initializer, ...): the base
    keys the nearest get_config in the project writes itself, when it builds its dict alone (measured
    on Keras 3.15.1, tf_keras 2.21 and TF 2.10.1: a Constraint whose get_config writes `name` and whose
    `__init__(self, c=2)` does not take it fails every load, "unexpected keyword argument 'name'")."""
    config = next((cls.get_config for cls in classes if cls.get_config is not None), None)
    if config is None or config.calls_super:
        return None
    written = tuple(k for k in BASE_LIKE_KEYS if k in config.keys)
    return (written, False, "own") if written else None


def next_init_takes(project: ProjectIndex, info: ClassInfo, key: str) -> Optional[bool]:
    """Would the `__init__` that `super().__init__` reaches take `key`? None when unknown."""
    found = chain(project, info)
    if found is None:
        return None
    for cls in found[0][1:]:
        if cls.init is None:
            continue
        if key in accepted(cls.init):
            return True
        if not cls.init.forwards_kwargs:
            return False  # refused, or kept by that class's own **kwargs: it never reaches Keras
    return True  # Keras's own base class takes its own arguments


# -- the fix: accept `**kwargs` and hand them to `super().__init__` -------------------------------


def index_is_stale(init: InitInfo, definition: cst.FunctionDef) -> bool:
    """Does the project index describe another `__init__` than the text's? Between the passes of
    --fix it is the index of the text before the fix: what an earlier pass fixed must not be
    reported, nor fixed twice."""
    star = definition.params.star_kwarg
    if (star is not None) != init.accepts_kwargs:
        return True
    name = star.name.value if isinstance(star, cst.Param) else None
    forwards = any(passes_on(call, name) for call in super_calls(definition, "__init__"))
    return forwards != init.forwards_kwargs


def forward_kwargs_edits(rule: Rule, info: ClassInfo, definition: cst.FunctionDef) -> Optional[tuple]:
    """The edit handing an `__init__`'s unused `**kwargs` to its one `super().__init__(...)`, when
    every key a saved config can hold is taken by the own parameters or the Keras base's: forwarded,
    a key nothing takes would fail the load that used to swallow it."""
    star = definition.params.star_kwarg
    if not isinstance(star, cst.Param) or definition.decorators:
        return None
    if star.name.value in names_read(definition):
        return None  # used in the body: what the base would get depends on it
    call = super_init_call(definition)
    project = rule.context.project
    if call is None or not kwargs_can_join(project, info, definition, call, keras_positionals=False):
        return None
    found = chain(project, info)
    if found is None or "from_config" in info.methods:
        return None
    if any(cls.init is not None or cls.get_config is not None or "from_config" in cls.methods for cls in found[0][1:]):
        return None  # a project parent: what it takes and what it saves are its own
    config = info.get_config
    if config is None and path_matches(found[1], *PLAIN_BASES):
        return None  # Keras 3's automatic config also records keywords callers gave and nothing took
    if config is not None:
        takes = accepted(info.init) | set(BASE_INIT_KEYWORDS.get(project.keras_kind(info), ()))
        if not config.complete or not config.keys <= takes:
            return None
    edit = append_argument(rule, call, f"**{star.name.value}")
    return None if edit is None else (edit,)


class InitKwargsNotForwarded(Rule):
    """
    ## What it does
    Reports the `def __init__` of a Keras custom object (layer, model, loss, metric, optimizer)
    that does not accept `**kwargs` although the saved config holds `name`, `trainable`, `dtype`
    (or a loss's `reduction`, ...), or that accepts them (or an explicit `name=`) but never passes
    them on to `super().__init__`; also a class (a Constraint, an Initializer, ...) whose own
    get_config writes such a key that its `__init__` does not take. Silent when get_config builds its dict alone without those
    keys (the config then holds none of them), when a project class defines `from_config`, when
    the class inherits its `__init__`, and when a base outside the project could change either.
    Also silent for a Keras 3 `Model` subclass with a required argument and no get_config (there is
    no automatic config: saving fails first, KL202), for a key the `super().__init__` call sets
    itself (`reduction=Reduction.NONE`: swallowing the caller's is the point), and for a key a
    project parent would keep in its own `**kwargs` instead of handing it to Keras.

    ## Why is this bad?
    Loading calls `cls(**config)`. A config built on `super().get_config()`, a built-in base's
    config (`Dense`, `Loss`, `Metric`, `Optimizer`), or Keras 3's automatic config (no get_config)
    holds `name`, `trainable`, `dtype`, so loading fails:
    `TypeError: MyLayer.__init__() got an unexpected keyword argument 'name'` (Keras 3's automatic
    config drops `name` but keeps `trainable`, so there it names `'trainable'`).
    Accepted but not forwarded, `MyLayer(4, name="head", dtype="float64")` silently builds a layer
    named `my_layer` in float32, and the saved model records that.

    ## Example
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}
    ```

    ## Use instead
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}
    ```

    ## Fix safety
    Adding `**kwargs` to an `__init__` that has none, and passing them to its `super().__init__`,
    is safe: every call that worked before passes no keyword beyond the parameters, so `**kwargs`
    is empty and nothing changes; only calls that raised `TypeError` -- loading the saved model
    above all -- now reach the base (measured: the fixed fixtures round-trip with equal outputs).
    Keras 3's automatic config then also saves `name` (it keeps `name` for an `__init__` that
    takes `**kwargs`). Handing on `**kwargs` that were accepted and swallowed is unsafe: what
    callers gave now takes effect (a layer built with `dtype="float64"` computes in float64, one
    built with `name="head"` is named so), and a keyword the base does not know now raises.

    The fix is offered only for an `__init__` without decorators that calls
    `super().__init__(...)` (or `super(Cls, self).__init__`) exactly once, in its own body, with
    no `**` yet, and gives no keyword that is not one of its parameters (a key of the config
    would arrive twice: `got multiple values for keyword argument`). Positional arguments must
    be its own parameters, filling parameters of the base that are its own too (assumed for a
    built-in layer such as `Dense(units)`; never for Keras's plain `Layer`, `Loss`, `Metric`,
    whose positionals are `name`, `dtype`, ...). Swallowed `**kwargs` are handed on only when
    the body does not use them and every key the saved config holds is taken by `__init__` or
    the base: a key nothing takes would make a load that used to work fail.
    """

    code = "KL204"
    name = "init-kwargs-not-forwarded"
    summary = "`__init__` does not accept `**kwargs` or does not pass them to `super().__init__`: load fails or `name=` is dropped"
    severity = "error"
    help = "accept `**kwargs` in `__init__` and pass them on: `super().__init__(**kwargs)`"
    looks_at_custom_objects = True
    fix = "safe"  # adding **kwargs; handing on **kwargs that were swallowed is unsafe
    versioned_facts = ("auto_config_passes_base_keys",)

    VALID = [
        # a Model with a required argument and no get_config: Keras 3 has no automatic config to load
        # from, model.save raises (KL202 reports it); a triage false positive
        """
            import keras
            class Stack(keras.Model):
                def __init__(self, width):
                    super().__init__()
                    self.dense = keras.layers.Dense(width)
        """,
        # a parent that keeps its **kwargs for itself, and a key the class sets on purpose: loading passes
        # `reduction` back and it must be swallowed (forwarding it raises "multiple values"); triage
        """
            import keras
            class FnLoss(keras.losses.Loss):
                def __init__(self, fn, reduction='sum_over_batch_size', name=None, **kwargs):
                    super().__init__(reduction=reduction, name=name)
                    self.fn = fn
                    self.fn_kwargs = kwargs
                def call(self, y_true, y_pred):
                    return self.fn(y_true, y_pred, **self.fn_kwargs)
            class ScaledMSE(FnLoss):
                def __init__(self, scale=1.0, name=None, **kwargs):
                    super().__init__(keras.losses.mean_squared_error, reduction='sum', name=name)
        """,
        # the fix
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                def get_config(self):
                    return {**super().get_config(), 'units': self.units}
        """,
        # S7c: no **kwargs, but get_config builds its dict alone: the config holds no name
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
                def get_config(self):
                    return {'units': self.units}
        """,
        # *args and **kwargs, both forwarded
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
        """,
        # explicit name/trainable/dtype, forwarded
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units, name=None, trainable=True, dtype=None):
                    super().__init__(name=name, trainable=trainable, dtype=dtype)
                    self.units = units
                def get_config(self):
                    return {**super().get_config(), 'units': self.units}
        """,
        # no __init__ of its own: it inherits one
        """
            import keras
            class A(keras.layers.Dense):
                def get_config(self):
                    return super().get_config()
        """,
        # tf_keras's automatic config keeps only the __init__ arguments
        """
            import tf_keras
            class A(tf_keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
        """,
        # a project ancestor's get_config builds its dict alone
        """
            import keras
            class Base(keras.layers.Layer):
                def __init__(self, units=1, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                def get_config(self):
                    return {'units': self.units}
            class A(Base):
                def __init__(self, units=2):
                    super().__init__(units)
        """,
        # from_config decides what reaches __init__
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
                def get_config(self):
                    return {**super().get_config(), 'units': self.units}
                @classmethod
                def from_config(cls, config):
                    return cls(config['units'])
        """,
        # a base outside the project could do anything
        """
            import keras
            from mylib import Mixin
            class A(Mixin, keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
        """,
        # an initializer's config holds no name
        """
            import keras
            class Init(keras.initializers.Initializer):
                def __init__(self, value):
                    self.value = value
                def get_config(self):
                    return {**super().get_config(), 'value': self.value}
        """,
        # kwargs used some other way: it may hand name on
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**{k: v for k, v in kwargs.items() if k != 'units'})
                    self.units = units
        """,
        # get_config of its own, incomplete: unknown keys
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
                def get_config(self):
                    return dict(self.saved)
        """,
        # no get_config and an object as a default: Keras 3 refuses to save it at all (KL202's finding)
        """
            import keras
            class Net(keras.Model):
                def __init__(self, block=keras.layers.Dense(2)):
                    super().__init__()
                    self.block = block
                def call(self, x):
                    return x
        """,
        # only trainable swallowed, and the layer has no weights: trainable changes nothing
        """
            import keras
            class Cross(keras.layers.Layer):
                def __init__(self, bins, name=None, dtype=None, **kwargs):
                    super().__init__(name=name, dtype=dtype)
                    self.bins = bins
                def get_config(self):
                    return {**super().get_config(), 'bins': self.bins}
        """,
        # the parent's __init__ takes no name: forwarding it would fail at construction
        """
            import keras
            class Base(keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
                def get_config(self):
                    return {'units': self.units}
            class A(Base):
                def __init__(self, units, **kwargs):
                    super().__init__(units)
                def get_config(self):
                    return {'units': self.units}
        """,
    ]
    INVALID = [
        # recall triage: a Keras 2 Loss whose __init__ takes nothing (measured on TF 2.10.1 and tf_keras 2.21)
        Invalid(
            """
                import tf_keras
                class MyLoss(tf_keras.losses.Loss):
                    def __init__(self):
                        super().__init__()
                    def call(self, y_true, y_pred):
                        return (y_true - y_pred) ** 2
            """,
            3, 5, "unexpected keyword argument 'reduction'",
            fixed="""
                import tf_keras
                class MyLoss(tf_keras.losses.Loss):
                    def __init__(self, **kwargs):
                        super().__init__(**kwargs)
                    def call(self, y_true, y_pred):
                        return (y_true - y_pred) ** 2
            """,
        ),
        # recall triage (rnnoise): a Constraint's own get_config writes `name`; no fix (Constraint takes no keywords)
        Invalid(
            """
                import keras
                class WeightClip(keras.constraints.Constraint):
                    def __init__(self, c=2):
                        self.c = c
                    def __call__(self, w):
                        return keras.ops.clip(w, -self.c, self.c)
                    def get_config(self):
                        return {'name': self.__class__.__name__, 'c': self.c}
            """,
            3, 5, "unexpected keyword argument 'name'",
        ),
        # S7a: get_config builds on super().get_config(), __init__ takes no **kwargs
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units):
                        super().__init__()
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "unexpected keyword argument 'name'",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        # Keras 3 automatic config (no get_config): `trainable` is what __init__ gets first
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units=2):
                        super().__init__()
                        self.units = units
            """,
            3, 5, "unexpected keyword argument 'trainable'",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units=2, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
            """,
        ),
        # no arguments at all and no get_config (Keras 3): trainable and dtype come back
        Invalid(
            """
                import keras
                class Counter(keras.layers.Layer):
                    def __init__(self):
                        super().__init__()
                        self.count = self.add_weight(shape=(), trainable=False)
            """,
            3, 5, "'trainable'",
            fixed="""
                import keras
                class Counter(keras.layers.Layer):
                    def __init__(self, **kwargs):
                        super().__init__(**kwargs)
                        self.count = self.add_weight(shape=(), trainable=False)
            """,
        ),
        # explicit name only: trainable still comes back
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, name=None):
                        super().__init__(name=name)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "'trainable'",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, name=None, **kwargs):
                        super().__init__(name=name, **kwargs)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        # a Dense subclass: Dense's get_config holds name
        Invalid(
            """
                from tensorflow import keras
                class A(keras.layers.Dense):
                    def __init__(self, units):
                        super().__init__(units)
            """,
            3, 5, "'name'",
            fixed="""
                from tensorflow import keras
                class A(keras.layers.Dense):
                    def __init__(self, units, **kwargs):
                        super().__init__(units, **kwargs)
            """,
        ),
        # the ancestor's get_config builds on super: the child's config holds name
        Invalid(
            """
                import keras
                class Base(keras.layers.Layer):
                    def __init__(self, units=1, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
                class A(Base):
                    def __init__(self, units=2):
                        super().__init__(units)
            """,
            9, 5, "'name'",
            fixed="""
                import keras
                class Base(keras.layers.Layer):
                    def __init__(self, units=1, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
                class A(Base):
                    def __init__(self, units=2, **kwargs):
                        super().__init__(units, **kwargs)
            """,
        ),
        # a loss: Loss.get_config holds name and reduction
        Invalid(
            """
                import keras
                class Focal(keras.losses.Loss):
                    def __init__(self, gamma=2.0):
                        super().__init__()
                        self.gamma = gamma
                    def call(self, y, p):
                        return p
                    def get_config(self):
                        return {**super().get_config(), 'gamma': self.gamma}
            """,
            3, 5, "'name'",
            fixed="""
                import keras
                class Focal(keras.losses.Loss):
                    def __init__(self, gamma=2.0, **kwargs):
                        super().__init__(**kwargs)
                        self.gamma = gamma
                    def call(self, y, p):
                        return p
                    def get_config(self):
                        return {**super().get_config(), 'gamma': self.gamma}
            """,
        ),
        # S7b: **kwargs accepted but not passed on
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__()
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "silently dropped",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        # reading an unrelated key does not hand name on
        Invalid(
            """
                import keras
                class A(keras.Model):
                    def __init__(self, units, **kwargs):
                        self.debug = kwargs.pop('debug', False)
                        super().__init__()
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "`name=`, `trainable=` and `dtype=`",
        ),
        # only trainable swallowed, and the layer has a trainable weight
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, name=None, dtype=None, **kwargs):
                        super().__init__(name=name, dtype=dtype)
                        self.units = units
                        self.w = self.add_weight(shape=(units,))
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "`trainable=` given at construction is silently dropped",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, name=None, dtype=None, **kwargs):
                        super().__init__(name=name, dtype=dtype, **kwargs)
                        self.units = units
                        self.w = self.add_weight(shape=(units,))
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        # an explicit name= never used
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, name=None, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "`name=`",
        ),
        # decorated __init__: reported at the def line
        Invalid(
            """
                import keras
                import functools
                class A(keras.layers.Layer):
                    @functools.wraps(object.__init__)
                    def __init__(self, units):
                        super().__init__()
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            5, 5, "'name'",
        ),
        # Keras 3, a Model built functionally: its config holds name
        Invalid(
            """
                import keras
                class Net(keras.Model):
                    def __init__(self, units=3):
                        inputs = keras.Input((4,))
                        super().__init__(inputs, keras.layers.Dense(units)(inputs))
                        self.units = units
            """,
            3, 5, "'name'\" (Keras 3",
        ),
        # tf_keras: super().get_config() holds name as well
        Invalid(
            """
                import tf_keras
                class A(tf_keras.layers.Layer):
                    def __init__(self, units):
                        super().__init__()
                        self.units = units
                    def get_config(self):
                        config = super().get_config()
                        config.update(units=self.units)
                        return config
            """,
            3, 5, "unexpected keyword argument 'name'",
            fixed="""
                import tf_keras
                class A(tf_keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        config = super().get_config()
                        config.update(units=self.units)
                        return config
            """,
        ),
        # the fix keeps the layout: trailing commas, a keyword-only marker, comments
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(
                        self,
                        *,
                        units,  # how many
                        name=None,
                    ):
                        super().__init__(
                            name=name,
                        )
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "'trainable'",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(
                        self,
                        *,
                        units,  # how many
                        name=None,
                        **kwargs,
                    ):
                        super().__init__(
                            name=name,
                            **kwargs,
                        )
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        # **kwargs under another name, swallowed: handed on (unsafe: what callers gave now takes effect)
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kw):
                        super(A, self).__init__()
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "`super().__init__(**kw)`",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kw):
                        super(A, self).__init__(**kw)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        # no fix: the call gives `trainable` itself, so the config's would arrive twice
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units):
                        super().__init__(trainable=False)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "'name'",
        ),
        # no fix: two calls of the base's __init__
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units):
                        if units:
                            super().__init__()
                        else:
                            super().__init__(name='empty')
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
            3, 5, "'name'",
        ),
        # no fix: the config holds `size`, which nothing takes -- handed on, it would fail the load
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__()
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units, 'size': 2 * self.units}
            """,
            3, 5, "silently dropped",
        ),
    ]

    @classmethod
    def might_report(cls, info: ClassInfo, project: ProjectIndex) -> bool:
        init = info.init
        if init is None:
            return False
        if not init.accepts_kwargs:
            return True  # not_accepted may speak
        base_keys = BASE_INIT_KEYWORDS.get(project.keras_kind(info))
        if base_keys is None or not init.calls_super:
            return False  # not_forwarded says nothing
        # `unused` needs a base keyword taken as a parameter and never read: one handed to the base
        # (`forwarded`) or stored (`self.name = name`) is read.
        read = set(init.forwarded) | set(init.stored.values()) | set(init.normalised.values())
        own = accepted(init)
        return not init.forwards_kwargs or any(k in own and k not in read for k in (*base_keys, "reduction"))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        found = self.once(node, "init", lambda: self._init_of(node))
        if found is None:
            return
        info, definition = found
        project = self.context.project
        kind = project.keras_kind(info)
        major = self.context.keras_major
        message = self.not_accepted(project, info, kind, major, definition)
        fix = None
        if message and BASE_CONFIG_KEYS.get((major, kind)) is None:
            pass  # a Constraint-like base takes no keywords: `**kwargs` handed on would raise there instead
        elif message:
            edits = accept_kwargs_edits(self, info, definition, keras_positionals=True)
            if edits:
                fix = Fix("safe", edits, "accept `**kwargs` and pass them to `super().__init__`")
        else:
            # (no versioned fact in it: the same at every point of the range)
            message, fix = self.once(node, "not_forwarded", lambda: self._not_forwarded_finding(project, info, kind, definition, node))
        if message:
            self.report(definition, message, fix)

    def _init_of(self, node: cst.ClassDef) -> Optional[tuple]:
        """(the class's index summary, its `__init__`) when the rule judges it, else None."""
        info = self.custom_object(node)
        if info is None or info.init is None:
            return None
        definition = method(node, "__init__")
        if definition is None or index_is_stale(info.init, definition):
            return None
        return info, definition

    def _not_forwarded_finding(self, project: ProjectIndex, info: ClassInfo, kind: str, definition: cst.FunctionDef,
                               node: cst.ClassDef) -> tuple:
        message, only_swallowed = self.not_forwarded(project, info, kind, definition, node)
        edits = forward_kwargs_edits(self, info, definition) if only_swallowed else None
        return message, Fix("unsafe", edits, "pass `**kwargs` to `super().__init__`") if edits else None

    def not_accepted(
        self, project: ProjectIndex, info: ClassInfo, kind: str, major: int, definition: cst.FunctionDef
    ) -> Optional[str]:
        init = info.init
        if init.accepts_kwargs:
            return None
        found = config_keys(project, info, major, kind, kind == "model" and builds_functional(definition),
                            self.context.keras.holds("auto_config_passes_base_keys"))
        if not found:
            return None
        keys, version_dependent, source = found
        refused = [k for k in keys if k not in accepted(init)]
        if not refused:
            return None
        error = f"TypeError: {info.name}.__init__() got an unexpected keyword argument '{refused[0]}'"
        if BASE_CONFIG_KEYS.get((major, kind)) is None:  # its own get_config writes a key the base never does
            return (
                f"`__init__` does not accept {listed(refused)}, but the get_config of this {kind} writes "
                f"{'it' if len(refused) == 1 else 'them'} and loading passes the config back into `__init__`: "
                f"\"{error}\"; accept {'it' if len(refused) == 1 else 'them'} in `__init__` (or `**kwargs`), or "
                "leave it out of get_config"
            )
        version = f"Keras {major}" if major == 3 else self.context.keras.where("auto_config_passes_base_keys") \
            if source == "auto" else f"Keras {major}"
        return (
            f"`__init__` does not accept `**kwargs`, but "
            f"{'the automatic config (there is no get_config)' if source == 'auto' else 'the saved config'} "
            f"holds {listed(keys)} and loading "
            f"passes {'it' if len(keys) == 1 else 'them'} back into it: \"{error}\""
            f"{f' ({version}' if version_dependent else ''}"
            f"{'; given a layer or an array argument, saving already fails' if source == 'auto' else ''}"
            f"{')' if version_dependent else ''}; accept `**kwargs` and pass them to `super().__init__`"
        )

    def not_forwarded(
        self, project: ProjectIndex, info: ClassInfo, kind: str, definition: cst.FunctionDef, node: cst.ClassDef
    ) -> tuple:
        """(the message or None, whether all it says is that `**kwargs` are swallowed)."""
        init = info.init
        base_keys = BASE_INIT_KEYWORDS.get(kind)
        if kind == "loss" and self.context.keras_major == 2:
            base_keys = ("name", "reduction")  # tf_keras's Loss takes no dtype
        if base_keys is None or not init.calls_super:
            return None, False
        used = names_read(definition)
        own = accepted(init)
        unused = [k for k in base_keys if k in own and k not in used]
        kwargs = next((p.name for p in init.params if p.kind == "var_keyword"), None)
        swallowed = []
        if kwargs is not None and not init.forwards_kwargs and not uses_of_kwargs(definition, kwargs, base_keys):
            swallowed = [k for k in base_keys if k not in own]
        call = super_init_call(definition)
        fixed = {a.keyword.value for a in call.args if a.keyword is not None} if call is not None else set()
        unused = [k for k in unused if next_init_takes(project, info, k)]
        # a key the class sets itself (`reduction=Reduction.NONE`) is swallowed on purpose
        swallowed = [k for k in swallowed if k not in fixed and next_init_takes(project, info, k)]
        if "trainable" in unused + swallowed and not holds_trainable_weights(self, node, info):
            # no weights (that we can see): `trainable` changes nothing
            unused = [k for k in unused if k != "trainable"]
            swallowed = [k for k in swallowed if k != "trainable"]
        if swallowed:
            taken = f"`**{kwargs}`"
            if kind == "optimizer":
                what = "`name=` and the base optimizer arguments (`clipnorm=`, `weight_decay=`, ...) given at construction are"
            else:
                dropped = [k for k in base_keys if k in unused or k in swallowed]
                what = f"{listed(dropped, '=')} given at construction {'is' if len(dropped) == 1 else 'are'}"
            fix = f"`super().__init__(**{kwargs})`"
        elif unused:
            taken = listed(unused)
            what = f"{listed(unused, '=')} given at construction {'is' if len(unused) == 1 else 'are'}"
            fix = "`super().__init__(" + ", ".join(f"{k}={k}" for k in unused) + ")`"
        else:
            return None, False
        return (
            f"`__init__` accepts {taken} but never passes {'it' if taken.count('`') == 2 else 'them'} to "
            f"`super().__init__`: {what} silently dropped (and saved as the defaults); pass "
            f"{'it' if taken.count('`') == 2 else 'them'} on with {fix}"
        ), bool(swallowed) and not unused
