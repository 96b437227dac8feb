from __future__ import annotations

import ast
import os
from typing import Optional

from ..analysis import argument_kinds
from ..analysis.get_config_coverage import h5_model_config_empty, h5_save_refuses
from ..analysis.model_flow import class_covered, h5_saves, imported_by_name
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
# (Keras 3 `serialization_lib._retrieve_class_or_fn` does so for exactly these four, and 3.0-3.8 for
# any module: keras_api fact keras_file_imports_unregistered_class; tf_keras's `.h5` loader knows its
# built-ins, while its `.keras` loader does not find a project's class that way: measured, "'str'
# object is not callable"), so their unregistered classes load.
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
    fails on purpose, before any load). On Keras 3.0-3.8 (a declared range, `keras_api` fact
    `keras_file_imports_unregistered_class`) a class whose module another project module imports
    is not reported when no `.h5` save can hold it: those versions load it from a `.keras` file by
    importing the module the file names (3.9 refuses, CVE-2025-1550; `.h5` files never do).

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
    severity = "error"
    help = "decorate the class with `@keras.saving.register_keras_serializable()`"
    looks_at_custom_objects = True
    reads_methods = frozenset()  # judged from the index alone; reported at the class line
    fix = "safe"
    versioned_facts = ("h5_requires_get_config", "model_auto_config", "register_in_keras_utils",
                       "keras_file_imports_unregistered_class")

    VALID = [
        # issue 20: the project exports it in a module-level custom_objects mapping, its way of loading
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            CUSTOM_OBJECTS = {'Scale': Scale}
        """,
        # issue 20: every load of a model holding it names it
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            def train():
                model = keras.Sequential([keras.Input((2,)), Scale()])
                model.save('scaled.keras')
            def predict():
                return keras.models.load_model('scaled.keras', custom_objects={'Scale': Scale})
        """,
        # no saved model can hold these: an abstract class, a class whose get_config refuses
        """
            import abc
            import keras
            class Base(keras.layers.Layer, abc.ABC):
                @abc.abstractmethod
                def score(self, x):
                    ...
        """,
        """
            from abc import ABCMeta, abstractmethod
            import keras
            class Base(keras.Model, metaclass=ABCMeta):
                @abstractmethod
                def head(self):
                    ...
        """,
        # a base whose call the subclasses provide
        """
            import keras
            class Conv(keras.layers.Layer):
                def call(self, x):
                    '''Subclasses compute.'''
                    raise NotImplementedError
            @keras.saving.register_keras_serializable(package='p')
            class Sum(Conv):
                def call(self, x):
                    return x
        """,
        """
            import keras
            class NoSave(keras.optimizers.SGD):
                def get_config(self):
                    '''Not serializable.'''
                    raise NotImplementedError('cannot be serialized')
            class Child(NoSave):
                pass
        """,
        # the decorator applied by hand, and a registry update from a dict bound beforehand
        """
            import keras
            class A(keras.layers.Layer):
                pass
            A = keras.saving.register_keras_serializable('p')(A)
        """,
        """
            import keras
            class A(keras.layers.Layer):
                pass
            CUSTOM = {'A': A}
            keras.saving.get_custom_objects().update(CUSTOM)
        """,
        # the decorator made once and applied by name (a triage false positive)
        """
            import keras
            register = keras.saving.register_keras_serializable(package='p')

            @register
            class A(keras.layers.Layer):
                pass
        """,
        # registered in every spelling
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            class A(keras.layers.Layer):
                pass
        """,
        """
            import keras
            @keras.utils.register_keras_serializable()
            class A(keras.Model):
                pass
        """,
        """
            import tensorflow as tf
            @tf.keras.utils.register_keras_serializable('p')
            class A(tf.keras.losses.Loss):
                pass
        """,
        """
            import tf_keras
            @tf_keras.utils.register_keras_serializable()
            class A(tf_keras.layers.Dense):
                pass
        """,
        """
            from keras.saving import register_keras_serializable as reg
            from keras import layers
            @reg(package='p')
            class A(layers.Layer):
                pass
        """,
        """
            try:
                from tensorflow.keras.utils import register_keras_serializable
            except ImportError:
                from keras.utils import register_keras_serializable
            import keras
            @register_keras_serializable(package='p')
            class A(keras.layers.Layer):
                pass
        """,
        # registered elsewhere in the project
        """
            import keras
            class A(keras.layers.Layer):
                pass
            keras.saving.get_custom_objects()['A'] = A
        """,
        """
            import keras
            class A(keras.metrics.Metric):
                pass
            keras.utils.get_custom_objects().update({'A': A})
        """,
        # a project decorator whose body registers (as keras_export / keras_hub_export do)
        """
            import keras
            def export(path):
                def wrap(symbol):
                    keras.saving.register_keras_serializable(package='p')(symbol)
                    return symbol
                return wrap
            @export('p.A')
            class A(keras.layers.Layer):
                pass
        """,
        """
            import keras
            class export:
                def __init__(self, path):
                    self.path = path
                def __call__(self, symbol):
                    keras.saving.register_keras_serializable(package='p')(symbol)
                    return symbol
            @export('p.A')
            class A(keras.optimizers.Optimizer):
                pass
        """,
        # not provably Keras
        """
            class Layer:
                pass
            class A(Layer):
                pass
        """,
        """
            import torch
            class A(torch.nn.Module):
                def get_config(self):
                    return {}
        """,
        """
            import keras
            class A(keras.callbacks.Callback):
                pass
        """,
        """
            from mylib import Base
            class A(Base):
                pass
        """,
        """
            import keras
            class A(keras.layers.InputSpec):
                pass
        """,
        # a class defined inside a function is not a module-level custom object
        """
            import keras
            def build():
                class A(keras.layers.Layer):
                    pass
                return A()
        """,
        # bare `@register_keras_serializable` is KL209's finding, not this rule's
        """
            import keras
            @keras.saving.register_keras_serializable
            class A(keras.layers.Layer):
                pass
        """,
    ]
    INVALID = [
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    pass
            """, 2, 1, "Could not locate class 'A'",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class A(keras.layers.Layer):
                    pass
            """,
        ),
        Invalid("""
            import keras

            @dataclass
            class A(keras.layers.Dense):
                pass
        """, 4, 1, "layer `A`"),
        Invalid(
            """
                from tensorflow import keras
                class M(keras.Model):
                    pass
            """, 2, 1, "model `M`",
            fixed="""
                from tensorflow import keras
                @keras.utils.register_keras_serializable(package="example")
                class M(keras.Model):
                    pass
            """,
        ),
        Invalid(
            """
                import tensorflow as tf
                class S(tf.keras.Sequential):
                    pass
            """, 2, 1,
            fixed="""
                import tensorflow as tf
                @tf.keras.utils.register_keras_serializable(package="example")
                class S(tf.keras.Sequential):
                    pass
            """,
        ),
        Invalid(
            """
                from keras.losses import Loss as L
                class F(L):
                    pass
            """, 2, 1, "loss `F`",
            fixed="""
                from keras.losses import Loss as L
                from keras.saving import register_keras_serializable
                @register_keras_serializable(package="example")
                class F(L):
                    pass
            """,
        ),
        Invalid(
            """
                import keras
                class M(keras.metrics.Metric):
                    pass
            """, 2, 1, "metric",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class M(keras.metrics.Metric):
                    pass
            """,
        ),
        Invalid(
            """
                import keras
                class I(keras.initializers.Initializer):
                    pass
            """, 2, 1, "initializer",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class I(keras.initializers.Initializer):
                    pass
            """,
        ),
        Invalid(
            """
                import keras
                class R(keras.regularizers.Regularizer):
                    pass
            """, 2, 1, "regularizer",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class R(keras.regularizers.Regularizer):
                    pass
            """,
        ),
        Invalid(
            """
                import keras
                class C(keras.constraints.Constraint):
                    pass
            """, 2, 1, "constraint",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class C(keras.constraints.Constraint):
                    pass
            """,
        ),
        Invalid(
            """
                import keras
                class W(keras.optimizers.schedules.LearningRateSchedule):
                    pass
            """, 2, 1,
            "learning-rate schedule",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class W(keras.optimizers.schedules.LearningRateSchedule):
                    pass
            """,
        ),
        Invalid(
            """
                import keras
                class O(keras.optimizers.Optimizer):
                    pass
            """, 2, 1, "optimizer",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class O(keras.optimizers.Optimizer):
                    pass
            """,
        ),
        Invalid(
            """
                import tf_keras
                class A(tf_keras.layers.Layer):
                    pass
            """, 2, 1, "Unknown layer",
            fixed="""
                import tf_keras
                @tf_keras.utils.register_keras_serializable(package="example")
                class A(tf_keras.layers.Layer):
                    pass
            """,
        ),
        # through a base class of the project: the base is registered, the subclass is not
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable(package='p')
                class Base(keras.layers.Layer):
                    pass
                class Child(Base):
                    pass
            """,
            5, 1, "`Child`",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package='p')
                class Base(keras.layers.Layer):
                    pass
                @keras.saving.register_keras_serializable(package='example')
                class Child(Base):
                    pass
            """,
        ),
        # an abstract base of the project is a custom object too (the issue makes no exception)
        Invalid(
            """
                import abc
                import keras
                class Base(keras.layers.Layer, abc.ABC):
                    pass
                @keras.saving.register_keras_serializable(package='p')
                class Child(Base):
                    pass
            """,
            3, 1, "`Base`",
            fixed="""
                import abc
                import keras
                @keras.saving.register_keras_serializable(package='example')
                class Base(keras.layers.Layer, abc.ABC):
                    pass
                @keras.saving.register_keras_serializable(package='p')
                class Child(Base):
                    pass
            """,
        ),
        # a class defined after a conditional import is still a module-level class
        Invalid(
            """
                import keras
                try:
                    import tensorflow
                except ImportError:
                    pass
                class A(keras.layers.Layer):
                    pass
            """,
            6, 1,
            fixed="""
                import keras
                try:
                    import tensorflow
                except ImportError:
                    pass
                @keras.saving.register_keras_serializable(package="example")
                class A(keras.layers.Layer):
                    pass
            """,
        ),
        # a decorator that is not a registering one does not count
        Invalid("""
            import functools
            import keras
            @functools.total_ordering
            class A(keras.layers.Layer):
                pass
        """, 4, 1),
        # get_custom_objects for another name does not register this class
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    pass
                keras.saving.get_custom_objects()['B'] = B
            """, 2, 1,
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package='example')
                class A(keras.layers.Layer):
                    pass
                keras.saving.get_custom_objects()['B'] = B
            """,
        ),
        # a module-level class under an `if`: the decorator takes its indentation
        Invalid(
            """
                import keras
                if keras.__version__ >= '3':
                    class A(keras.layers.Layer):
                        pass
            """, 3, 5,
            fixed="""
                import keras
                if keras.__version__ >= '3':
                    @keras.saving.register_keras_serializable(package='example')
                    class A(keras.layers.Layer):
                        pass
            """,
        ),
        # no fix: `example>A` is already taken (KL208: the saved model would load the wrong object)
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable(package='example', name='A')
                def a(x):
                    return x
                class A(keras.layers.Layer):
                    pass
            """,
            5, 1,
        ),
        # a concrete subclass of an abstract base; an abstractmethod without ABCMeta does nothing
        Invalid(
            """
                import abc
                import keras
                class Base(keras.layers.Layer, abc.ABC):
                    @abc.abstractmethod
                    def score(self, x):
                        ...
                class Concrete(Base):
                    def score(self, x):
                        return x
            """,
            7, 1,
            fixed="""
                import abc
                import keras
                class Base(keras.layers.Layer, abc.ABC):
                    @abc.abstractmethod
                    def score(self, x):
                        ...
                @keras.saving.register_keras_serializable(package="example")
                class Concrete(Base):
                    def score(self, x):
                        return x
            """,
        ),
        Invalid(
            """
                import abc
                import keras
                class A(keras.layers.Layer):
                    @abc.abstractmethod
                    def f(self):
                        ...
            """,
            3, 1,
            fixed="""
                import abc
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class A(keras.layers.Layer):
                    @abc.abstractmethod
                    def f(self):
                        ...
            """,
        ),
        # a call that only raises, with no subclass providing one: a model trained through
        # train_step, say, which saves and needs its class at load
        Invalid(
            """
                import keras
                class Trainer(keras.Model):
                    def call(self, x):
                        raise NotImplementedError()
            """,
            2, 1,
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class Trainer(keras.Model):
                    def call(self, x):
                        raise NotImplementedError()
            """,
        ),
        # a get_config that raises only on some paths still saves
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def get_config(self):
                        if self.bad:
                            raise ValueError()
                        return super().get_config()
            """,
            2, 1,
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                class A(keras.layers.Layer):
                    def get_config(self):
                        if self.bad:
                            raise ValueError()
                        return super().get_config()
            """,
        ),
        # no fix: two unregistered classes of one name would share a key
        Invalid(
            """
                import keras
                try:
                    import tensorflow
                    class A(keras.layers.Layer):  # noqa: KL201
                        pass
                except ImportError:
                    class A(keras.layers.Layer):
                        pass
            """,
            7, 5,
        ),
    ]

    @classmethod
    def might_report(cls, info: ClassInfo, project) -> bool:
        return (not project.is_registered(info) and not in_keras_own_package(info) and project.can_be_saved(info)
                and not class_covered(project, info)[0])

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node)
        if info is None or self.context.project.is_registered(info):
            return
        if in_keras_own_package(info) or not self.context.project.can_be_saved(info):
            return
        if h5_save_refuses(self.context.project, info, self.context.keras):
            return  # tf.keras <= 2.10: saving it to .h5 raises first (KL202), a SavedModel revives it
        if not self.context.keras.holds("register_in_keras_utils"):
            return  # multi-backend Keras has nothing to register with: KL401 asks loads for custom_objects
        if h5_model_config_empty(self.context.project, info, self.context.keras):
            return  # tf.keras <= 2.11: .h5 keeps an empty config for the Model subclass (KL202), registered or not
        if argument_kinds.never_saved(self.context.project, info):
            return  # its save raises first, whatever the Keras (KL202 says so): no load to fail
        if self.context.keras.holds("keras_file_imports_unregistered_class") and imported_by_name(self.context.project, info) \
                and h5_saves(self.context.project, info) == ([], []):
            return  # Keras 3.0-3.8: a `.keras` load imports the module the file names for it, and finds it there
        covered, uncovered = class_covered(self.context.project, info)
        if covered:
            return  # every load of a model holding it names it, or the project exports it for loading
        kind = KIND_WORDS.get(self.context.project.keras_kind(info), "custom object")
        if self.context.keras_major == 2:
            quoted = f" (\"Unknown layer: '{info.name}'\")" if kind == "layer" else ""
            consequence = f"Keras 2: a `.h5` model using it fails to load without custom_objects{quoted}"
        else:
            consequence = (
                f"Keras 3: a saved model using it fails to load without custom_objects "
                f"(\"Could not locate class '{info.name}'\")"
            )
        if uncovered:
            here = os.path.dirname(os.path.abspath(self.context.path))
            consequence += f" (a model holding it is loaded without it at {os.path.relpath(uncovered[0][0], here)}:{uncovered[0][1].line})"
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
