"""The layout of the code fixes write, taken from the file they write into: its indentation unit,
its quote, the project's line length; and what re-indents an expression moved to another place."""

from __future__ import annotations

import dataclasses
import io
import tokenize
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule


@dataclasses.dataclass(frozen=True)
class Style:
    indent: str = "    "  # one level
    quote: str = '"'
    line_length: int = 88

    def indented(self, lines, levels: int = 0) -> list:
        """Lines written with four spaces a level, in this style's unit, `levels` deeper."""
        out = []
        for line in lines:
            stripped = line.lstrip(" ")
            depth = (len(line) - len(stripped)) // 4 + levels
            out.append(self.indent * depth + stripped if stripped else "")
        return out

    def string(self, text: str) -> str:
        """A plain string literal of `text` (an identifier, a dotted name) in the file's quote."""
        return f"{self.quote}{text}{self.quote}"


_LAST: list = [None, None]  # the last file's lines, and its Style


def style_of(rule: Rule) -> Style:
    """The Style of the rule's file (computed once per file)."""
    lines = rule.context.lines
    if _LAST[0] is not lines:
        _LAST[:] = [lines, Style(_indent_unit(lines), _quote(lines), rule.context.line_length)]
    return _LAST[1]


def _indent_unit(lines: list) -> str:
    """The indentation of the first block the file opens, relative to the line opening it."""
    previous = None
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if previous is not None:
            opener, outer = previous
            if opener and len(indent) > len(outer) and indent.startswith(outer):
                unit = indent[len(outer):]
                return "\t" if "\t" in unit else unit
        previous = (stripped.split("#")[0].rstrip().endswith(":"), indent)
    return "    "


def _quote(lines: list) -> str:
    """The quote most of the file's one-line string literals use (double on a tie)."""
    counts = {'"': 0, "'": 0}
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            if token.type == tokenize.STRING:
                body = token.string.lstrip("rRbBuUfF")
                if body[:3] not in ('"""', "'''") and body[:1] in counts:
                    counts[body[:1]] += 1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return "'" if counts["'"] > counts['"'] else '"'


def call_lines(head: str, items: list, indent: str, style: Style, prefix: str = "", suffix: str = "") -> list:
    """`head(items)suffix` (a call, a def's parameters) indented by `indent`, as ruff format and
    black write it: on one line when it fits, else the items on one line of their own, else one
    item a line with a trailing comma."""
    one = f"{indent}{prefix}{head}({', '.join(items)}){suffix}"
    if len(one.expandtabs()) <= style.line_length:
        return [one]
    inner = indent + style.indent
    joined = f"{inner}{', '.join(items)}"
    if len(joined.expandtabs()) <= style.line_length:
        return [f"{indent}{prefix}{head}(", joined, f"{indent}){suffix}"]
    return [f"{indent}{prefix}{head}(", *[f"{inner}{item}," for item in items], f"{indent}){suffix}"]


def reindent(code: str, old_indent: int, new_indent: str) -> str:
    """Code over several lines, moved from a place whose line was indented `old_indent` columns to
    one indented `new_indent`: each continuation line keeps its indentation relative to the first
    line's (at least `new_indent`). Code holding a string over several lines is kept as it is."""
    if "\n" not in code or '"""' in code or "'''" in code or "\\\n" in code:
        return code
    first, *rest = code.split("\n")
    out = [first]
    for line in rest:
        stripped = line.lstrip(" \t")
        depth = max(0, len(line.expandtabs()) - len(stripped) - old_indent)
        extra = "\t" * (depth // 8) + " " * (depth % 8) if "\t" in new_indent else " " * depth
        out.append(new_indent + extra + stripped if stripped else "")
    return "\n".join(out)
