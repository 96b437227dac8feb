from __future__ import annotations

import ast
from typing import Optional

from ..analysis.keras_calls import ErrorsExpected
from ..analysis.save_paths import PathEnd, path_end
from ..analysis.statement_gates import has_path_call
from ..cst.lazy import cst
from ..cst.nodes import argument, dotted, literal_value
from ..finding import Edit, Fix
from ..names import dotted_name, path_matches
from .base import Invalid, Rule

SAVE_FUNCTIONS = ("models.save_model", "saving.save_model")
SAVE_WEIGHTS_FUNCTIONS = ("saving.save_weights",)
CHECKPOINT = ("callbacks.ModelCheckpoint",)
# Calls whose result is a Keras model: evidence that a name assigned from one is a model.
MODEL_FACTORIES = (
    "Model", "models.Model", "Sequential", "models.Sequential", "models.load_model", "saving.load_model",
    "models.clone_model", "models.model_from_json", "models.model_from_config",
)
# Keywords only Keras's (and TensorFlow-Keras's) `Model.save` takes.
# (`options=` is not one: `tf.train.Checkpoint.save` takes it too.)
KERAS_SAVE_KEYWORDS = ("save_format", "include_optimizer", "save_traces", "signatures")

INVALID_EXTENSION = (
    "`ValueError: Invalid filepath extension for saving. Please add either a `.keras` extension for the native "
    "Keras format (recommended) or a `.h5` extension.`"
)
LEGACY_H5 = "Keras 3 writes `.h5` in the legacy HDF5 format (it warns \"This file format is considered legacy\")"


