from __future__ import annotations

from ..analysis.keras_calls import ErrorsExpected
from ..analysis.save_paths import path_end
from ..analysis.statement_gates import has_path_call
from ..cst.lazy import cst
from ..cst.nodes import argument, dotted
from .base import Invalid, Rule

LOAD_MODEL = ("models.load_model", "saving.load_model")


class LoadModelSavedModelDirectory(ErrorsExpected, Rule):
    """
    ## What it does
    Under Keras 3, reports `load_model(...)` (`keras.models.load_model`, `keras.saving.load_model`,
    `tf.keras.models.load_model`, in any import spelling) given a path without an extension -- a
    string literal, f-string, `os.path.join(...)` or `pathlib` join whose literal end has none,
    such as `"saved_model/1"`, `"export_dir/"` or `os.path.join(out, "model")`: the SavedModel
    directory that Keras 2's `model.save("dir")` and `tf.saved_model.save` write. Also a path whose
    extension is none of `.keras`, `.h5`, `.hdf5` (`"model.pkl"`, `"model.tf"`, `"saved_model.pb"`),
    which Keras 3 refuses the same way (remote `scheme://` paths aside: Keras copies them first). `hf://` paths
    (Hugging Face Hub) are not reported, nor files that import Orbax (Keras 3 also loads Orbax
    checkpoint directories), nor files judged as Keras 2 (they import `tf_keras`, or reach Keras only through
    `tf.keras` where TensorFlow's legacy switch is on), nor calls
    inside `with pytest.raises(...)` / `self.assertRaises...(...)`.

    ## Why is this bad?
    Keras 3's `load_model` reads `.keras` files, legacy `.h5` files, and the unzipped directories
    of `save_model(..., zipped=False)`; it cannot read a SavedModel:
    `ValueError: File format not supported: filepath=saved_model/1. Keras 3 only supports V3
    .keras files, legacy H5 format files (.h5 extension). Note that the legacy SavedModel format
    is not supported by load_model() in Keras 3. In order to reload a TensorFlow SavedModel as an
    inference-only layer in Keras 3, use keras.layers.TFSMLayer(saved_model/1,
    call_endpoint='serving_default')`.

    ## Example
    ```python
    model = keras.models.load_model("exported/serving_model")
    ```

    ## Use instead
    Reload a SavedModel for inference as a layer (or re-save the model as `.keras` with the Keras
    that wrote it, and load that):
    ```python
    layer = keras.layers.TFSMLayer("exported/serving_model", call_endpoint="serving_default")
    outputs = layer(inputs)
    ```
    To write a SavedModel from Keras 3, use `model.export("exported/serving_model")`.

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL403"
    name = "load-model-savedmodel-directory"
    summary = "`load_model` given a SavedModel directory: Keras 3 cannot load it (use `keras.layers.TFSMLayer`)"
    severity = "error"
    help = "load it with `keras.layers.TFSMLayer(path, call_endpoint=...)`, or re-save the model as `.keras`"
    triggers = ("load_model",)

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        return has_path_call(statement, context.names, ("load_model",))

    VALID = [
        """
            import keras, os
            def f(d):
                path = os.path.join(d, 'unzipped')
                return keras.saving.load_model(path)
        """,
        """
            import keras
            keras.models.load_model('model.keras')
        """,
        """
            import keras
            keras.models.load_model('legacy.h5')
        """,
        """
            import keras
            keras.saving.load_model('hf://me/my-model')
        """,
        # a remote path is copied first, and loads when the copy is a `.keras` zip
        """
            import keras
            keras.saving.load_model('gs://bucket/exports/model.zip')
        """,
        """
            import keras
            keras.saving.load_model(path)
        """,
        """
            import keras
            keras.saving.load_model(f'{out}/{name}')
        """,
        """
            import tf_keras
            tf_keras.models.load_model('saved_model')
        """,
        """
            def load_model(path):
                return path
            load_model('saved_model')
        """,
        """
            import keras
            layer = keras.layers.TFSMLayer('saved_model', call_endpoint='serving_default')
        """,
        """
            import keras
            import orbax.checkpoint
            keras.saving.load_model('checkpoints/step_100')
        """,
        """
            import keras
            import unittest
            class T(unittest.TestCase):
                def test(self):
                    with self.assertRaisesRegex(ValueError, 'File format not supported'):
                        keras.saving.load_model('exported')
        """,
    ]
    INVALID = [
        # a recall case: a pickle's name given to load_model
        Invalid("""
            import keras
            model = keras.models.load_model('models/best_model_len500.pkl')
        """, 2, 9, "File format not supported"),
        Invalid("""
            import keras
            model = keras.models.load_model('saved_model/1')
        """, 2, 9, "TFSMLayer"),
        Invalid("""
            import tensorflow as tf
            tf.keras.models.load_model('export_dir/')
        """, 2, 1, "File format not supported"),
        Invalid("""
            from tensorflow.keras.models import load_model
            import os
            load_model(os.path.join(d, 'model'))
        """, 3, 1),
        Invalid("""
            from keras.saving import load_model as lm
            from pathlib import Path
            lm(Path(d) / 'serving')
        """, 3, 1),
        Invalid("""
            import keras
            def restore(run):
                return keras.models.load_model(f'runs/{run}/model', compile=False)
        """, 3, 12),
        Invalid("""
            import keras
            keras.models.load_model(filepath='exported')
        """, 2, 1, "`exported`"),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.keras_major != 3 or self.expecting_error:
            return
        if not self.names.is_keras(dotted(node.func), self.line_of(node), *LOAD_MODEL):
            return
        if any(m == "orbax" or m.startswith("orbax.") for m in self.names.imported_modules):
            return
        path_arg = argument(node, 0, "filepath")
        if path_arg is not None and isinstance(path_arg.value, cst.Name):
            # A folder named through a variable is as often an orbax checkpoint or an unzipped
            # `.keras` save (`zipped=False`), both of which Keras 3 loads (triage of Keras's own
            # tests): only a path spelled at the call is judged.
            return
        end = path_end(self, path_arg.value) if path_arg is not None else None
        if end is None or end.remote_hub:
            return
        if end.kind == "other" and not (end.head is not None and "://" in end.head):
            # Keras 3 loads only `.keras` zips, `.h5`/`.hdf5` files and unzipped `.keras` folders;
            # any other name is refused the same way (remote paths are copied and may be zips).
            self.report(
                node,
                f"`load_model` given `{end.shown()}`: Keras 3 loads only `.keras` files and legacy `.h5`/`.hdf5` "
                "files (\"ValueError: File format not supported: filepath=...\"); save the model with "
                "`model.save(\"....keras\")` and load that file",
            )
            return
        if end.kind != "none":
            return
        self.report(
            node,
            f"`load_model` given `{end.shown()}`, a path without extension (a SavedModel directory): Keras 3 "
            "cannot load SavedModels (\"ValueError: File format not supported ... the legacy SavedModel format is "
            "not supported by `load_model()` in Keras 3\"); use `keras.layers.TFSMLayer(path, "
            "call_endpoint='serving_default')` for inference, and `model.export(path)` to write one",
        )
