"""Small edits several fixes make: register a definition (the decorator and its import), add an
import, add an item to a call's arguments, a def's parameters or a dict -- each in the style the
code around it already has."""

from __future__ import annotations

import ast
import functools
from typing import TYPE_CHECKING, Optional

from ..analysis.init_chain import kwargs_can_join, own_parameters, super_init_call
from ..cst.lazy import cst
from ..cst.nodes import names_read
from ..finding import Edit, Fix, ImportEdit
from ..index.model import ClassInfo
from ..keras_api import KERAS3_PACKAGES, REGISTER_KERAS_SERIALIZABLE
from ..names import keras_path, path_matches
from .style import call_lines, style_of

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule


def registration_decorator(rule: Rule) -> tuple:
    """How this file spells `register_keras_serializable`, and the import edits needed (if any).

    Prefers a name the file already has for it, then the file's own Keras module (`keras.saving.`,
    or `utils.` under tf.keras / tf_keras, where `saving` is not an attribute in every version),
    and only then adds an import, in the file's leading block of imports. The same for the whole
    file: computed once per file (a file of 300 Lambdas asks 300 times).
    """
    if _REGISTRATION[0] is not rule.names:
        _REGISTRATION[:] = [rule.names, _registration_decorator(rule)]
    return _REGISTRATION[1]


_REGISTRATION: list = [None, None]  # the last file's names, and its answer


def _registration_decorator(rule: Rule) -> tuple:
    names = rule.names
    module = names.module
    keras_root = tensorflow = None
    for name, bindings in module.bindings.items():
        binding = names.binding(name, bindings[0].line)
        if binding is None or binding.kind not in ("import", "alias"):
            continue
        qualified = names.qualified(name, binding.line)
        path = keras_path(qualified)
        if path_matches(path, *REGISTER_KERAS_SERIALIZABLE):
            return name, ()
        if path == "" and keras_root is None:
            keras_root = (name, qualified)
        if qualified == "tensorflow" and tensorflow is None:
            tensorflow = name
    if keras_root is not None:
        name, qualified = keras_root
        return (f"{name}.saving.register_keras_serializable" if qualified in KERAS3_PACKAGES
                else f"{name}.utils.register_keras_serializable"), ()
    if tensorflow is not None:
        return f"{tensorflow}.keras.utils.register_keras_serializable", ()
    keras3 = next((m.split(".", 1)[0] for m in names.imported_modules if m.split(".", 1)[0] in KERAS3_PACKAGES), None)
    if keras3 is not None:
        source = f"{keras3}.saving"
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
    block = "".join(rule.context.lines[:end]).replace("\r\n", "\n").replace("\r", "\n")
    own = rule.context.module.split(".")[0]
    return _import_edit(block, module, name, end + 1, (own,) if own else ())


@functools.lru_cache(maxsize=64)  # one object for one import into one block: its edit is computed once
def _import_edit(old: str, module: str, name: str, latest_line: int, first_party: tuple) -> ImportEdit:
    return ImportEdit(old, module, name, latest_line, first_party)


def registration_fix(rule: Rule, definition: ast.AST, title: str) -> Fix:
    """A safe fix registering a module-level def or class: the decorator above it, and its import."""
    decorator, edits = registration_decorator(rule)
    first = min([definition.lineno] + [d.lineno for d in getattr(definition, "decorator_list", [])])
    text = rule.context.lines[first - 1] if first <= len(rule.context.lines) else ""
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    style = style_of(rule)
    package = f"package={style.string(rule.context.package)}"
    line = "".join(f"{text}\n" for text in call_lines(decorator, [package], indent, style, "@"))
    return Fix("safe", (Edit((first, 0), (first, 0), line), *edits), title)


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


def accept_kwargs_edits(
    rule: Rule, info: ClassInfo, definition: cst.FunctionDef, keras_positionals: bool
) -> Optional[tuple]:
    """Edits adding `**kwargs` to an `__init__` that has none and to its one `super().__init__(...)`."""
    if definition.params.star_kwarg is not None or definition.decorators:
        return None  # a decorator could do anything with the arguments
    call = super_init_call(definition)
    if call is None or not kwargs_can_join(rule.context.project, info, definition, call, keras_positionals):
        return None
    if "kwargs" in own_parameters(definition) | names_read(definition):
        return None  # the name is taken
    edits = (append_parameter(rule, definition, "**kwargs"), append_argument(rule, call, "**kwargs"))
    return None if None in edits else edits
