import libcst as cst

from .base import Invalid, Rule
from .helpers import lambda_layer_function


class LambdaWithPythonLambda(Rule):
    """
    ## What it does
    Reports a Keras `Lambda` layer built from a Python `lambda` expression, passed positionally
    or as `function=`, or through a name whose only value is a `lambda`; also a lambda given as
    `output_shape=` or `mask=`, which Keras stores and refuses the same way (measured: the load
    fails even when `function` is a registered function).

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
    No automatic fix yet.
    """

    code = "KL101"
    name = "lambda-layer-python-lambda"
    summary = "`Lambda` layer wraps a Python lambda: Keras refuses to load it without safe_mode=False"
    triggers = ("Lambda",)

    VALID = [
        "from keras import layers\n@keras.saving.register_keras_serializable()\ndef f(x):\n    return x\nlayers.Lambda(f)\n",
        "from tensorflow_probability import layers\nlayers.DistributionLambda(lambda t: t)\n",
        "class Lambda:\n    pass\nLambda(lambda t: t)\n",
        "import mylib\nmylib.Lambda(lambda t: t)\n",
        "def build(layers):\n    return layers.Lambda(lambda t: t)\nfrom keras import layers\n",
    ]
    INVALID = [
        Invalid("import keras\ny = keras.layers.Lambda(lambda t: t * 2)(x)\n", 2, 5),
        Invalid("import tensorflow as tf\ntf.keras.layers.Lambda(function=lambda t: t)\n", 2, 1),
        Invalid("from tensorflow.keras import layers as L\nL.Lambda(lambda t: t)\n", 2, 1),
        Invalid("from keras.layers import Lambda as Lam\nLam(lambda t: t)\n", 2, 1),
        Invalid("import tensorflow.keras.layers as kl\nkl.Lambda(lambda t: t)\n", 2, 1),
        Invalid("import tf_keras\ntf_keras.layers.Lambda(lambda t: t)\n", 2, 1, "Keras 2"),
        Invalid("from keras.src.layers.core.lambda_layer import Lambda\nLambda(lambda t: t)\n", 2, 1),
        Invalid("try:\n    from tensorflow import keras\nexcept ImportError:\n    import keras\nkeras.layers.Lambda(lambda t: t)\n", 5, 1),
        Invalid("def build(x):\n    from keras import layers\n    return layers.Lambda(lambda t: t)(x)\n", 3, 12),
        Invalid("from keras import layers\ndouble = lambda t: t * 2\nlayers.Lambda(double)\n", 3, 1, "`double`"),
        Invalid("import keras\nkeras.layers.Lambda(f, output_shape=lambda s: s)\n", 2, 1, "output_shape"),
        Invalid("import keras\nkeras.layers.Lambda(f, None, lambda i, m: m)\n", 2, 1, "mask"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        wrapped = []
        for parameter in ("function", "output_shape", "mask"):
            value = lambda_layer_function(self, node, parameter)
            what = self._python_lambda(value) if value is not None else None
            if what:
                wrapped.append(what if parameter == "function" else f"{what} as {parameter}")
        if not wrapped:
            return
        what = " and ".join(wrapped)
        if self.context.keras_major == 2:
            why = (
                "Keras 2 saves it as Python bytecode that breaks across Python versions, reads the loading "
                "script's globals, and `.keras` files refuse it"
            )
        else:
            why = "Keras 3 refuses to load it unless safe_mode=False"
        self.report(node, f"Lambda layer wraps {what}: {why}; use a registered Layer subclass")

    def _python_lambda(self, value: cst.BaseExpression):
        if isinstance(value, cst.Lambda):
            return "a Python lambda"
        if isinstance(value, cst.Name):
            binding = self.names.binding(value.value, self.line_of(value))
            if binding is not None and binding.kind == "lambda":
                return f"`{value.value}`, a Python lambda"
        return None
