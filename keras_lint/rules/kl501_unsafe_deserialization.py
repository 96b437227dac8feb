from __future__ import annotations

from ..cst.lazy import cst
from ..cst.nodes import dotted, literal_value
from ..keras_api import KERAS_LINES, VERSIONED_FACTS
from .base import Invalid, Rule

ENABLE_UNSAFE = ("config.enable_unsafe_deserialization",)
SAFE_MODE_SCOPE = ("saving.SafeModeScope",)
# Names of Keras functions and methods that take `safe_mode`, for calls whose receiver cannot be
# resolved (`saving_lib.load_model`, `MyModel.from_config`) in a file that uses Keras.
LOAD_NAMES = frozenset(
    {"load_model", "deserialize_keras_object", "deserialize", "from_config", "model_from_json", "model_from_config"}
)

WHY = (
    "loading a file with it can run code from the file (a Lambda layer's Python bytecode; CVE-2024-3660, and the "
    "safe_mode bypasses CVE-2025-1550 / CVE-2025-9906 show what an attacker's file can do)"
)
USE_INSTEAD = "load only files you made, and replace Lambda layers with registered Layer subclasses so safe_mode can stay on"


class UnsafeDeserialization(Rule):
    """
    ## What it does
    Reports what turns off Keras's safe mode for deserialization:
    - `safe_mode=False` (or `0`) passed to a Keras load or deserialize call: `load_model`,
      `deserialize_keras_object`, `keras.layers.deserialize`, `from_config`, ... in any import
      spelling, and calls of those names on other receivers in a file that imports Keras or
      TensorFlow;
    - `keras.config.enable_unsafe_deserialization()`, which turns it off for the whole process;
    - `SafeModeScope(False)` / `SafeModeScope(safe_mode=False)` (`keras.src.saving.serialization_lib`).

    On a Keras without safe mode (tf.keras before 2.12, multi-backend Keras) `load_model(...,
    safe_mode=...)` is reported as what it is there: `TypeError: load_model() got an unexpected
    keyword argument 'safe_mode'` (measured on TensorFlow 2.10.1, 2.11.1 and Keras 2.3.1).

    ## Why is this bad?
    Safe mode is what stops a model file from running code when it is loaded: a `Lambda` layer
    built from a Python lambda is stored as marshalled bytecode, and deserializing it runs whatever
    the file says (CVE-2024-3660; Keras added `safe_mode` in 2.13 to close it). With safe mode off,
    loading a model from a download, a shared drive or a model hub is running that file's code
    with your privileges. Even with safe mode on, crafted files have bypassed it (CVE-2025-1550,
    CVE-2025-9906, CVE-2025-9905): `safe_mode=False` removes the one check there is. Keras says
    so itself: "This carries a potential risk of arbitrary code execution and thus it is
    disallowed by default."

    ## Example
    ```python
    model = keras.models.load_model("model.keras", safe_mode=False)
    ```

    ## Use instead
    Build the model without Python lambdas (a registered `Layer` subclass instead of
    `Lambda(lambda ...)`), and load it with the default `safe_mode=True`:
    ```python
    model = keras.models.load_model("model.keras")
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL501"
    name = "unsafe-deserialization"
    versioned_facts = ("safe_mode_argument",)
    summary = "Keras safe mode turned off (`safe_mode=False`, `enable_unsafe_deserialization()`): loading runs code"
    severity = "security"
    help = "keep safe mode on: register the custom objects instead, and load only files you trust"
    triggers = ("safe_mode", "enable_unsafe_deserialization", "SafeModeScope")

    VALID = [
        """
            import keras
            keras.models.load_model('m.keras')
        """,
        """
            import keras
            keras.models.load_model('m.keras', safe_mode=True)
        """,
        """
            import keras
            keras.models.load_model('m.keras', safe_mode=trusted)
        """,
        """
            from keras.src.saving.serialization_lib import SafeModeScope
            with SafeModeScope(True):
                pass
        """,
        # not Keras: a project function, and a file that does not use Keras
        """
            def load_model(path, safe_mode=False):
                return path
            load_model('m', safe_mode=False)
        """,
        "loader.load_model('m.keras', safe_mode=False)\n",
        """
            import keras
            yaml.load(text, safe_mode=False)
        """,
    ]
    INVALID = [
        Invalid("""
            import keras
            model = keras.models.load_model('m.keras', safe_mode=False)
        """, 2, 9, "CVE-2024-3660"),
        Invalid("""
            import tensorflow as tf
            tf.keras.models.load_model(p, custom_objects=objs, safe_mode=False)
        """, 2, 1),
        Invalid("""
            from keras.saving import load_model as lm
            lm(p, safe_mode=0)
        """, 2, 1),
        Invalid("""
            import keras
            keras.saving.deserialize_keras_object(cfg, safe_mode=False)
        """, 2, 1),
        Invalid("""
            import keras
            keras.config.enable_unsafe_deserialization()
        """, 2, 1, "whole process"),
        Invalid("""
            from keras.src.saving import serialization_lib
            with serialization_lib.SafeModeScope(False):
                pass
        """, 2, 6),
        Invalid("""
            from keras.src.saving.serialization_lib import SafeModeScope
            with SafeModeScope(safe_mode=False):
                pass
        """, 2, 6),
        Invalid("""
            import keras
            def restore(cfg):
                return MyModel.from_config(cfg, safe_mode=False)
        """, 3, 12),
        Invalid("""
            import tf_keras
            tf_keras.models.load_model('m.keras', safe_mode=False)
        """, 2, 1),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        name = dotted(node.func)
        line = self.line_of(node)
        if self.names.is_keras(name, line, *ENABLE_UNSAFE):
            self.report(
                node,
                f"`enable_unsafe_deserialization()` turns Keras's safe mode off for the whole process: {WHY}; {USE_INSTEAD}",
            )
            return
        if self.names.is_keras(name, line, *SAFE_MODE_SCOPE):
            value = next((a.value for a in node.args if a.keyword is None or a.keyword.value == "safe_mode"), None)
            if value is not None and not any(a.star for a in node.args) and _is_false(value):
                self.report(node, f"`SafeModeScope(False)` turns Keras's safe mode off: {WHY}; {USE_INSTEAD}")
            return
        safe_mode = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "safe_mode"), None)
        if safe_mode is None or not _is_false(safe_mode):
            return
        keras_path = self.names.keras(name, line)
        if keras_path is None:
            last = name.rsplit(".", 1)[-1] if name else None
            if last not in LOAD_NAMES or not self.names.uses_keras_or_tf() or self._is_local(name, line):
                return
        last = name.rsplit(".", 1)[-1] if name else ""
        if last == "load_model" and not self.context.keras.holds("safe_mode_argument"):
            line = self.context.keras.line
            since = VERSIONED_FACTS["safe_mode_argument"].get(line, "").replace(">=", "")
            where = f"{KERAS_LINES[line]} before {since}" if since else KERAS_LINES[line]
            self.report(  # tf.keras <= 2.11 and multi-backend Keras (measured: versioned fact safe_mode_argument)
                node,
                f"`load_model` takes no `safe_mode` on {where}, which has no safe mode: the call raises "
                "`TypeError: load_model() got an unexpected keyword argument 'safe_mode'`; drop it, and load only "
                "files you made (a Lambda layer in the file runs its stored bytecode there)",
            )
            return
        self.report(node, f"`safe_mode=False` turns Keras's safe mode off: {WHY}; {USE_INSTEAD}")

    def _is_local(self, name: str, line: int) -> bool:
        """A bare name bound in this module by something other than an import: the project's own function."""
        if "." in name:
            return False
        binding = self.names.binding(name, line)
        return binding is None or binding.kind not in ("import", "alias")


def _is_false(node: cst.BaseExpression) -> bool:
    value = literal_value(node)
    return value is False or (type(value) is int and value == 0)
