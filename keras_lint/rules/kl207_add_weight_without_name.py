from typing import Optional

import libcst as cst

from .base import Invalid, Rule

# The weight-creating methods of a Keras layer, and how many leading positional parameters of each
# are NOT `name` in Keras 3 (`add_weight(*args)` takes shape, initializer, dtype positionally and
# refuses a string first; `add_variable(shape, initializer, dtype, trainable, autocast,
# regularizer, constraint, name)`). In tf_keras both take `name` as the FIRST positional parameter,
# so a positional first argument is read as a name unless it is visibly a shape (a tuple or list).
WEIGHT_METHODS = {"add_weight": 3, "add_variable": 7}

# Only layers and models: their weights go into the `.h5` layer groups whose names collide.
KINDS = ("layer", "model")


class AddWeightWithoutName(Rule):
    """
    ## What it does
    Reports `self.add_weight(...)` / `self.add_variable(...)` in a Keras layer or model class when
    the weight gets no name: no `name=` keyword (or `name=None`), and no positional argument that
    could be the name. A positional first argument that is a tuple or list is a shape (Keras 3
    style); any other positional first argument may be tf_keras's positional `name`, so the rule
    stays silent. Calls with `*args`/`**kwargs`, classes that define their own `add_weight`, and
    classes not provably Keras layers or models are not reported.

    ## Why is this bad?
    tf_keras (Keras 2) names every unnamed weight `Variable`, so two of them in one layer share the
    name `<layer>/Variable:0`. Measured with tf_keras 2.21: `model.save("m.h5")` fails with
    `ValueError: Unable to synchronously create dataset (name already exists)` (leaving a partial
    file whose load fails with a shape mismatch), and `model.save("dir")` (SavedModel) fails with
    `AttributeError: 'NoneType' object has no attribute 'replace'` even for one unnamed weight.
    Keras 3.15 still saves and loads such a layer in `.keras` and `.h5`, but names the weights
    `variable`, `variable_1`, ... from a process-wide counter, so the names in the file and in
    `layer.weights` depend on what was created before; the same code breaks when run as tf_keras
    (`tf.keras` before TensorFlow 2.16, or with `TF_USE_LEGACY_KERAS=1`).

    ## Example
    ```python
    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")
    ```

    ## Use instead
    ```python
    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL207"
    name = "add-weight-without-name"
    summary = "`add_weight` without `name=`: tf_keras names them all `Variable` and its `.h5` save fails"
    looks_at_custom_objects = True

    VALID = [
        # named by keyword
        "import keras\nclass A(keras.layers.Layer):\n    def build(self, s):\n"
        "        self.w = self.add_weight(name='w', shape=(3,))\n",
        # tf_keras style: the name is the first positional argument
        "import tf_keras as keras\nclass A(keras.layers.Layer):\n    def build(self, s):\n"
        "        self.w = self.add_weight('w', shape=(3,))\n",
        # a positional first argument that is not visibly a shape may be the name
        "import tensorflow as tf\nclass A(tf.keras.layers.Layer):\n    def build(self, s):\n"
        "        self.w = self.add_weight(weight_name, (3,))\n",
        # **kwargs may carry the name
        "import keras\nclass A(keras.layers.Layer):\n    def build(self, s, **kw):\n"
        "        self.w = self.add_weight(shape=(3,), **kw)\n",
        # not a Keras class (base unresolvable)
        "import mylib\nclass A(mylib.Layer):\n    def build(self, s):\n        self.w = self.add_weight(shape=(3,))\n",
        # another object's add_weight
        "import keras\nclass A(keras.layers.Layer):\n    def build(self, s):\n"
        "        self.w = self.other.add_weight(shape=(3,))\n",
        # a metric: its variables are not saved in the model's layer groups
        "import keras\nclass M(keras.metrics.Metric):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n"
        "        self.total = self.add_variable(shape=(), initializer='zeros')\n",
        # the class defines its own add_weight
        "import keras\nclass A(keras.layers.Layer):\n    def add_weight(self, *a, **k):\n        return super().add_weight(*a, name='w', **k)\n"
        "    def build(self, s):\n        self.w = self.add_weight(shape=(3,))\n",
        # a plain class nested in a layer is not the layer
        "import keras\nclass A(keras.layers.Layer):\n    class Helper:\n        def make(self):\n"
        "            return self.add_weight(shape=(3,))\n",
    ]
    INVALID = [
        Invalid(
            "import keras\nclass A(keras.layers.Layer):\n    def build(self, s):\n"
            "        self.w = self.add_weight(shape=(3,), initializer='zeros')\n",
            4, 18, "Keras 3",
        ),
        Invalid(
            "import tf_keras as keras\nclass A(keras.layers.Layer):\n    def build(self, s):\n"
            "        self.w = self.add_weight(shape=(3,))\n",
            4, 18, "name already exists",
        ),
        Invalid(
            "import keras\nclass A(keras.layers.Layer):\n    def build(self, s):\n"
            "        self.w = self.add_weight((3,), 'zeros')\n",
            4, 18,
        ),
        Invalid(
            "from tensorflow import keras\nclass A(keras.Model):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n"
            "        self.w = self.add_weight(shape=(3,), name=None)\n",
            5, 18,
        ),
        Invalid(
            "import keras\nclass A(keras.layers.Dense):\n    def build(self, s):\n        super().build(s)\n"
            "        self.scale = self.add_variable([1], 'ones')\n",
            5, 22, "add_variable",
        ),
        Invalid(
            "import keras\nclass Base(keras.layers.Layer):\n    pass\nclass A(Base):\n    def build(self, s):\n"
            "        def make(shape):\n            return self.add_weight(shape=shape)\n        self.w = make((3,))\n",
            7, 20,
        ),
    ]

    def __init__(self, context):
        super().__init__(context)
        self._classes: list = []  # one entry per enclosing ClassDef: its ClassInfo when checked, else None

    @classmethod
    def might_report(cls, info, project) -> bool:
        return info.unnamed_weights and project.keras_kind(info) in KINDS

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node) if not self._classes else None  # nested classes are not the layer
        if info is not None:
            project = self.context.project
            if project.keras_kind(info) not in KINDS:
                info = None
            elif any(m in cls.methods for cls in [info, *project.ancestors(info)] for m in WEIGHT_METHODS):
                info = None  # its own add_weight: we cannot know what it does with the name
        self._classes.append(info)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if not self._classes or self._classes[-1] is None:
            return
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
            and func.attr.value in WEIGHT_METHODS
        ):
            return
        method = func.attr.value
        if not self._unnamed(node, WEIGHT_METHODS[method]):
            return
        if self.context.keras_major == 2:
            why = (
                "tf_keras names every unnamed weight `Variable`, so `.h5` saving fails once a layer has two "
                "(\"Unable to synchronously create dataset (name already exists)\") and SavedModel saving fails "
                "even with one (\"'NoneType' object has no attribute 'replace'\")"
            )
        else:
            why = (
                "Keras 3 saves and loads it but names it `variable`, `variable_1`, ... by a process-wide counter; "
                "tf_keras names all such weights `Variable` and its `.h5` save fails once a layer has two "
                "(\"Unable to synchronously create dataset (name already exists)\")"
            )
        self.report(node, f"`{method}` without `name=`: {why}; pass name=\"...\"")

    def _unnamed(self, call: cst.Call, not_name_positions: int) -> bool:
        positional = []
        for arg in call.args:
            if arg.star:
                return False  # *args / **kwargs may carry the name
            if arg.keyword is None:
                positional.append(arg.value)
            elif arg.keyword.value == "name":
                return _is_none(arg.value)
        if not positional:
            return True
        if len(positional) > not_name_positions:
            return False  # Keras 3 add_variable's 8th positional is the name
        # tf_keras reads the first positional as the name; it is surely a shape only when it looks like one
        return self.context.keras_major == 3 and isinstance(positional[0], (cst.Tuple, cst.List))


def _is_none(node: Optional[cst.BaseExpression]) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
