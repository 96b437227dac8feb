"""What a path expression is known to end with.

KL401, KL402, KL403 and KL502 judge paths by their end only, as Keras does
(`str(filepath).endswith(".keras")`), so the literal text at the end of a string, f-string,
`+`/`%`/`.format` build, `os.path.join(...)`, `Path(...)`, `p / "x"` or `p.joinpath(...)` decides,
or that of the one value a plain variable is assigned; anything else (a parameter, a variable
assigned twice, a call's result) is unknown.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import TYPE_CHECKING, Optional

from ..cst.lazy import cst
from ..cst.nodes import dotted

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule

_JOIN_FUNCTIONS = ("os.path.join", "posixpath.join", "ntpath.join", "tensorflow.io.gfile.join")
_PATH_CLASSES = ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath",
                 "pathlib.WindowsPath", "pathlib.PureWindowsPath")
_SPLITEXT_FUNCTIONS = ("os.path.splitext", "posixpath.splitext", "ntpath.splitext")
_BRACE_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]")


@dataclasses.dataclass(frozen=True)
class PathEnd:
    """The literal end of a path expression, and its literal start when that is known."""

    tail: str
    head: Optional[str] = None  # None: the path starts with something unknown
    whole: bool = False  # the expression is one literal: tail == head == the path
    component: bool = False  # the tail is the whole last component (`os.path.join(d, "m.h5")`)

    @property
    def kind(self) -> str:
        """keras | weights (.weights.h5) | h5 (.h5/.hdf5) | none (no extension) | other."""
        tail = self.tail
        if tail.endswith(".keras"):
            return "keras"
        if tail.endswith(".weights.h5"):
            return "weights"
        if tail.endswith((".h5", ".hdf5")):
            return "h5"
        last = re.split(r"[/\\]", tail)[-1]
        return "none" if "." not in last else "other"

    @property
    def remote_hub(self) -> bool:
        """`hf://...`: Keras saves and loads these as directories, without an extension."""
        return self.head is not None and self.head.startswith("hf://")

    def shown(self) -> str:
        text = self.tail if self.whole else (".../" if self.component else "...") + self.tail
        return text if len(text) <= 60 else "..." + text[-57:]


def _literal(text: str) -> PathEnd:
    return PathEnd(text, text, True)


def path_end(rule: Rule, node: Optional[cst.BaseExpression], line: Optional[int] = None, depth: int = 0) -> Optional[PathEnd]:
    """What the path expression `node` is known to end with, or None. A plain variable is followed
    to the one value assigned to it (`path = base + "/model"`); `line` is where a node re-parsed
    from such a value stands (it has no position of its own)."""
    if node is None:
        return None
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return _literal(value) if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        return _joined(path_end(rule, node.left, line, depth), path_end(rule, node.right, line, depth))
    if isinstance(node, cst.FormattedString):
        parts = node.parts
        if not parts:
            return _literal("")
        if all(isinstance(p, cst.FormattedStringText) for p in parts):
            return _literal("".join(p.value for p in parts))
        if not isinstance(parts[-1], cst.FormattedStringText):
            return None
        head = parts[0].value if isinstance(parts[0], cst.FormattedStringText) else None
        return PathEnd(parts[-1].value, head)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Add):
            return _joined(path_end(rule, node.left, line, depth), path_end(rule, node.right, line, depth))
        if isinstance(node.operator, cst.Divide):  # pathlib: base / "name"
            right = path_end(rule, node.right, line, depth)
            return PathEnd(right.tail, component=right.whole) if right is not None else None
        if isinstance(node.operator, cst.Modulo):  # "%s/model.h5" % base
            left = path_end(rule, node.left, line, depth)
            return _after_placeholder(left, _PERCENT_SPEC) if left is not None and left.whole else None
        return None
    if isinstance(node, cst.Call):
        return _call_path_end(rule, node, line, depth)
    if isinstance(node, cst.Subscript):
        return _stem_path_end(rule, node, line)
    if isinstance(node, cst.Name) and depth < 3:
        return _variable_path_end(rule, node.value, line if line is not None else rule.line_of(node), depth)
    return None


def _variable_path_end(rule: Rule, name: str, line: int, depth: int) -> Optional[PathEnd]:
    binding = rule.names.binding(name, line)
    if binding is None or binding.kind != "other" or not isinstance(binding.node, ast.expr):
        return None  # a parameter, a loop variable, assigned more than once: unknown
    try:
        value = cst.parse_expression(ast.unparse(binding.node))
    except (cst.ParserSyntaxError, ValueError, RecursionError):
        return None
    return path_end(rule, value, binding.line, depth + 1)


def _stem_path_end(rule: Rule, node: cst.Subscript, line: Optional[int]) -> Optional[PathEnd]:
    """`os.path.splitext(p)[0]`: the path with its extension cut off, a path without one (issue 20: the
    folder an archive `model.tgz` extracts to, a SavedModel directory). Its start is unknown."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    index = node.slice[0].slice.value
    if not (isinstance(index, cst.Integer) and index.value == "0") or not isinstance(node.value, cst.Call):
        return None
    name = dotted(node.value.func)
    line = line if line is not None else rule.line_of(node)
    if rule.names.qualified(name, line) not in _SPLITEXT_FUNCTIONS if name else True:
        return None
    return PathEnd("")


