from __future__ import annotations

import ast
from typing import Optional

from ..analysis.callable_sites import TRIGGERS, CallSites, Site, load_failure, qualify, returned_inner
from ..cst.lazy import cst
from ..cst.nodes import dotted
from ..keras_api import COMPILE_KEYWORDS
from ..names import dotted_name, keras_path
from .base import Invalid, Rule


class UnserializableCallable(CallSites, Rule):
    """
    ## What it does
    Reports a callable that Keras cannot save in a loadable way, passed where Keras saves it: as
    `loss=`, `metrics=[...]` or `weighted_metrics=[...]` of `compile()`, or as `activation=`,
    `recurrent_activation=`, `*_initializer=`, `*_regularizer=` or `*_constraint=` of a Keras layer
    (or of a project layer/model whose `get_config` saves that argument). The callables are: a Python
    `lambda` (or a name bound to one; also one put under `"loss"`/`"metrics"` in a dict that
    `compile(**kwargs)` unpacks), a bound method (`self.my_loss`, `SSDLoss(...).compute_loss`, or
    `obj.compute_loss` where `obj = SSDLoss(...)`, for a project class defining it), a function defined inside
    another function, and the result of calling a project factory that returns an inner function or
    a lambda (`focal_loss(gamma=2)`). Strings, Keras's own functions, and anything it cannot resolve
    are left alone; so are sub-layers built inside a custom layer or model class (Keras re-creates
    them by running the class's code, it never saves their config).

    ## Why is this bad?
    Measured with Keras 3.15, each fails on a default load, also when the loading script imports
    the training code:
    - a lambda is saved as bytecode: in `compile()`, `ValueError: Requested the deserialization of
      a Python lambda.`; in a layer, `TypeError: Could not interpret activation function
      identifier` (or `initializer`/`regularizer`/`constraint`), even with `safe_mode=False`;
    - a nested function or a factory's inner function is saved by its bare name (`loss_fn`), which
      no registration can match: `TypeError: Could not locate function 'loss_fn'` (for an
      initializer, regularizer or constraint: `Could not interpret initializer identifier`);
    - a bound method is saved as an object of class `method`: `TypeError: Expected 'config' to be
      a dict for method`.
    Only `custom_objects=` (for a named function) or, for `compile()` arguments, `compile=False`
    (the model comes back uncompiled) gets such a model back.

    ## Example
    ```python
    def focal_loss(gamma=2.0):
        def loss_fn(y_true, y_pred):
            ...
        return loss_fn

    model.compile(optimizer="adam", loss=focal_loss(gamma=3.0))
    x = keras.layers.Dense(64, activation=lambda t: t * keras.ops.sigmoid(t))(x)
    ```

    ## Use instead
    A registered `Loss` subclass whose `get_config` carries the factory's arguments, and a
    registered module-level function (or a built-in name) for the activation:
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

    model.compile(optimizer="adam", loss=FocalLoss(gamma=3.0))
    x = keras.layers.Dense(64, activation="silu")(x)
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL301"
    name = "unserializable-callable"
    summary = "lambda, method, nested function or factory result passed as loss/metric/activation/...: the model cannot be loaded"
    severity = "error"
    help = "pass a registered top-level function, or a registered Loss/Metric/... subclass with `get_config`"
    triggers = (*TRIGGERS, "compile(**")

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        if super().might_report_statement(statement, context):
            return True
        return any(
            _lambdas_through(context.tree, call) for call in ast.walk(statement) if _compile_with_star_name(call)
        ) if context.tree is not None else False
    needs_project = True  # project functions and classes, wherever they are defined

    VALID = [
        # built-in names and Keras's own functions
        """
            import keras
            model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
        """,
        """
            import keras
            keras.layers.Dense(3, activation=keras.activations.relu,
                               kernel_initializer=keras.initializers.he_normal)
        """,
        # a registered module-level function
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            def my_loss(y, p):
                return y - p
            model.compile(optimizer='adam', loss=my_loss)
        """,
        # not Keras: no Keras import, or a compile() without a Keras keyword, or a non-Keras callee
        "model.compile(loss=lambda y, p: y - p)\n",
        "import keras\nimport re\nre.compile(r'x', flags=0)\npattern.compile(loss=lambda y, p: y)\n".replace("loss=", "key="),
        """
            import keras
            import mylib
            mylib.Dense(3, activation=lambda t: t)
        """,
        """
            import keras
            keras.Input((3,), name='x')
            keras.layers.Dense(3, activation=act)
        """,
        # a sub-layer built inside a custom layer is never saved
        """
            import keras
            class Block(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.d = keras.layers.Dense(3, activation=lambda t: t * 2)
        """,
        # super().compile() in an override forwards its own arguments
        """
            import keras
            class M(keras.Model):
                def compile(self, loss=None, **kw):
                    super().compile(loss=lambda y, p: y - p, **kw)
        """,
        # a factory that returns a Keras object, a call we cannot resolve, a parameter
        """
            import keras
            def make_loss(gamma):
                return keras.losses.MeanSquaredError()
            model.compile(optimizer='adam', loss=make_loss(2))
        """,
        """
            import keras
            from mylib import make_loss
            model.compile(optimizer='adam', loss=make_loss(2))
        """,
        """
            import keras
            def build(act):
                return keras.layers.Dense(3, activation=act)
        """,
        # a factory whose inner function registers itself (a deliberate scheme, not judged here)
        """
            import keras
            def make(k):
                @keras.saving.register_keras_serializable(name=f'scale_{k}')
                def act(t):
                    return t * k
                return act
            keras.layers.Dense(3, activation=make(2))
        """,
        # a method of a class we cannot see, a kwargs dict without a lambda
        """
            import keras
            from lib import SSDLoss
            model.compile(optimizer='adam', loss=SSDLoss().compute_loss)
        """,
        """
            import keras
            def train(model, fn):
                kwargs = {'optimizer': 'adam'}
                kwargs['loss'] = fn
                model.compile(**kwargs)
        """,
        # a project layer whose get_config does not save the keyword
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            class L(keras.layers.Layer):
                def __init__(self, activation=None, **kwargs):
                    super().__init__(**kwargs)
                    self.activation = activation
                def get_config(self):
                    return super().get_config()
            L(activation=lambda t: t)
        """,
        # `self.attr` that is not a method of the class
        """
            import keras
            class Builder:
                def __init__(self):
                    self.act = 'relu'
                def build(self):
                    return keras.layers.Dense(3, activation=self.act)
        """,
    ]
    INVALID = [
        Invalid("""
            import keras
            x = keras.layers.Dense(3, activation=lambda t: t * 2)(x)
        """, 2, 27, "Python lambda"),
        Invalid("""
            import keras
            model.compile(optimizer='adam', loss=lambda y, p: keras.ops.mean(y - p))
        """, 2, 33,
            "`loss=` of compile()"),
        Invalid("""
            import tensorflow as tf
            model.compile(optimizer='adam', loss='mse', metrics=['mae', lambda y, p: p])
        """,
                2, 61, "`metrics=`"),
        Invalid("""
            import keras
            model.compile(loss='mse', weighted_metrics=[lambda y, p: p])
        """, 2, 45),
        Invalid("""
            from keras import layers
            layers.Conv2D(3, 3, kernel_initializer=lambda shape, dtype=None: 0)
        """, 2, 21,
            "kernel_initializer"),
        Invalid("""
            from tensorflow.keras.layers import LSTM
            LSTM(3, recurrent_activation=lambda t: t)
        """, 2, 9),
        Invalid("""
            import keras
            keras.layers.Dense(3, kernel_regularizer=lambda w: 0.0, bias_constraint=None)
        """, 2, 23),
        Invalid("""
            import keras
            keras.layers.Activation(lambda t: t)
        """, 2, 25, "activation of `layers.Activation`"),
        Invalid("""
            import keras
            swish = lambda t: t
            keras.layers.Dense(3, activation=swish)
        """, 3, 23,
            "`swish`, a Python lambda"),
        # the result of a project factory returning its inner function
        Invalid(
            """
                import keras
                def focal_loss(gamma=2.0):
                    def loss_fn(y, p):
                        return (y - p) * gamma
                    return loss_fn
                model.compile(optimizer='adam', loss=focal_loss(gamma=3.0))
            """,
            6, 33, "Could not locate function 'loss_fn'",
        ),
        # ... also when the factory itself is registered (KL303 reports the factory)
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable(package='p')
                def focal_loss(gamma=2.0):
                    def loss_fn(y, p):
                        return (y - p) * gamma
                    return loss_fn
                model.compile(optimizer='adam', loss={'out': focal_loss(3.0)})
            """,
            7, 39, "`loss_fn`",
        ),
        Invalid(
            """
                import keras
                def scaled(k):
                    return lambda t: t * k
                keras.layers.Dense(3, activation=scaled(2))
            """,
            4, 23, "a lambda",
        ),
        # a nested function
        Invalid(
            """
                import keras
                def build():
                    def act(t):
                        return t * 2
                    return keras.layers.Dense(3, activation=act)
            """,
            5, 34, "nested function `act`",
        ),
        # a bound method
        Invalid(
            """
                import keras
                class Trainer:
                    def loss(self, y, p):
                        return y - p
                    def run(self, model):
                        model.compile(optimizer='adam', loss=self.loss)
            """,
            6, 41, "method `self.loss`",
        ),
        Invalid(
            """
                import keras
                class M(keras.Model):
                    def my_loss(self, y, p):
                        return y - p
                    def setup(self):
                        self.compile(optimizer='adam', loss=self.my_loss)
            """,
            6, 40, "Expected 'config' to be a dict for method",
        ),
        # a bound method of a new instance, or of an instance bound once (issue 20)
        Invalid(
            """
                import keras
                class SSDLoss:
                    def compute_loss(self, y, p):
                        return y - p
                model.compile(optimizer='adam', loss=SSDLoss().compute_loss)
            """,
            5, 33, "bound method `SSDLoss(...).compute_loss`",
        ),
        Invalid(
            """
                import keras
                class SSDLoss:
                    def compute_loss(self, y, p):
                        return y - p
                def train(model):
                    ssd = SSDLoss()
                    model.compile(optimizer='adam', loss=ssd.compute_loss)
            """,
            7, 37, "bound method `ssd.compute_loss`",
        ),
        # a lambda put in the keyword arguments compile() is given (issue 20)
        Invalid(
            """
                import keras
                def train(model, weight):
                    kwargs = {'optimizer': 'adam'}
                    kwargs['loss'] = lambda y, p: weight * (y - p)
                    model.compile(**kwargs)
            """,
            5, 19, "through `**kwargs`",
        ),
        # a project layer whose get_config saves the keyword
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable(package='p')
                class L(keras.layers.Layer):
                    def __init__(self, activation=None, **kwargs):
                        super().__init__(**kwargs)
                        self.activation = keras.activations.get(activation)
                    def get_config(self):
                        return {**super().get_config(), 'activation': keras.activations.serialize(self.activation)}
                L(activation=lambda t: t)
            """,
            9, 3, "of `L`",
        ),
    ]

    def check_call(self, node: cst.Call) -> None:
        self._check_kwargs(node)
        for site in self.saved_arguments(node):
            problem = self.unserializable(site)
            if problem is not None:
                what, why = problem
                self.report(site.node, f"{what} passed as {site.place}: {why}")

    def _check_kwargs(self, node: cst.Call) -> None:
        """`kwargs["loss"] = lambda ...` (or `kwargs = {"loss": lambda ...}`) and then `model.compile(**kwargs)`."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile") or self.context.tree is None:
            return
        if not self.names.uses_keras_or_tf():
            return
        line = self.line_of(node)
        for arg in node.args:
            if arg.star == "**" and isinstance(arg.value, cst.Name):
                target = next((c for c in ast.walk(self.context.tree) if isinstance(c, ast.Call) and c.lineno == line
                               and _compile_with_star_name(c)), None)
                for keyword, at in _lambdas_through(self.context.tree, target) if target is not None else ():
                    site = Site(arg.value, arg, f"`{keyword}=` of compile()", keyword)
                    self.report(arg, f"Python lambda (`{arg.value.value}[{keyword!r}]`, line {at}) passed as "
                                     f"`{keyword}=` of compile() through `**{arg.value.value}`: {_lambda_consequence(site)}")

    def unserializable(self, site: Site) -> Optional[tuple]:
        """(what it is, why loading fails) for a callable Keras cannot save loadably; None otherwise."""
        value = site.value
        if isinstance(value, cst.Lambda):
            return "Python lambda", _lambda_consequence(site)
        if isinstance(value, cst.Call):
            return self._factory_result(value, site)
        if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Call):
            # `SSDLoss(...).compute_loss`: a bound method of a new instance
            owner = dotted(value.value.func)
            return self._instance_method(f"{owner}(...).{value.attr.value}", owner, value.attr.value,
                                         self.line_of(value), site)
        name = dotted(value)
        if name is None:
            return None
        line = self.line_of(value)
        head, _, rest = name.partition(".")
        if head in ("self", "cls") and rest and "." not in rest:
            return self._method(name, rest, site)
        if rest:
            binding = self.names.binding(head, line)
            if "." not in rest and binding is not None and binding.kind == "other" and isinstance(binding.node, ast.Call):
                # `loss_obj.method` where `loss_obj = SSDLoss(...)` is bound once
                return self._instance_method(name, dotted_name(binding.node.func), rest, line, site)
            return None
        binding = self.names.binding(name, line)
        if binding is None:
            return None
        if binding.kind == "lambda":
            return f"`{name}`, a Python lambda,", _lambda_consequence(site)
        if binding.kind == "def" and binding.scope == "function":
            if self.is_registered_function(binding.node, self.names, self.module, self.context.path) is not False:
                return None
            return f"nested function `{name}`", _by_name(
                name, site, "a function defined inside another function is not registered when the loader imports the module",
                self.context.keras_major,
            )
        return None

    def _factory_result(self, call: cst.Call, site: Site) -> Optional[tuple]:
        callee = dotted(call.func)
        if callee is None:
            return None
        found = self.function_node(callee, self.line_of(call))
        if found is None:
            return None
        node, names, module, _scope, path = found
        if keras_path(qualify(names, module, path, node.name, node.lineno)) is not None:
            return None  # Keras's own code
        returned = returned_inner(node)
        if returned is None:
            return None
        what = f"`{callee}(...)`, which returns {returned},"
        if returned == "a lambda":
            return what, _lambda_consequence(site)
        inner = returned.split("`")[1]
        return what, _by_name(inner, site, "registering the factory does not register what it returns", self.context.keras_major)

    def _instance_method(self, shown: str, owner: Optional[str], attr: str, line: int, site: Site) -> Optional[tuple]:
        """A method of an instance of a project class that defines it (not one we cannot see)."""
        info = self.project_class(owner, line) if owner else None
        if info is None or not any(attr in cls.methods for cls in self.context.project.lineage(info)):
            return None
        return f"bound method `{shown}`", _method_consequence(site)

    def _method(self, name: str, attr: str, site: Site) -> Optional[tuple]:
        classes = self._classes()
        if not classes:
            return None
        for stmt in classes[-1].body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == attr:
                decorators = {dotted(d.decorator) for d in stmt.decorators}
                if decorators - {"staticmethod", "classmethod"}:
                    return None  # a property, a registration, a wrapper: not judged
                return (
                    f"method `{name}`",
                    "Keras 3 saves it as an object of class `method` and cannot load it (\"Expected 'config' to be "
                    f"a dict for method\"){_compile_false(site)}; use a registered module-level function or a "
                    "registered Loss/Metric subclass",
                )
        return None


