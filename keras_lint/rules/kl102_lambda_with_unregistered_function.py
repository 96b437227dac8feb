import ast
from typing import Optional

import libcst as cst

from ..finding import Fix
from ..names import dotted_name, keras_path
from .base import Invalid, Rule, dotted
from .helpers import is_registration, lambda_layer_function, registration_fix

# A saved function is stored by bare name; Keras 3 finds it on load only if that name is one of its
# built-ins in activations, losses, metrics, initializers, ... (serialization_lib.BUILTIN_MODULES),
# measured with `Lambda(keras.activations.relu)` (loads) and `Lambda(keras.ops.sum)` (does not).
KERAS_BUILTIN_FUNCTION_NAMES = frozenset(
    """binary_accuracy binary_crossentropy binary_focal_crossentropy categorical_accuracy
    categorical_crossentropy categorical_focal_crossentropy categorical_generalized_cross_entropy
    categorical_hinge celu circle concordance_correlation constant cosine_similarity ctc dice elu
    exponential gelu glorot_normal glorot_uniform glu hard_shrink hard_sigmoid hard_silu hard_swish
    hard_tanh he_normal he_uniform hinge huber identity kl_divergence l1 l1_l2 l2 leaky_relu
    lecun_normal lecun_uniform linear log_cosh log_sigmoid log_softmax max_norm mean_absolute_error
    mean_absolute_percentage_error mean_squared_error mean_squared_logarithmic_error min_max_norm mish
    non_neg ones orthogonal orthogonal_regularizer pearson_correlation poisson random_normal
    random_uniform relu relu6 selu sigmoid silu soft_shrink softmax softplus softsign
    sparse_categorical_accuracy sparse_categorical_crossentropy sparse_plus sparse_sigmoid
    sparse_top_k_categorical_accuracy sparsemax squared_hinge squareplus stft swish tanh tanh_shrink
    threshold top_k_categorical_accuracy truncated_normal tversky unit_norm variance_scaling zeros""".split()
)
# Functions outside those modules whose bare name reloads as a Keras built-in that computes the same
# (measured: equal outputs after save/load). `keras.ops.gelu` is NOT here: it reloads as
# `keras.activations.gelu`, whose `approximate` default differs -- outputs silently change.
SAME_AS_BUILTIN = frozenset(
    "relu leaky_relu hard_sigmoid hard_silu sparse_plus squareplus celu elu log_softmax glu sigmoid".split()
)
_BUILTIN_MODULES = ("activations", "losses", "metrics", "initializers", "regularizers", "constraints", "optimizers")


