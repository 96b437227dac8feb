"""Questions more than one rule asks of the code."""

from __future__ import annotations

import ast
import os
from typing import Optional

from ..finding import Edit, Fix, ImportEdit
from ..lazy_libcst import cst
from ..names import keras_path, path_matches
from ..project import FunctionInfo, Registration
from .base import Rule, argument, descendants, dotted


def method(node: cst.ClassDef, name: str) -> Optional[cst.FunctionDef]:
    """The class's own `def name` (the last one, as Python keeps it)."""
    found = None
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
            found = stmt
    return found


def names_read(function: cst.FunctionDef) -> set:
    """Every bare name used in the function's body (not its signature)."""
    return {node.value for node in descendants(function.body) if isinstance(node, cst.Name)}


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
    and only then adds an import, in the file's leading block of imports.
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
    return "register_keras_serializable", (import_edit(rule, source, "register_keras_serializable"),)


def leading_block_end(rule: Rule) -> int:
    """The last line of the file's leading block: its docstring and the imports that follow it
    (0 when the file starts with anything else). New imports go there, before any code."""
    end = 0
    body = rule.context.tree.body if rule.context.tree is not None else []
    for index, stmt in enumerate(body):
        docstring = index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        if not (docstring or isinstance(stmt, (ast.Import, ast.ImportFrom))):
            break
        end = stmt.end_lineno or stmt.lineno
    return end


def import_edit(rule: Rule, module: str, name: str) -> ImportEdit:
    """The edit that adds `from module import name` to the file's leading block (see ImportEdit)."""
    end = leading_block_end(rule)
    return ImportEdit("".join(rule.context.lines[:end]).replace("\r\n", "\n").replace("\r", "\n"), module, name, end + 1)


def registration_key_may_be_taken(rule: Rule, name: str, line: int) -> bool:
    """Could another class or function of the project be registered under the key a fix would give
    the definition of `name` at `line` of this file (`package>name`) -- already, or by a fix of this
    same run (another unregistered custom object or function of that name)? Two registrations of one
    key make a saved model load the wrong object, silently (KL208)."""
    project = rule.context.project
    key = f"{rule.context.package}>{name}"
    here = (os.path.abspath(rule.context.path), line)
    for summary in project.summaries:
        for other in [*summary.classes, *summary.functions]:
            if (os.path.abspath(other.path), other.line) == here:
                continue  # the definition itself (the index may hold a file twice: as named and as found)
            if other.registration is None:
                # KL201 registers Keras classes, KL102/KL302 functions (which ones, the summary does
                # not say). By name alone: the package that file's fix would use is not known here.
                could_be_fixed = isinstance(other, FunctionInfo) or project.keras_kind(other) is not None
                if other.name == name and could_be_fixed:
                    return True
            elif _may_register(other.registration, other.name, key):
                return True
    return False


def _may_register(registration: Registration, default_name: str, key: str) -> bool:
    if not registration.called:
        return False  # a bare decorator registers nothing (KL209)
    if registration.package is None:  # a package or name we cannot read
        return registration.name in (None, key.split(">", 1)[1])
    return registration.key(default_name) == key


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


def calls_lambda_layer(statement: ast.stmt, context) -> bool:
    """Does the statement call something named `Lambda` (or a local alias of it)? The gate of the
    Lambda rules: "Lambda" in a docstring or a comment is no reason to hand a statement to LibCST."""
    return next(calls_named(statement, context.names, ("Lambda",)), None) is not None


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


# -- edits that add an item to a call's arguments, a def's parameters or a dict --------------------


def start_of(rule: Rule, node: cst.CSTNode) -> tuple:
    """Where a node starts in the file, its opening parentheses included."""
    lpar = getattr(node, "lpar", None)
    return rule.span(lpar[0] if lpar else node)[0]


def end_of(rule: Rule, node: cst.CSTNode) -> tuple:
    """Where a node ends in the file, its closing parentheses included."""
    rpar = getattr(node, "rpar", None)
    return rule.span(rpar[-1] if rpar else node)[1]


def param_end(rule: Rule, param: cst.Param) -> tuple:
    """Where a parameter ends, its annotation and default included (LibCST's own span is the name)."""
    if param.default is not None:
        return end_of(rule, param.default)
    if param.annotation is not None:
        return end_of(rule, param.annotation.annotation)
    return rule.span(param.name)[1]


def char_at(rule: Rule, position: tuple) -> str:
    line, column = position
    lines = rule.context.lines
    return lines[line - 1][column: column + 1] if 0 < line <= len(lines) else ""