class LegacySaveFormat(ErrorsExpected, Rule):
    """
    ## What it does
    Under Keras 3, reports saving calls that use a format Keras 3 dropped or only keeps as legacy:
    - `save_format=` passed to `model.save(...)` or `keras.saving.save_model(...)` (any spelling,
      `tf.keras.models.save_model` included), and `save_format=` passed to `save_weights(...)`;
    - a `model.save(...)`, `keras.saving.save_model(...)` or `ModelCheckpoint(...)` path ending
      `.h5`/`.hdf5`, or without an extension (a SavedModel directory in Keras 2);
    - a `save_weights(...)` path, or a `ModelCheckpoint(..., save_weights_only=True)` path, that
      does not end `.weights.h5`.

    Paths are judged by their literal end: string literals, f-strings, `+`, `%` and `.format`
    builds, `os.path.join(...)`, `pathlib.Path(...)`, `base / "name"` and `.joinpath(...)`.
    A path held in a variable is judged by the one value assigned to it (`path = d + "/m.h5"`);
    a parameter or a variable assigned more than once is not. `hf://` paths and `zipped=False`
    saves are fine.

    The receiver of `.save(...)` is unknown statically, so it is reported only when the evidence
    is Keras-specific: the file imports Keras or TensorFlow, and the path ends `.h5`/`.hdf5`, or a
    Keras-only keyword is passed (`save_format=`, `include_optimizer=`, `save_traces=`,
    `signatures=`), or the receiver is a name assigned once in its scope (a function body, or the
    module's top level as in notebook-style scripts) from `keras.Model(...)`,
    `keras.Sequential(...)`, `load_model(...)`, `clone_model(...)` or a `keras.applications`
    model. Files judged as Keras 2 (they import `tf_keras`, or reach Keras only
    through `tf.keras` where TensorFlow's legacy switch is on: `--target-keras` in the README) are
    not reported: there these formats work. Calls inside `with pytest.raises(...)` / `self.assertRaises...(...)`
    expect the error and are not reported.

    ## Why is this bad?
    Keras 3 raises on the formats Keras 2 wrote:
    `ValueError: Invalid filepath extension for saving. Please add either a .keras extension for
    the native Keras format (recommended) or a .h5 extension. Use model.export(filepath) if you
    want to export a SavedModel for use with TFLite/TFServing/etc.`;
    `ValueError: The save_format argument is deprecated in Keras 3. Please remove this argument
    and pass a file path with either .keras or .h5 extension.`;
    `ValueError: The filename must end in .weights.h5.`;
    `ValueError: The filepath provided must end in .keras (Keras model format).` (ModelCheckpoint,
    `.hdf5` included). `save_weights(save_format=...)` is a `TypeError`. `.h5` still saves, with
    a warning that the format is legacy: it cannot hold everything a `.keras` file holds.

    ## Example
    ```python
    model.save("exported_model")
    model.save_weights("checkpoints/best.h5")
    keras.callbacks.ModelCheckpoint("weights.{epoch:02d}.hdf5")
    ```

    ## Use instead
    ```python
    model.save("exported_model.keras")      # or model.export("exported_model") for serving
    model.save_weights("checkpoints/best.weights.h5")
    keras.callbacks.ModelCheckpoint("model.{epoch:02d}.keras")
    ```

    ## Fix safety
    A finding is fixed whole or not at all. Dropping `save_format=` is safe when the path's
    literal extension already decides the same format (`.keras` with `"keras"`, `.h5`/`.hdf5`
    with `"h5"`/`"hdf5"`; for `save_weights`, `.weights.h5` with `"h5"`): Keras 3 ignores the value
    and goes by the extension (it only warns, or raises for another extension), and Keras 2 would
    write the same format without it. It is unsafe when the value names another format (Keras 2
    would write that one) or the path is not known. A literal `.h5`/`.hdf5` at the end of the path
    is rewritten to `.keras` (`model.save`, `save_model`, `ModelCheckpoint`) or to `.weights.h5`
    (`save_weights`, `ModelCheckpoint(save_weights_only=True)`): unsafe, since the file's name
    changes and code that reads it by the old name no longer finds it. No fix for paths held in
    variables, paths without an extension (a `.keras` file or `model.export(dir)`? the intent is
    unknown), `save_format=` with such a path, and an unknown `save_weights_only`.
    """

    code = "KL402"
    name = "legacy-save-format"
    summary = "Saving with a path or `save_format` Keras 3 rejects or treats as legacy (`.h5`, no extension)"
    severity = "error"
    help = "save to a `.keras` path (weights: `.weights.h5`) without `save_format=`; `model.export(dir)` for a SavedModel"
    triggers = (".save(", "save_model", "save_weights", "ModelCheckpoint", "save_format")
    fix = "safe"  # dropping an agreeing save_format=; new file names are unsafe
    versioned_facts = ("checkpoint_accepts_h5",)

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        return context.keras_major == 3 and has_path_call(
            statement, context.names, ("save", "save_weights", "save_model", "ModelCheckpoint"), ("save_format",)
        )

    VALID = [
        """
            import keras
            model = keras.Sequential([])
            model.save('model.keras')
        """,
        # a name assigned twice at the top level: the value `.save` meets is the second, not a model factory's
        """
            import keras
            model = keras.Sequential([])
            model = build()
            model.save('saved_model')
        """,
        # rebound in a branch between the two
        """
            import keras
            model = keras.Sequential([])
            if resume:
                model = restore()
            model.save('saved_model')
        """,
        # the code expects the error
        """
            import keras, pytest
            def test_refused(model):
                with pytest.raises(ValueError):
                    model.save('m.h5', save_format='tf')
        """,
        """
            import keras
            model.save_weights('w.weights.h5')
        """,
        """
            import keras
            keras.callbacks.ModelCheckpoint('m.{epoch:02d}.keras')
        """,
        """
            import keras
            keras.callbacks.ModelCheckpoint(f'{d}/best.weights.h5', save_weights_only=True)
        """,
        # the receiver is not provably a Keras model and the path says nothing Keras-specific
        """
            import keras
            tokenizer.save('vocab_dir')
        """,
        """
            import keras
            import numpy as np
            np.save('features', x)
        """,
        # the file does not use Keras at all
        "model.save('model.h5')\n",
        # a path held in a variable is not judged
        """
            import keras
            model = keras.Sequential([])
            model.save(path)
        """,
        """
            import keras
            model = keras.Sequential([])
            model.save(f'{run}_{epoch}')
        """,
        # Keras 2 files: `.h5` and SavedModel directories are Keras 2 formats
        """
            import tf_keras
            model = tf_keras.Sequential([])
            model.save('model.h5')
            model.save('saved_model')
        """,
        # valid Keras 3 destinations without an extension
        """
            import keras
            model = keras.Sequential([])
            model.save('hf://me/my-model')
        """,
        """
            import keras
            model = keras.Sequential([])
            model.save('unzipped_dir', zipped=False)
        """,
        """
            import keras
            model = keras.Sequential([])
            model.export('serving_dir')
        """,
        """
            import tensorflow as tf
            tf.saved_model.save(model, 'export_dir')
        """,
        """
            import tensorflow as tf
            ckpt.save('ckpt/prefix', options=tf.train.CheckpointOptions())
        """,
        # the name is rebound to something else before it is saved
        """
            import keras
            model = keras.Sequential([])
            model = wrap(model)
            model.save('out')
        """,
        """
            import keras
            save_format = 'tf'
            model.save('m.keras', save_format=None)
        """,
    ]
    INVALID = [
        # notebook-style: the model is made in one top-level statement and saved in another (recall cases)
        Invalid("""
            from keras.models import Sequential
            from keras.layers import Dense
            model = Sequential()
            model.add(Dense(1))
            model.save("tfmodel")
        """, 5, 1, "Invalid filepath extension"),
        # ... and reloaded under the same name afterwards (recall case: keras-team/keras#11363)
        Invalid("""
            import keras
            model = keras.Sequential([keras.layers.Dense(1)])
            model.save("ani.model")
            model = keras.models.load_model("ani.model")
        """, 3, 1, "does not end in `.keras` or `.h5`"),
        # a plain variable is followed to the one value assigned to it
        Invalid("""
            import keras
            def save(model, d):
                path = d + '/weights.h5'
                model.save_weights(path)
        """, 4, 5, "weights.h5"),
        Invalid("""
            import keras
            def export():
                model = keras.Sequential([])
                model.save('saved_model/1')
        """, 4, 5, "Invalid filepath extension"),
        Invalid("""
            import tensorflow as tf
            model = tf.keras.models.load_model('m.keras')
            model.save('model.h5')
        """,
                3, 1, "legacy",
                fixed="""
                    import tensorflow as tf
                    model = tf.keras.models.load_model('m.keras')
                    model.save('model.keras')
                """),
        Invalid("""
            import tensorflow as tf
            if __name__ == '__main__':
                model = tf.keras.models.load_model('m.keras')
                model.save('model_dir/')
        """, 4, 5),
        Invalid("""
            import keras
            model.save('best.hdf5')
        """, 2, 1, "legacy",
            fixed="""
                import keras
                model.save('best.keras')
            """),
        Invalid("""
            import tensorflow as tf
            model.save(out_dir, save_format='tf')
        """, 2, 1, "save_format"),
        Invalid("""
            import keras
            keras.models.save_model(model, 'exported')
        """, 2, 1, "Invalid filepath extension"),
        Invalid("""
            from tensorflow.keras.models import save_model
            save_model(m, os.path.join(d, 'model.pb'))
            import os
        """, 2, 1),
        Invalid("""
            import keras
            model.save_weights('weights.h5')
        """, 2, 1, "must end in `.weights.h5`",
            fixed="""
                import keras
                model.save_weights('weights.weights.h5')
            """),
        Invalid("""
            import keras
            model.save_weights(f'{ckpt_dir}/ckpt')
        """, 2, 1, "`.weights.h5`"),
        Invalid("""
            import keras
            model.save_weights('w.weights.h5', save_format='h5')
        """, 2, 1, "TypeError",
            fixed="""
                import keras
                model.save_weights('w.weights.h5')
            """),
        Invalid("""
            import keras
            keras.callbacks.ModelCheckpoint('w.{epoch:02d}-{val_loss:.2f}.hdf5')
        """,
                2, 1, "must end in `.keras`",
                fixed="""
                    import keras
                    keras.callbacks.ModelCheckpoint('w.{epoch:02d}-{val_loss:.2f}.keras')
                """),
        Invalid("""
            from keras.callbacks import ModelCheckpoint
            ModelCheckpoint('best.h5', save_weights_only=True)
        """,
                2, 1, "`.weights.h5`",
                fixed="""
                    from keras.callbacks import ModelCheckpoint
                    ModelCheckpoint('best.weights.h5', save_weights_only=True)
                """),
        Invalid("""
            import os
            import keras
            def train(model, d):
                model.fit()
                model.save(os.path.join(d, 'final.h5'))
        """,
                5, 5, "legacy",
                fixed="""
                    import os
                    import keras
                    def train(model, d):
                        model.fit()
                        model.save(os.path.join(d, 'final.keras'))
                """),
        Invalid("""
            import keras
            from pathlib import Path
            def run():
                m = keras.applications.ResNet50()
                m.save(Path('out') / 'resnet')
        """, 5, 5),
        Invalid("""
            import keras
            model.save('%s/model.h5' % out)
        """, 2, 1, "legacy",
            fixed="""
                import keras
                model.save('%s/model.keras' % out)
            """),
        Invalid("""
            import keras
            model.save('{}/best'.format(out), include_optimizer=False)
        """, 2, 1, "Invalid filepath extension"),
        # fixes: save_format= agreeing with the extension goes (safe); disagreeing, it goes unsafely
        Invalid("""
            import keras
            model.save(
                'm.keras',
                save_format='keras',
            )
        """, 2, 1, "save_format='keras'",
            fixed="""
                import keras
                model.save(
                    'm.keras',
                )
            """),
        Invalid("""
            import keras
            model.save('m.keras', save_format='tf', overwrite=True)
        """, 2, 1, "save_format='tf'",
            fixed="""
                import keras
                model.save('m.keras', overwrite=True)
            """),
        # both problems, both fixed (unsafe: the file's name changes)
        Invalid("""
            import keras
            keras.models.save_model(model, f'{d}/m.hdf5', save_format='h5')
        """, 2, 1, "legacy",
            fixed="""
                import keras
                keras.models.save_model(model, f'{d}/m.keras')
            """),
        Invalid("""
            import keras
            from pathlib import Path
            model.save_weights(Path(d) / 'w.h5')
        """, 3, 1, "`.weights.h5`",
            fixed="""
                import keras
                from pathlib import Path
                model.save_weights(Path(d) / 'w.weights.h5')
            """),
        # no fix: a comment in what would go; a path without an extension (a file or a SavedModel?)
        Invalid("""
            import keras
            model.save(
                'm.keras',  # where
                save_format='keras'
            )
        """, 2, 1),
        Invalid("""
            import keras
            model.save('exported', save_format='tf')
        """, 2, 1, "no extension"),
    ]

    def __init__(self, context):
        super().__init__(context)
        self._models: set = set()  # (name, line): a name assigned from a Keras model factory at that line

    # -- receivers ---------------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._note_model(node.targets[0].target.value, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self._note_model(node.target.value, node.value, node)

    def _note_model(self, name: str, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        if isinstance(value, cst.Call) and self._is_model_factory(value):
            self._models.add((name, self.line_of(node)))

    def _is_model_factory(self, call: cst.Call) -> bool:
        return self._is_model_factory_path(dotted(call.func), self.line_of(call))

    def _is_model_factory_path(self, func: Optional[str], line: int) -> bool:
        path = self.names.keras(func, line)
        if path is None:
            return False
        if path_matches(path, *MODEL_FACTORIES):
            return True
        parts = path.split(".")
        return parts[0] == "applications" and len(parts) >= 2 and parts[-1][:1].isupper()

    def _is_model(self, receiver: cst.BaseExpression, line: int) -> bool:
        if isinstance(receiver, cst.Call):
            return self._is_model_factory(receiver)
        if not isinstance(receiver, cst.Name):
            return False
        binding = self.names.binding(receiver.value, line)
        if binding is not None and (receiver.value, binding.line) in self._models:
            return True
        # assigned in a statement the rule did not read (notebook-style code: `model = Sequential()`
        # at the top level, `model.save(...)` statements later): the one value the name was given,
        # or, for a save at the top level, the value of the top-level assignment last made before it
        value = binding.node if binding is not None and binding.kind == "other" else None
        if binding is None:
            value = self._last_top_level_value(receiver.value, line)
        return isinstance(value, ast.Call) and self._is_model_factory_path(dotted_name(value.func), value.lineno)

    def _last_top_level_value(self, name: str, line: int) -> Optional[ast.expr]:
        """The value `name = value` gave `name` in the last top-level statement before the top-level
        statement holding `line`, when no statement between them binds `name` in any other way."""
        body = self.context.tree.body if self.context.tree is not None else []
        here = next((i for i, stmt in enumerate(body) if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno)), None)
        if here is None or not isinstance(body[here], (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign)):
            return None  # inside a def, a loop, a branch: which value reaches it is not straight-line
        for stmt in reversed(body[:here]):
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                    and stmt.targets[0].id == name):
                return stmt.value
            if any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) for n in ast.walk(stmt)):
                return None
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
                return None
        return None

    # -- calls -------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.keras_major != 3 or self.expecting_error:
            return
        line = self.line_of(node)
        name = dotted(node.func)
        if self.names.is_keras(name, line, *CHECKPOINT):
            self._checkpoint(node)
        elif self.names.is_keras(name, line, *SAVE_FUNCTIONS):
            self._save(node, argument(node, 1, "filepath"), proven=True)
        elif self.names.is_keras(name, line, *SAVE_WEIGHTS_FUNCTIONS):
            self._save_weights(node, argument(node, 1, "filepath"))
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in ("save", "save_weights"):
            receiver = node.func.value
            receiver_name = dotted(receiver)
            if receiver_name is not None and self.names.qualified(receiver_name, line) is not None:
                return  # a module's function (`np.save`, `tf.saved_model.save`), not a method of a model
            if not self.names.uses_keras_or_tf():
                return
            if node.func.attr.value == "save_weights":
                self._save_weights(node, argument(node, 0, "filepath"))
            else:
                self._save(node, argument(node, 0, "filepath"), proven=self._is_model(receiver, line))

    def _save(self, node: cst.Call, path_arg: Optional[cst.Arg], proven: bool) -> None:
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if any(a.star == "**" for a in node.args):
            return
        if literal_value(keywords.get("zipped")) is False:
            return
        end = path_end(self, path_arg.value) if path_arg is not None else None
        if end is not None and end.remote_hub:
            return
        save_format = literal_value(keywords.get("save_format"))
        has_save_format = "save_format" in keywords and save_format not in (None, False, "")
        keras_keyword = has_save_format or any(k in keywords for k in KERAS_SAVE_KEYWORDS[1:])
        kind = end.kind if end is not None else None
        problems, fixes = [], []
        if has_save_format:
            shown = f"={save_format!r}" if isinstance(save_format, str) else ""
            problems.append(
                f"`save_format{shown}` is deprecated in Keras 3 (\"The `save_format` argument is deprecated in Keras 3. "
                "Please remove this argument and pass a file path with either `.keras` or `.h5` extension\", a "
                "ValueError unless the path ends in `.keras` or `.h5`)"
            )
            # Keras 3 ignores the value and goes by the extension; Keras 2 goes by the value.
            agrees = (kind, save_format) in (("keras", "keras"), ("h5", "h5"), ("h5", "hdf5"))
            fixes.append(self._drop_keyword(node, "save_format", agrees) if kind in ("keras", "h5") else None)
        if kind == "h5":
            problems.append(f"{LEGACY_H5}; use a `.keras` path")
            fixes.append(self._new_extension(path_arg, end, ".keras"))
        elif kind in ("none", "other") and (proven or keras_keyword):
            what = "has no extension" if kind == "none" else "does not end in `.keras` or `.h5`"
            problems.append(
                f"the path `{end.shown()}` {what}: Keras 3 raises {INVALID_EXTENSION}; save to a `.keras` path, "
                "or use `model.export(dir)` for a SavedModel"
            )
            fixes.append(None)
        if problems:
            self.report(node, "; ".join(problems), _together(fixes))

    def _save_weights(self, node: cst.Call, path_arg: Optional[cst.Arg]) -> None:
        if any(a.star for a in node.args):
            return
        problems, fixes = [], []
        end = path_end(self, path_arg.value) if path_arg is not None else None
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if "save_format" in keywords:
            problems.append("Keras 3's `save_weights` takes no `save_format` (TypeError: unexpected keyword argument)")
            value = literal_value(keywords["save_format"])
            agrees = end is not None and end.kind == "weights" and value in ("h5", "hdf5")
            fixes.append(self._drop_keyword(node, "save_format", agrees))
        if end is not None and end.kind != "weights" and "max_shard_size" not in keywords:
            problems.append(
                f"the path `{end.shown()}` does not end in `.weights.h5`: Keras 3 raises "
                f"`ValueError: The filename must end in `.weights.h5``"
            )
            fixes.append(self._new_extension(path_arg, end, ".weights.h5") if end.kind == "h5" else None)
        if problems:
            self.report(node, "; ".join(problems), _together(fixes))

    def _checkpoint(self, node: cst.Call) -> None:
        if any(a.star for a in node.args):
            return
        path_arg = argument(node, 0, "filepath")
        end = path_end(self, path_arg.value) if path_arg is not None else None
        if end is None:
            return
        weights_arg = argument(node, 4, "save_weights_only")
        weights_only = literal_value(weights_arg.value) if weights_arg is not None else False
        if weights_only is True or weights_only == 1:
            if end.kind != "weights":
                self.report(
                    node,
                    f"Keras 3 `ModelCheckpoint(save_weights_only=True)` needs a path ending `.weights.h5`, not "
                    f"`{end.shown()}`: `ValueError: When using `save_weights_only=True` in `ModelCheckpoint`, the "
                    "filepath provided must end in `.weights.h5``",
                    _together([self._new_extension(path_arg, end, ".weights.h5") if end.kind == "h5" else None]),
                )
        elif weights_only is False:
            if end.tail.endswith(".h5") and not self.context.keras.holds("checkpoint_accepts_h5"):
                self.report(
                    node,
                    f"Keras 3 before 3.8 refuses an `.h5` `ModelCheckpoint` path (it takes `.h5` from Keras 3.8): "
                    f"`ValueError: The filepath provided must end in `.keras` (Keras model format). Received: "
                    f"filepath={end.shown()}`, raised when the checkpoint is made; use a `.keras` checkpoint path",
                    _together([self._new_extension(path_arg, end, ".keras")]),
                )
            elif end.tail.endswith(".h5"):
                self.report(node, f"{LEGACY_H5}; use a `.keras` checkpoint path",
                            _together([self._new_extension(path_arg, end, ".keras")]))
            elif end.kind != "keras":
                self.report(
                    node,
                    f"Keras 3 `ModelCheckpoint` needs a path ending `.keras` (or legacy `.h5`), not "
                    f"`{end.shown()}`: `ValueError: The filepath provided must end in `.keras` (Keras model format)`",
                    _together([self._new_extension(path_arg, end, ".keras") if end.kind == "h5" else None]),
                )
        elif end.kind not in ("keras", "weights", "h5") or end.tail.endswith(".hdf5"):
            # save_weights_only unknown: only a path neither mode accepts
            self.report(
                node,
                f"Keras 3 `ModelCheckpoint` accepts only paths ending `.keras`/`.h5` (or `.weights.h5` with "
                f"save_weights_only=True), not `{end.shown()}`: it raises ValueError",
            )

    # -- fixes ---------------------------------------------------------------------------------

    def _drop_keyword(self, call: cst.Call, keyword: str, safe: bool) -> Optional[tuple]:
        """(safety, edits) removing a keyword argument with its comma; None when a comment sits in
        the text that would go."""
        args = list(call.args)
        index = next(i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == keyword)
        start, end = self.span(args[index])
        if index + 1 < len(args):
            end = self.span(args[index + 1])[0]
        elif index > 0:
            start = self.span(args[index - 1].comma)[0] if isinstance(args[index - 1].comma, cst.Comma) else start
            if isinstance(args[index].comma, cst.Comma):  # a trailing comma: the previous one goes instead
                end = self.span(args[index].comma)[0]
        else:
            return None
        lines = self.context.lines[start[0] - 1: end[0]]
        removed = "".join(lines)[start[1]: sum(len(line) for line in lines[:-1]) + end[1]]
        if "#" in removed:
            return None
        return ("safe" if safe else "unsafe", (Edit(start, end, ""),), f"drop `{keyword}=`")

    def _new_extension(self, path_arg: Optional[cst.Arg], end: PathEnd, extension: str) -> Optional[tuple]:
        """(safety, edits) rewriting the literal `.h5`/`.hdf5` the path ends with; always unsafe:
        the file's name changes, and whatever reads it by the old name no longer finds it."""
        old = ".hdf5" if end.tail.endswith(".hdf5") else ".h5"
        literal = _last_literal(path_arg.value) if path_arg is not None else None
        if isinstance(literal, cst.SimpleString):
            raw, quote = literal.value, literal.quote
            body = raw[len(literal.prefix) + len(quote): len(raw) - len(quote)]
            if not body.endswith(old) or not str(literal.evaluated_value).endswith(old):
                return None
            text = raw[: len(raw) - len(quote) - len(old)] + extension + quote
        elif isinstance(literal, cst.FormattedStringText) and literal.value.endswith(old):
            text = literal.value[: -len(old)] + extension
        else:
            return None
        return ("unsafe", (self.replace(literal, text),), f"save to `{extension}`")


