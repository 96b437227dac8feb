from __future__ import annotations

from ..analysis.save_paths import path_end
from ..analysis.statement_gates import has_path_call
from ..cst.lazy import cst
from ..cst.nodes import argument, dotted
from .base import Invalid, Rule

LOAD_MODEL = ("models.load_model", "saving.load_model")


class LoadModelH5File(Rule):
    """
    ## What it does
    Reports `load_model(...)` (`keras.models.load_model`, `keras.saving.load_model`,
    `tf.keras.models.load_model`, `tf_keras...`, in any import spelling) given a path that ends
    `.h5` or `.hdf5` -- a string literal, f-string, `os.path.join(...)` or `pathlib` join whose
    literal end is `.h5`/`.hdf5`.

    ## Why is this bad?
    `.h5` files are read by the legacy HDF5 loader, and a `Lambda` layer in an HDF5 file carries
    Python bytecode that runs when the model is loaded and called. That loader has ignored
    `safe_mode`: Keras 2 / tf_keras load such a file without any check (observed with tf_keras
    2.21: a Python-lambda model saved as `.h5` loads with the default `safe_mode=True`), and
    Keras 3 before 3.11.3 did too (CVE-2025-9905, "safe_mode is silently ignored" for `.h5`).
    Keras 3.11.3 and later check it, but still ignore the global
    `keras.config.enable_unsafe_deserialization()` switch on this path. A model file you did not
    make can therefore run code on your machine. The `.keras` format is checked by `safe_mode`
    in every Keras version that has it.

    ## Example
    ```python
    model = keras.models.load_model("downloaded/classifier.h5")
    ```

    ## Use instead
    Load `.keras` files (re-save trusted `.h5` models once as `.keras`), and keep the default
    `safe_mode=True`:
    ```python
    model = keras.models.load_model("downloaded/classifier.keras")
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL502"
    name = "load-model-h5-file"
    summary = "`load_model` reads an `.h5` file: the legacy HDF5 loader has ignored `safe_mode` (CVE-2025-9905)"
    severity = "security"
    versioned_facts = ("safe_mode_argument", "keras_suffix_writes_zip")
    help = "re-save the model as `.keras` and load that; load `.h5` files only from sources you trust"
    triggers = ("load_model",)

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        return has_path_call(statement, context.names, ("load_model",))

    VALID = [
        """
            import keras
            keras.models.load_model('model.keras')
        """,
        """
            import keras
            keras.models.load_model(path)
        """,
        """
            import keras
            keras.models.load_model(f'{name}.{ext}')
        """,
        """
            import keras
            model.load_weights('best.weights.h5')
        """,
        """
            import keras
            model.load_weights('best.h5')
        """,
        """
            def load_model(path):
                return path
            load_model('model.h5')
        """,
        """
            import h5py
            h5py.File('model.h5')
        """,
    ]
    INVALID = [
        Invalid("""
            import keras
            model = keras.models.load_model('classifier.h5')
        """, 2, 9, "CVE-2025-9905"),
        Invalid("""
            import tensorflow as tf
            tf.keras.models.load_model('weights-improvement-01.hdf5')
        """, 2, 1),
        Invalid("""
            from tensorflow.keras.models import load_model
            import os
            load_model(os.path.join(d, 'best.h5'), compile=False)
        """, 3, 1),
        Invalid("""
            import tf_keras
            def restore(d):
                return tf_keras.models.load_model(f'{d}/model.h5')
        """, 3, 12, "`.keras`"),
        Invalid("""
            from keras.saving import load_model
            load_model(filepath='m.h5', safe_mode=True)
        """, 2, 1),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.names.is_keras(dotted(node.func), self.line_of(node), *LOAD_MODEL):
            return
        path_arg = argument(node, 0, "filepath")
        end = path_end(self, path_arg.value) if path_arg is not None else None
        if end is None or end.kind != "h5":
            return
        keras = self.context.keras
        if not keras.holds("safe_mode_argument"):  # tf.keras <= 2.11: no safe_mode at all
            self.report(
                node,
                f"`load_model` reads `{end.shown()}` with the HDF5 loader, which before tf.keras 2.12 has no `safe_mode` "
                "check at all: a Lambda layer in the file runs its stored bytecode; load only files you made"
                + ("" if keras.holds("keras_suffix_writes_zip") else
                   " (a `.keras` path is HDF5 too before tf.keras 2.13)"),
            )
            return
        self.report(
            node,
            f"`load_model` reads `{end.shown()}` with the legacy HDF5 loader, which has ignored `safe_mode` "
            "(Keras 2/tf_keras, and Keras 3 before 3.11.3: CVE-2025-9905): a Lambda layer in the file runs its code; "
            "use the `.keras` format for files you did not make",
        )
