from __future__ import annotations

from typing import Optional

from ..analysis import model_flow
from ..analysis.callable_sites import TRIGGERS, CallSites, load_failure, qualify, silently_swapped
from ..analysis.registration import registration_key_may_be_taken
from ..cst.lazy import cst
from ..cst.nodes import dotted
from ..finding import Fix
from ..fixers.edits import registration_fix
from ..keras_api import KERAS_LINES, VERSIONED_FACTS
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
    loss function: 'my_loss'`, and up to tf.keras 2.12 `Unknown activation function: 'my_act'` (and
    so on for initializers, regularizers, constraints), which custom_objects cures. From tf.keras
    2.13 (and in tf_keras) a `.h5` file stores a layer's function as a bare `'function'` that no
    load finds, given or registered: `Unknown activation function: 'function'` -- so there it also
    reports a *registered* function passed to a Keras layer of a model the project saves to `.h5`
    (keras-team/keras#20833; versioned fact `h5_loads_custom_layer_functions`). When the function's
    name is also a Keras built-in (`mish`, `dice`), the load silently uses Keras's function instead.

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
    versioned_facts = ("register_in_keras_utils", "h5_loads_custom_layer_functions")
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
        # registered, and the model is saved to `.keras`, which holds it (tf_keras)
        """
            import tf_keras as keras
            @keras.utils.register_keras_serializable(package="p")
            def act(t):
                return t
            inputs = keras.Input((3,))
            model = keras.Model(inputs, keras.layers.Dense(1, activation=act)(inputs))
            model.save("model.keras")
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
                4, 23, "tf_keras saves it to `.h5` as a bare 'function' that no load finds",
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
        # tf_keras (and tf.keras >= 2.13): a `.h5` file cannot hold a layer's function, registered or not
        Invalid("""
            import tf_keras as keras
            @keras.utils.register_keras_serializable(package="p")
            def act(t):
                return t
            inputs = keras.Input((3,))
            model = keras.Model(inputs, keras.layers.Dense(1, activation=act)(inputs))
            model.save("model.h5")
        """, 6, 51, "registered function `act` passed as `activation=` of `layers.Dense`, in the model line 7 of "
            "this file saves to `.h5`: tf_keras stores it in `.h5` as a bare 'function' that no load finds"),
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
            elif self._h5_refuses(site):
                self._report_registered(site)

    # -- tf.keras 2.13-2.15 and tf_keras: a `.h5` file cannot hold a layer's custom function -------------

    def _h5_refuses(self, site) -> bool:
        """Is `site` a function argument of a Keras layer that a `.h5` file of this Keras cannot hold
        (versioned fact h5_loads_custom_layer_functions, measured: tf.keras 2.13-2.15, tf_keras)?"""
        return (self.context.keras_major == 2 and _layer_function_kind(site) is not None
                and not self.context.keras.holds("h5_loads_custom_layer_functions"))

    def _report_registered(self, site) -> None:
        """A registered module-level project function passed to a Keras layer of a model the project
        saves to `.h5`: registration does not help there (keras-team/keras#20833)."""
        name = dotted(site.value)
        if name is None or name.split(".")[0] in ("self", "cls"):
            return
        found = self.function_node(name, self.line_of(site.value))
        if found is None:
            return
        node, names, module, scope, path = found
        if scope != "module" or self.is_registered_function(node, names, module, path) is not True:
            return
        function = self.context.project.find(qualify(names, module, path, node.name, node.lineno), "functions")
        if function is None:
            return
        holding, unshown = model_flow.h5_saves_passing(self.context.project, function.path, function.line)
        if holding:
            where = f"in the model {self.place(*holding[0])} saves to `.h5`"
        elif unshown:
            where = f"and {self.place(*unshown[0])} saves a model to `.h5`"
        else:
            return
        kind = _layer_function_kind(site)
        self.report(
            site.node,
            f"registered function `{node.name}` passed as {site.place}, {where}: "
            f"{_refusing_keras(self.context.keras.line)} stores it in `.h5` as a bare 'function' that no load finds, "
            "registered or given in custom_objects "
            f"(\"Unknown {kind}: 'function'\"); save the model to `.keras` instead",
        )

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
            kind = _layer_function_kind(site)
            if kind is not None and self._h5_refuses(site):
                # tf.keras 2.13-2.15, tf_keras (versioned fact h5_loads_custom_layer_functions)
                return (
                    f"{what}: {_refusing_keras(self.context.keras.line)} saves it to `.h5` as a bare 'function' that "
                    "no load finds, not even given "
                    f"custom_objects or registered (\"Unknown {kind}: 'function'\"), and a `.keras` file needs "
                    "custom_objects; register it with @keras.saving.register_keras_serializable() and save to `.keras`"
                )
            if kind is not None:  # tf.keras <= 2.12
                consequence = (f"{KERAS_LINES[self.context.keras.line]} saves only its name: a load fails without "
                               f"custom_objects (\"Unknown {kind}: '{name}'\")")
            elif site.keyword in ("loss", "metrics", "weighted_metrics"):
                kind = "loss" if site.keyword == "loss" else "metric"
                consequence = f"Keras 2: load fails without custom_objects (\"Unknown {kind} function: '{name}'\")"
            else:
                consequence = "Keras 2 saves only its name, so a load needs custom_objects"
        else:
            consequence = f"Keras 3 saves only its name and {load_failure(name, site.keyword)}, even when the loader imports it"
        return f"{what}: {consequence}; register it with @keras.saving.register_keras_serializable()"


def _refusing_keras(line: str) -> str:
    """The Keras 2 of `line` whose `.h5` cannot hold a layer's custom function, as a message says it
    ("tf.keras ≥ 2.13", "tf_keras"), from the versioned fact h5_loads_custom_layer_functions."""
    holds = VERSIONED_FACTS["h5_loads_custom_layer_functions"].get(line)
    if holds and holds.startswith("<="):
        major, minor = holds[2:].split(".")
        return f"{KERAS_LINES[line]} ≥ {major}.{int(minor) + 1}"
    return KERAS_LINES[line]


def _layer_function_kind(site) -> Optional[str]:
    """What Keras 2's error calls the function of a Keras layer's argument ("activation function",
    "initializer", ...); None for compile() arguments and for project layers, whose own get_config
    decides how the function is written."""
    if "`layers." not in site.place:
        return None
    keyword = site.keyword
    if "activation" in keyword:
        return "activation function"
    for suffix in ("initializer", "regularizer", "constraint"):
        if keyword.endswith(suffix):
            return suffix
    return None