def _joined(left: Optional[PathEnd], right: Optional[PathEnd]) -> Optional[PathEnd]:
    """`left + right`."""
    if right is None:
        return None
    if left is None:
        return PathEnd(right.tail)
    if left.whole and right.whole:
        return _literal(left.tail + right.tail)
    tail = left.tail + right.tail if right.whole else right.tail
    head = left.head + right.head if left.whole and right.head is not None else left.head
    return PathEnd(tail, head)


def _after_placeholder(template: PathEnd, spec: re.Pattern) -> Optional[PathEnd]:
    """A literal format string's text after its last placeholder (None if it ends in one)."""
    matches = list(spec.finditer(template.tail))
    if not matches:
        return template
    rest = template.tail[matches[-1].end():]
    if not rest:
        return None
    return PathEnd(rest, template.tail[: matches[0].start()] or None)


def _call_path_end(rule: Rule, call: cst.Call, line: Optional[int], depth: int) -> Optional[PathEnd]:
    if any(a.star for a in call.args):
        return None
    func = call.func
    positional = [a.value for a in call.args if a.keyword is None]
    if isinstance(func, cst.Attribute):
        attr = func.attr.value
        if attr == "format" and isinstance(func.value, (cst.SimpleString, cst.ConcatenatedString)):
            template = path_end(rule, func.value, line, depth)
            return _after_placeholder(template, _BRACE_FIELD) if template is not None and template.whole else None
        if attr == "joinpath" and positional:
            last = path_end(rule, positional[-1], line, depth)
            return PathEnd(last.tail, component=last.whole) if last is not None else None
        if attr == "with_suffix" and len(positional) == 1:
            suffix = path_end(rule, positional[0], line, depth)
            return PathEnd(suffix.tail) if suffix is not None and suffix.whole else None
    name = dotted(func)
    line = line if line is not None else rule.line_of(call)
    qualified = rule.names.qualified(name, line) if name else None
    if qualified in _JOIN_FUNCTIONS or qualified in _PATH_CLASSES:
        if not positional:
            return None
        last = path_end(rule, positional[-1], line, depth)
        if last is None or len(positional) == 1:
            return last
        first = path_end(rule, positional[0], line, depth)
        return PathEnd(last.tail, first.head if first is not None else None, component=last.whole)
    if len(positional) == 1 and (qualified == "os.fspath" or (name == "str" and rule.names.binding("str", line) is None)):
        return path_end(rule, positional[0], line, depth)
    return None
