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
from ..fixers.edits import accept_kwargs_edits, prepend_to_dict
from ..index.model import ClassInfo
from ..index.project_index import ProjectIndex
from ..keras_api import OWN_FROM_CONFIG_BASES, PLAIN_BASES
from ..names import path_matches
from .base import Invalid, Rule

# What the Keras base's get_config saves and a get_config built without it loses, by (Keras major,
# kind). Measured (Keras 3.15.1, tf_keras 2.21): a reloaded layer or model is back to its default
# name, trainable=True and float32; a loss to its default name and reduction; a metric to its
# default name and dtype. tf_keras's Model.get_config returns {} to an overriding subclass (nothing
# to lose); Initializer and Constraint save {}; Regularizer and LearningRateSchedule raise.
LOST_KEYS = {
    (3, "layer"): ("name", "trainable", "dtype"),
    (3, "model"): ("name", "trainable", "dtype"),
    (3, "loss"): ("name", "reduction"),
    (3, "metric"): ("name", "dtype"),
    (2, "layer"): ("name", "trainable", "dtype"),
}
# What each lost key looks like after a reload, by kind.
CONSEQUENCE = {
    "name": "a named {what} loads under its default name",
    "trainable": "a frozen (`trainable=False`) {what} loads trainable again",
    "dtype": "a float64 {what} loads as float32",
    "reduction": "`reduction=\"sum\"` loads as `\"sum_over_batch_size\"`",
}


# Keras bases whose get_config holds only what their __init__ takes back (the LOST_KEYS, and for
# a layer `activity_regularizer`, `autocast`): a config built on theirs can be loaded by any
# `__init__` that hands `**kwargs` on. A built-in layer's (`Dense`) holds all its arguments.
PLAIN_CONFIG_BASES = {
    "layer": PLAIN_BASES,
    "model": PLAIN_BASES,
    "loss": ("Loss", "losses.Loss"),
    "metric": ("Metric", "metrics.Metric"),
}


