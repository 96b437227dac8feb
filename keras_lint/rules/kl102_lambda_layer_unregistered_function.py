from __future__ import annotations

import ast
import dataclasses
from typing import Optional

from ..analysis.keras_calls import lambda_layer_function
from ..analysis.registration import is_registration, registration_key_may_be_taken
from ..analysis.statement_gates import calls_lambda_layer
from ..cst.lazy import cst
from ..cst.nodes import dotted
from ..finding import Fix
from ..fixers.edits import registration_fix
from ..fixers.lambda_layer import SiteTracker, rewrite_function
from ..keras_api import BUILTIN_MODULES, KERAS_BUILTIN_FUNCTION_NAMES, SAME_AS_BUILTIN
from ..names import dotted_name, keras_path
from .base import Invalid, Rule

# Lambda passes `mask=`/`training=` to its function when `inspect.getfullargspec` finds them in its
# parameters. A class calling the function passes neither, so its fix is safe only for functions known
# not to name them -- measured on Keras 3.15.1 / TF 2.21: every `keras.ops` function but these (which do name
# them: no fix), every `keras.applications.<model>.preprocess_input`, the functions of `tf` but these, and
# of these `tf.` modules.
OPS_NAMING_MASK_OR_TRAINING = frozenset({"dot_product_attention"})
TF_NAMING_MASK_OR_TRAINING = frozenset({"boolean_mask"})
TF_FUNCTION_MODULES = frozenset("math image nn strings linalg signal random bitwise".split())
UNKNOWN_SIGNATURE = "the function's signature is unknown: Lambda passed mask/training to it if it names them"


