"""What the config fixes share (KL202, KL203, KL206): the attribute that holds an `__init__`
argument unchanged, whether an argument is a plain value a config can carry, and where a new
method goes. (Imports no rule module: KL203 imports this one, and KL202 imports KL203.)"""

from __future__ import annotations

import ast
import functools
from typing import TYPE_CHECKING, Iterator, Optional

from ..analysis import argument_kinds
from ..cst.lazy import cst
from ..cst.nodes import code_of, dotted, nodes_in_order, self_attribute
from ..finding import Edit
from ..index.model import ClassInfo
from ..names import keras_path

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule

_PLAIN_NAMES = frozenset({"int", "float", "str", "bool", "None"})
_UNIONS = frozenset({"Optional", "Union"})
_SEQUENCES = frozenset({"list", "tuple", "List", "Tuple", "Sequence"})
_MAPPINGS = frozenset({"dict", "Dict", "Mapping"})


# -- which attribute holds an argument --------------------------------------------------------------


def _targets(target: cst.CSTNode) -> Iterator[cst.CSTNode]:
    if isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _targets(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _targets(target.value)
    else:
        yield target


def _stored_targets(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every expression a statement anywhere under `node` assigns to or deletes."""
    for sub in nodes_in_order(node):
        if isinstance(sub, cst.Assign):
            for target in sub.targets:
                yield from _targets(target.target)
        elif isinstance(sub, (cst.AugAssign, cst.AnnAssign)):
            yield sub.target
        elif isinstance(sub, (cst.For, cst.CompFor)):
            yield from _targets(sub.target)
        elif isinstance(sub, cst.NamedExpr):
            yield sub.target
        elif isinstance(sub, cst.AsName):
            yield from _targets(sub.name)
        elif isinstance(sub, cst.Del):
            yield from _targets(sub.target)


@functools.lru_cache(maxsize=16)
def _class_level_names(node: cst.ClassDef) -> set:
    """Methods and class attributes: an instance attribute of that name may be a property."""
    found = set()
    for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            found.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                for target in _stored_targets(small):
                    if isinstance(target, cst.Name):
                        found.add(target.value)
    return found


def _is_super_init(stmt: cst.CSTNode) -> bool:
    for sub in nodes_in_order(stmt):
        if isinstance(sub, cst.Call) and isinstance(sub.func, cst.Attribute) and sub.func.attr.value == "__init__":
            return True
    return False


# The class-wide facts below are asked once per parameter; each is a walk of the whole class or of
# `__init__`, so each is kept for the last few nodes (LibCST nodes hash by identity).


@functools.lru_cache(maxsize=16)
def _names_rebound(init: cst.FunctionDef) -> frozenset:
    return frozenset(t.value for t in _stored_targets(init.body) if isinstance(t, cst.Name))


@functools.lru_cache(maxsize=16)
def _last_super_init(init: cst.FunctionDef) -> int:
    return max((i for i, s in enumerate(init.body.body) if _is_super_init(s)), default=-1)


def stored_attribute(info: ClassInfo, node: cst.ClassDef, init: cst.FunctionDef, param: str) -> Optional[str]:
    """The attribute that holds the argument `param` unchanged for the object's whole life: a
    top-level statement of `__init__`, after its `super().__init__(...)`, stores the parameter as
    `self.attr = param` (or in a tuple assignment), `__init__` never rebinds the parameter, nothing
    else in the class assigns `self.attr`, and the class defines nothing named `attr`. An attribute
    of the parameter's own name is preferred. None when there is no such attribute."""
    if not isinstance(init.body, cst.IndentedBlock):
        return None
    if param in _names_rebound(init):
        return None  # rebound: what is stored may not be the argument
    statements = list(init.body.body)
    last_super = _last_super_init(init)
    found = []
    for stmt in statements[last_super + 1:]:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            found += _stores_of(small, param)
    stores = info.attribute_stores  # every method's, read by the index (LibCST may see only some methods)
    if "*" in stores:
        return None  # `setattr(self, name, ...)`: any attribute may be assigned again
    candidates = [a for a in found if len(stores.get(a, ())) == 1 and a not in _class_level_names(node)]
    if param in candidates:
        return param
    return candidates[0] if len(candidates) == 1 else None


def _stores_of(small: cst.CSTNode, param: str) -> list:
    """Attributes a simple statement assigns the bare parameter to: `self.a = p`, `self.a: T = p`,
    `self.a, self.b = p, q`."""
    def is_param(value) -> bool:
        return isinstance(value, cst.Name) and value.value == param

    if isinstance(small, cst.AnnAssign) and is_param(small.value):
        attr = self_attribute(small.target)
        return [attr] if attr else []
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return []
    target, value = small.targets[0].target, small.value
    if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
        if len(target.elements) != len(value.elements):
            return []
        return [
            self_attribute(t.value) for t, v in zip(target.elements, value.elements)
            if is_param(v.value) and self_attribute(t.value) and not isinstance(v, cst.StarredElement)
        ]
    attr = self_attribute(target)
    return [attr] if attr and is_param(value) else []


# -- is an argument a plain value --------------------------------------------------------------------


def calls_name(function: cst.FunctionDef, name: str) -> bool:
    return any(
        isinstance(sub, cst.Call) and isinstance(sub.func, cst.Name) and sub.func.value == name
        for sub in nodes_in_order(function.body)
    )


def plain_annotation(node: cst.BaseExpression) -> bool:
    """`int`, `Optional[float]`, `str | None`, `tuple[int, ...]`, `dict[str, bool]`: JSON values only."""
    if isinstance(node, cst.Name):
        return node.value in _PLAIN_NAMES
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return plain_annotation(node.left) and plain_annotation(node.right)
    if isinstance(node, cst.Subscript):
        head = (dotted(node.value) or "").rsplit(".", 1)[-1]
        items = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
        if len(items) != len(node.slice):
            return False
        if head == "Literal":
            return True
        if head in _UNIONS or head in _SEQUENCES or head in _MAPPINGS:
            return all(isinstance(i, cst.Ellipsis) or plain_annotation(i) for i in items)
    return False


def _json_value(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_value(v) for k, v in value.items())
    return value is None or isinstance(value, (str, int, float, bool))


def plain_argument(param: cst.Param, called: bool) -> bool:
    """May a config carry this argument as it is? Not when the class calls it (a layer, a function)
    or its annotation names anything but JSON types. A defaulted argument needs evidence that it
    is plain (a literal default other than None, or a plain annotation): if it held an object, the
    config would turn a silently lost value into a load failure. A required argument needs no such
    evidence: without it in the config, loading fails anyway."""
    if called:
        return False
    annotation = param.annotation.annotation if param.annotation is not None else None
    if annotation is not None and not plain_annotation(annotation):
        return False
    if param.default is None:
        return True
    try:
        default = ast.literal_eval(code_of(param.default))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    if default is None:
        return annotation is not None
    return _json_value(default)


# -- what a fix may write for an argument (decided by its kind at every call site) -----------------

# How a config fix may carry an argument: as `self.x` and call itself safe (PLAIN_ENTRY), as `self.x`
# at most unsafe (UNKNOWN_ENTRY: nothing shows what it holds), serialized with `keras.<module>.serialize`
# and rebuilt with `keras.<module>.deserialize` in a generated from_config (the module's name: LAYER_ENTRY
# for a layer or model, or one of SERIALIZED_ENTRIES' others for an instance of a Keras initializer,
# regularizer or constraint class), or not at all (None, with the reason).
PLAIN_ENTRY, UNKNOWN_ENTRY, LAYER_ENTRY = "plain", "unknown", "layers"
# The modules whose pair round-trips an argument in Keras 3 (.keras) and tf_keras (.keras and .h5),
# None included (measured: tests/test_keras_proof_arguments.py).
SERIALIZED_ENTRIES = frozenset({LAYER_ENTRY, "initializers", "regularizers", "constraints"})


def entry_kind(rule: Rule, info: ClassInfo, param: cst.Param, called: bool) -> tuple:
    """(how, why) for an argument a config fix would write: see above. `why` says, for None and
    UNKNOWN_ENTRY, what stops a safe fix (naming a call site where one decides), and for a serialized
    entry what a fix that cannot serialize (KL203's) is missing."""
    name = param.name.value
    values = argument_kinds.passed(rule.context.project, info, name)
    root = getattr(rule.context.project, "root", None)
    for value in values:
        if value.kind in (argument_kinds.FUNCTION, argument_kinds.ARRAY, argument_kinds.OBJECT):
            return None, f"`{name}` is given {argument_kinds.describe(value.kind)} at {value.where(root)}"
    objects = [v for v in values if v.kind == argument_kinds.SERIALIZABLE]
    if objects:
        families = {v.family for v in objects}
        family = families.pop() if len(families) == 1 else ""
        whole = len(objects) == len(values) and (param.default is None or _is_none(param.default))
        if whole and family in SERIALIZED_ENTRIES and not called:
            return family, f"`{name}` is given a Keras object (at {objects[0].where(root)}), which needs serializing"
        other = next((v for v in values if v.family != family or v.kind != argument_kinds.SERIALIZABLE), objects[0])
        return None, f"`{name}` is given {argument_kinds.describe(other.kind)} at {other.where(root)}"
    layers = [v for v in values if v.kind == argument_kinds.LAYER]
    if layers:
        if len(layers) == len(values) and (param.default is None or _is_none(param.default)):
            return LAYER_ENTRY, f"`{name}` is given a layer or model (at {layers[0].where(root)}), which needs serializing"
        other = next(v for v in values if v.kind != argument_kinds.LAYER)
        return None, (
            f"`{name}` is given a layer or model at {layers[0].where(root)} and "
            f"{argument_kinds.describe(other.kind)} at {other.where(root)}"
        )
    if called:
        return None, f"`{name}` is called as an object"
    plain_sites = bool(values) and all(v.kind == argument_kinds.PLAIN for v in values)
    annotation = param.annotation.annotation if param.annotation is not None else None
    if annotation is not None and not plain_annotation(annotation):
        return None, f"`{name}` is annotated as an object"
    if param.default is not None:
        if plain_argument(param, False):
            return PLAIN_ENTRY, ""
        if plain_sites and _is_none(param.default):
            return PLAIN_ENTRY, ""  # None, or the plain values every call site gives
        return None, f"`{name}` defaults to a value that is not provably plain"
    if annotation is not None or plain_sites:
        return PLAIN_ENTRY, ""
    return UNKNOWN_ENTRY, f"nothing shows that `{name}` is a plain value (no call site in the project passes one)"


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def layers_module(rule: Rule, function: cst.FunctionDef, module: str = "layers") -> Optional[str]:
    """How this file spells `keras.layers` (or `keras.<module>`): as `function`'s own
    `*.layers.serialize(...)` does, else through a name bound to Keras (`keras`, `tf_keras as
    keras`, `from tensorflow import keras`), to its `layers` module, or to TensorFlow (`tf.keras.layers`)."""
    names = rule.names
    for sub in nodes_in_order(function.body):
        if isinstance(sub, cst.Call):
            name = dotted(sub.func) or ""
            if "." in name and names.is_keras(name, rule.line_of(sub), f"{module}.serialize"):
                return name.rsplit(".", 1)[0]
    line = rule.line_of(function)
    found = {}
    for name in names.module.bindings:
        binding = names.binding(name, line)
        if binding is None or binding.kind not in ("import", "alias"):
            continue
        qualified = names.qualified(name, line)
        path = keras_path(qualified)
        if path == "":
            found.setdefault(0, f"{name}.{module}")
        elif path == module:
            found.setdefault(1, name)
        elif qualified == "tensorflow":
            found.setdefault(2, f"{name}.keras.{module}")
    return found[min(found)] if found else None


def from_config_lines(modules: list, quote: str = '"') -> list:
    """A from_config rebuilding each key with `<module>.deserialize`, for each (key, module) of
    `modules` (`keras.layers`, `keras.initializers`...: the pair to `<module>.serialize` that
    round-trips in every format, Keras 3 and tf_keras: measured)."""
    body = ["@classmethod", "def from_config(cls, config):", "    config = dict(config)"]
    for key, module in modules:
        item = f"config[{quote}{key}{quote}]"
        body.append(f"    {item} = {module}.deserialize({item})")
    body.append("    return cls(**config)")
    return body


# -- writing code -----------------------------------------------------------------------------------


def quote_of(node: cst.CSTNode) -> str:
    """The quote the code's first plain string literal uses (double when it has none)."""
    for sub in nodes_in_order(node):
        if isinstance(sub, cst.SimpleString) and sub.quote in ("'", '"') and not sub.prefix:
            return sub.quote
    return '"'


def entry(key: str, attr: str, quote: str = '"') -> str:
    return f"{quote}{key}{quote}: self.{attr}"


def dict_lines(entries: list, width: int = 92) -> list:
    """`return {a, b}` on one line when it fits (in a method of a top-level class), else one entry
    a line; indented with four spaces a level, as `method_after` expects."""
    one = f"return {{{', '.join(entries)}}}"
    if len(one) <= width:
        return [one]
    return ["return {", *[f"    {e}," for e in entries], "}"]


def append_to_dict(rule: Rule, literal: cst.Dict, text: str) -> Optional[Edit]:
    """An edit adding `text` as the last entry of a dict literal, in its style: `{a}` -> `{a, text}`,
    `{a,}` -> `{a, text,}`; with `}` on a line of its own after a trailing comma, `text,` on a line
    of its own before it, indented as the last entry. None when the literal is not plainly one."""
    end = rule.span(literal)[1]
    close = (end[0], end[1] - 1)
    lines = rule.context.lines
    if lines[close[0] - 1][close[1]: close[1] + 1] != "}":
        return None
    if not literal.elements:
        return Edit(close, close, text)
    last = literal.elements[-1]
    (first_line, first_column), last_end = rule.span(last)
    if not isinstance(last.comma, cst.Comma):
        return Edit(last_end, last_end, f", {text}")
    comma_end = rule.span(last.comma)[1]
    if close[0] > comma_end[0] and not lines[close[0] - 1][: close[1]].strip():
        before = lines[first_line - 1][:first_column]
        indent = before if not before.strip() else " " * first_column
        return Edit((close[0], 0), (close[0], 0), "".join(f"{indent}{entry},\n" for entry in _entries(text)))
    return Edit(comma_end, comma_end, f" {text},")


def _entries(text: str) -> list:
    """The entries of `text` (`"a": x, "b": f(y, z)`), one a line in a dict written one entry a line."""
    try:
        node = ast.parse("{" + text + "}", mode="eval").body
    except SyntaxError:
        return [text]
    if not text.isascii() or not isinstance(node, ast.Dict) or any(k is None or k.lineno != 1 for k in node.keys):
        return [text]
    starts = [key.col_offset - 1 for key in node.keys] + [len(text) + 2]
    return [text[start: end].strip().rstrip(",").strip() for start, end in zip(starts, starts[1:])]


def indentation(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def method_after(rule: Rule, function: cst.FunctionDef, body: list) -> Edit:
    """Insert a method after `function` (a method of a class) at its indentation. `body` holds
    the new method's lines, indented relative to `def` with four spaces per level (rewritten to
    the file's own unit). A blank line separates it from `function`, and from what follows."""
    lines = rule.context.lines
    (def_line, _), (end_line, _) = rule.span(function)
    indent = indentation(lines[def_line - 1])
    unit = "    "
    if isinstance(function.body, cst.IndentedBlock) and function.body.body:
        first = rule.span(function.body.body[0])[0][0]
        inner = indentation(lines[first - 1])
        if inner.startswith(indent) and len(inner) > len(indent):
            unit = inner[len(indent):]
    while end_line < len(lines):  # comments indented under the method belong to it
        following = lines[end_line]
        if not following.lstrip().startswith("#") or len(indentation(following)) <= len(indent):
            break
        end_line += 1
    separated = end_line < len(lines) and lines[end_line].strip() == ""
    text = "\n"  # one blank line between methods (pycodestyle E301), also when `function` ends the class
    for line in body:
        stripped = line.lstrip(" ")
        text += indent + unit * ((len(line) - len(stripped)) // 4) + stripped + "\n"
    if end_line < len(lines) and not separated:
        text += "\n"  # and one before what followed `function` directly
    last = lines[end_line - 1]
    if end_line == len(lines) and not last.endswith(("\n", "\r")):
        return Edit((end_line, len(last)), (end_line, len(last)), "\n" + text)
    return Edit((end_line + 1, 0), (end_line + 1, 0), text)