class GetConfigWithoutSuper(Rule):
    """
    ## What it does
    Reports the `def get_config` of a Keras layer, model, loss or metric that builds its dict
    without `super().get_config()` (in any spelling: `super(Cls, self).get_config()`,
    `Base.get_config(self)`) and does not write the keys the base's config would have held
    (`name`, `trainable`, `dtype`; a loss's `name`, `reduction`; a metric's `name`, `dtype`).
    Lists only what could have been set: `name`, `dtype`, `reduction` when `__init__` takes them
    (or `**kwargs`), `trainable` when the class has trainable weights. Silent when get_config
    writes some of those keys itself (it handles them on purpose), when the returned dict's keys
    cannot all be read, and for initializers, constraints, regularizers and learning-rate
    schedules, whose bases save nothing of the kind.

    ## Why is this bad?
    Loading rebuilds the object with `cls(**config)`: whatever the config does not hold comes back
    as the default, silently. A layer saved with `name="encoder", trainable=False, dtype="float64"`
    loads as `name="my_layer"`, trainable, float32 -- fine-tuning after a reload then trains the
    layers that were frozen. A loss saved with `reduction="sum"` loads with
    `"sum_over_batch_size"`. No error or warning is raised.

    ## Example
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def get_config(self):
            return {"factor": self.factor}
    ```

    ## Use instead
    ```python
        def get_config(self):
            config = super().get_config()
            config.update({"factor": self.factor})
            return config
    ```
    `__init__` must then accept `**kwargs` and pass them to `super().__init__` (KL204).

    ## Fix safety
    The fix is unsafe: it puts `**super().get_config()` first in the dict literal get_config
    returns (`return {...}`, or `config = {...}` ... `return config`), and where `__init__` takes
    no `**kwargs`, it adds them and passes them to `super().__init__` in the same fix -- a config
    that gains `name`, `trainable` and `dtype` must stay loadable (a fix must never turn a silent
    problem into a load failure). The reloaded object is then what was saved: named, frozen or
    float64 as it was, which changes what a reloaded model computes and trains; and every caller
    of `get_config` (cloning code too) gets those keys.

    Offered only on Keras's plain `Layer`, `Model` (not built functionally), `Loss` or `Metric`
    -- a built-in layer's config holds all its arguments, which a subclass's `__init__` may set
    itself -- with no project class in between that takes or saves anything, no `from_config`,
    and a `super().__init__` that gives none of the config's keys itself (they would arrive
    twice). Any other shape of get_config gets no fix.
    """

    code = "KL205"
    name = "get-config-without-super"
    summary = "`get_config` does not build on `super().get_config()`: name, trainable and dtype are lost on reload"
    severity = "warning"
    help = "start from `config = super().get_config()`, update it with your arguments and return it"
    looks_at_custom_objects = True
    fix = "unsafe"

    VALID = [
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                def get_config(self):
                    config = super().get_config()
                    config.update({'units': self.units})
                    return config
        """,
        """
            import keras
            class A(keras.layers.Layer):
                def get_config(self):
                    return {**super(A, self).get_config(), 'units': 1}
        """,
        """
            import keras
            class A(keras.layers.Dense):
                def get_config(self):
                    return dict(keras.layers.Dense.get_config(self), scale=1)
        """,
        # writes the base keys itself
        """
            import keras
            class A(keras.layers.Layer):
                def get_config(self):
                    return {'name': self.name, 'trainable': self.trainable, 'dtype': self.dtype_policy.name, 'units': 1}
        """,
        # keys we cannot read
        """
            import keras
            class A(keras.layers.Layer):
                def get_config(self):
                    return dict(self._config)
        """,
        # an initializer's and a constraint's base config is {}
        """
            import keras
            class Init(keras.initializers.Initializer):
                def __init__(self, value):
                    self.value = value
                def __call__(self, shape, dtype=None):
                    return keras.ops.ones(shape)
                def get_config(self):
                    return {'value': self.value}
        """,
        """
            import keras
            class C(keras.constraints.Constraint):
                def get_config(self):
                    return {'r': 1}
        """,
        # regularizers and schedules have no base config to build on (it raises)
        """
            import keras
            class R(keras.regularizers.Regularizer):
                def get_config(self):
                    return {'l': 0.1}
        """,
        """
            import keras
            class S(keras.optimizers.schedules.LearningRateSchedule):
                def get_config(self):
                    return {'lr': 0.1}
        """,
        # tf_keras: a subclassed Model's super().get_config() is {}
        """
            import tf_keras
            class M(tf_keras.Model):
                def get_config(self):
                    return {'units': 1}
        """,
        # writes name itself: it handles the base keys on purpose (a functional model's own config)
        """
            import keras
            class Task(keras.Model):
                def __init__(self, backbone, **kwargs):
                    super().__init__(backbone.inputs, backbone.outputs, **kwargs)
                    self.backbone = backbone
                def get_config(self):
                    return {'backbone': keras.layers.serialize(self.backbone), 'name': self.name}
        """,
        # writes name and dtype itself, leaves out trainable on purpose (a weightless layer)
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, bins, name=None, dtype=None, **kwargs):
                    super().__init__(name=name, dtype=dtype)
                    self.bins = bins
                def get_config(self):
                    return {'bins': self.bins, 'name': self.name, 'dtype': self.dtype}
        """,
        # S7c without weights: only trainable would be lost, and it changes nothing
        """
            import keras
            class A(keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
                def get_config(self):
                    return {'units': self.units}
        """,
        # not provably Keras
        """
            from mylib import Layer
            class A(Layer):
                def get_config(self):
                    return {'units': 1}
        """,
        # no get_config of its own (an ancestor's is reported there)
        """
            import keras
            class A(keras.layers.Layer):
                def call(self, x):
                    return x
        """,
    ]
    INVALID = [
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def build(self, shape):
                        self.w = self.add_weight(shape=(shape[-1], self.units))
                    def get_config(self):
                        return {'units': self.units}
            """,
            8, 5, "`name`, `trainable` and `dtype`",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def build(self, shape):
                        self.w = self.add_weight(shape=(shape[-1], self.units))
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        Invalid(
            """
                from tensorflow.keras import layers
                class A(layers.Layer):
                    def get_config(self):
                        config = {}
                        config['units'] = 3
                        return config
            """,
            3, 5, "`name` and `dtype` are not saved",  # no weights: trainable changes nothing
            fixed="""
                from tensorflow.keras import layers
                class A(layers.Layer):
                    def get_config(self):
                        config = {**super().get_config()}
                        config['units'] = 3
                        return config
            """,
        ),
        # S7c: no **kwargs either (so only trainable can be lost); the fix must add them too
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units):
                        super().__init__()
                        self.units = units
                        self.dense = keras.layers.Dense(units)
                    def get_config(self):
                        return {'units': self.units}
            """,
            7, 5, "`trainable` is not saved",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                        self.dense = keras.layers.Dense(units)
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        Invalid(
            """
                import keras
                class Net(keras.Model):
                    def __init__(self, units=2, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        return {'units': self.units}
            """,
            6, 5, "Keras 3 does not save",
            fixed="""
                import keras
                class Net(keras.Model):
                    def __init__(self, units=2, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        return {**super().get_config(), 'units': self.units}
            """,
        ),
        Invalid(
            """
                import keras
                class Focal(keras.losses.Loss):
                    def __init__(self, gamma=2.0, **kwargs):
                        super().__init__(**kwargs)
                        self.gamma = gamma
                    def get_config(self):
                        return {'gamma': self.gamma}
            """,
            6, 5, "`name` and `reduction`",
            fixed="""
                import keras
                class Focal(keras.losses.Loss):
                    def __init__(self, gamma=2.0, **kwargs):
                        super().__init__(**kwargs)
                        self.gamma = gamma
                    def get_config(self):
                        return {**super().get_config(), 'gamma': self.gamma}
            """,
        ),
        Invalid(
            """
                import keras
                class Hits(keras.metrics.Metric):
                    def __init__(self, k=1, **kwargs):
                        super().__init__(**kwargs)
                        self.k = k
                    def get_config(self):
                        return {'k': self.k}
            """,
            6, 5, "`name` and `dtype`",
            fixed="""
                import keras
                class Hits(keras.metrics.Metric):
                    def __init__(self, k=1, **kwargs):
                        super().__init__(**kwargs)
                        self.k = k
                    def get_config(self):
                        return {**super().get_config(), 'k': self.k}
            """,
        ),
        # decorated: reported at the def line
        Invalid(
            """
                import tf_keras
                class A(tf_keras.layers.Layer):
                    @property
                    def x(self):
                        return 1
                    def get_config(self):
                        return dict(units=1)
            """,
            6, 5, "`name`",
        ),
        # a dict spread over lines gets `**super().get_config(),` on a line of its own
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        config = {
                            'units': self.units,  # the width
                        }
                        return config
            """,
            6, 5, "`name` and `dtype`",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        config = {
                            **super().get_config(),
                            'units': self.units,  # the width
                        }
                        return config
            """,
        ),
        # no fix: a built-in layer's config holds all its arguments (`units`, `activation`, ...)
        Invalid(
            """
                import keras
                class A(keras.layers.Dense):
                    def __init__(self, units, scale=1.0, **kwargs):
                        super().__init__(units, **kwargs)
                        self.scale = scale
                    def get_config(self):
                        return {'units': self.units, 'scale': self.scale}
            """,
            6, 5, "`name`, `trainable` and `dtype`",
        ),
        # no fix: `dtype` saved would reach a `super().__init__` that gives dtype itself
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(dtype='float32', **kwargs)
                        self.units = units
                    def get_config(self):
                        return {'units': self.units}
            """,
            6, 5, "`name` and `dtype`",
        ),
        # no fix: the returned dict is not one literal
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                    def get_config(self):
                        config = {'units': self.units}
                        config = dict(config)
                        return config
            """,
            6, 5, "`name` and `dtype`",
        ),
    ]

    @classmethod
    def might_report(cls, info: ClassInfo, project: ProjectIndex) -> bool:
        config = info.get_config
        return config is not None and not config.calls_super and config.complete

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node)
        if info is None or info.get_config is None:
            return
        config = info.get_config
        if config.calls_super or not config.complete:
            return
        project = self.context.project
        kind = project.keras_kind(info)
        major = self.context.keras_major
        keys = LOST_KEYS.get((major, kind))
        if keys is None or any(path_matches(base, *OWN_FROM_CONFIG_BASES) for base in project.keras_bases(info)):
            return
        if any(k in config.keys for k in keys):
            return  # it writes some of them itself: what it leaves out, it leaves out on purpose
        lost = [k for k in keys if self.could_be_set(project, info, k)]
        if "trainable" in lost and not holds_trainable_weights(self, node, info):
            lost.remove("trainable")  # no weights (that we can see): `trainable` changes nothing
        definition = method(node, "get_config")
        if not lost or definition is None or super_calls(definition, "get_config"):
            return  # (a call the index does not know of: it describes the text before an earlier --fix pass)
        fix = self.fix_for(node, info, kind, definition)
        self.report(definition, self.message(project, info, kind, major, lost), fix)

    def fix_for(self, node: cst.ClassDef, info: ClassInfo, kind: str, definition: cst.FunctionDef) -> Optional[Fix]:
        """`**super().get_config()` first in the returned dict literal; and `**kwargs` in an `__init__`
        that has none, so that the keys the config now holds can come back. Only on a plain Keras
        base (whose config holds nothing its `__init__` refuses) reached without project classes
        that take or save anything on the way."""
        literal = returned_dict(definition)
        project = self.context.project
        found = chain(project, info)
        if literal is None or found is None or "from_config" in info.methods:
            return None
        classes, keras_base = found
        if not path_matches(keras_base, *PLAIN_CONFIG_BASES.get(kind, ())):
            return None
        for cls in classes[1:]:
            if cls.init is not None or cls.get_config is not None or "from_config" in cls.methods:
                return None
        edits = (prepend_to_dict(self, literal, "**super().get_config()"),)
        init = method(node, "__init__")
        if init is not None:
            if init.decorators or (kind == "model" and builds_functional(init)):
                return None
            star = init.params.star_kwarg
            if star is None:
                more = accept_kwargs_edits(self, info, init, keras_positionals=False)
                if more is None:
                    return None
                edits += more
            else:
                # Handed on, the config's keys must not meet a keyword the call gives itself; swallowed
                # (never read), they are harmless; used some other way, nobody knows where they go.
                call, name = super_init_call(init), star.name.value if isinstance(star, cst.Param) else None
                if call is not None and passes_on(call, name):
                    if not kwargs_can_join(project, info, init, call, keras_positionals=False, forwarded=name):
                        return None
                elif name in names_read(init):
                    return None
        if None in edits:
            return None
        return Fix("unsafe", edits, "build the config on `super().get_config()`")

    @staticmethod
    def could_be_set(project: ProjectIndex, info: ClassInfo, key: str) -> bool:
        """Could the object have held something other than the default for `key`? `trainable` can
        always be set (`layer.trainable = False`); the others only come through `__init__`, so
        never through one that takes neither them nor `**kwargs`."""
        if key == "trainable":
            return True
        owner = project.nearest(info, "__init__")
        init = owner.init if owner is not None else None
        return init is None or init.accepts_kwargs or key in accepted(init)

    @staticmethod
    def message(project: ProjectIndex, info: ClassInfo, kind: str, major: int, lost: list) -> str:
        owner = project.nearest(info, "__init__")
        init = owner.init if owner is not None else None
        refuses = init is not None and not init.accepts_kwargs and any(k not in accepted(init) for k in lost)
        one = len(lost) == 1
        saved = f"Keras 3 does not save {listed(lost)}, which" if kind != "layer" else f"{listed(lost)} {'is' if one else 'are'} not saved and"
        return (
            f"`get_config` does not build on `super().get_config()`: {saved} silently come{'s' if one else ''} "
            f"back as the default{'' if one else 's'} on reload ({'; '.join(CONSEQUENCE[k].format(what=kind) for k in lost)}); start from "
            "`config = super().get_config()`" + (" and accept `**kwargs` in `__init__`" if refuses else "")
        )


