from __future__ import annotations

import libcst as cst

from ..names import path_matches
from ..project import ClassInfo, ProjectIndex
from .base import Invalid, Rule
from .kl204_init_kwargs_not_forwarded import OWN_FROM_CONFIG_BASES, accepted, holds_trainable_weights, listed, method

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


def init_of(project: ProjectIndex, info: ClassInfo):
    """The `__init__` the class is built with: its own, or the nearest project ancestor's (None: Keras's)."""
    for cls in [info, *project.ancestors(info)]:
        if cls.init is not None:
            return cls.init
    return None


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
    No automatic fix yet.
    """

    code = "KL205"
    name = "get-config-without-super"
    summary = "`get_config` does not build on `super().get_config()`: name, trainable and dtype are lost on reload"
    looks_at_custom_objects = True

    VALID = [
        "import keras\nclass A(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n"
        "    def get_config(self):\n        config = super().get_config()\n"
        "        config.update({'units': self.units})\n        return config\n",
        "import keras\nclass A(keras.layers.Layer):\n    def get_config(self):\n"
        "        return {**super(A, self).get_config(), 'units': 1}\n",
        "import keras\nclass A(keras.layers.Dense):\n    def get_config(self):\n"
        "        return dict(keras.layers.Dense.get_config(self), scale=1)\n",
        # writes the base keys itself
        "import keras\nclass A(keras.layers.Layer):\n    def get_config(self):\n"
        "        return {'name': self.name, 'trainable': self.trainable, 'dtype': self.dtype_policy.name, 'units': 1}\n",
        # keys we cannot read
        "import keras\nclass A(keras.layers.Layer):\n    def get_config(self):\n        return dict(self._config)\n",
        # an initializer's and a constraint's base config is {}
        "import keras\nclass Init(keras.initializers.Initializer):\n    def __init__(self, value):\n"
        "        self.value = value\n    def __call__(self, shape, dtype=None):\n        return keras.ops.ones(shape)\n"
        "    def get_config(self):\n        return {'value': self.value}\n",
        "import keras\nclass C(keras.constraints.Constraint):\n    def get_config(self):\n        return {'r': 1}\n",
        # regularizers and schedules have no base config to build on (it raises)
        "import keras\nclass R(keras.regularizers.Regularizer):\n    def get_config(self):\n        return {'l': 0.1}\n",
        "import keras\nclass S(keras.optimizers.schedules.LearningRateSchedule):\n    def get_config(self):\n"
        "        return {'lr': 0.1}\n",
        # tf_keras: a subclassed Model's super().get_config() is {}
        "import tf_keras\nclass M(tf_keras.Model):\n    def get_config(self):\n        return {'units': 1}\n",
        # writes name itself: it handles the base keys on purpose (a functional model's own config)
        "import keras\nclass Task(keras.Model):\n    def __init__(self, backbone, **kwargs):\n"
        "        super().__init__(backbone.inputs, backbone.outputs, **kwargs)\n        self.backbone = backbone\n"
        "    def get_config(self):\n        return {'backbone': keras.layers.serialize(self.backbone), 'name': self.name}\n",
        # writes name and dtype itself, leaves out trainable on purpose (a weightless layer)
        "import keras\nclass A(keras.layers.Layer):\n    def __init__(self, bins, name=None, dtype=None, **kwargs):\n"
        "        super().__init__(name=name, dtype=dtype)\n        self.bins = bins\n"
        "    def get_config(self):\n        return {'bins': self.bins, 'name': self.name, 'dtype': self.dtype}\n",
        # S7c without weights: only trainable would be lost, and it changes nothing
        "import keras\nclass A(keras.layers.Layer):\n    def __init__(self, units):\n        super().__init__()\n"
        "        self.units = units\n    def get_config(self):\n        return {'units': self.units}\n",
        # not provably Keras
        "from mylib import Layer\nclass A(Layer):\n    def get_config(self):\n        return {'units': 1}\n",
        # no get_config of its own (an ancestor's is reported there)
        "import keras\nclass A(keras.layers.Layer):\n    def call(self, x):\n        return x\n",
    ]
    INVALID = [
        Invalid(
            "import keras\nclass A(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n"
            "    def build(self, shape):\n        self.w = self.add_weight(shape=(shape[-1], self.units))\n"
            "    def get_config(self):\n        return {'units': self.units}\n",
            8, 5, "`name`, `trainable` and `dtype`",
        ),
        Invalid(
            "from tensorflow.keras import layers\nclass A(layers.Layer):\n    def get_config(self):\n"
            "        config = {}\n        config['units'] = 3\n        return config\n",
            3, 5, "`name` and `dtype` are not saved",  # no weights: trainable changes nothing
        ),
        # S7c: no **kwargs either (so only trainable can be lost); the fix must add them too
        Invalid(
            "import keras\nclass A(keras.layers.Layer):\n    def __init__(self, units):\n"
            "        super().__init__()\n        self.units = units\n        self.dense = keras.layers.Dense(units)\n"
            "    def get_config(self):\n        return {'units': self.units}\n",
            7, 5, "`trainable` is not saved",
        ),
        Invalid(
            "import keras\nclass Net(keras.Model):\n    def __init__(self, units=2, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n"
            "    def get_config(self):\n        return {'units': self.units}\n",
            6, 5, "Keras 3 does not save",
        ),
        Invalid(
            "import keras\nclass Focal(keras.losses.Loss):\n    def __init__(self, gamma=2.0, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.gamma = gamma\n"
            "    def get_config(self):\n        return {'gamma': self.gamma}\n",
            6, 5, "`name` and `reduction`",
        ),
        Invalid(
            "import keras\nclass Hits(keras.metrics.Metric):\n    def __init__(self, k=1, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.k = k\n"
            "    def get_config(self):\n        return {'k': self.k}\n",
            6, 5, "`name` and `dtype`",
        ),
        # decorated: reported at the def line
        Invalid(
            "import tf_keras\nclass A(tf_keras.layers.Layer):\n    @property\n    def x(self):\n        return 1\n"
            "    def get_config(self):\n        return dict(units=1)\n",
            6, 5, "`name`",
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
        if not lost or definition is None:
            return
        self.report(definition, self.message(project, info, kind, major, lost))

    @staticmethod
    def could_be_set(project: ProjectIndex, info: ClassInfo, key: str) -> bool:
        """Could the object have held something other than the default for `key`? `trainable` can
        always be set (`layer.trainable = False`); the others only come through `__init__`, so
        never through one that takes neither them nor `**kwargs`."""
        if key == "trainable":
            return True
        init = init_of(project, info)
        return init is None or init.accepts_kwargs or key in accepted(init)

    @staticmethod
    def message(project: ProjectIndex, info: ClassInfo, kind: str, major: int, lost: list) -> str:
        init = init_of(project, info)
        refuses = init is not None and not init.accepts_kwargs and any(k not in accepted(init) for k in lost)
        one = len(lost) == 1
        saved = f"Keras 3 does not save {listed(lost)}, which" if kind != "layer" else f"{listed(lost)} {'is' if one else 'are'} not saved and"
        return (
            f"`get_config` does not build on `super().get_config()`: {saved} silently come{'s' if one else ''} "
            f"back as the default{'' if one else 's'} on reload ({'; '.join(CONSEQUENCE[k].format(what=kind) for k in lost)}); start from "
            "`config = super().get_config()`" + (" and accept `**kwargs` in `__init__`" if refuses else "")
        )