class LambdaLayerUnregisteredFunction(SiteTracker, Rule):
    """
    ## What it does
    Reports a Keras `Lambda` layer built from a named function that Keras cannot find again when
    the model is loaded: a module-level `def` without `@register_keras_serializable(...)`, a nested
    function, a method, or an imported function (including Keras's own API functions such as
    `keras.applications.inception_v3.preprocess_input`). Silent for a function registered in the
    same file or (under the CLI, which sees the whole project) in the project module it is imported
    from, for Keras built-ins that Keras looks up by name (`keras.activations.relu`, and functions
    such as `keras.ops.relu` measured to reload as an equal built-in), and for anything it cannot
    resolve (a parameter, a call's result), and inside the code of a class that may be a Keras
    layer or model (a sub-layer, never saved: see KL101). A function saved by a built-in's name that reloads as a
    *different* built-in (`keras.ops.gelu` comes back as `keras.activations.gelu`, whose
    `approximate` default differs) is reported: the outputs silently change.

    ## Why is this bad?
    Keras 3 saves only the function's name (`{"module": "builtins", "config": "my_fn"}`), so the
    loader cannot find it, not even when the loading script defines or imports the same function:
    `TypeError: Could not locate function 'my_fn'. Make sure custom classes and functions are
    decorated with @keras.saving.register_keras_serializable().` Only `custom_objects=` or a
    registration made when the model was saved work. Keras 2 (tf_keras) saves any Python function
    as bytecode, as it saves a lambda: `.keras` files refuse it without `safe_mode=False`, however
    it is registered, and `.h5` files tie it to the Python version (the message says so; there the
    registration fix is not offered, the Layer subclass one is). A *bound method* of the enclosing
    class (`Lambda(self.method)`, a def or a classmethod of that class) is no plain function: Keras 2
    saves it by its name only, and a load fails unless custom_objects maps that name to a function
    (`.h5`: `AttributeError: 'NoneType' object has no attribute 'get'`, keras-team/keras#13992;
    tf.keras >= 2.13 `.keras`: `TypeError: unsupported callable`); Keras 3 saves it as a `method` that
    no load rebuilds. Measured on TF 2.2.3, 2.8.4, 2.10.1, 2.13.1, 2.15.1, tf_keras 2.21,
    multi-backend Keras 2.3.1, Keras 3.6.0 and 3.15.1 (tests/test_keras_proof_lambda_method.py).

    ## Example
    ```python
    def normalize(t):
        return t / 255.0

    x = keras.layers.Lambda(normalize)(x)
    ```

    ## Use instead
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    def normalize(t):
        return t / 255.0

    x = keras.layers.Lambda(normalize)(x)
    ```

    ## Fix safety
    For a module-level `def` of the same file, the fix is safe: it adds
    `@keras.saving.register_keras_serializable(package="...")` above the function (in the file's own
    spelling of Keras, importing it only if needed; `package` comes from the `package` setting, else
    the top-level package or module name). The function computes the same; the saved model now names
    it `package>name`, which a loading script finds once it imports the module.

    For an imported function `f` (also one that reloads as a different built-in), the fix rewrites the
    Lambda as KL101's fix rewrites `Lambda(lambda inputs: f(inputs))`: a registered `Layer` subclass,
    inserted before the top-level statement holding the call, whose `call(self, inputs)` returns
    `f(inputs)` (`f` stays a global, read by name: the loading script imports it with the module).
    `arguments={...}` entries become constructor arguments passed on to `f` as keywords and returned
    by `get_config`; `output_shape=`, `mask=` and the other keywords (`name=`, ...) are handled as by
    KL101's fix. Lambda also passes `mask=`/`training=` to a function whose signature names them, the
    class does not: the fix is safe only for functions measured not to name them (`keras.ops.*` but
    `dot_product_attention`, `keras.applications.*.preprocess_input`, `tf.*` but `tf.boolean_mask`, and
    `tf.math`, `tf.image`, `tf.nn`, `tf.strings`, `tf.linalg`, `tf.signal`, `tf.random`, `tf.bitwise`
    functions) and when KL101's fix would be safe. For other functions (a project's, a library's) the
    signature is unknown and the fix is unsafe, as it is when KL101's would be (the message says why).
    There is no automatic fix for the two functions measured to name `mask`, nor for nested functions
    and methods, which may capture state, nor for functions imported inside a function.
    """

    code = "KL102"
    versioned_facts = ("safe_mode_refuses_lambda", "register_in_keras_utils", "keras_suffix_writes_zip")
    name = "lambda-layer-unregistered-function"
    summary = "`Lambda` layer wraps a named function that is not registered: load cannot find it"
    severity = "error"
    help = "register the function with `@keras.saving.register_keras_serializable()`, or use a Layer subclass"
    triggers = ("Lambda",)
    needs_project = True  # is an enclosing class a Keras layer or model (its base may be in another file)?
    fix = "safe"

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        return calls_lambda_layer(statement, context)

    VALID = [
        """
            import keras
            @keras.saving.register_keras_serializable()
            def f(t):
                return t
            keras.layers.Lambda(f)
        """,
        """
            from tensorflow.keras.utils import register_keras_serializable as reg
            from tensorflow.keras.layers import Lambda
            @reg(package='p')
            def f(t):
                return t
            Lambda(f)
        """,
        """
            import keras
            keras.layers.Lambda(keras.activations.relu)
        """,
        """
            import keras
            def build(fn):
                return keras.layers.Lambda(fn)
        """,
        """
            import keras
            keras.layers.Lambda(make_fn())
        """,
        """
            import mylib
            def f(t):
                return t
            mylib.Lambda(f)
        """,
        # a sub-layer of a custom model, built again by its code on load (a triage false positive)
        """
            import keras
            def f(t):
                return t
            class Net(keras.Model):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.head = keras.layers.Lambda(f)
        """,
        """
            import keras
            keras.layers.Lambda(keras.ops.relu)
        """,  # reloads as the equal built-in `relu`
        # What the fix for an imported function writes: a registered Layer subclass calling it.
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            class Sum(keras.layers.Layer):
                def call(self, inputs):
                    return keras.ops.sum(inputs)
            y = Sum()(x)
        """,
    ]
    INVALID = [
        Invalid(
            """
                import keras
                def f(t):
                    return t
                keras.layers.Lambda(f)
            """, 4, 1, "module-level function `f`",
            fixed="""
                import keras
                @keras.saving.register_keras_serializable(package="example")
                def f(t):
                    return t
                keras.layers.Lambda(f)
            """,
        ),
        Invalid("""
            import keras
            def build():
                def f(t):
                    return t
                return keras.layers.Lambda(f)
        """, 5, 12, "nested"),
        Invalid("""
            import keras
            class B:
                def build(self):
                    return keras.layers.Lambda(self.f)
        """, 4, 16, "method"),
        # a bound method (keras-team/keras#13992): saved by name only, in Keras 2 too (not as bytecode)
        Invalid("""
            import tf_keras as keras
            class Architecture:
                def custom_layer(self, x):
                    return x
                def gen(self):
                    return keras.layers.Lambda(self.custom_layer)
        """, 6, 16,
            "Lambda layer wraps the bound method `self.custom_layer`: Keras 2 saves a method by its name only, not as "
            "bytecode, and a load fails unless custom_objects maps `custom_layer` to a function (`.h5`: "
            "\"AttributeError: 'NoneType' object has no attribute 'get'\"; a `.keras` file: \"TypeError: unsupported "
            "callable\", safe_mode=False does not help); call it from a Layer subclass"),
        Invalid("""
            import keras
            class Architecture:
                @classmethod
                def custom_layer(cls, x):
                    return x
                def gen(self):
                    return keras.layers.Lambda(self.custom_layer)
        """, 7, 16,
            "Lambda layer wraps the bound method `self.custom_layer`: Keras saves it as a `method` that no load "
            "rebuilds, custom_objects and safe_mode=False included"),
        # a staticmethod is a plain function: tf_keras saves its bytecode
        Invalid("""
            import tf_keras as keras
            class Architecture:
                @staticmethod
                def custom_layer(x):
                    return x
                def gen(self):
                    return keras.layers.Lambda(self.custom_layer)
        """, 7, 16, "the function `self.custom_layer`: Keras 2 saves it as Python bytecode"),
        # Keras 2 saves the function as bytecode: registering would not help, so no registration fix
        Invalid("""
            import tf_keras
            def f(t):
                return t
            tf_keras.layers.Lambda(f)
        """, 4, 1,
            "Keras 2 saves it as Python bytecode, as it saves a lambda"),
        Invalid("""
            import keras
            from mylib import f
            keras.layers.Lambda(function=f)
        """, 3, 1,
            "imported function `f`: Keras saves only its name and cannot find it on load (\"Could not locate "
            "function\"); register it where it is defined, or call it from a registered Layer subclass "
            "(unsafe fix: the function's signature is unknown", fixed="""
                import keras
                from mylib import f


                @keras.saving.register_keras_serializable(package="example")
                class LambdaLayer(keras.layers.Layer):
                    def call(self, inputs):
                        return f(inputs)


                LambdaLayer()
            """),
        Invalid("""
            import keras
            keras.layers.Lambda(keras.applications.inception_v3.preprocess_input)
        """, 2, 1, fixed="""
            import keras


            @keras.saving.register_keras_serializable(package="example")
            class PreprocessInput(keras.layers.Layer):
                def call(self, inputs):
                    return keras.applications.inception_v3.preprocess_input(inputs)


            PreprocessInput()
        """),
        Invalid("""
            import keras
            keras.layers.Lambda(keras.ops.sum)
        """, 2, 1, fixed="""
            import keras


            @keras.saving.register_keras_serializable(package="example")
            class Sum(keras.layers.Layer):
                def call(self, inputs):
                    return keras.ops.sum(inputs)


            Sum()
        """),
        Invalid("""
            import keras
            keras.layers.Lambda(keras.ops.gelu)
        """, 2, 1, "Keras's built-in `gelu`", fixed="""
            import keras


            @keras.saving.register_keras_serializable(package="example")
            class Gelu(keras.layers.Layer):
                def call(self, inputs):
                    return keras.ops.gelu(inputs)


            Gelu()
        """),
        Invalid("""
            import keras


            def build(x):
                return keras.layers.Lambda(keras.ops.sum, arguments={"axis": -1, "keepdims": True}, name="total")(x)
        """, 5, 12, fixed="""
            import keras


            @keras.saving.register_keras_serializable(package="example")
            class Total(keras.layers.Layer):
                def __init__(self, axis, keepdims, **kwargs):
                    super().__init__(**kwargs)
                    self.axis = axis
                    self.keepdims = keepdims

                def call(self, inputs):
                    return keras.ops.sum(inputs, axis=self.axis, keepdims=self.keepdims)

                def get_config(self):
                    return {**super().get_config(), "axis": self.axis, "keepdims": self.keepdims}


            def build(x):
                return Total(axis=-1, keepdims=True, name="total")(x)
        """),
        Invalid("""
            import tensorflow as tf

            y = tf.keras.layers.Lambda(tf.image.resize, arguments={"size": (8, 8)}, output_shape=(8, 8, 3))(x)
        """, 3, 5, fixed="""
            import tensorflow as tf


            @tf.keras.utils.register_keras_serializable(package="example")
            class Resize(tf.keras.layers.Layer):
                def __init__(self, size, **kwargs):
                    super().__init__(**kwargs)
                    self.size = tuple(size)

                def call(self, inputs):
                    return tf.image.resize(inputs, size=self.size)

                def compute_output_shape(self, input_shape):
                    first = input_shape
                    # several inputs: the batch size of the first one
                    while isinstance(first[0], (tuple, list)):
                        first = first[0]
                    return (first[0], 8, 8, 3)

                def get_config(self):
                    return {**super().get_config(), "size": self.size}


            y = Resize(size=(8, 8))(x)
        """),
        Invalid("""
            import keras
            def build(x):
                from keras import ops
                return keras.layers.Lambda(ops.sum)(x)
        """,
                4, 12, "(no automatic fix: `ops` is defined or imported inside the function)"),
        Invalid("""
            import keras
            keras.layers.Lambda(keras.ops.dot_product_attention)
        """, 2, 1,
            "no automatic fix: Lambda passes `mask`/`training` to `keras.ops.dot_product_attention`"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        function = lambda_layer_function(self, node)
        if function is None:
            return
        if self.inside_keras_class():
            return  # a sub-layer of a custom layer/model: built again by its code on load
        found = self._problem(function)
        if found is None:
            return
        kind, problem, qualified = found
        keras2 = self.context.keras_major == 2
        if kind == "bound method":
            self.report(node, self._bound_method_message(problem, dotted(function).split(".")[-1]))
            return
        if keras2:
            # tf_keras saves every Python function as bytecode, as it saves a lambda (measured, S2)
            refused = ("`.keras` files refuse to load it (registering it does not help) and "
                       if self.context.keras.holds("safe_mode_refuses_lambda") else "")  # tf.keras >= 2.13, tf_keras
            registered = "a registered" if self.context.keras.holds("register_in_keras_utils") else "a"
            message = (
                f"Lambda layer wraps {problem or f'`{dotted(function)}`'}: Keras 2 saves it as Python bytecode, as "
                f"it saves a lambda: {refused}`.h5` ties it to this Python version; call it from {registered} Layer subclass"
            )
        elif kind == "silently different":
            name = dotted(function).rsplit(".", 1)[-1]
            message = (
                f"Lambda layer wraps `{dotted(function)}`: Keras saves only the name `{name}`, which reloads as "
                f"Keras's built-in `{name}`, a different function -- outputs silently change; "
                "call it from a registered Layer subclass"
            )
        else:
            advice = (
                "register it where it is defined, or call it from a registered Layer subclass" if kind == "imported"
                else "register it with @keras.saving.register_keras_serializable()"
            )
            message = (
                f"Lambda layer wraps {problem}: Keras saves only its name and cannot find it on load "
                f"(\"Could not locate function\"); {advice}"
            )
        if kind == "local":
            self.report(node, message, None if keras2 else self._fix(function))
            return
        if not self.context.keras.holds("register_in_keras_utils"):
            self.report(node, message)  # multi-backend Keras: the fix's registered Layer cannot be registered
            return
        fix, note = self._wrap(node, dotted(function), qualified)
        self.report(node, f"{message} ({note})" if note else message, fix)

    def _bound_method_message(self, problem: str, attribute: str) -> str:
        """A bound method is no plain function: Keras 2 saves it by name only (not as bytecode), Keras 3
        as a `method` it cannot rebuild (measured: TF 2.2.3, 2.8.4, 2.10.1, 2.13.1, 2.15.1, tf_keras
        2.21, multi-backend Keras 2.3.1; Keras 3.6.0 and 3.15.1; keras-team/keras#13992)."""
        if self.context.keras_major == 2:
            keras_file = ("; a `.keras` file: \"TypeError: unsupported callable\", safe_mode=False does not help"
                          if self.context.keras.holds("keras_suffix_writes_zip") else "")  # tf.keras >= 2.13, tf_keras
            return (
                f"Lambda layer wraps {problem}: Keras 2 saves a method by its name only, not as bytecode, and a load "
                f"fails unless custom_objects maps `{attribute}` to a function (`.h5`: \"AttributeError: 'NoneType' "
                f"object has no attribute 'get'\"{keras_file}); call it from a Layer subclass"
            )
        return (
            f"Lambda layer wraps {problem}: Keras saves it as a `method` that no load rebuilds, custom_objects and "
            "safe_mode=False included (`.keras`: \"could not be deserialized properly\"); call it from a registered "
            "Layer subclass"
        )

    def _wrap(self, node: cst.Call, name: str, qualified: str) -> tuple:
        """KL101's rewrite, the class calling the imported function: (fix, note for the message)."""
        signature = _signature(qualified)
        if signature == "names mask or training":
            return None, f"no automatic fix: Lambda passes `mask`/`training` to `{name}`, a class would not"
        fix, caveat = rewrite_function(self, node, self.site_of(node))
        if fix is None:
            return None, f"no automatic fix: {caveat}"
        if signature == "plain":
            return fix, f"unsafe fix: {caveat}" if caveat else ""
        caveat = "; ".join(c for c in (UNKNOWN_SIGNATURE, caveat) if c)
        title = fix.title.split(" (", 1)[0]  # without the rewrite's own caveat, given again here
        return dataclasses.replace(fix, safety="unsafe", title=f"{title} ({caveat})"), f"unsafe fix: {caveat}"

    def _fix(self, function: cst.BaseExpression) -> Optional[Fix]:
        if not isinstance(function, cst.Name):
            return None
        binding = self.names.binding(function.value, self.line_of(function))
        if binding is None or binding.kind != "def" or binding.scope != "module":
            return None
        if registration_key_may_be_taken(self, function.value, binding.node.lineno):
            return None  # `package>name` could be registered twice: on load both become one
        return registration_fix(self, binding.node, f"register `{function.value}`")

    def _bound_method(self, name: str) -> Optional[bool]:
        """Is `self.f` / `cls.f` a bound method of the enclosing class (a def without decorator or a
        classmethod; for `cls.`, a classmethod), False a plain function (a staticmethod; a plain def
        read through `cls`), None when the class body does not say (inherited, an attribute, ...)."""
        parts = name.split(".")
        if len(parts) != 2 or not self._classes:
            return None
        decorators = _method_decorators(self._classes[-1], parts[1])
        if decorators is None or not decorators <= {"staticmethod", "classmethod"}:
            return None
        if "staticmethod" in decorators:
            return False
        return "classmethod" in decorators or parts[0] == "self"

    def _problem(self, function: cst.BaseExpression) -> Optional[tuple]:
        """(kind, what the function is, its qualified name): kind "local" for a def of this file
        (or a method), "imported", or "silently different"; None when Keras finds it again."""
        line = self.line_of(function)
        name = dotted(function)
        if name is None:
            return None
        head = name.split(".")[0]
        if head in ("self", "cls") and "." in name:
            bound = self._bound_method(name)
            if bound is True:
                return "bound method", f"the bound method `{name}`", None
            if bound is False:  # a staticmethod, or `cls.f` of a plain def: a plain function
                return "local", f"the function `{name}`", None
            return "local", f"the method `{name}`", None
        binding = self.names.binding(head, line)
        if binding is None:
            return None
        if binding.kind == "def" and "." not in name:
            if binding.scope == "module":
                if any(_registered(self.names, d) for d in binding.node.decorator_list):
                    return None
                return "local", f"the module-level function `{name}`, which is not registered", None
            return "local", f"the {'nested function' if binding.scope == 'function' else 'method'} `{name}`", None
        if binding.kind in ("import", "alias"):
            qualified = self.qualified(name, line)
            if qualified is None:
                return None
            project_function = self.context.project.find(qualified, "functions")
            if project_function is not None and project_function.registration is not None:
                return None  # registered where it is defined
            path = keras_path(qualified)
            if path is not None and path.split(".")[0] in BUILTIN_MODULES:
                return None  # Keras finds its own built-ins by name
            symbol = qualified.rsplit(".", 1)[-1]
            if (path is not None or qualified.split(".")[0] == "tensorflow") and symbol in KERAS_BUILTIN_FUNCTION_NAMES:
                return None if symbol in SAME_AS_BUILTIN else ("silently different", None, qualified)
            return "imported", f"the imported function `{name}`", qualified
        return None


def _method_decorators(node: cst.ClassDef, attribute: str) -> Optional[set]:
    """The plain decorator names of the def named `attribute` in the class body; None when the body
    does not define it exactly once."""
    found = [item for item in node.body.body if isinstance(item, cst.FunctionDef) and item.name.value == attribute]
    if len(found) != 1:
        return None
    return {dotted(d.decorator) or "?" for d in found[0].decorators}


def _signature(qualified: str) -> str:
    """"plain" for a Keras or TF function measured not to name `mask` or `training`, "names mask or
    training" for one measured to, "unknown" for any other."""
    symbol = qualified.rsplit(".", 1)[-1]
    path = keras_path(qualified)
    parts = path.split(".") if path is not None else qualified.split(".")
    if path is not None and parts[0] == "ops":
        return "names mask or training" if symbol in OPS_NAMING_MASK_OR_TRAINING else "plain"
    if path is not None:
        return "plain" if len(parts) == 3 and parts[0] == "applications" and symbol == "preprocess_input" else "unknown"
    if parts[0] != "tensorflow" or not symbol[:1].islower():  # a class: its __init__'s parameters count
        return "unknown"
    if len(parts) == 2 and symbol in TF_NAMING_MASK_OR_TRAINING:
        return "names mask or training"
    return "plain" if len(parts) == 2 or (len(parts) == 3 and parts[1] in TF_FUNCTION_MODULES) else "unknown"


def _registered(names, decorator: ast.expr) -> bool:
    # `@register_keras_serializable` without a call is KL209's finding, not this rule's.
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return is_registration(names, dotted_name(target), decorator.lineno)