def returned_dict(definition: cst.FunctionDef) -> Optional[cst.Dict]:
    """The dict literal a get_config returns, when it has the plain shape `return {...}` or
    `config = {...}; ...; return config` (the name bound once, both statements in the method body
    itself); else None."""
    if definition.decorators or not isinstance(definition.body, cst.IndentedBlock):
        return None
    statements = [
        small for line in definition.body.body if isinstance(line, cst.SimpleStatementLine) for small in line.body
    ]
    top_level = {id(small) for small in statements}
    returns = []

    class Collect(cst.CSTVisitor):
        def visit_Return(self, node: cst.Return) -> None:
            returns.append(node)

        def visit_FunctionDef(self, node) -> bool:
            return False  # a nested function's returns are its own

        def visit_Lambda(self, node) -> bool:
            return False

        def visit_ClassDef(self, node) -> bool:
            return False

    definition.body.visit(Collect())
    if len(returns) != 1 or id(returns[0]) not in top_level:
        return None
    value = returns[0].value
    if isinstance(value, cst.Dict):
        return value
    if not isinstance(value, cst.Name) or bindings(definition, value.value) != 1:
        return None
    for small in statements:
        if small is returns[0]:
            return None  # returned before it is bound
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value == value.value
        ):
            return small.value if isinstance(small.value, cst.Dict) else None
    return None


