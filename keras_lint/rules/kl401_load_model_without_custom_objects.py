from __future__ import annotations

import ast
import os
from typing import Optional

from ..analysis.keras_calls import expects_error
from ..analysis.model_flow import imported_by_name, judge_load
from ..analysis.registration import is_registration
from ..analysis.save_paths import path_end
from ..analysis.statement_gates import calls_named
from ..cst.lazy import cst
from ..cst.nodes import argument, dotted, literal_value
from ..index.modules import absolute_import
from ..keras_api import DESERIALIZERS, LOADERS, SCOPES, SELF_LOCATING_PACKAGES
from ..names import dotted_name
from .base import Invalid, Rule

# Kinds of custom object a model needs only to restore its compile() state: `compile=False` skips them.
COMPILE_ONLY_KINDS = ("loss", "metric", "optimizer", "schedule")
MAX_NAMED = 3
_MENTIONED: dict = {}  # id(tree) -> (tree, the names it reads anywhere): the last file's


class LoadModelWithoutCustomObjects(Rule):
    """
    ## What it does
    Reports a Keras loading call -- `keras.models.load_model`, `keras.saving.load_model`,
    `model_from_json`, `model_from_config`, `keras.layers.deserialize`,
    `deserialize_keras_object`, in any import spelling (`tf.keras`, `tf_keras`, aliases) -- that
    will not resolve custom objects of the model it loads, and names each, where it is defined and
    where the model was saved. It follows each model from its construction to its save and to its
    load, across the project's files (the flow facts of the project index):
    - **what a saved model holds**: the project's unregistered Keras classes instantiated where it is
      built (also inside the project functions called there), project functions passed where Keras
      saves them by name (`kernel_initializer=`, `activation=`, a `Lambda`'s function, compile's
      `loss=`/`metrics=`), bound methods given to compile (`SSDLoss(...).compute_loss`), and objects
      of other libraries that no import registers (TensorFlow Hub's `KerasLayer`, the losses and
      metrics of segmentation_models; `keras_api.THIRD_PARTY_OBJECTS`). Registered objects
      (decorator, `get_custom_objects()` writes, a registering project decorator) resolve, and so do
      the classes of Keras's own packages;
    - **which save a load reads**: the saves whose path ends like the load's, read statically
      (literals, module constants of any project file, f-strings, `+`, `%`, `.format`,
      `os.path.join`, `Path`, `/`, `argparse` defaults, entries of module-level config dicts with
      literal values); a model handed to a project helper that saves it (`save(build(), path)`) is
      judged with the caller's model and path, and `clone_model(m)` holds what `m` holds; in a file
      that saves what it loads, the nearest save before the load. A load no save's path matches is judged against what its own file saves, or, when it
      saves nothing, against the saves of its folder whose path cannot be read: the message then
      says the model *may* hold them;
    - **what the load's process registers**: a registration counts only when the loading module
      imports, directly or through project modules, the module that registers the object (Keras 3
      and tf_keras `.h5` measured: a registration that never runs is "Could not locate class");
    - **what the load supplies**: `custom_objects` (a literal dict is checked name by name; any other
      value, a `**kwargs`, or an enclosing `custom_object_scope`/`CustomObjectScope` is taken to
      cover all), and `compile=False`, under which losses, metrics, optimizers and bound methods
      given to compile do not count.
    When the project shows no save a load could read, the rule falls back on what the loading file
    itself sees: the unregistered classes it defines (before the load, for a load at module level)
    or imports by name and leaves otherwise unused (imported for the load to find: a class the file
    constructs or annotates is rebuilt in code), and its module-level functions shaped like a loss
    `(y_true, y_pred)`; not a class built around the loaded model (the class whose instance method
    loads it, or one constructed from the loaded value).

    A path without extension (a SavedModel directory, also `os.path.splitext(p)[0]`) is not reported: Keras 2 revives the classes
    of a SavedModel without them, and Keras 3 cannot load it at all (KL403). Keras 3.0-3.8 load an
    unregistered class from a `.keras` file by importing the module the file names for it
    (`keras_api` fact `keras_file_imports_unregistered_class`; 3.9 closed it, CVE-2025-1550): there a
    `.keras` load does not need a project class whose module another project module imports (so it
    is not `__main__` when saved); every Keras 2 needs it (measured: tf.keras 2.13-2.15 and tf_keras
    load it as a string, "'str' object is not callable"). A project function that happens to be called `load_model` is not Keras's. Calls
    inside `with pytest.raises(...)`/`self.assertRaises...(...)`, and `deserialize` calls inside a
    class or inside a function that takes `custom_objects` or `**kwargs` itself (a wrapper that
    forwards them) are left alone. Under flake8, a project above the editor bound is judged one
    file at a time.

    ## Why is this bad?
    A saved model stores each custom object by name only. Loading it in a process where that name
    is not registered fails:
    `TypeError: Could not locate class 'MyLayer'. Make sure custom classes and functions are
    decorated with @keras.saving.register_keras_serializable().` (Keras 3), `ValueError: Unknown
    layer: 'MyLayer'. Please ensure you are using a keras.utils.custom_object_scope` (`.h5`),
    `Unknown loss function: 'my_loss'` (Keras 2). Defining or importing the class in the loading
    script does not help; only `custom_objects=` (or a scope) does, or registering the class with
    `@keras.saving.register_keras_serializable()` so the saved file names it by its registered key.

    ## Example
    ```python
    # train.py
    class Scale(keras.layers.Layer):  # not registered
        ...

    model = keras.Sequential([keras.Input((4,)), Scale()])
    model.save("model.keras")

    # predict.py
    model = keras.models.load_model("model.keras")
    ```

    ## Use instead
    ```python
    model = keras.models.load_model("model.keras", custom_objects={"Scale": Scale})
    ```
    or register `Scale` with `@keras.saving.register_keras_serializable(package="my_project")`
    before the model is saved, and import its module before loading.

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL401"
    name = "load-model-without-custom-objects"
    summary = "`load_model` without `custom_objects` of a model that holds unregistered custom objects"
    severity = "error"
    help = "register the custom objects where they are defined, or pass `custom_objects=` to `load_model`"
    triggers = ("load_model", "model_from_json", "model_from_config", "model_from_yaml", "deserialize")
    needs_project = True  # project functions and classes, wherever they are defined
    versioned_facts = ("path_without_extension_savedmodel", "keras_file_imports_unregistered_class")

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        """A loader or deserializer called without `custom_objects=`, in a file that can see
        unregistered custom objects (the second question is asked of the index, once it matters)."""
        words = tuple(path.rsplit(".", 1)[-1] for path in LOADERS + DESERIALIZERS)
        calls, bare = list(calls_named(statement, context.names, words)), []
        for call in calls:
            verdict = judge_load(context.project, context.path, call.lineno,
                                 revives_savedmodel=context.keras.holds("path_without_extension_savedmodel"),
                                 imports_classes=context.keras.holds("keras_file_imports_unregistered_class"))
            if verdict is not None and verdict.missing:
                return True  # the model flow reports it (also a load given a literal custom_objects dict)
            given = any(k.arg == "custom_objects" or k.arg is None for k in call.keywords) or len(call.args) >= 2
            if not given and (verdict is None or not verdict.saves or verdict.unknown):
                bare.append(call)  # judged on what the loading file sees
        return bool(bare) and bool(cls(context)._unregistered(skip_compile=False))  # the longest list it can name

    VALID = [
        # Keras 2 writes a path without extension as a SavedModel and revives its classes on load
        # (tf-models-official's triviaqa: a helper saves `os.path.join(model_dir, 'export')`)
        """
            import tf_keras
            class Net(tf_keras.Model):
                def call(self, x):
                    return x
            def train(d):
                model = Net()
                model.save(d + '/export')
            def predict(p):
                return tf_keras.models.load_model(p)
        """,
        # issue 20: the model saved and loaded holds only built-ins, though the file defines a custom layer
        """
            import keras
            class Doubler(keras.layers.Layer):
                pass
            def other():
                inputs = keras.Input((4,))
                return keras.Model(inputs, Doubler()(inputs))
            def train():
                inputs = keras.Input((4,))
                model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
                model.save('plain.keras')
            def predict():
                return keras.models.load_model('plain.keras')
        """,
        # the inference model saved on its own holds no custom loss layer
        """
            import keras
            class LossLayer(keras.layers.Layer):
                pass
            inputs = keras.Input((4,))
            hidden = keras.layers.Dense(3)(inputs)
            trainer = keras.Model(inputs, LossLayer()(hidden))
            trainer.save('trainer.keras')
            encoder = keras.Model(inputs, hidden)
            encoder.save('encoder.keras')
            model = keras.models.load_model('encoder.keras')
        """,
        # only compile objects are missing, and compile=False
        """
            import keras
            def hit_rate(labels, scores):
                return labels
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
            model.compile(optimizer='adam', loss='mse', metrics=[hit_rate])
            model.save('m2.keras')
            restored = keras.models.load_model('m2.keras', compile=False)
        """,
        # a class whose own __init__ loads the network it wraps is not in that network (ddsp's PretrainedCREPE)
        """
            import keras
            class Pretrained(keras.Model):
                def __init__(self, path, **kwargs):
                    super().__init__(**kwargs)
                    self.core = keras.models.load_model(path)
        """,
        # an extracted archive's folder: a SavedModel directory (deepcell)
        """
            import os
            import tf_keras
            class Norm(tf_keras.layers.Layer):
                pass
            def pretrained(archive):
                return tf_keras.models.load_model(os.path.splitext(archive)[0])
        """,
        # a SavedModel directory through a variable: Keras 2 revives its classes, Keras 3 cannot load it (KL403)
        """
            import tf_keras
            class L(tf_keras.layers.Layer):
                pass
            def test(d):
                path = d + '/model'
                return tf_keras.models.load_model(path)
        """,
        # no unregistered custom object anywhere: the bare load is correct
        """
            import keras
            model = keras.models.load_model('m.keras')
        """,
        """
            import keras
            @keras.saving.register_keras_serializable(package='p')
            class Scale(keras.layers.Layer):
                pass
            model = keras.models.load_model('m.keras')
        """,
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            keras.saving.get_custom_objects()['Scale'] = Scale
            model = keras.models.load_model('m.keras')
        """,
        # custom objects supplied
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            model = keras.models.load_model('m.keras', custom_objects={'Scale': Scale})
        """,
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            model = keras.models.load_model('m.keras', {'Scale': Scale})
        """,
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            with keras.saving.custom_object_scope({'Scale': Scale}):
                model = keras.models.load_model('m.keras')
        """,
        """
            from tensorflow.keras.utils import CustomObjectScope
            import tensorflow as tf
            class Scale(tf.keras.layers.Layer):
                pass
            def load(p):
                with CustomObjectScope({'Scale': Scale}):
                    return tf.keras.models.load_model(p)
        """,
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            def load(p, **kw):
                return keras.models.load_model(p, **kw)
        """,
        # a project function called load_model, a method called load_model
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            def load_model(p):
                return p
            load_model('m.keras')
        """,
        """
            import keras
            class Scale(keras.layers.Layer):
                pass
            learner.load_model('m.keras')
        """,
        # deserialize inside a class's from_config: the loader's custom objects are in scope there
        """
            import keras
            class Wrap(keras.layers.Layer):
                @classmethod
                def from_config(cls, config):
                    config['inner'] = keras.layers.deserialize(config['inner'])
                    return cls(**config)
        """,
        # a loss-shaped function, but compile=False skips the compile state
        """
            import keras
            def weighted_mse(y_true, y_pred):
                return y_pred
            model = keras.models.load_model('m.keras', compile=False)
        """,
        """
            import keras
            @keras.saving.register_keras_serializable()
            def weighted_mse(y_true, y_pred):
                return y_pred
            model = keras.models.load_model('m.keras')
        """,
        # a SavedModel directory: Keras 2 revives the class without it; Keras 3 cannot load it (KL403)
        """
            import tensorflow as tf
            class Tower(tf.keras.Model):
                pass
            restored = tf.keras.models.load_model('tower_dir')
        """,
        # the call expects the failure
        """
            import keras, pytest
            class Scale(keras.layers.Layer):
                pass
            def test_needs_scale():
                with pytest.raises(TypeError):
                    keras.models.load_model('m.keras')
        """,
        # Keras's own public classes
        """
            import keras
            from keras.src.api_export import keras_export
            @keras_export('keras.layers.Scale')
            class Scale(keras.layers.Layer):
                pass
            keras.models.load_model('m.keras')
        """,
    ]
    INVALID = [
        # ... the same saved to `.h5`: the class is needed
        Invalid("""
            import tf_keras
            class Net(tf_keras.Model):
                def call(self, x):
                    return x
            def train(d):
                model = Net()
                model.save(d + '/export.h5')
            def predict(p):
                return tf_keras.models.load_model(p)
        """, 9, 12, "may load a model saved at"),
        # issue 20: the model saved here holds an unregistered initializer function and metric
        Invalid("""
            import keras
            def halved(shape, dtype=None):
                return keras.random.normal(shape, dtype=dtype) * 0.5
            def hit_rate(labels, scores):
                return labels
            def train():
                inputs = keras.Input((4,))
                model = keras.Model(inputs, keras.layers.Dense(2, kernel_initializer=halved)(inputs))
                model.compile(optimizer='adam', loss='mse', metrics=[hit_rate])
                model.save('clf.keras')
            def predict():
                return keras.models.load_model('clf.keras')
        """, 12, 12, "`halved` (function"),
        # a literal custom_objects that names one object of two
        Invalid("""
            import keras
            class Scale(keras.layers.Layer):
                pass
            def dice(y_true, y_pred):
                return y_pred
            def train():
                model = keras.Sequential([keras.Input((4,)), Scale()])
                model.compile(optimizer='adam', loss=dice)
                model.save('scaled.keras')
            def predict():
                return keras.models.load_model('scaled.keras', custom_objects={'Scale': Scale})
        """, 11, 12, "`dice`"),
        # the save's path is an argparse default
        Invalid("""
            import argparse
            import keras
            class Scale(keras.layers.Layer):
                pass
            parser = argparse.ArgumentParser()
            parser.add_argument('--out', default='scaled.keras')
            args = parser.parse_args()
            def train():
                model = keras.Sequential([keras.Input((4,)), Scale()])
                model.save(args.out)
            def predict():
                return keras.models.load_model('scaled.keras')
        """, 12, 12, "loads the model saved at"),
        # a bound method given to compile
        Invalid("""
            import keras
            class SSDLoss:
                def compute_loss(self, y_true, y_pred):
                    return y_pred
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
            model.compile(optimizer='adam', loss=SSDLoss().compute_loss)
            model.save('ssd.keras')
            restored = keras.models.load_model('ssd.keras')
        """, 8, 12, "bound method"),
        Invalid("""
            import keras
            class Scale(keras.layers.Layer):
                pass
            model = keras.models.load_model('m.keras')
        """,
                4, 9, "`Scale`"),
        Invalid("""
            import tensorflow as tf
            class Scale(tf.keras.layers.Layer):
                pass
            def restore(path):
                return tf.keras.models.load_model(path, compile=False)
        """, 5, 12, "Could not locate class"),
        Invalid("""
            from keras.saving import load_model as lm
            import keras
            class Head(keras.Model):
                pass
            lm('m.keras')
        """,
                5, 1, "`Head`"),
        Invalid("""
            import keras
            def weighted_mse(y_true, y_pred):
                return y_pred
            model = keras.models.load_model('m.keras')
        """,
                4, 9, "`weighted_mse`"),
        Invalid("""
            import tf_keras
            class Scale(tf_keras.layers.Layer):
                pass
            m = tf_keras.models.model_from_json(text)
        """, 4, 5, "model_from_json"),
        Invalid("""
            import keras
            class Scale(keras.layers.Layer):
                pass
            layer = keras.layers.deserialize(config)
        """, 4, 9),
        # a `with` that is not a custom-object scope does not count
        Invalid("""
            import keras
            class Scale(keras.layers.Layer):
                pass
            with open('m.json') as f:
                model = keras.models.model_from_json(f.read())
        """, 5, 13),
    ]

    def __init__(self, context):
        super().__init__(context)
        self._scopes: list = []  # `with` statements that supply custom objects or expect an error
        self._classes = 0
        self._functions: list = []  # enclosing FunctionDefs
        self._imports = None  # what the file imports, computed on the first load call

    # -- where we are ------------------------------------------------------------------------

    def visit_With(self, node: cst.With) -> None:
        if expects_error(self, node) or any(self._is_scope(item.item) for item in node.items):
            self._scopes.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        if self._scopes and self._scopes[-1] is original_node:
            self._scopes.pop()

    def _is_scope(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Call):
            return False
        name = dotted(expr.func)
        if self.names.is_keras(name, self.line_of(expr), *SCOPES):
            return True
        # a scope we cannot resolve (`generic_utils.custom_object_scope`, a project helper): not a bare load
        last = (name or "").rsplit(".", 1)[-1].lower()
        return "custom_object" in last or "customobject" in last

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    # -- the call ----------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if self._scopes:
            return
        name = dotted(node.func)
        line = self.line_of(node)
        if self.names.is_keras(name, line, *LOADERS):
            pass
        elif self.names.is_keras(name, line, *DESERIALIZERS):
            if self._classes or any(_takes(f, "custom_objects") for f in self._functions):
                return
        else:
            return
        if any(a.star for a in node.args):
            return
        given = argument(node, 1, "custom_objects")
        if given is not None and not isinstance(given.value, cst.Dict):
            return
        is_load_model = self.names.is_keras(name, line, "models.load_model", "saving.load_model")
        keras_file = False
        if is_load_model:
            path_arg = argument(node, 0, "filepath")
            end = path_end(self, path_arg.value) if path_arg is not None else None
            if end is not None and end.kind == "none":
                # a SavedModel directory: Keras 2 revives its classes without them, Keras 3 cannot load it (KL403)
                return
            # Keras 3.0-3.8 load an unregistered class from a `.keras` file by importing the module it names
            # (keras_file_imports_unregistered_class); every Keras 2 fails ("Unknown layer" from the HDF5
            # tf.keras <= 2.12 writes under that name, "'str' object is not callable" from 2.13 and tf_keras)
            keras_file = end is not None and end.kind == "keras" and \
                self.context.keras.holds("keras_file_imports_unregistered_class")
        compile_arg = argument(node, 2, "compile") if is_load_model else None
        skip_compile = compile_arg is not None and literal_value(compile_arg.value) is False
        verdict = judge_load(self.context.project, self.context.path, line, skip_compile,
                             self.context.keras.holds("path_without_extension_savedmodel"),
                             self.context.keras.holds("keras_file_imports_unregistered_class"))
        if verdict is not None and (verdict.missing or (verdict.saves and not verdict.unknown) or given is not None):
            if verdict.missing:
                self._report_flow(node, name, line, verdict)
            return
        missing = self._unregistered(skip_compile, before=line if not self._functions else None,
                                     imported_classes_load=keras_file)
        missing = [n for n in missing if n not in self._wrappers(line)]
        if not missing:
            return
        shown = ", ".join(f"`{n}`" for n in missing[:MAX_NAMED])
        if len(missing) > MAX_NAMED:
            shown += f" and {len(missing) - MAX_NAMED} more"
        called = f"`{self.names.keras(name, line).rsplit('.', 1)[-1]}`"
        if called != f"`{name.rsplit('.', 1)[-1]}`":
            called += f" (as `{name}`)"
        them = "them" if len(missing) > 1 else "it"
        self.report(
            node,
            f"{called} without `custom_objects`, but this file defines or imports unregistered custom objects "
            f"({shown}): a saved model using {them} fails to load (\"Could not locate class '{missing[0]}'\" / "
            f"\"Unknown layer\"); pass custom_objects={{...}} or register {them} with "
            "@keras.saving.register_keras_serializable()",
        )

    def _report_flow(self, node, name: str, line: int, verdict) -> None:
        """The load is linked (or, with "may", could only be matched) to saves whose models hold objects
        it will not resolve: name each, where it is defined, and where the model is saved."""
        here = os.path.dirname(os.path.abspath(self.context.path))

        def where(path, at):
            return f"{os.path.relpath(path, here)}:{at}"

        shown = []
        for item in verdict.missing[:MAX_NAMED]:
            if item.kind == "method":
                shown.append(f"`{item.name}` (a bound method given to compile(): Keras cannot rebuild it by name; "
                             "load with compile=False and compile again)")
            elif item.library:
                shown.append(f"`{item.name}` ({item.library}'s {item.kind}, which it never registers)")
            elif item.unimported:
                shown.append(f"`{item.name}` ({item.kind}, {where(item.path, item.line)}, registered by a module "
                             "this loader never imports, so the registration does not run)")
            else:
                shown.append(f"`{item.name}` ({item.kind}, {where(item.path, item.line)})")
        if len(verdict.missing) > MAX_NAMED:
            shown.append(f"{len(verdict.missing) - MAX_NAMED} more")
        saves = ", ".join(where(s.path, s.line) for s in verdict.saves[:MAX_NAMED])
        if len(verdict.saves) > MAX_NAMED:
            saves += f" and {len(verdict.saves) - MAX_NAMED} more"
        called = f"`{self.names.keras(name, line).rsplit('.', 1)[-1]}`"
        first = verdict.missing[0].name
        failure = (f"\"Could not locate class/function '{first}'\" / \"Unknown layer/loss function: '{first}'\""
                   if verdict.missing[0].kind != "method" else
                   f"Keras 3: \"Expected 'config' to be a dict for method\"; Keras 2: \"Unknown loss function: '{first}'\"")
        saved = (f"may load a model saved at {saves} (no save's path matches this one), which would hold"
                 if verdict.may else f"loads the model saved at {saves}, which holds")
        self.report(
            node,
            f"{called} {saved} custom objects it will not resolve: {', '.join(shown)}; loading fails "
            f"({failure}): pass "
            "custom_objects={...} naming them, or register them with @keras.saving.register_keras_serializable()",
        )

    # -- what the project leaves unregistered ---------------------------------------------------

    def _unregistered(self, skip_compile: bool, before: Optional[int] = None, imported_classes_load: bool = False) -> list:
        """Unregistered custom objects the loading file can see: its own, and those it imports from the
        project (a class, or a project module holding such classes). Under flake8 only its own. With
        `before` (a module-level load), the file's own classes defined after that line do not count:
        the model it loads was saved by another run that the file does not show. With
        `imported_classes_load` (a `.keras` load where Keras imports the module a class is saved with),
        not the classes another project module imports by name either (model_flow.imported_by_name)."""
        project = self.context.project
        local = [info for info in project.classes_in(self.context.path) if before is None or info.line < before]
        # Classes it imports by name (`from .blocks import Gate`): not every class of a module it imports
        # a function from, or imports whole (issue 20: today's rule, narrowed).
        # Not those it uses otherwise either (constructs, annotates, checks with isinstance): a class the
        # loader builds in code is rebuilt there (alibi-detect's `AE(encoder_net, decoder_net)` around the
        # networks it loads), while one imported and left unused is imported for the load to find.
        imported = [found for found in map(project.find, sorted(self._imported_for_load())) if found is not None]
        names = []
        for info in local + imported:
            kind = project.keras_kind(info)
            if kind is None or project.is_registered(info) or _exported(info):
                continue
            if info.module.split(".")[0] in SELF_LOCATING_PACKAGES:
                continue
            if skip_compile and kind in COMPILE_ONLY_KINDS:
                continue
            if imported_classes_load and imported_by_name(project, info):
                continue
            if info.name not in names:
                names.append(info.name)
        if not skip_compile:
            names += [n for n in self._loss_functions() if n not in names]
        return names

    def _imported_for_load(self) -> set:
        """The absolute names of the classes this file imports by name and never mentions again."""
        tree = self.context.tree
        if tree is None:
            return self._imported_targets()
        known = _MENTIONED.get(id(tree))
        if known is None or known[0] is not tree:
            _MENTIONED.clear()  # one file at a time
            known = _MENTIONED[id(tree)] = (tree, {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)})
        mentioned = known[1]
        module, is_package = self.context.module, os.path.basename(self.context.path) == "__init__.py"
        found = set()
        for name, bindings in self.names.module.bindings.items():
            for binding in bindings:
                if binding.kind == "import" and binding.target and name not in mentioned:
                    found.add(absolute_import(binding.target, module, is_package))
        for target in self._imported_targets():
            if target.rsplit(".", 1)[-1] not in mentioned:
                found.add(target)  # imported inside a function
        return found

    def _wrappers(self, line: int) -> set:
        """The file's own classes built around the model loaded at `line`, which it therefore does not
        hold (issue 20): the class whose instance method loads it (ddsp's `PretrainedCREPE.__init__`:
        `self.core_model = load_model(path)`), and a class the loading function constructs from the
        loaded value (`inner = load_model(p)` ... `Wrapper(inner)`)."""
        tree = self.context.tree
        if tree is None:
            return set()
        found, owners, function = set(), [], None
        stack = [(node, []) for node in tree.body]
        while stack:
            node, classes = stack.pop()
            if not (getattr(node, "lineno", 0) <= line <= (getattr(node, "end_lineno", 0) or 0)):
                continue
            if isinstance(node, ast.ClassDef):
                classes = [*classes, node.name]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function = node
                params = node.args.posonlyargs + node.args.args
                instance = params and params[0].arg == "self" and not any(
                    dotted_name(d) in ("classmethod", "staticmethod") for d in node.decorator_list)
                owners = classes[-1:] if instance else []
            stack.extend((child, classes) for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
        found.update(owners)
        if function is None:
            return found
        loaded = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.lineno == line:
                loaded.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if loaded:
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and any(
                        isinstance(a, ast.Name) and a.id in loaded for a in [*node.args, *(k.value for k in node.keywords)]):
                    found.add(node.func.id)
        return found

    def _imported_targets(self) -> set:
        """The absolute qualified names this file imports (in any scope), relative imports resolved."""
        if self._imports is None:
            module, is_package = self.context.module, os.path.basename(self.context.path) == "__init__.py"
            targets, stack = set(), [self.names.module]
            while stack:
                scope = stack.pop()
                stack.extend(scope.children)
                for bindings in scope.bindings.values():
                    for binding in bindings:
                        if binding.kind == "import" and binding.target:
                            targets.add(absolute_import(binding.target, module, is_package))
            self._imports = targets
        return self._imports

    def _loss_functions(self) -> list:
        """Module-level functions of this file shaped like a Keras loss or metric, not registered."""
        found = []
        registered = self.context.project.custom_object_names
        for name, bindings in self.names.module.bindings.items():
            if len(bindings) != 1 or bindings[0].kind != "def" or name in registered:
                continue
            function = bindings[0].node
            params = [a.arg for a in function.args.posonlyargs + function.args.args]
            if params[:2] != ["y_true", "y_pred"]:
                continue
            if any(_registers(self.names, d) for d in function.decorator_list):
                continue
            found.append(name)
        return found


def _takes(function: cst.FunctionDef, parameter: str) -> bool:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    return any(p.name.value == parameter for p in every) or isinstance(params.star_kwarg, cst.Param)


def _exported(info) -> bool:
    """Decorated with a public-API export decorator (`keras_export`, `keras_hub_export`, ...): the
    library's own class, found by the library's loader."""
    return any(d and d.rsplit(".", 1)[-1].endswith("_export") for d in info.decorators)


def _registers(names, decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return is_registration(names, dotted_name(target), decorator.lineno)