class LambdaWithUnregisteredFunction(Rule):
    """
    ## What it does
    Reports a Keras `Lambda` layer built from a named function that Keras cannot find again when
    the model is loaded: a module-level `def` without `@register_keras_serializable(...)`, a nested
    function, a method, or an imported function (including Keras's own API functions such as
    `keras.applications.inception_v3.preprocess_input`). Silent for a function registered in the
    same file or (under the CLI, which sees the whole project) in the project module it is imported
    from, for Keras built-ins that Keras looks up by name (`keras.activations.relu`, and functions
    such as `keras.ops.relu` measured to reload as an equal built-in), and for anything it cannot
    resolve (a parameter, a call's result). A function saved by a built-in's name that reloads as a
    *different* built-in (`keras.ops.gelu` comes back as `keras.activations.gelu`, whose
    `approximate` default differs) is reported: the outputs silently change.

    ## Why is this bad?
    Keras 3 saves only the function's name (`{"module": "builtins", "config": "my_fn"}`), so the
    loader cannot find it, not even when the loading script defines or imports the same function:
    `TypeError: Could not locate function 'my_fn'. Make sure custom classes and functions are
    decorated with @keras.saving.register_keras_serializable().` Only `custom_objects=` or a
    registration made when the model was saved work. tf_keras `.keras` files treat it as a lambda
    and refuse it without `safe_mode=False`.

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
    it `package>name`, which a loading script finds once it imports the module. Other cases (nested
    functions, methods, imported functions) have no automatic fix.
    """

    code = "KL102"
    name = "lambda-layer-unregistered-function"
    summary = "`Lambda` layer wraps a named function that is not registered: load cannot find it"
    triggers = ("Lambda",)
    fix = "safe"

    VALID = [
        "import keras\n@keras.saving.register_keras_serializable()\ndef f(t):\n    return t\nkeras.layers.Lambda(f)\n",
        "from tensorflow.keras.utils import register_keras_serializable as reg\n"
        "from tensorflow.keras.layers import Lambda\n@reg(package='p')\ndef f(t):\n    return t\nLambda(f)\n",
        "import keras\nkeras.layers.Lambda(keras.activations.relu)\n",
        "import keras\ndef build(fn):\n    return keras.layers.Lambda(fn)\n",
        "import keras\nkeras.layers.Lambda(make_fn())\n",
        "import mylib\ndef f(t):\n    return t\nmylib.Lambda(f)\n",
    ]
    INVALID = [
        Invalid(
            "import keras\ndef f(t):\n    return t\nkeras.layers.Lambda(f)\n", 4, 1, "module-level function `f`",
            fixed='import keras\n@keras.saving.register_keras_serializable(package="example")\ndef f(t):\n'
            "    return t\nkeras.layers.Lambda(f)\n",
        ),
        Invalid("import keras\ndef build():\n    def f(t):\n        return t\n    return keras.layers.Lambda(f)\n", 5, 12, "nested"),
        Invalid("import keras\nclass B:\n    def build(self):\n        return keras.layers.Lambda(self.f)\n", 4, 16, "method"),
        Invalid("import keras\nfrom mylib import f\nkeras.layers.Lambda(function=f)\n", 3, 1, "imported"),
        Invalid("import keras\nkeras.layers.Lambda(keras.applications.inception_v3.preprocess_input)\n", 2, 1),
        Invalid("import keras\nkeras.layers.Lambda(keras.ops.sum)\n", 2, 1),
        Invalid("import keras\nkeras.layers.Lambda(keras.ops.gelu)\n", 2, 1, "reloads as Keras's built-in `gelu`"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        function = lambda_layer_function(self, node)
        if function is None:
            return
        problem = self._problem(function)
        if problem == "silently different":
            name = dotted(function).rsplit(".", 1)[-1]
            self.report(
                node,
                f"Lambda layer wraps `{dotted(function)}`: Keras saves only the name `{name}`, which reloads as "
                f"Keras's built-in `{name}`, a different function -- outputs silently change; wrap it in a registered function",
            )
        elif problem:
            self.report(
                node,
                f"Lambda layer wraps {problem}: Keras saves only its name and cannot find it on load "
                "(\"Could not locate function\"); register it with @keras.saving.register_keras_serializable()",
                self._fix(function),
            )

    def _fix(self, function: cst.BaseExpression) -> Optional[Fix]:
        if not isinstance(function, cst.Name):
            return None
        binding = self.names.binding(function.value, self.line_of(function))
        if binding is None or binding.kind != "def" or binding.scope != "module":
            return None
        return registration_fix(self, binding.node, f"register `{function.value}`")

    def _problem(self, function: cst.BaseExpression) -> Optional[str]:
        line = self.line_of(function)
        name = dotted(function)
        if name is None:
            return None
        head = name.split(".")[0]
        if head in ("self", "cls") and "." in name:
            return f"the method `{name}`"
        binding = self.names.binding(head, line)
        if binding is None:
            return None
        if binding.kind == "def" and "." not in name:
            if binding.scope == "module":
                if any(_registered(self.names, d) for d in binding.node.decorator_list):
                    return None
                return f"the module-level function `{name}`, which is not registered"
            return f"the {'nested function' if binding.scope == 'function' else 'method'} `{name}`"
        if binding.kind in ("import", "alias"):
            qualified = self.qualified(name, line)
            if qualified is None:
                return None
            project_function = self.context.project.find(qualified, "functions")
            if project_function is not None and project_function.registration is not None:
                return None  # registered where it is defined
            path = keras_path(qualified)
            if path is not None and path.split(".")[0] in _BUILTIN_MODULES:
                return None  # Keras finds its own built-ins by name
            symbol = qualified.rsplit(".", 1)[-1]
            if (path is not None or qualified.split(".")[0] == "tensorflow") and symbol in KERAS_BUILTIN_FUNCTION_NAMES:
                return None if symbol in SAME_AS_BUILTIN else "silently different"
            return f"the imported function `{name}`"
        return None


def _registered(names, decorator: ast.expr) -> bool:
    # `@register_keras_serializable` without a call is KL209's finding, not this rule's.
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return is_registration(names, dotted_name(target), decorator.lineno)