def bindings(definition: cst.FunctionDef, name: str) -> int:
    """How many times the function binds `name` (assignments, loops, with/except/import names, :=, del)."""
    count = 0

    def names_in(target) -> list:
        if isinstance(target, cst.Name):
            return [target.value]
        if isinstance(target, (cst.Tuple, cst.List)):
            return [n for element in target.elements for n in names_in(element.value)]
        if isinstance(target, cst.StarredElement):
            return names_in(target.value)
        return []

    class Collect(cst.CSTVisitor):
        def note(self, target) -> None:
            nonlocal count
            count += names_in(target).count(name)

        def visit_AssignTarget(self, node) -> None:
            self.note(node.target)

        def visit_AnnAssign(self, node) -> None:
            self.note(node.target)

        def visit_AugAssign(self, node) -> None:
            self.note(node.target)

        def visit_For(self, node) -> None:
            self.note(node.target)

        def visit_CompFor(self, node) -> None:
            self.note(node.target)

        def visit_AsName(self, node) -> None:
            self.note(node.name)

        def visit_NamedExpr(self, node) -> None:
            self.note(node.target)

        def visit_Del(self, node) -> None:
            self.note(node.target)

        def visit_Global(self, node) -> None:
            for item in node.names:
                self.note(item.name)  # not a plain local: count it as another binding

        def visit_Nonlocal(self, node) -> None:
            for item in node.names:
                self.note(item.name)

    definition.body.visit(Collect())
    return count
