from __future__ import annotations

from ..analysis.keras_calls import lambda_layer_function
from ..analysis.statement_gates import calls_lambda_layer
from ..cst.lazy import cst
from ..fixers.lambda_layer import SiteTracker, rewrite
from .base import Invalid, Rule


class LambdaLayerPythonLambda(SiteTracker, Rule):
    """
    ## What it does
    Reports a Keras `Lambda` layer built from a Python `lambda` expression, passed positionally
    or as `function=`, or through a name whose only value is a `lambda`; also a lambda given as
    `output_shape=` or `mask=`, which Keras stores and refuses the same way (measured: the load
    fails even when `function` is a registered function). Silent inside the code of a class that
    may be a Keras layer or model (its base resolved across the project): such a Lambda is a
    sub-layer, which Keras never saves -- it saves the class's config, and the class's code builds
    the Lambda again on load (measured: loads with the default `safe_mode`).

    ## Why is this bad?
    Keras stores a Python lambda as marshalled bytecode. Keras 3 refuses to load it by default:
    `ValueError: Requested the deserialization of a Lambda layer whose function is a Python lambda.
    This carries a potential risk of arbitrary code execution and thus it is disallowed by default.`
    `custom_objects` cannot help; only `safe_mode=False`, which runs code from the file. Keras 2
    `.h5` files load it, but the bytecode breaks across Python versions, and a lambda that reads a
    module global silently takes the *loading* script's value of that global (outputs differ).

    ## Example
    ```python
    x = keras.layers.Lambda(lambda t: t * scale, name="scaled")(x)
    ```

    ## Use instead
    A registered `Layer` subclass whose `get_config` carries what the lambda captured:
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    class Scaled(keras.layers.Layer):
        def __init__(self, scale, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, t):
            return t * self.scale

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    x = Scaled(scale, name="scaled")(x)
    ```

    ## Fix safety
    The fix rewrites `Lambda(lambda ...)` into a module-level class inserted before the top-level
    statement holding the call, and a call of it that keeps the Lambda's other keywords (`name=`,
    `dtype=`, ...). The class subclasses the file's own spelling of `Layer` (a name the file already
    has, else an added import), is registered with `register_keras_serializable(package="...")` in
    the file's spelling -- the package is the file's module name (`my_project.blocks`), so that no
    two rewritten files register the same `package>Name` (on load both would become the last one) --
    and its `call` returns the lambda's body. Modules, imported names,
    module-level functions and classes, and builtins the body reads stay globals; the variables it
    reads (module constants, the enclosing function's variables), `arguments={...}` entries and the
    lambda's defaults become constructor arguments, stored on the layer and returned by
    `get_config` (a tuple is turned back into a tuple after loading). `output_shape=` becomes
    `compute_output_shape` (a tuple gets the input's batch size, as Lambda does), `mask=` becomes
    `compute_mask`, and a lambda naming `mask` or `training` gets them in `call`, as from Lambda.

    The fix is safe when every captured value is provably JSON-able: a number, string, bool, None,
    or a list or tuple of them, written in `arguments=` or as a default, or bound once (outside
    loops, before the Lambda) to a module constant or a local variable. It is unsafe when a captured
    value's type is unknown, e.g. a parameter of the enclosing function: it must be JSON-able for
    `get_config` to save it (the message names it). There is no fix, and the message says why, when
    the model could compute something else or the layer could not be saved: the lambda reads `self`,
    a variable that may change between building the layer and calling it (assigned in a loop, bound
    by `for`/`with` or an enclosing comprehension, declared `global`/`nonlocal`, assigned after the
    Lambda), a layer, model or tensor, a name that cannot be resolved, a nested function or a
    function-level import; nor for `*args` lambdas or a `function` that is not a lambda expression.
    The class is named after `name=`, the assigned variable or the enclosing function, unique in
    the module; the Lambdas of a file are rewritten in one pass, each class numbered past the names
    the ones before it took (`Scale`, `Scale2`).
    """

    code = "KL101"
    name = "lambda-layer-python-lambda"
    summary = "`Lambda` layer wraps a Python lambda: Keras refuses to load it without safe_mode=False"
    severity = "error"
    help = "replace the Lambda with a registered `keras.layers.Layer` subclass (`--fix` writes it)"
    triggers = ("Lambda",)
    needs_project = True  # is an enclosing class a Keras layer or model (its base may be in another file)?
    fix = "safe"
    versioned_facts = ("safe_mode_refuses_lambda", "register_in_keras_utils")

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        return calls_lambda_layer(statement, context)

    VALID = [
        """
            from keras import layers
            @keras.saving.register_keras_serializable()
            def f(x):
                return x
            layers.Lambda(f)
        """,
        """
            from tensorflow_probability import layers
            layers.DistributionLambda(lambda t: t)
        """,
        """
            class Lambda:
                pass
            Lambda(lambda t: t)
        """,
        """
            import mylib
            mylib.Lambda(lambda t: t)
        """,
        """
            def build(layers):
                return layers.Lambda(lambda t: t)
            from keras import layers
        """,
        # a sub-layer of a custom layer: Keras saves Block's config, Block's code builds the Lambda again
        # (a triage false positive; measured: loads with the default safe_mode)
        """
            import keras
            class Block(keras.layers.Layer):
                def build(self, shape):
                    self.inner = keras.layers.Lambda(lambda t: t * 2)
        """,
        # What the fix writes: a registered Layer subclass instead of the Lambda.
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            class Scaled(keras.layers.Layer):
                def call(self, t):
                    return t * 2
            y = Scaled(name='scaled')(x)
        """,
    ]
    INVALID = [
        # no fix where a comment in the call would be lost (it sits between arguments that move)
        Invalid("""
            import keras
            y = keras.layers.Lambda(
                lambda t: t,  # why
                output_shape=(4,),
            )(x)
        """, 2, 5,
            "the comment `# why` in the Lambda call would be lost"),
        Invalid("""
            import keras
            y = keras.layers.Lambda(lambda t: t * 2)(x)
        """, 2, 5, fixed="""
            import keras


            @keras.saving.register_keras_serializable(package="example")
            class Scale(keras.layers.Layer):
                def call(self, t):
                    return t * 2


            y = Scale()(x)
        """),
        Invalid("""
            import tensorflow as tf
            tf.keras.layers.Lambda(function=lambda t: t)
        """, 2, 1, fixed="""
            import tensorflow as tf


            @tf.keras.utils.register_keras_serializable(package="example")
            class LambdaLayer(tf.keras.layers.Layer):
                def call(self, t):
                    return t


            LambdaLayer()
        """),
        Invalid("""
            from tensorflow.keras import layers as L
            L.Lambda(lambda t: t)
        """, 2, 1, fixed="""
            from tensorflow.keras import layers as L
            from tensorflow.keras.utils import register_keras_serializable


            @register_keras_serializable(package="example")
            class LambdaLayer(L.Layer):
                def call(self, t):
                    return t


            LambdaLayer()
        """),
        Invalid("""
            from keras.layers import Lambda as Lam
            Lam(lambda t: t)
        """, 2, 1, fixed=(
            'from keras.layers import Layer, Lambda as Lam\n'  # LibCST's AddImportsVisitor merges it
            'from keras.saving import register_keras_serializable\n'
            '\n'
            '\n'
            '@register_keras_serializable(package="example")\n'
            'class LambdaLayer(Layer):\n'
            '    def call(self, t):\n'
            '        return t\n'
            '\n'
            '\n'
            'LambdaLayer()\n'
        )),
        Invalid("""
            import tensorflow.keras.layers as kl
            kl.Lambda(lambda t: t)
        """, 2, 1, fixed="""
            import tensorflow.keras.layers as kl
            from tensorflow.keras.utils import register_keras_serializable


            @register_keras_serializable(package="example")
            class LambdaLayer(kl.Layer):
                def call(self, t):
                    return t


            LambdaLayer()
        """),
        Invalid("""
            import tf_keras
            tf_keras.layers.Lambda(lambda t: t)
        """, 2, 1, 'Keras 2', fixed="""
            import tf_keras


            @tf_keras.utils.register_keras_serializable(package="example")
            class LambdaLayer(tf_keras.layers.Layer):
                def call(self, t):
                    return t


            LambdaLayer()
        """),
        Invalid("""
            from keras.src.layers.core.lambda_layer import Lambda
            Lambda(lambda t: t)
        """, 2, 1, fixed="""
            from keras.src.layers.core.lambda_layer import Lambda
            from keras.layers import Layer
            from keras.saving import register_keras_serializable


            @register_keras_serializable(package="example")
            class LambdaLayer(Layer):
                def call(self, t):
                    return t


            LambdaLayer()
        """),
        Invalid("""
            try:
                from tensorflow import keras
            except ImportError:
                import keras
            keras.layers.Lambda(lambda t: t)
        """, 5, 1, fixed="""
            try:
                from tensorflow import keras
            except ImportError:
                import keras


            @keras.utils.register_keras_serializable(package="example")
            class LambdaLayer(keras.layers.Layer):
                def call(self, t):
                    return t


            LambdaLayer()
        """),
        Invalid("""
            def build(x):
                from keras import layers
                return layers.Lambda(lambda t: t)(x)
        """, 3, 12, fixed="""
            from keras.layers import Layer
            from keras.saving import register_keras_serializable


            @register_keras_serializable(package="example")
            class BuildLambda(Layer):
                def call(self, t):
                    return t


            def build(x):
                from keras import layers
                return BuildLambda()(x)
        """),
        Invalid("""
            from keras import layers
            double = lambda t: t * 2
            layers.Lambda(double)
        """, 3, 1, '`double`'),
        Invalid("""
            import keras
            keras.layers.Lambda(f, output_shape=lambda s: s)
        """, 2, 1, 'output_shape'),
        Invalid("""
            import keras
            keras.layers.Lambda(f, None, lambda i, m: m)
        """, 2, 1, 'mask'),
        Invalid("""
            import keras

            SCALE = 0.5


            def build(x):
                return keras.layers.Lambda(lambda t: t * SCALE, name="scaled")(x)
        """, 7, 12, fixed="""
            import keras

            SCALE = 0.5


            @keras.saving.register_keras_serializable(package="example")
            class Scaled(keras.layers.Layer):
                def __init__(self, scale, **kwargs):
                    super().__init__(**kwargs)
                    self.scale = scale

                def call(self, t):
                    return t * self.scale

                def get_config(self):
                    return {**super().get_config(), "scale": self.scale}


            def build(x):
                return Scaled(SCALE, name="scaled")(x)
        """),
        Invalid("""
            import keras


            def build(x, factor):
                return keras.layers.Lambda(lambda t: t * factor)(x)
        """, 5, 12, '`factor` must be JSON-able', fixed="""
            import keras


            @keras.saving.register_keras_serializable(package="example")
            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor

                def call(self, t):
                    return t * self.factor

                def get_config(self):
                    return {**super().get_config(), "factor": self.factor}


            def build(x, factor):
                return Scale(factor)(x)
        """),
        Invalid("""
            from keras import layers

            product = layers.Lambda(lambda pair, k: pair[0] * pair[1] * k, arguments={"k": 2})([a, b])
        """, 3, 11, fixed="""
            from keras import layers
            from keras.saving import register_keras_serializable


            @register_keras_serializable(package="example")
            class Product(layers.Layer):
                def __init__(self, k, **kwargs):
                    super().__init__(**kwargs)
                    self.k = k

                def call(self, pair):
                    return pair[0] * pair[1] * self.k

                def get_config(self):
                    return {**super().get_config(), "k": self.k}


            product = Product(k=2)([a, b])
        """),
        Invalid("""
            import keras


            class Builder:
                def head(self, x):
                    return keras.layers.Lambda(lambda t: t * self.scale)(x)
        """, 6, 16, 'no automatic fix: the lambda reads `self`'),
        Invalid("""
            import keras


            def build(x):
                dense = keras.layers.Dense(4)
                return keras.layers.Lambda(lambda t: dense(t) * 2)(x)
        """, 6, 12, '`dense` is built by `keras.layers.Dense`'),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        what = self.once(node, "what", lambda: self._wrapped(node))  # (no versioned fact in it)
        if not what:
            return
        if self.context.keras_major == 2:
            refused = (", and `.keras` files refuse it" if self.context.keras.holds("safe_mode_refuses_lambda")
                       else "")  # tf.keras <= 2.12 writes `.keras` as HDF5, bytecode and all
            why = (
                "Keras 2 saves it as Python bytecode that breaks across Python versions and reads the loading "
                f"script's globals{refused}"
            )
        else:
            why = "Keras 3 refuses to load it unless safe_mode=False"
        if not self.context.keras.holds("register_in_keras_utils"):  # multi-backend Keras: nothing to register with
            self.report(node, f"Lambda layer wraps {what}: {why}; use a Layer subclass (passed to load_model's custom_objects)")
            return
        message = f"Lambda layer wraps {what}: {why}; use a registered Layer subclass"
        fix, caveat = self.once(node, "fix", lambda: rewrite(self, node, self.site_of(node)))
        if fix is None:
            message += f" (no automatic fix: {caveat})"
        elif caveat:
            message += f" (unsafe fix: {caveat})"
        self.report(node, message, fix)

    def _wrapped(self, node: cst.Call) -> str:
        """What the Lambda call wraps that is a Python lambda ("" when nothing, or when it is built in
        a custom layer/model: a sub-layer, built again by its code on load)."""
        if self.inside_keras_class():
            return ""
        wrapped = []
        for parameter in ("function", "output_shape", "mask"):
            value = lambda_layer_function(self, node, parameter)
            what = self._python_lambda(value) if value is not None else None
            if what:
                wrapped.append(what if parameter == "function" else f"{what} as {parameter}")
        return " and ".join(wrapped)

    def _python_lambda(self, value: cst.BaseExpression):
        if isinstance(value, cst.Lambda):
            return "a Python lambda"
        if isinstance(value, cst.Name):
            binding = self.names.binding(value.value, self.line_of(value))
            if binding is not None and binding.kind == "lambda":
                return f"`{value.value}`, a Python lambda"
        return None