def _method_consequence(site: Site) -> str:
    return (
        "Keras 3 saves it as an object of class `method` and cannot load it (\"Expected 'config' to be "
        f"a dict for method\"){_compile_false(site)}; use a registered module-level function or a "
        "registered Loss/Metric subclass"
    )


def _compile_false(site: Site) -> str:
    return ", unless loaded with compile=False (uncompiled)" if site.keyword in COMPILE_KEYWORDS else ""


def _lambda_consequence(site: Site) -> str:
    if site.keyword in COMPILE_KEYWORDS:
        failure = (
            "Keras saves it as bytecode and a default load refuses it (\"Requested the deserialization of a Python lambda\")"
        )
    else:
        kind = "activation function" if "activation" in site.keyword else site.keyword.rsplit("_", 1)[-1]
        failure = (
            f"Keras 3 saves it as bytecode that the layer cannot load back (\"Could not interpret {kind} identifier\"), "
            "not even with safe_mode=False"
        )
    return f"{failure}{_compile_false(site)}; use a built-in name or a registered module-level function or class"


def _by_name(name: str, site: Site, why_registration_fails: str, keras_major: int = 3) -> str:
    return (
        f"Keras saves only the name `{name}`: {load_failure(name, site.keyword, keras_major)}, even when the loader imports "
        f"the training code{_compile_false(site)}; {why_registration_fails}; use a registered class "
        "(Loss/Metric/Layer/Initializer subclass) whose get_config carries the arguments"
    )


