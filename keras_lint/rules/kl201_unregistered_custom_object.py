from __future__ import annotations

import ast
import os
from typing import Optional

from ..analysis.registration import registration_key_may_be_taken
from ..cst.lazy import cst
from ..finding import Fix
from ..fixers.edits import registration_fix
from ..index.model import ClassInfo
from .base import Invalid, Rule

# How each kind of custom object is named in messages.
KIND_WORDS = {
    "layer": "layer",
    "model": "model",
    "loss": "loss",
    "metric": "metric",
    "initializer": "initializer",
    "regularizer": "regularizer",
    "constraint": "constraint",
    "schedule": "learning-rate schedule",
    "optimizer": "optimizer",
}

# Keras's own packages: their loaders find a class of theirs by importing the module the file names
# (Keras 3 `serialization_lib._retrieve_class_or_fn` does so for exactly these four; tf_keras for
# any module, and its `.h5` loader knows its built-ins), so their unregistered classes load.
# Measured: a model using keras.src.applications.convnext.LayerScale (unregistered) loads.
KERAS_OWN_PACKAGES = frozenset({"keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras"})


def in_keras_own_package(info: ClassInfo) -> bool:
    """Is the class's file inside one of Keras's own packages? By module name, or by a folder of that
    name holding `__init__.py` above the file: the index names a module in a folder without
    `__init__.py` (an implicit namespace package, e.g. keras_hub/src/models/edrec/) by its file alone."""
    if info.module.split(".")[0] in KERAS_OWN_PACKAGES:
        return True
    folder = os.path.dirname(os.path.abspath(info.path))
    while True:
        parent, name = os.path.split(folder)
        if name in KERAS_OWN_PACKAGES and os.path.isfile(os.path.join(folder, "__init__.py")):
            return True
        if parent == folder:
            return False
        folder = parent