def append_item(rule: Rule, items: list, last: Optional[tuple], close: tuple, text: str) -> Optional[Edit]:
    """An edit adding `text` as the last item of a bracketed list (call arguments, parameters) whose
    closing bracket is at `close`. `items` carry their commas (LibCST); `last` is the (start, end)
    of the last item, without its comma. Keeps the list's style: `(a)` -> `(a, text)`; `(a,)` ->
    `(a, text,)`; with the bracket on a line of its own after a trailing comma, `text,` gets a
    line of its own, aligned with the last item. None when `close` is not a closing bracket."""
    if char_at(rule, close) not in (")", "]", "}"):
        return None
    if not items:
        return Edit(close, close, text)
    start, end = last
    comma = items[-1].comma
    if not isinstance(comma, cst.Comma):
        return Edit(end, end, f", {text}")
    comma_end = rule.span(comma)[1]
    if close[0] > comma_end[0] and not rule.context.lines[close[0] - 1][: close[1]].strip():
        before = rule.context.lines[start[0] - 1][: start[1]]
        indent = before if not before.strip() else " " * start[1]
        return Edit((close[0], 0), (close[0], 0), f"{indent}{text},\n")
    return Edit(comma_end, comma_end, f" {text},")


def append_argument(rule: Rule, call: cst.Call, text: str) -> Optional[Edit]:
    """An edit adding `text` (`**kwargs`, `name="w"`) as the last argument of a call."""
    end = rule.span(call)[1]
    close = (end[0], end[1] - 1)  # a call's span ends just after its own `)`
    last = rule.span(call.args[-1]) if call.args else None  # an argument's span has its parentheses
    return append_item(rule, list(call.args), last, close, text)


def append_parameter(rule: Rule, definition: cst.FunctionDef, text: str) -> Optional[Edit]:
    """An edit adding `text` (`**kwargs`) as the last parameter of a def that has none of `/`, `**`."""
    params = definition.params
    if params.star_kwarg is not None or params.posonly_ind is not cst.MaybeSentinel.DEFAULT or params.posonly_params:
        return None
    ordered = list(params.params)
    if isinstance(params.star_arg, cst.Param):
        ordered.append(params.star_arg)
    ordered += list(params.kwonly_params)
    if not ordered:
        return None
    close = rule.span(params)[1]  # the parameters' span ends at the closing `)`
    last = (rule.span(ordered[-1])[0], param_end(rule, ordered[-1]))
    return append_item(rule, ordered, last, close, text)


def prepend_to_dict(rule: Rule, literal: cst.Dict, text: str) -> Optional[Edit]:
    """An edit adding `text` (`**super().get_config()`) as the first entry of a dict literal: on
    the line of the first entry, or on a line of its own when the first entry starts its line."""
    if not literal.elements:
        start = rule.span(literal.lbrace)[1]
        return Edit(start, start, text)
    first = literal.elements[0]
    if isinstance(first, cst.DictElement):
        start = start_of(rule, first.key)
    else:
        start = rule.span(first)[0]
    if start[0] > rule.span(literal.lbrace)[0][0] and not rule.context.lines[start[0] - 1][: start[1]].strip():
        return Edit(start, start, f"{text},\n{rule.context.lines[start[0] - 1][: start[1]]}")
    return Edit(start, start, f"{text}, ")


# -- what the text says now, for telling a stale project index (during --fix passes) -------------


def is_super_call(call: cst.Call, method_name: str) -> bool:
    """`super().m(...)`, `super(C, self).m(...)` or `Base.m(self, ...)`: what the project index
    counts as calling the base's method (project._is_super_call), read off LibCST."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == method_name):
        return False
    owner = func.value
    if isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "super":
        return True
    first = call.args[0] if call.args else None
    return (
        first is not None
        and first.keyword is None
        and not first.star
        and isinstance(first.value, cst.Name)
        and first.value.value == "self"
        and dotted(owner) is not None
    )


def super_calls(function: cst.FunctionDef, method_name: str) -> list:
    """The calls of the base's `method_name` anywhere in a function (in no particular order)."""
    return [node for node in descendants(function.body) if isinstance(node, cst.Call) and is_super_call(node, method_name)]


def expects_error(rule: Rule, node: cst.With) -> bool:
    """`with pytest.raises(...)`, `with self.assertRaises(...)`/`assertRaisesRegex(...)`: code that
    expects what it calls to raise (tests of the very errors these rules predict)."""
    for item in node.items:
        call = item.item
        name = dotted(call.func) if isinstance(call, cst.Call) else None
        if name is None:
            continue
        last = name.rsplit(".", 1)[-1]
        if last.startswith("assertRaises") or (last == "raises" and rule.names.qualified(name, rule.line_of(call)) == "pytest.raises"):
            return True
    return False


def literal_value(node: Optional[cst.BaseExpression]):
    """The value of a literal True/False/None/number/string, or `...` when not a literal."""
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.Integer):
        return int(node.value, 0) if node.value.isdigit() else ...
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    return ...


class ErrorsExpected:
    """For a rule that stays silent inside `with pytest.raises(...)` / `self.assertRaises...(...)`:
    mixed in before `Rule`, it keeps `self.expecting_error` true while visiting such a block."""

    def __init__(self, context):
        super().__init__(context)
        self._expecting_errors: list = []  # the `with` statements that expect an exception

    @property
    def expecting_error(self) -> bool:
        return bool(self._expecting_errors)

    def visit_With(self, node: cst.With) -> None:
        if expects_error(self, node):
            self._expecting_errors.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        if self._expecting_errors and self._expecting_errors[-1] is original_node:
            self._expecting_errors.pop()
