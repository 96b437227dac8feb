"""Questions more than one rule asks of the code."""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from ..finding import Edit, Fix
from ..names import keras_path, path_matches
from .base import Rule, argument, dotted


def lambda_layer_function(rule: Rule, call: cst.Call, parameter: str = "function") -> Optional[cst.BaseExpression]:
    """If `call` constructs Keras's `Lambda` layer, the expression passed as `parameter`
    (Lambda(function, output_shape=None, mask=None, arguments=None))."""
    if not rule.names.is_keras(dotted(call.func), rule.line_of(call), "layers.Lambda"):
        return None
    position = ("function", "output_shape", "mask").index(parameter)
    arg = argument(call, position, parameter)
    return arg.value if arg is not None else None


def is_registration(names, decorator, line: int) -> bool:
    """Is this decorator expression (ast or its dotted name) `register_keras_serializable`, in any spelling?"""
    return names.is_keras(decorator, line, "saving.register_keras_serializable", "utils.register_keras_serializable")


def registration_decorator(rule: Rule) -> tuple:
    """How this file spells `register_keras_serializable`, and the import edits needed (if any).

    Prefers a name the file already has for it, then the file's own Keras module (`keras.saving.`,
    or `utils.` under tf.keras / tf_keras, where `saving` is not an attribute in every version),
    and only then adds an import, placed after the file's last top-level import.
    """
    names = rule.names
    module = names.module
    keras_root = tensorflow = None
    for name, bindings in module.bindings.items():
        binding = names.binding(name, bindings[0].line)
        if binding is None or binding.kind not in ("import", "alias"):
            continue
        qualified = names.qualified(name, binding.line)
        path = keras_path(qualified)
        if path_matches(path, "saving.register_keras_serializable", "utils.register_keras_serializable"):
            return name, ()
        if path == "" and keras_root is None:
            keras_root = (name, qualified)
        if qualified == "tensorflow" and tensorflow is None:
            tensorflow = name
    if keras_root is not None:
        name, qualified = keras_root
        return (f"{name}.saving.register_keras_serializable" if qualified == "keras"
                else f"{name}.utils.register_keras_serializable"), ()
    if tensorflow is not None:
        return f"{tensorflow}.keras.utils.register_keras_serializable", ()
    if any(m == "keras" or m.startswith("keras.") for m in names.imported_modules):
        source = "keras.saving"
    elif any(m == "tf_keras" or m.startswith("tf_keras.") for m in names.imported_modules):
        source = "tf_keras.utils"
    else:
        source = "tensorflow.keras.utils"
    return "register_keras_serializable", (import_edit(rule, f"from {source} import register_keras_serializable\n"),)


def import_edit(rule: Rule, statement: str) -> Edit:
    """Insert an import statement after the file's last top-level import (or its docstring)."""
    body = rule.context.tree.body if rule.context.tree is not None else []
    imports = [s for s in body if isinstance(s, (ast.Import, ast.ImportFrom))]
    if imports:
        line = imports[-1].end_lineno + 1
    elif body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        line = body[0].end_lineno + 1  # after the module docstring
    else:
        line = 1
    return Edit((line, 0), (line, 0), statement)


def registration_fix(rule: Rule, definition: ast.AST, title: str) -> Fix:
    """A safe fix registering a module-level def or class: the decorator above it, and its import."""
    decorator, edits = registration_decorator(rule)
    first = min([definition.lineno] + [d.lineno for d in getattr(definition, "decorator_list", [])])
    text = rule.context.lines[first - 1] if first <= len(rule.context.lines) else ""
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    line = f'{indent}@{decorator}(package="{rule.context.package}")\n'
    return Fix("safe", (Edit((first, 0), (first, 0), line), *edits), title)


# -- cheap statement checks (`might_report_statement`), on the `ast` before any LibCST parsing --------


def last_name(func: ast.expr) -> Optional[str]:
    """`load_model` for `keras.models.load_model` or `load_model`; None for anything else."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def calls_named(statement: ast.stmt, names, words: tuple):
    """The calls in a statement whose callee ends in one of `words`, or in a local alias of one."""
    wanted = set(words) | names.aliases_of(words)
    for node in ast.walk(statement):
        if isinstance(node, ast.Call) and last_name(node.func) in wanted:
            yield node


def could_be_path(node: ast.expr, names, depth: int = 0) -> bool:
    """Could kl402.path_end read an ending off this expression? Never off an attribute or a
    subscript; off a name only when it is bound once, to such an expression."""
    if isinstance(node, ast.Name):
        binding = names.binding(node.id, node.lineno)
        return (
            depth < 3
            and binding is not None
            and binding.kind == "other"
            and isinstance(binding.node, ast.expr)
            and could_be_path(binding.node, names, depth + 1)
        )
    return isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call))


def has_path_call(statement: ast.stmt, names, words: tuple, keywords: tuple = ()) -> bool:
    """A call named in `words` with one of `keywords`, or with a path (first two positionals or
    `filepath=`) that is a literal, an f-string, a join: what the path rules can judge at all."""
    for call in calls_named(statement, names, words):
        if any(k.arg in keywords for k in call.keywords):
            return True
        candidates = call.args[:2] + [k.value for k in call.keywords if k.arg == "filepath"]
        if any(could_be_path(c, names) for c in candidates):
            return True
    return False
