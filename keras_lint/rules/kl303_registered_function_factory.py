from __future__ import annotations

import ast
from typing import Optional

from ..analysis.registration import is_registration
from ..cst.lazy import cst
from ..cst.nodes import dotted
from ..index.ast_questions import LAMBDA, returned_inner_name
from ..keras_api import KERAS_KEYWORD_NAMES
from .base import Invalid, Rule


class RegisteredFunctionFactory(Rule):
    """
    ## What it does
    Reports `@register_keras_serializable(...)` (any spelling: `keras.saving`, `keras.utils`,
    `tf.keras.utils`, aliased) on a function that defines an inner function and returns it, or
    returns a lambda: a loss, metric or activation *factory* such as `focal_loss(gamma)`. Silent when
    the inner function is itself decorated (registered inside the factory), and for registered
    functions that only use an inner helper.

    ## Why is this bad?
    The registration covers the factory, but what reaches Keras is the function the factory returns,
    and that one is not registered. Keras saves it by its own bare name (`loss_fn`) and cannot find
    it on load, even when the loading script imports the module and so runs the registration:
    `TypeError: Could not locate function 'loss_fn'. Make sure custom classes and functions are
    decorated with @keras.saving.register_keras_serializable().` The factory's arguments
    (`gamma`) are not saved anywhere either. A returned lambda is refused by a default load.

    ## Example
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    def focal_loss(gamma=2.0):
        def loss_fn(y_true, y_pred):
            ...
        return loss_fn

    model.compile(optimizer="adam", loss=focal_loss(gamma=3.0))
    ```

    ## Use instead
    A registered `Loss` subclass whose `get_config` carries the factory's arguments:
    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    class FocalLoss(keras.losses.Loss):
        def __init__(self, gamma=2.0, **kwargs):
            super().__init__(**kwargs)
            self.gamma = gamma

        def call(self, y_true, y_pred):
            ...

        def get_config(self):
            return {**super().get_config(), "gamma": self.gamma}
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL303"
    name = "registered-function-factory"
    summary = "`register_keras_serializable` on a factory: the inner function it returns is saved, and it is not registered"
    severity = "error"
    help = "register the function the factory returns, or make it a registered class with `get_config`"
    triggers = ("register_keras_serializable",)

    VALID = [
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            def my_loss(y, p):
                return y - p
        """,
        # an inner helper that is called, not returned
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            def my_loss(y, p):
                def sq(t):
                    return t * t
                return sq(y - p)
        """,
        # the inner function is registered itself
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            def make(k):
                @keras.saving.register_keras_serializable(package='p', name=f'act_{k}')
                def act(t):
                    return t * k
                return act
        """,
        # a factory without registration is not this rule's business (KL301 reports its calls)
        """
            import keras
            def focal_loss(gamma):
                def loss_fn(y, p):
                    return y - p
                return loss_fn
        """,
        # a registered class
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            class L(keras.losses.Loss):
                def call(self, y, p):
                    return y - p
                def get_config(self):
                    return {}
        """,
        # a decorator that is not Keras's
        """
            import mylib
            @mylib.register_keras_serializable()
            def focal_loss(gamma):
                def loss_fn(y, p):
                    return y - p
                return loss_fn
        """,
        # returns something that is not the inner function
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            def my_loss(y, p):
                def helper(t):
                    return t
                return keras.ops.mean(helper(y - p))
        """,
    ]
    INVALID = [
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable(package='p')
                def focal_loss(gamma=2.0):
                    def loss_fn(y, p):
                        return (y - p) * gamma
                    return loss_fn
            """,
            2, 2, "Could not locate function 'loss_fn'",
        ),
        Invalid(
            """
                from tensorflow.keras.utils import register_keras_serializable
                @register_keras_serializable()
                def weighted(w):
                    def fn(y, p):
                        return w * (y - p)
                    if w is None:
                        return None
                    return fn
            """,
            2, 2, "`weighted`",
        ),
        Invalid(
            """
                from keras.saving import register_keras_serializable as reg
                @reg(package='p')
                def scaled(k):
                    return lambda t: t * k
            """,
            2, 2, "lambda",
        ),
        Invalid(
            """
                import keras
                class Losses:
                    @staticmethod
                    @keras.utils.register_keras_serializable(package='p')
                    def focal(gamma):
                        def fn(y, p):
                            return y - p
                        return fn
            """,
            4, 6,
        ),
    ]

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        """(Speed only.) Only a decorated def can report."""
        return any(node.decorator_list for node in ast.walk(statement)
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        registration = next((d for d in node.decorators if self._registers(d)), None)
        if registration is None:
            return
        returned = self._returned_inner(node)
        if returned is None:
            return
        factory = node.name.value
        what = "a lambda" if returned == "a lambda" else f"its inner function `{returned}`"
        if returned == "a lambda":
            consequence = (
                "Keras saves it as bytecode that a default load refuses (in compile(): \"Requested the "
                "deserialization of a Python lambda\") or cannot read back (in a layer)"
            )
        elif returned in KERAS_KEYWORD_NAMES:
            consequence = (
                f"Keras saves only the name `{returned}`, which is also a Keras built-in: a load silently "
                f"resolves it to Keras's `{returned}` (or fails, for an initializer)"
            )
        else:
            consequence = (
                f"Keras saves only the name `{returned}`, which is not registered, so a load fails even when the "
                f"loader imports the module (as a loss, metric or activation: \"Could not locate function '{returned}'\")"
            )
        self.report(
            registration.decorator,
            f"registered factory `{factory}` returns {what}: the registration covers `{factory}`, not what it "
            f"returns; {consequence}; register a Loss/Metric/Layer subclass whose get_config carries the factory's arguments",
        )

    def _returned_inner(self, node: cst.FunctionDef) -> Optional[str]:
        """The name of an undecorated inner function the factory returns, "a lambda", or None: the
        index's answer (summarise.returned_inner_name), asked of the file's own `ast` of this def."""
        line = self.line_of(node.name)
        for candidate in ast.walk(self.context.tree):
            if isinstance(candidate, (ast.FunctionDef, ast.AsyncFunctionDef)) and candidate.lineno == line:
                name = returned_inner_name(candidate)
                return "a lambda" if name == LAMBDA else name
        return None

    def _registers(self, decorator: cst.Decorator) -> bool:
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        return is_registration(self.names, dotted(target), self.line_of(decorator))