def _compile_with_star_name(node) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
        and any(k.arg is None and isinstance(k.value, ast.Name) for k in node.keywords)
    )


def _lambdas_through(tree: ast.Module, call: ast.Call) -> list:
    """[(keyword, line)] of the lambdas put under a compile keyword in the dict that `call` unpacks,
    in the scope of the call and before it: `kw["loss"] = lambda ...`, `kw = {"loss": lambda ...}`,
    `kw = dict(loss=lambda ...)`."""
    names = {k.value.id for k in call.keywords if k.arg is None and isinstance(k.value, ast.Name)}
    scope = tree
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= call.lineno <= node.end_lineno:
            if scope is tree or node.lineno >= scope.lineno:
                scope = node
    found = []
    for node in ast.walk(scope):
        if not isinstance(node, ast.Assign) or node.lineno >= call.lineno:
            continue
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in names
                and isinstance(target.slice, ast.Constant) and target.slice.value in COMPILE_KEYWORDS
                and isinstance(node.value, ast.Lambda)
            ):
                found.append((target.slice.value, node.lineno))
            elif isinstance(target, ast.Name) and target.id in names:
                value = node.value
                if isinstance(value, ast.Dict):
                    pairs = [(k.value, v) for k, v in zip(value.keys, value.values) if isinstance(k, ast.Constant)]
                elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
                    pairs = [(k.arg, k.value) for k in value.keywords if k.arg]
                else:
                    pairs = []
                found += [(key, node.lineno) for key, v in pairs if key in COMPILE_KEYWORDS and isinstance(v, ast.Lambda)]
    return found
