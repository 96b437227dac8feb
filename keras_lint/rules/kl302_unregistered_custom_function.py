from __future__ import annotations

from typing import Optional

from ..analysis.callable_sites import TRIGGERS, CallSites, load_failure, qualify, silently_swapped
from ..analysis.registration import registration_key_may_be_taken
from ..cst.lazy import cst
from ..cst.nodes import dotted
from ..finding import Fix
from ..fixers.edits import registration_fix
from ..names import keras_path
from .base import Invalid, Rule


class UnregisteredCustomFunction(CallSites, Rule):
    """
    ## What it does
    Reports a module-level function of the project passed, without
    `@keras.saving.register_keras_serializable(...)`, where Keras saves it: as `loss=`,
    `metrics=[...]` or `weighted_metrics=[...]` of `compile()`, or as `activation=`,
    `recurrent_activation=`, `*_initializer=`, `*_regularizer=` or `*_constraint=` of a Keras layer
    (or of a project layer/model whose `get_config` saves that argument). The function may be
    defined in the same file or imported from another module of the project. Silent for registered
    functions (also through `get_custom_objects()` or a project decorator that registers, such as
    KerasHub's `keras_hub_export`), for Keras's own functions and strings, for functions of other
    packages, for functions with decorators it cannot judge, and for sub-layers built inside a
    custom layer or model class (Keras never saves their config).

    ## Why is this bad?
    Keras saves a function by its bare name and looks the name up on load among its built-ins and
    the registered objects. An unregistered function is found in neither, so a default load fails:
    `TypeError: Could not locate function 'my_loss'. Make sure custom classes and functions are
    decorated with @keras.saving.register_keras_serializable().` (for an initializer, regularizer or
    constraint: `Could not interpret initializer identifier`). Defining or importing the function
    in the loading script does not help; only `custom_objects=` does (or `compile=False` for
    `compile()` arguments, which loads the model uncompiled). Keras 2 (`.h5`): `ValueError: Unknown
    loss function: 'my_loss'`; a custom activation in a Keras 2 `.h5` file cannot be loaded at all.
    When the function's name is also a Keras built-in (`mish`, `dice`), the load silently uses
    Keras's function instead.

    ## Example
    ```python
    def dice_loss(y_true, y_pred):
        ...

    model.compile(optimizer="adam", loss=dice_loss)
    ```

    ## Use instead
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    def dice_loss(y_true, y_pred):
        ...

    model.compile(optimizer="adam", loss=dice_loss)
    ```

    ## Fix safety
    For an undecorated module-level `def` of the same file, the fix is safe: it adds
    `@keras.saving.register_keras_serializable(package="...")` above it (in the file's own spelling
    of Keras, importing it only if needed; `package` comes from the `package` setting, else the
    top-level package or module name). The function computes the same; the saved model names it
    `package>name`, which a loading script finds once it imports the module. No fix for functions
    of other modules, decorated ones (a wrapper would be registered under its own name), and those
    named like a Keras built-in: registered, they would no longer load silently as Keras's
    function but fail to load wherever the module is not imported, a silent problem turned into a
    load failure (rename them first).
    """

    code = "KL302"
    versioned_facts = ("register_in_keras_utils",)
    name = "unregistered-custom-function"
    summary = "unregistered project function passed as loss/metric/activation/...: the saved model cannot be loaded"
    severity = "error"
    help = "register the function with `@keras.saving.register_keras_serializable()`"
    triggers = TRIGGERS
    needs_project = True  # project functions and classes, wherever they are defined
    fix = "safe"

    VALID = [
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            def my_loss(y, p):
                return y - p
            model.compile(optimizer='adam', loss=my_loss)
        """,
        """
            from tensorflow.keras.utils import register_keras_serializable as reg
            from tensorflow.keras import layers
            @reg('p')
            def act(t):
                return t
            layers.Dense(3, activation=act)
        """,
        # registered through get_custom_objects
        """
            import keras
            def my_loss(y, p):
                return y - p
            keras.saving.get_custom_objects()['my_loss'] = my_loss
            model.compile(optimizer='adam', loss=my_loss)
        """,
        # a project decorator whose body registers
        """
            import keras
            def export(path):
                def wrap(symbol):
                    keras.saving.register_keras_serializable(package='p')(symbol)
                    return symbol
                return wrap
            @export('p.act')
            def act(t):
                return t
            keras.layers.Dense(3, activation=act)
        """,
        # the layer built into the registry is not saved (fixtures/KL302/good_custom_objects_key.py: a
        # function registered under its name as such a layer is found again too)
        """
            import keras
            def act(x):
                return x
            keras.saving.get_custom_objects()['act'] = keras.layers.Activation(act)
        """,
        # a decorator from elsewhere: it might register or replace the function
        """
            import keras
            from mylib import export
            @export('act')
            def act(t):
                return t
            keras.layers.Dense(3, activation=act)
        """,
        # Keras's own functions, other packages' functions, strings
        """
            import keras
            from keras.losses import mean_squared_error
            model.compile(optimizer='adam', loss=mean_squared_error)
        """,
        """
            import tensorflow as tf
            model.compile(optimizer='adam', loss=tf.keras.losses.huber, metrics=['mae'])
        """,
        """
            import keras
            from mylib import act
            keras.layers.Dense(3, activation=act)
        """,
        # not a compile() of Keras, not a Keras layer
        """
            def my_loss(y, p):
                return y - p
            model.compile(optimizer='adam', loss=my_loss)
        """,
        """
            import keras
            def my_loss(y, p):
                return y - p
            model.compile(my_loss)
        """,
        """
            import keras
            import torch
            def act(t):
                return t
            torch.nn.Linear(3, 3, activation=act)
        """,
        # a sub-layer of a custom layer is not saved
        """
            import keras
            def act(t):
                return t
            class Block(keras.layers.Layer):
                def build(self, shape):
                    self.d = keras.layers.Dense(3, activation=act)
        """,
        # a nested function or a lambda is KL301's finding
        """
            import keras
            def build():
                def act(t):
                    return t
                return keras.layers.Dense(3, activation=act)
        """,
        # rebound: not provably the def
        """
            import keras
            def act(t):
                return t
            act = keras.saving.register_keras_serializable()(act)
            keras.layers.Dense(3, activation=act)
        """,
    ]
    INVALID = [
        Invalid("""
            import keras
            def my_loss(y, p):
                return y - p
            model.compile(optimizer='adam', loss=my_loss)
        """,
                4, 33, "Could not locate function 'my_loss'",
                fixed="""
                    import keras
                    @keras.saving.register_keras_serializable(package='example')
                    def my_loss(y, p):
                        return y - p
                    model.compile(optimizer='adam', loss=my_loss)
                """),
        Invalid("""
            import tensorflow as tf
            def iou(y, p):
                return p
            model.compile(loss='mse', metrics=['mae', iou])
        """,
                4, 43, "`metrics=` of compile()",
                fixed="""
                    import tensorflow as tf
                    @tf.keras.utils.register_keras_serializable(package='example')
                    def iou(y, p):
                        return p
                    model.compile(loss='mse', metrics=['mae', iou])
                """),
        Invalid("""
            import keras
            def iou(y, p):
                return p
            model.compile(loss='mse', weighted_metrics={'out': [iou]})
        """,
                4, 53,
                fixed="""
                    import keras
                    @keras.saving.register_keras_serializable(package='example')
                    def iou(y, p):
                        return p
                    model.compile(loss='mse', weighted_metrics={'out': [iou]})
                """),
        Invalid("""
            from keras import layers
            def act(t):
                return t
            layers.Dense(3, activation=act)
        """, 4, 17,
            "`activation=` of `layers.Dense`",
            fixed="""
                from keras import layers
                from keras.saving import register_keras_serializable
                @register_keras_serializable(package="example")
                def act(t):
                    return t
                layers.Dense(3, activation=act)
            """),
        Invalid("""
            import keras
            def init(shape, dtype=None):
                return 0
            keras.layers.Conv1D(3, 3, bias_initializer=init)
        """,
                4, 27,
                fixed="""
                    import keras
                    @keras.saving.register_keras_serializable(package="example")
                    def init(shape, dtype=None):
                        return 0
                    keras.layers.Conv1D(3, 3, bias_initializer=init)
                """),
        Invalid("""
            import keras
            def act(t):
                return t
            keras.layers.Activation(act)
        """, 4, 25,
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                def act(t):
                    return t
                keras.layers.Activation(act)
            """),
        Invalid("""
            import tf_keras as keras
            def act(t):
                return t
            keras.layers.Dense(3, activation=act)
        """,
                4, 23, "Keras 2",
                fixed="""
                    import tf_keras as keras
                    @keras.utils.register_keras_serializable(package="example")
                    def act(t):
                        return t
                    keras.layers.Dense(3, activation=act)
                """),
        # the name of a Keras built-in: the load silently takes Keras's function
        Invalid("""
            import keras
            def mish(t):
                return t
            keras.layers.Dense(3, activation=mish)
        """, 4, 23, "silently"),
        # decorated with something of the project that does not register
        Invalid("""
            import keras
            def noop(f):
                return f
            @noop
            def act(t):
                return t
            keras.layers.Dense(3, activation=act)
        """,
                7, 23),
        # a sub-layer built in a plain (non-Keras) builder class is saved with the model
        Invalid("""
            import keras
            def act(t):
                return t
            class Builder:
                def build(self):
                    return keras.layers.Dense(3, activation=act)
        """, 6, 38,
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                def act(t):
                    return t
                class Builder:
                    def build(self):
                        return keras.layers.Dense(3, activation=act)
            """),
    ]

    def check_call(self, node: cst.Call) -> None:
        if not self.context.keras.holds("register_in_keras_utils"):
            return  # multi-backend Keras has nothing to register with (a load passes custom_objects: KL401)
        for site in self.saved_arguments(node):
            name = self.unregistered(site.value)
            if name is not None:
                self.report(site.node, self._message(name, site), self._fix(site))

    def _fix(self, site) -> Optional[Fix]:
        """Register a function defined at module level in this file, when it has no decorator (one
        that wraps it would get registered under the wrapper's name) and its name is not a Keras
        built-in's (registered, it would no longer load silently as Keras's function but fail to
        load wherever the module is not imported: a silent problem turned into a load failure)."""
        found = self.function_node(dotted(site.value), self.line_of(site.value))
        if found is None:
            return None
        node, _names, _module, scope, path = found
        if path != self.context.path or scope != "module" or node.decorator_list:
            return None
        if silently_swapped(node.name, site.keyword) or registration_key_may_be_taken(self, node.name, node.lineno):
            return None
        return registration_fix(self, node, f"register `{node.name}`")

    def unregistered(self, value: cst.BaseExpression) -> Optional[str]:
        """The function's name if `value` is a module-level project function that is provably not registered."""
        name = dotted(value)
        if name is None or name.split(".")[0] in ("self", "cls"):
            return None
        line = self.line_of(value)
        found = self.function_node(name, line)
        if found is None:
            return None
        node, names, module, scope, path = found
        if scope != "module":
            return None
        if keras_path(qualify(names, module, path, node.name, node.lineno)) is not None:
            return None  # Keras's own function (linting Keras's sources)
        if self.is_registered_function(node, names, module, path) is not False:
            return None
        return node.name

    def _message(self, name: str, site) -> str:
        what = f"unregistered function `{name}` passed as {site.place}"
        if silently_swapped(name, site.keyword):
            return (
                f"{what}: Keras saves only the name `{name}`, which is also a Keras built-in: the loaded model "
                f"silently uses Keras's `{name}` instead; rename it and register it with "
                "@keras.saving.register_keras_serializable()"
            )
        if self.context.keras_major == 2:
            if "activation" in site.keyword:
                consequence = "Keras 2 cannot load a custom activation from `.h5` at all, and `.keras` files need custom_objects"
            elif site.keyword in ("loss", "metrics", "weighted_metrics"):
                kind = "loss" if site.keyword == "loss" else "metric"
                consequence = f"Keras 2: load fails without custom_objects (\"Unknown {kind} function: '{name}'\")"
            else:
                consequence = "Keras 2 saves only its name, so a load needs custom_objects"
        else:
            consequence = f"Keras 3 saves only its name and {load_failure(name, site.keyword)}, even when the loader imports it"
        return f"{what}: {consequence}; register it with @keras.saving.register_keras_serializable()"