def _last_literal(node: cst.BaseExpression):
    """The string literal (or f-string text) whose text ends the path expression `node`: what
    `path_end` reads the ending from, without following variables."""
    if isinstance(node, cst.SimpleString):
        return node
    if isinstance(node, cst.ConcatenatedString):
        return _last_literal(node.right)
    if isinstance(node, cst.FormattedString):
        return node.parts[-1] if node.parts and isinstance(node.parts[-1], cst.FormattedStringText) else None
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, (cst.Add, cst.Divide)):
            return _last_literal(node.right)
        if isinstance(node.operator, cst.Modulo):
            return _last_literal(node.left)
        return None
    if isinstance(node, cst.Call) and not any(a.star for a in node.args):
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
            return _last_literal(node.func.value)
        positional = [a.value for a in node.args if a.keyword is None]
        return _last_literal(positional[-1]) if positional else None
    return None


def _together(fixes: list) -> Optional[Fix]:
    """One fix doing all of `fixes` ((safety, edits, title) each), or None if one of them is None:
    a finding is fixed whole or not at all."""
    if not fixes or any(f is None for f in fixes):
        return None
    safety = "unsafe" if any(f[0] == "unsafe" for f in fixes) else "safe"
    return Fix(safety, tuple(e for f in fixes for e in f[1]), ", ".join(f[2] for f in fixes))
