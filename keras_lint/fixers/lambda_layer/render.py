"""The text of the generated Layer subclass: its decorator, `__init__`, `call` (and `compute_mask`,
`compute_output_shape`), `get_config`, and the names given to captured values."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import keyword
import re
from typing import Optional

from ...cst.lazy import cst
from ...cst.nodes import with_libcst_base
from ...keras_api import LAYER_ATTRIBUTES
from ..style import Style, call_lines, reindent
from .capture import NoFix, _Reads, _ToSelf


@dataclasses.dataclass
class Method:
    """A method of the new class: a lambda's body (with `reads`), or ready-made lines."""

    name: str
    params: list
    body: Optional[cst.BaseExpression] = None
    reads: Optional["_Reads"] = None
    lines: tuple = ()  # written with four spaces a level
    indent: int = 0  # the columns the line where `body` starts was indented by


def _name_attributes(captured: list) -> None:
    """Each captured value's parameter/attribute name: its own, lower-cased for a CONSTANT."""
    sources = [c.source for c in captured]
    if len(set(sources)) != len(sources):
        raise NoFix(f"{_listed(sorted({s for s in sources if sources.count(s) > 1}))} means two things")
    for c in captured:
        lower = c.source.lower()
        use_lower = c.source.isupper() and lower not in sources and lower not in LAYER_ATTRIBUTES
        c.name = lower if use_lower and not keyword.iskeyword(lower) else c.source
        if c.name in LAYER_ATTRIBUTES or c.name.startswith("_"):
            raise NoFix(f"`{c.source}` would clash with an attribute of Keras's Layer")


def _class_text(name: str, decorator: str, package: str, base: str, captured: list, methods: list,
                style: Style = Style()) -> str:
    """The class, in the file's style: its indentation unit and quote, wrapped as ruff format would
    at the project's line length."""
    lines = [*call_lines(decorator, [f"package={style.string(package)}"], "", style, "@"), f"class {name}({base}):"]
    one = style.indent
    if captured:
        required = [c.name for c in captured if c.default is None]
        params = required + [f"{c.name}={c.default}" for c in captured if c.default is not None]
        lines += call_lines("def __init__", ["self", *params, "**kwargs"], one, style, suffix=":")
        lines.append(f"{one * 2}super().__init__(**kwargs)")
        for c in captured:
            value = f"tuple({c.name})" if c.is_tuple else c.name
            lines.append(f"{one * 2}self.{c.name} = {value}")
        lines.append("")
    attributes = {c.source: c.name for c in captured}
    for method in methods:
        params = ["self", method.params[0]] + [f"{p}=None" for p in method.params[1:]]
        lines += call_lines(f"def {method.name}", params, one, style, suffix=":")
        if method.lines:
            lines += style.indented(method.lines, 2)
        else:
            lines += _return_lines(_body(method, attributes, style), one * 2, style)
        lines.append("")
    if captured:
        entries = [f"{style.string(c.name)}: self.{c.name}" for c in captured]
        single = f"{one * 2}return {{**super().get_config(), {', '.join(entries)}}}"
        lines.append(f"{one}def get_config(self):")
        if len(single.expandtabs()) <= style.line_length:
            lines.append(single)
        else:
            lines += [f"{one * 2}return {{", f"{one * 3}**super().get_config(),"]
            lines += [f"{one * 3}{e}," for e in entries]
            lines.append(f"{one * 2}}}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _body(method: Method, attributes: dict, style: Style = Style()) -> str:
    """The lambda's body with the captured names read from `self` (its own parameters stay),
    its lines after the first re-indented to their new place."""
    own = set(method.params)
    nodes = {id(n): attributes[n.value] for n in method.reads.names if n.value in attributes and n.value not in own}
    code = _code(method.body.visit(with_libcst_base(_ToSelf, "CSTTransformer")(nodes)))
    if "\n" not in code:
        return code
    moved = reindent(code, method.indent, style.indent * 2)
    try:
        ast.parse(moved, mode="eval")  # its line breaks are inside its own brackets
        return moved
    except SyntaxError:  # they were inside the Lambda call's: in parentheses of its own, aligned after them
        rest = [line.expandtabs() for line in code.split("\n")[1:] if line.strip()]
        shallowest = min(len(line) - len(line.lstrip(" ")) for line in rest)
        return f"({reindent(code, shallowest, style.indent * 2 + ' ' * len('return ('))})"


def _return_lines(body: str, indent: str, style: Style) -> list:
    """`return body`, a body on one line too long for it wrapped as ruff format does: a call's
    arguments on a line of their own (else one a line), anything else in parentheses."""
    line = f"{indent}return {body}"
    if "\n" in body or len(line.expandtabs()) <= style.line_length:
        return [line]
    try:
        node = ast.parse(body, mode="eval").body
    except SyntaxError:
        return [line]
    if not body.isascii():  # (ast's columns count bytes)
        return [line]
    if isinstance(node, ast.Call) and node.end_col_offset == len(body) and body.endswith(")"):
        items = [ast.get_source_segment(body, a) for a in [*node.args, *node.keywords]]
        head = ast.get_source_segment(body, node.func)
        if head and items and all(items) and body.startswith(head) and not any("\n" in i for i in items):
            return call_lines(head, items, indent, style, prefix="return ")
        return [line]
    inner = f"{indent}{style.indent}{body}"
    if len(inner.expandtabs()) <= style.line_length:
        return [f"{indent}return (", inner, f"{indent})"]
    parts = _split_at_operators(body, node)
    if parts and all(len(f"{indent}{style.indent}{p}".expandtabs()) <= style.line_length for p in parts):
        return [f"{indent}return (", *[f"{indent}{style.indent}{p}" for p in parts], f"{indent})"]
    return [line]


OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
             ast.MatMult: "@"}
