from __future__ import annotations

from collections import Counter
from typing import Optional

from ..cst.lazy import cst
from ..cst.nodes import with_libcst_base
from ..finding import Fix
from ..fixers.edits import append_argument
from ..keras_api import PLAIN_BASES
from ..names import path_matches
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
    The fix is unsafe: it names the weight after the attribute it is assigned to
    (`self.kernel = self.add_weight(...)` gets `name="kernel"`, as the call's last argument;
    `name=None` is replaced). The order and number of weights stay, and files saved before still
    load (measured with Keras 3: `.weights.h5` and `.h5` weights saved as `variable`,
    `variable_1` load into `kernel`, `bias` by position). But the name is part of the variable's
    path, and whatever picks variables by name now sees another one: an optimizer's
    `exclude_from_weight_decay(var_names=["bias"])` now matches the renamed weight (measured), and
    so does code that looks weights up by name.

    Offered only for `self.<attr> = self.add_weight(...)` (or `add_variable`) outside a loop,
    when no other weight of the class is assigned to that attribute or given that name, every
    name the class gives is a literal, and the class is built on Keras's plain `Layer` or `Model`
    with no project base that adds weights (a built-in base such as `Dense` has weights of its
    own: `kernel`, `bias`, ...).
    """

    code = "KL207"
    name = "add-weight-without-name"
    summary = "`add_weight` without `name=`: tf_keras names them all `Variable` and its `.h5` save fails"
    severity = "error"
    help = "give each `add_weight` call its own `name=`"
    looks_at_custom_objects = True
    fix = "unsafe"

    VALID = [
        # named by keyword
        """
            import keras
            class A(keras.layers.Layer):
                def build(self, s):
                    self.w = self.add_weight(name='w', shape=(3,))
        """,
        # tf_keras style: the name is the first positional argument
        """
            import tf_keras as keras
            class A(keras.layers.Layer):
                def build(self, s):
                    self.w = self.add_weight('w', shape=(3,))
        """,
        # a positional first argument that is not visibly a shape may be the name
        """
            import tensorflow as tf
            class A(tf.keras.layers.Layer):
                def build(self, s):
                    self.w = self.add_weight(weight_name, (3,))
        """,
        # **kwargs may carry the name
        """
            import keras
            class A(keras.layers.Layer):
                def build(self, s, **kw):
                    self.w = self.add_weight(shape=(3,), **kw)
        """,
        # not a Keras class (base unresolvable)
        """
            import mylib
            class A(mylib.Layer):
                def build(self, s):
                    self.w = self.add_weight(shape=(3,))
        """,
        # another object's add_weight
        """
            import keras
            class A(keras.layers.Layer):
                def build(self, s):
                    self.w = self.other.add_weight(shape=(3,))
        """,
        # a metric: its variables are not saved in the model's layer groups
        """
            import keras
            class M(keras.metrics.Metric):
                def __init__(self, **kw):
                    super().__init__(**kw)
                    self.total = self.add_variable(shape=(), initializer='zeros')
        """,
        # the class defines its own add_weight
        """
            import keras
            class A(keras.layers.Layer):
                def add_weight(self, *a, **k):
                    return super().add_weight(*a, name='w', **k)
                def build(self, s):
                    self.w = self.add_weight(shape=(3,))
        """,
        # a plain class nested in a layer is not the layer
        """
            import keras
            class A(keras.layers.Layer):
                class Helper:
                    def make(self):
                        return self.add_weight(shape=(3,))
        """,
    ]
    INVALID = [
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.w = self.add_weight(shape=(3,), initializer='zeros')
            """,
            4, 18, "Keras 3",
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.w = self.add_weight(shape=(3,), initializer='zeros', name='w')
            """,
        ),
        Invalid(
            """
                import tf_keras as keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.w = self.add_weight(shape=(3,))
            """,
            4, 18, "name already exists",
            fixed="""
                import tf_keras as keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.w = self.add_weight(shape=(3,), name="w")
            """,
        ),
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.w = self.add_weight((3,), 'zeros')
            """,
            4, 18,
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.w = self.add_weight((3,), 'zeros', name='w')
            """,
        ),
        Invalid(
            """
                from tensorflow import keras
                class A(keras.Model):
                    def __init__(self, **kw):
                        super().__init__(**kw)
                        self.w = self.add_weight(shape=(3,), name=None)
            """,
            5, 18,
            fixed="""
                from tensorflow import keras
                class A(keras.Model):
                    def __init__(self, **kw):
                        super().__init__(**kw)
                        self.w = self.add_weight(shape=(3,), name="w")
            """,
        ),
        Invalid(
            """
                import keras
                class A(keras.layers.Dense):
                    def build(self, s):
                        super().build(s)
                        self.scale = self.add_variable([1], 'ones')
            """,
            5, 22, "add_variable",
        ),
        Invalid(
            """
                import keras
                class Base(keras.layers.Layer):
                    pass
                class A(Base):
                    def build(self, s):
                        def make(shape):
                            return self.add_weight(shape=shape)
                        self.w = make((3,))
            """,
            7, 20,
        ),
        # a call over several lines: the name comes last, in the call's layout
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.kernel = self.add_weight(
                            shape=(3,),
                            initializer='zeros',
                        )
            """,
            4, 23,
            fixed="""
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.kernel = self.add_weight(
                            shape=(3,),
                            initializer='zeros',
                            name='kernel',
                        )
            """,
        ),
        # no fix: another weight is named `w` already
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        self.v = self.add_weight(shape=(3,), name='w')
                        self.w = self.add_weight(shape=(3,))
            """,
            5, 18,
        ),
        # no fix: one attribute, a weight per loop turn
        Invalid(
            """
                import keras
                class A(keras.layers.Layer):
                    def build(self, s):
                        for i in range(2):
                            self.w = self.add_weight(shape=(3,))
            """,
            5, 22,
        ),
    ]

    def __init__(self, context):
        super().__init__(context)
        self._classes: list = []  # one entry per enclosing ClassDef: its ClassInfo when checked, else None
        self._survey: Optional[WeightSurvey] = None  # of the checked class, for the fix

    @classmethod
    def might_report(cls, info, project) -> bool:
        return info.unnamed_weights and project.keras_kind(info) in KINDS

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node) if not self._classes else None  # nested classes are not the layer
        if info is not None:
            project = self.context.project
            if project.keras_kind(info) not in KINDS:
                info = None
            elif any(m in cls.methods for cls in project.lineage(info) for m in WEIGHT_METHODS):
                info = None  # its own add_weight: we cannot know what it does with the name
            else:
                self._survey = with_libcst_base(WeightSurvey, "CSTVisitor")(self.context.keras_major)
                node.body.visit(self._survey)
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
        self.report(node, f"`{method}` without `name=`: {why}; pass name=\"...\"", self._fix(node))

    def _fix(self, call: cst.Call) -> Optional[Fix]:
        """`name="<attr>"` for `self.<attr> = self.add_weight(...)`, when no other weight of the
        layer could get that name: the attribute gets one weight, no weight is named so already,
        every other name is a literal, and nothing but Keras's plain Layer/Model lies below the
        class (a built-in layer's own weights are `kernel`, `bias`, ...)."""
        survey = self._survey
        attr = survey.assigned.get(id(call)) if survey is not None else None
        if attr is None or survey.unknown_names or survey.attributes[attr] != 1 or attr in survey.names:
            return None
        project, info = self.context.project, self._classes[-1]
        if not all(path_matches(path, *PLAIN_BASES) for path in project.keras_bases(info)):
            return None
        if any(m in cls.called_attributes for cls in project.ancestors(info) for m in WEIGHT_METHODS):
            return None  # a project base class adds weights of its own
        strings = [arg.value for arg in call.args if isinstance(arg.value, cst.SimpleString)]
        quote = "'" if strings and all(s.quote == "'" for s in strings) else '"'
        name = f"{quote}{attr}{quote}"
        given = next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value == "name"), None)
        if given is not None:  # name=None
            edit = self.replace(given.value, name)
        else:
            edit = append_argument(self, call, f"name={name}")
        return Fix("unsafe", (edit,), f"name the weight `{attr}`") if edit is not None else None

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


