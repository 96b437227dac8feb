"""Cheap checks of a top-level statement's `ast` (`might_report_statement`), made before any LibCST
parsing: does it call something of a given name, with a path a rule could judge."""

from __future__ import annotations

import ast
from typing import Optional


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


def calls_lambda_layer(statement: ast.stmt, context) -> bool:
    """Does the statement call something named `Lambda` (or a local alias of it)? The gate of the
    Lambda rules: "Lambda" in a docstring or a comment is no reason to hand a statement to LibCST."""
    return next(calls_named(statement, context.names, ("Lambda",)), None) is not None


def could_be_path(node: ast.expr, names, depth: int = 0) -> bool:
    """Could save_paths.path_end read an ending off this expression? Never off an attribute or a
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

