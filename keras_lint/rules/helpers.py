"""Questions more than one rule asks of the code."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from .base import Rule, argument, dotted


def lambda_layer_function(rule: Rule, call: cst.Call) -> Optional[cst.BaseExpression]:
    """If `call` constructs Keras's `Lambda` layer, the expression passed as its `function`."""
    if not rule.names.is_keras(dotted(call.func), rule.line_of(call), "layers.Lambda"):
        return None
    arg = argument(call, 0, "function")
    return arg.value if arg is not None else None


def is_registration(names, decorator, line: int) -> bool:
    """Is this decorator expression (ast or its dotted name) `register_keras_serializable`, in any spelling?"""
    return names.is_keras(decorator, line, "saving.register_keras_serializable", "utils.register_keras_serializable")
