from __future__ import annotations

import ast
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
    severity = "error"
    help = "call the decorator: `@keras.saving.register_keras_serializable()`"
    triggers = ("register_keras_serializable",)

    VALID = [
        """
            import keras
            @keras.saving.register_keras_serializable()
            class A(keras.layers.Layer):
                pass
        """,
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            def f(x):
                return x
        """,
        """
            from keras.utils import register_keras_serializable as reg
            @reg('p', 'B')
            class A:
                pass
        """,
        # not Keras's decorator
        """
            from mylib import register_keras_serializable
            @register_keras_serializable
            class A:
                pass
        """,
        """
            def register_keras_serializable(cls):
                return cls
            @register_keras_serializable
            class A:
                pass
        """,
        # a call of the decorator, not a decorator
        """
            import keras
            class A(keras.layers.Layer):
                pass
            A = keras.saving.register_keras_serializable()(A)
        """,
    ]
    INVALID = [
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable
                class A(keras.layers.Layer):
                    pass
            """,
            2, 1, "TypeError",
        ),
        Invalid("""
            import keras
            @keras.utils.register_keras_serializable
            def f(x):
                return x
        """, 2, 1, "AttributeError"),
        Invalid(
            """
                import tensorflow as tf
                @tf.keras.utils.register_keras_serializable
                class A(tf.keras.layers.Layer):
                    pass
            """,
            2, 1, "class `A`",
        ),
        Invalid("""
            import tf_keras
            @tf_keras.utils.register_keras_serializable
            class A:
                pass
        """, 2, 1),
        Invalid("""
            from keras.saving import register_keras_serializable as reg
            @reg
            class A:
                pass
        """, 2, 1),
        Invalid(
            """
                try:
                    from tensorflow.keras.utils import register_keras_serializable
                except ImportError:
                    from keras.utils import register_keras_serializable
                @register_keras_serializable
                class A:
                    pass
            """,
            5, 1,
        ),
        # nested in a function, and among other decorators
        Invalid(
            """
                import keras
                import functools
                def build():
                    @functools.total_ordering
                    @keras.saving.register_keras_serializable
                    class A(keras.layers.Layer):
                        pass
                    return A
            """,
            5, 5,
        ),
    ]

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        """(Speed only.) Only a def or class with a decorator that is not a call can report."""
        return any(not isinstance(decorator, ast.Call) for node in ast.walk(statement)
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                   for decorator in node.decorator_list)

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