class WeightSurvey:
    """The weights a class body creates: which `self.<attr> = self.add_weight(...)` calls there are
    (outside loops), how many weights each attribute gets, and the names the others are given. A
    LibCST visitor once `with_libcst_base` adds CSTVisitor to it."""

    def __init__(self, keras_major: int):
        super().__init__()
        self.keras_major = keras_major
        self.assigned: dict = {}  # id(call) -> attr, for `self.attr = self.add_weight(...)` outside loops
        self.attributes: Counter = Counter()  # attr -> weights assigned to it (2 for one in a loop)
        self.names: set = set()  # literal names given
        self.unknown_names = False  # some weight gets a name we cannot read
        self._loops = 0

    def visit_ClassDef(self, node) -> bool:
        return False  # a nested class is another object

    def visit_For(self, node) -> None:
        self._loops += 1

    def leave_For(self, node) -> None:
        self._loops -= 1

    def visit_While(self, node) -> None:
        self._loops += 1

    def leave_While(self, node) -> None:
        self._loops -= 1

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._assigned(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value)

    def _assigned(self, target, value) -> None:
        if not (isinstance(value, cst.Call) and _weight_method(value.func)):
            return
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            attr = target.attr.value
            self.attributes[attr] += 2 if self._loops else 1
            if not self._loops:
                self.assigned[id(value)] = attr

    def visit_Call(self, call: cst.Call) -> None:
        method = _weight_method(call.func)
        if method is None:
            return
        positional = []
        for arg in call.args:
            if arg.star:
                self.unknown_names = True
            elif arg.keyword is None:
                positional.append(arg.value)
            elif arg.keyword.value == "name":
                self._named(arg.value)
        if len(positional) > WEIGHT_METHODS[method]:
            self._named(positional[WEIGHT_METHODS[method]])
        elif positional and self.keras_major == 2 and not isinstance(positional[0], (cst.Tuple, cst.List)):
            self._named(positional[0])  # tf_keras: the first positional is the name

    def _named(self, value) -> None:
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            self.names.add(value.evaluated_value)
        elif not _is_none(value):
            self.unknown_names = True


def _weight_method(func) -> Optional[str]:
    if (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == "self"
        and func.attr.value in WEIGHT_METHODS
    ):
        return func.attr.value
    return None