LEVELS = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.MatMult})


def _split_at_operators(body: str, node: ast.expr) -> Optional[list]:
    """`a + b * c - d` -> [`a`, `+ b * c`, `- d`]: a chain of operators of the lowest precedence
    split before each operator, as ruff format splits a long expression in parentheses."""
    if not isinstance(node, ast.BinOp):
        return None
    level = next((ops for ops in LEVELS if type(node.op) in ops), None)
    if level is None:
        return None
    operands, operators = [node.right], [node.op]
    left, right = node.left, node.right
    # (an operation in parentheses of its own is one operand: `)` stands between it and the next)
    while isinstance(left, ast.BinOp) and type(left.op) in level and ")" not in body[left.end_col_offset: right.col_offset]:
        operands.append(left.right)
        operators.append(left.op)
        left, right = left.left, left.right
    operands.append(left)
    operands.reverse()
    operators.reverse()
    parts, start = [], 0
    for before, after, op in zip(operands, operands[1:], operators):
        gap = body[before.end_col_offset: after.col_offset]
        symbol = OPERATORS[type(op)]
        if gap.replace("(", "").replace(")", "").strip() != symbol:
            return None
        at = before.end_col_offset + gap.index(symbol)
        parts.append(body[start:at].strip())
        start = at
    parts.append(body[start:].strip())
    return parts


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _source(lines: list, start: tuple, end: tuple) -> str:
    """The file's text between two (line, column) positions, with "\n" line breaks."""
    (first, first_column), (last, last_column) = start, end
    if first == last:
        text = lines[first - 1][first_column:last_column]
    else:
        text = lines[first - 1][first_column:] + "".join(lines[first:last - 1]) + lines[last - 1][:last_column]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def next_free_name(base: str, taken) -> str:
    """The first of `base`, `base2`, `base3`, ... that `taken(name)` says is free and that is
    neither a builtin nor a keyword."""
    name, number = base, 2
    while taken(name) or hasattr(builtins, name) or keyword.iskeyword(name):
        name, number = f"{base}{number}", number + 1
    return name


def _camel(text: str) -> Optional[str]:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name if name.isidentifier() and name.isascii() else None


def _listed(names: list) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _quoted(what: str) -> str:
    return what if " " in what else f"`{what}`"


def _comments(node: cst.CSTNode) -> list:
    """The text of every comment inside a node (a fix must keep each one somewhere)."""
    found: list = []

    class Collect(cst.CSTVisitor):
        def visit_Comment(self, comment: cst.Comment) -> None:
            found.append(comment.value)

    node.visit(Collect())
    return found
