from __future__ import annotations

from typing import Union

from ..analysis.registration import is_registration
from ..cst.lazy import cst
from ..cst.nodes import dotted
from .base import Invalid, Rule


class RegistrationDecoratorWithoutCall(Rule):
    """
    ## What it does
    Reports `@register_keras_serializable` written without parentheses, in any spelling
    (`keras.saving.`, `keras.utils.`, `tf.keras.utils.`, `tf_keras.utils.`, imported under another
    name), on a class or a function.

    ## Why is this bad?
    `register_keras_serializable(package="Custom", name=None)` is a decorator *factory*. Without the
    call, Python passes the class to it as `package` and binds the class's name to the factory's
    inner function: nothing is registered and the class is gone. Its first use fails, e.g.
    `MyLayer()` raises `TypeError: register_keras_serializable.<locals>.decorator() missing 1
    required positional argument: 'arg'`, and `MyLayer(units=4)` raises `TypeError: ... got an
    unexpected keyword argument 'units'`. A decorated function `f` fares no better: `f(x)` runs
    the decorator on `x` (`AttributeError: ... object has no attribute '__name__'`).

    ## Example
    ```python
    @keras.saving.register_keras_serializable
    class Scale(keras.layers.Layer):
        ...
    ```

    ## Use instead
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    class Scale(keras.layers.Layer):
        ...
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL209"
    name = "registration-decorator-without-call"
    summary = "`@register_keras_serializable` without parentheses replaces the class by the decorator's inner function"
    triggers = ("register_keras_serializable",)

    VALID = [
        "import keras\n@keras.saving.register_keras_serializable()\nclass A(keras.layers.Layer):\n    pass\n",
        "import keras\n@keras.saving.register_keras_serializable(package='p')\ndef f(x):\n    return x\n",
        "from keras.utils import register_keras_serializable as reg\n@reg('p', 'B')\nclass A:\n    pass\n",
        # not Keras's decorator
        "from mylib import register_keras_serializable\n@register_keras_serializable\nclass A:\n    pass\n",
        "def register_keras_serializable(cls):\n    return cls\n@register_keras_serializable\nclass A:\n    pass\n",
        # a call of the decorator, not a decorator
        "import keras\nclass A(keras.layers.Layer):\n    pass\nA = keras.saving.register_keras_serializable()(A)\n",
    ]
    INVALID = [
        Invalid(
            "import keras\n@keras.saving.register_keras_serializable\nclass A(keras.layers.Layer):\n    pass\n",
            2, 1, "TypeError",
        ),
        Invalid("import keras\n@keras.utils.register_keras_serializable\ndef f(x):\n    return x\n", 2, 1, "AttributeError"),
        Invalid(
            "import tensorflow as tf\n@tf.keras.utils.register_keras_serializable\nclass A(tf.keras.layers.Layer):\n"
            "    pass\n",
            2, 1, "class `A`",
        ),
        Invalid("import tf_keras\n@tf_keras.utils.register_keras_serializable\nclass A:\n    pass\n", 2, 1),
        Invalid("from keras.saving import register_keras_serializable as reg\n@reg\nclass A:\n    pass\n", 2, 1),
        Invalid(
            "try:\n    from tensorflow.keras.utils import register_keras_serializable\nexcept ImportError:\n"
            "    from keras.utils import register_keras_serializable\n"
            "@register_keras_serializable\nclass A:\n    pass\n",
            5, 1,
        ),
        # nested in a function, and among other decorators
        Invalid(
            "import keras\nimport functools\ndef build():\n    @functools.total_ordering\n"
            "    @keras.saving.register_keras_serializable\n    class A(keras.layers.Layer):\n        pass\n    return A\n",
            5, 5,
        ),
    ]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._check(node, "class")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._check(node, "function")

    def _check(self, node: Union[cst.ClassDef, cst.FunctionDef], what: str) -> None:
        for decorator in node.decorators:
            expression = decorator.decorator
            if isinstance(expression, cst.Call):
                continue
            if not is_registration(self.names, dotted(expression), self.line_of(decorator)):
                continue
            name = node.name.value
            if what == "class":
                failure = (
                    f"`{name}(...)` raises (\"TypeError: register_keras_serializable.<locals>.decorator() missing 1 "
                    "required positional argument: 'arg'\" or \"got an unexpected keyword argument\")"
                )
            else:
                failure = f"`{name}(x)` raises (\"AttributeError: ... object has no attribute '__name__'\")"
            self.report(
                decorator,
                f"`@{dotted(expression)}` without parentheses registers nothing and replaces the {what} `{name}` "
                f"by the decorator's inner function: {failure}; call it: `@register_keras_serializable(package=...)`",
            )