class UnregisteredCustomObject(Rule):
    """
    ## What it does
    Reports a module-level Keras custom object -- a subclass, directly or through other classes of
    the project, of `Layer` (or a built-in layer such as `Dense`), `Model`/`Sequential`, `Loss`,
    `Metric`, `Initializer`, `Regularizer`, `Constraint`, `LearningRateSchedule` or `Optimizer` --
    that is registered nowhere: no `@register_keras_serializable(...)` in any spelling
    (`keras.saving`, `keras.utils`, `tf.keras.utils`, `tf_keras.utils`, aliased, made once as
    `register = register_keras_serializable(package=...)` and applied as `@register`, or applied by
    hand as `X = register_keras_serializable(...)(X)`), no `get_custom_objects()["X"] = X` or
    `.update({...})` anywhere in the project, and no project
    decorator whose body registers (Keras's `keras_export`, KerasHub's `keras_hub_export`, or the
    decorators named in the `register-decorators` option). Classes not provably Keras (a local
    `class Layer`, a `torch.nn.Module`, a Keras `Callback`) are left alone, and so are the classes
    of Keras's own packages (`keras`, `keras_hub`, `keras_cv`, `keras_nlp`, `tf_keras`), which
    their loaders find by importing the class's module. So are classes no saved model can hold: an
    abstract class (an `@abc.abstractmethod` of its own, with `abc.ABC` or `ABCMeta` in its
    lineage: Python refuses to instantiate it), a base whose own `call` only raises
    `NotImplementedError` while a project subclass implements `call` (a model using the base itself
    fails when it is built), and one whose `get_config`, its own or inherited, only raises (saving
    fails on purpose, before any load).

    ## Why is this bad?
    A saved model stores the class by name only. Loading it without `custom_objects` fails:
    `TypeError: Could not locate class 'MyLayer'. Make sure custom classes and functions are
    decorated with @keras.saving.register_keras_serializable().` (Keras 3; Keras 2 `.h5` files:
    `ValueError: Unknown layer: 'MyLayer'`). Registering the class only in the loading script
    does not help: it must be registered when the model is *saved*, so that the file stores the
    registered name. With the decorator, a loader that imports the module loads the model.

    ## Example
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}
    ```

    ## Use instead
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    class Scale(keras.layers.Layer):
        ...
    ```

    ## Fix safety
    The fix is safe: it adds `@keras.saving.register_keras_serializable(package="...")` above the
    class, in the file's own spelling of Keras (importing it only if needed); `package` comes from
    the `package` setting, else the top-level package or module name. The class computes the same;
    a model saved from then on names it `package>Name`, which a loading script finds once it
    imports the module (measured: the fixed fixtures round-trip). Files saved before keep loading
    as they did. One loader changes: one that passes `custom_objects={"Name": ...}` with a class of
    its own, not imported from this module, needs the key `package>Name` for files saved after
    the fix. No fix for a class that has other decorators (the registration would apply to what
    they return), nor when another class or function of the project is, or would by the same
    fix be, registered under that `package>Name`: two registrations of one key make a model load
    the wrong object, silently (KL208).
    """

    code = "KL201"
    name = "unregistered-custom-object"
    summary = "Keras custom object is not registered: a saved model using it cannot be loaded without custom_objects"
    looks_at_custom_objects = True
    reads_methods = frozenset()  # judged from the index alone; reported at the class line
    fix = "safe"

    VALID = [
        # no saved model can hold these: an abstract class, a class whose get_config refuses
        "import abc\nimport keras\nclass Base(keras.layers.Layer, abc.ABC):\n    @abc.abstractmethod\n"
        "    def score(self, x):\n        ...\n",
        "from abc import ABCMeta, abstractmethod\nimport keras\nclass Base(keras.Model, metaclass=ABCMeta):\n"
        "    @abstractmethod\n    def head(self):\n        ...\n",
        # a base whose call the subclasses provide
        "import keras\nclass Conv(keras.layers.Layer):\n    def call(self, x):\n        '''Subclasses compute.'''\n"
        "        raise NotImplementedError\n"
        "@keras.saving.register_keras_serializable(package='p')\nclass Sum(Conv):\n    def call(self, x):\n"
        "        return x\n",
        "import keras\nclass NoSave(keras.optimizers.SGD):\n    def get_config(self):\n"
        "        '''Not serializable.'''\n        raise NotImplementedError('cannot be serialized')\n"
        "class Child(NoSave):\n    pass\n",
        # the decorator applied by hand, and a registry update from a dict bound beforehand
        "import keras\nclass A(keras.layers.Layer):\n    pass\nA = keras.saving.register_keras_serializable('p')(A)\n",
        "import keras\nclass A(keras.layers.Layer):\n    pass\nCUSTOM = {'A': A}\n"
        "keras.saving.get_custom_objects().update(CUSTOM)\n",
        # the decorator made once and applied by name (a triage false positive)
        "import keras\nregister = keras.saving.register_keras_serializable(package='p')\n\n@register\n"
        "class A(keras.layers.Layer):\n    pass\n",
        # registered in every spelling
        "import keras\n@keras.saving.register_keras_serializable(package='p')\nclass A(keras.layers.Layer):\n    pass\n",
        "import keras\n@keras.utils.register_keras_serializable()\nclass A(keras.Model):\n    pass\n",
        "import tensorflow as tf\n@tf.keras.utils.register_keras_serializable('p')\nclass A(tf.keras.losses.Loss):\n    pass\n",
        "import tf_keras\n@tf_keras.utils.register_keras_serializable()\nclass A(tf_keras.layers.Dense):\n    pass\n",
        "from keras.saving import register_keras_serializable as reg\nfrom keras import layers\n"
        "@reg(package='p')\nclass A(layers.Layer):\n    pass\n",
        "try:\n    from tensorflow.keras.utils import register_keras_serializable\nexcept ImportError:\n"
        "    from keras.utils import register_keras_serializable\nimport keras\n"
        "@register_keras_serializable(package='p')\nclass A(keras.layers.Layer):\n    pass\n",
        # registered elsewhere in the project
        "import keras\nclass A(keras.layers.Layer):\n    pass\nkeras.saving.get_custom_objects()['A'] = A\n",
        "import keras\nclass A(keras.metrics.Metric):\n    pass\nkeras.utils.get_custom_objects().update({'A': A})\n",
        # a project decorator whose body registers (as keras_export / keras_hub_export do)
        "import keras\ndef export(path):\n    def wrap(symbol):\n"
        "        keras.saving.register_keras_serializable(package='p')(symbol)\n        return symbol\n    return wrap\n"
        "@export('p.A')\nclass A(keras.layers.Layer):\n    pass\n",
        "import keras\nclass export:\n    def __init__(self, path):\n        self.path = path\n"
        "    def __call__(self, symbol):\n        keras.saving.register_keras_serializable(package='p')(symbol)\n"
        "        return symbol\n@export('p.A')\nclass A(keras.optimizers.Optimizer):\n    pass\n",
        # not provably Keras
        "class Layer:\n    pass\nclass A(Layer):\n    pass\n",
        "import torch\nclass A(torch.nn.Module):\n    def get_config(self):\n        return {}\n",
        "import keras\nclass A(keras.callbacks.Callback):\n    pass\n",
        "from mylib import Base\nclass A(Base):\n    pass\n",
        "import keras\nclass A(keras.layers.InputSpec):\n    pass\n",
        # a class defined inside a function is not a module-level custom object
        "import keras\ndef build():\n    class A(keras.layers.Layer):\n        pass\n    return A()\n",
        # bare `@register_keras_serializable` is KL209's finding, not this rule's
        "import keras\n@keras.saving.register_keras_serializable\nclass A(keras.layers.Layer):\n    pass\n",
    ]
    INVALID = [
        Invalid(
            "import keras\nclass A(keras.layers.Layer):\n    pass\n", 2, 1, "Could not locate class 'A'",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class A(keras.layers.Layer):\n    pass\n",
        ),
        Invalid("import keras\n\n@dataclass\nclass A(keras.layers.Dense):\n    pass\n", 4, 1, "layer `A`"),
        Invalid(
            "from tensorflow import keras\nclass M(keras.Model):\n    pass\n", 2, 1, "model `M`",
            fixed='from tensorflow import keras\n@keras.utils.register_keras_serializable(package="example")\n'
            "class M(keras.Model):\n    pass\n",
        ),
        Invalid(
            "import tensorflow as tf\nclass S(tf.keras.Sequential):\n    pass\n", 2, 1,
            fixed='import tensorflow as tf\n@tf.keras.utils.register_keras_serializable(package="example")\n'
            "class S(tf.keras.Sequential):\n    pass\n",
        ),
        Invalid(
            "from keras.losses import Loss as L\nclass F(L):\n    pass\n", 2, 1, "loss `F`",
            fixed="from keras.losses import Loss as L\nfrom keras.saving import register_keras_serializable\n"
            '@register_keras_serializable(package="example")\nclass F(L):\n    pass\n',
        ),
        Invalid(
            "import keras\nclass M(keras.metrics.Metric):\n    pass\n", 2, 1, "metric",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class M(keras.metrics.Metric):\n    pass\n",
        ),
        Invalid(
            "import keras\nclass I(keras.initializers.Initializer):\n    pass\n", 2, 1, "initializer",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class I(keras.initializers.Initializer):\n    pass\n",
        ),
        Invalid(
            "import keras\nclass R(keras.regularizers.Regularizer):\n    pass\n", 2, 1, "regularizer",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class R(keras.regularizers.Regularizer):\n    pass\n",
        ),
        Invalid(
            "import keras\nclass C(keras.constraints.Constraint):\n    pass\n", 2, 1, "constraint",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class C(keras.constraints.Constraint):\n    pass\n",
        ),
        Invalid(
            "import keras\nclass W(keras.optimizers.schedules.LearningRateSchedule):\n    pass\n", 2, 1,
            "learning-rate schedule",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class W(keras.optimizers.schedules.LearningRateSchedule):\n    pass\n",
        ),
        Invalid(
            "import keras\nclass O(keras.optimizers.Optimizer):\n    pass\n", 2, 1, "optimizer",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class O(keras.optimizers.Optimizer):\n    pass\n",
        ),
        Invalid(
            "import tf_keras\nclass A(tf_keras.layers.Layer):\n    pass\n", 2, 1, "Unknown layer",
            fixed='import tf_keras\n@tf_keras.utils.register_keras_serializable(package="example")\n'
            "class A(tf_keras.layers.Layer):\n    pass\n",
        ),
        # through a base class of the project: the base is registered, the subclass is not
        Invalid(
            "import keras\n@keras.saving.register_keras_serializable(package='p')\n"
            "class Base(keras.layers.Layer):\n    pass\nclass Child(Base):\n    pass\n",
            5, 1, "`Child`",
            fixed="import keras\n@keras.saving.register_keras_serializable(package='p')\n"
            "class Base(keras.layers.Layer):\n    pass\n"
            '@keras.saving.register_keras_serializable(package="example")\nclass Child(Base):\n    pass\n',
        ),
        # an abstract base of the project is a custom object too (the issue makes no exception)
        Invalid(
            "import abc\nimport keras\nclass Base(keras.layers.Layer, abc.ABC):\n    pass\n"
            "@keras.saving.register_keras_serializable(package='p')\nclass Child(Base):\n    pass\n",
            3, 1, "`Base`",
            fixed='import abc\nimport keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class Base(keras.layers.Layer, abc.ABC):\n    pass\n"
            "@keras.saving.register_keras_serializable(package='p')\nclass Child(Base):\n    pass\n",
        ),
        # a class defined after a conditional import is still a module-level class
        Invalid(
            "import keras\ntry:\n    import tensorflow\nexcept ImportError:\n    pass\n"
            "class A(keras.layers.Layer):\n    pass\n",
            6, 1,
            fixed="import keras\ntry:\n    import tensorflow\nexcept ImportError:\n    pass\n"
            '@keras.saving.register_keras_serializable(package="example")\nclass A(keras.layers.Layer):\n'
            "    pass\n",
        ),
        # a decorator that is not a registering one does not count
        Invalid("import functools\nimport keras\n@functools.total_ordering\nclass A(keras.layers.Layer):\n    pass\n", 4, 1),
        # get_custom_objects for another name does not register this class
        Invalid(
            "import keras\nclass A(keras.layers.Layer):\n    pass\nkeras.saving.get_custom_objects()['B'] = B\n", 2, 1,
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class A(keras.layers.Layer):\n    pass\nkeras.saving.get_custom_objects()['B'] = B\n",
        ),
        # a module-level class under an `if`: the decorator takes its indentation
        Invalid(
            "import keras\nif keras.__version__ >= '3':\n    class A(keras.layers.Layer):\n        pass\n", 3, 5,
            fixed="import keras\nif keras.__version__ >= '3':\n"
            '    @keras.saving.register_keras_serializable(package="example")\n'
            "    class A(keras.layers.Layer):\n        pass\n",
        ),
        # no fix: `example>A` is already taken (KL208: the saved model would load the wrong object)
        Invalid(
            "import keras\n@keras.saving.register_keras_serializable(package='example', name='A')\n"
            "def a(x):\n    return x\nclass A(keras.layers.Layer):\n    pass\n",
            5, 1,
        ),
        # a concrete subclass of an abstract base; an abstractmethod without ABCMeta does nothing
        Invalid(
            "import abc\nimport keras\nclass Base(keras.layers.Layer, abc.ABC):\n    @abc.abstractmethod\n"
            "    def score(self, x):\n        ...\nclass Concrete(Base):\n    def score(self, x):\n        return x\n",
            7, 1,
            fixed="import abc\nimport keras\nclass Base(keras.layers.Layer, abc.ABC):\n    @abc.abstractmethod\n"
            '    def score(self, x):\n        ...\n@keras.saving.register_keras_serializable(package="example")\n'
            "class Concrete(Base):\n    def score(self, x):\n        return x\n",
        ),
        Invalid(
            "import abc\nimport keras\nclass A(keras.layers.Layer):\n    @abc.abstractmethod\n    def f(self):\n        ...\n",
            3, 1,
            fixed='import abc\nimport keras\n@keras.saving.register_keras_serializable(package="example")\n'
            "class A(keras.layers.Layer):\n    @abc.abstractmethod\n    def f(self):\n        ...\n",
        ),
        # a call that only raises, with no subclass providing one: a model trained through
        # train_step, say, which saves and needs its class at load
        Invalid(
            "import keras\nclass Trainer(keras.Model):\n    def call(self, x):\n        raise NotImplementedError()\n",
            2, 1,
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\nclass Trainer(keras.Model):\n'
            "    def call(self, x):\n        raise NotImplementedError()\n",
        ),
        # a get_config that raises only on some paths still saves
        Invalid(
            "import keras\nclass A(keras.layers.Layer):\n    def get_config(self):\n        if self.bad:\n"
            "            raise ValueError()\n        return super().get_config()\n",
            2, 1,
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\nclass A(keras.layers.Layer):\n'
            "    def get_config(self):\n        if self.bad:\n            raise ValueError()\n        return super().get_config()\n",
        ),
        # no fix: two unregistered classes of one name would share a key
        Invalid(
            "import keras\ntry:\n    import tensorflow\n    class A(keras.layers.Layer):  # noqa: KL201\n        pass\n"
            "except ImportError:\n    class A(keras.layers.Layer):\n        pass\n",
            7, 5,
        ),
    ]

    @classmethod
    def might_report(cls, info: ClassInfo, project) -> bool:
        return not project.is_registered(info) and not in_keras_own_package(info) and project.can_be_saved(info)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node)
        if info is None or self.context.project.is_registered(info):
            return
        if in_keras_own_package(info) or not self.context.project.can_be_saved(info):
            return
        kind = KIND_WORDS.get(self.context.project.keras_kind(info), "custom object")
        if self.context.keras_major == 2:
            quoted = f" (\"Unknown layer: '{info.name}'\")" if kind == "layer" else ""
            consequence = f"Keras 2: a `.h5` model using it fails to load without custom_objects{quoted}"
        else:
            consequence = (
                f"Keras 3: a saved model using it fails to load without custom_objects "
                f"(\"Could not locate class '{info.name}'\")"
            )
        self.report(
            node,
            f"Keras {kind} `{info.name}` is not registered: {consequence}, and registering it only in the "
            "loading script does not help; decorate it with @keras.saving.register_keras_serializable(package=...)",
            self._fix(node, info),
        )

    def _fix(self, node: cst.ClassDef, info: ClassInfo) -> Optional[Fix]:
        if node.decorators:
            return None  # the decorator would register what the others return: not known to be the class
        if registration_key_may_be_taken(self, info.name, info.line):
            return None
        definition = next(
            (n for n in ast.walk(self.context.tree) if isinstance(n, ast.ClassDef) and n.lineno == info.line), None
        ) if self.context.tree is not None else None
        if definition is None or definition.name != info.name:
            return None
        return registration_fix(self, definition, f"register `{info.name}`")
