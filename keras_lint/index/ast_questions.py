"""Questions the summariser asks of one function's or class's `ast`, and the one answer several
places need: does a factory return an inner function (`returned_inner_name`)."""

from __future__ import annotations

import ast
from typing import Optional

from ..names import ast_nodes, dotted_name
from .model import Param


def module_level(body: list):
    """Statements at module level, looking into if/try/with blocks (conditional definitions)."""
    for stmt in body:
        if isinstance(stmt, (ast.If, ast.With, ast.AsyncWith)):
            yield from module_level(stmt.body)
            yield from module_level(getattr(stmt, "orelse", []))
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from module_level(block)
        else:
            yield stmt


def flat_statements(body: list):
    """Statements of a function body in order, looking into if/for/with/try blocks."""
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from flat_statements(inner)
        for handler in getattr(stmt, "handlers", []):
            yield from flat_statements(handler.body)


def class_method(node: ast.ClassDef, name: str):
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            return stmt
    return None


def make_param(arg: ast.arg, kind: str, default: Optional[ast.AST]) -> Param:
    literal = default is None or is_literal(default)
    return Param(arg.arg, kind, default is not None, arg.annotation is not None, literal, is_none_constant(default))


def is_none_constant(default: Optional[ast.AST]) -> bool:
    return isinstance(default, ast.Constant) and default.value is None


def none_defaulted(function) -> set:
    """The parameters of a function whose default is `None` (Param.default_is_none, for a def of the
    file being linted)."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults))
    return {a.arg for a, d in pairs if is_none_constant(d)}


def adds_unlisted_key(node: ast.AST) -> bool:
    """A node of get_config that adds a key ConfigInfo.keys cannot list: `config[k] = v` with a
    computed `k`, `config |= ...` (any augmented assignment to a name), `.setdefault(...)`."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
        return not is_str(node.slice)
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault"


def note_init_call(node: ast.Call, valued: set, calls: list) -> None:
    """Record a `<x>.__init__(...)` call of an `__init__` (InitInfo.valued_keywords and
    init_call_args): the keywords it gives a value other than the parameter of that name, and its
    positional arguments."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return
    valued.update(k.arg for k in node.keywords if k.arg and not (isinstance(k.value, ast.Name) and k.value.id == k.arg))
    args = node.args if isinstance(func.value, ast.Call) else node.args[1:]  # Base.__init__(self, ...)
    calls.append(tuple("*" if isinstance(a, ast.Starred) else a.id if isinstance(a, ast.Name) else None for a in args))


def init_calls(function) -> tuple:
    """(valued_keywords, init_call_args) of an `__init__` (for a def of the file being linted)."""
    valued: set = set()
    calls: list = []
    for node in ast_nodes(function):
        if isinstance(node, ast.Call):
            note_init_call(node, valued, calls)
    return valued, tuple(calls)


def words_of(function) -> frozenset:
    """The words of a function (string literals and call keywords anywhere in it, decorators and
    defaults too): the keys a `from_config` may supply arguments under."""
    words = set()
    for node in ast_nodes(function):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.add(node.value)
        elif isinstance(node, ast.keyword) and node.arg:
            words.add(node.arg)
    return frozenset(words)


LAMBDA = "<lambda>"

def returned_inner_name(node) -> Optional[str]:
    """If a function returns an inner function it defines (not itself decorated: registered or
    wrapped inside the factory is a deliberate scheme, not judged) or a lambda: that function's name,
    or LAMBDA; else None. The one answer to "does this factory return an inner function"."""
    inner = {}
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner[stmt.name] = stmt
    for stmt in flat_statements(node.body):
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value
            if isinstance(value, ast.Name) and value.id in inner:
                return None if inner[value.id].decorator_list else value.id
            if isinstance(value, ast.Lambda):
                return LAMBDA
    return None


def returned_inner(node) -> Optional[str]:
    """What Keras would save in place of what the function returns, in words: "its inner function
    `loss_fn`" / "a lambda"; None when it returns neither (see returned_inner_name)."""
    name = returned_inner_name(node)
    if name is None:
        return None
    return "a lambda" if name == LAMBDA else f"its inner function `{name}`"


def is_literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def is_str(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def names_in(node: ast.AST) -> set:
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Dict):
        return {v.id for v in node.values if isinstance(v, ast.Name)}
    return set()


def body_without_docstring(function) -> list:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1:]
    return body


def only_raises_not_implemented(function) -> bool:
    """Is the body, docstring aside, `raise NotImplementedError` (called or not)?"""
    body = body_without_docstring(function)
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def self_attribute(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


# The nodes that can store to `self.<attr>` (`setattr(self, ...)` is a Call).
STORING_NODES = frozenset({
    ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension, ast.withitem, ast.Delete,
    ast.Call,
})


def record_attribute_stores(node: ast.AST, stores: dict) -> None:
    """Add the `self.attr` stores `node` makes to `stores` (see ClassInfo.attribute_stores)."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        value = node.value.id if isinstance(node.value, ast.Name) else None
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            record_store(target, value, stores)
    elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension)):
        record_store(node.target, None, stores)
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        record_store(node.optional_vars, None, stores)
    elif isinstance(node, ast.Delete):
        for target in node.targets:
            record_store(target, None, stores)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "setattr"
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "self"
    ):
        key = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else None
        stores.setdefault(key if isinstance(key, str) else "*", []).append(None)


def record_store(target: ast.AST, value: Optional[str], stores: dict) -> None:
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            record_store(element, None, stores)
    elif isinstance(target, ast.Starred):
        record_store(target.value, None, stores)
    else:
        attr = self_attribute(target)
        if attr is not None:
            stores.setdefault(attr, []).append(value)


def is_super_call(node: ast.Call, method: str) -> bool:
    """`super().method(...)`, `super(C, self).method(...)` or `Base.method(self, ...)`."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == method):
        return False
    owner = func.value
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
        return True
    return bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id == "self" and dotted_name(owner) is not None


def is_super_init(node: ast.Call) -> bool:
    return is_super_call(node, "__init__")


def is_explicit_base_init(node: ast.Call) -> bool:
    owner = node.func.value
    return not (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super")



_H5_ENDS = (".h5", ".hdf5")
_MODEL_SAVES = ("save", "save_model", "ModelCheckpoint")  # a whole model, unless save_weights_only=True


def _h5_literal(node: Optional[ast.AST]) -> bool:
    """A path whose literal end names an .h5/.hdf5 file, not .weights.h5: a string, the end of an
    f-string, of a `+` or `/` build, of a `%` or `.format` template, or the last part given to
    `os.path.join(...)` / `.joinpath(...)` (the builds analysis/save_paths reads, by their end only)."""
    while True:
        if isinstance(node, ast.JoinedStr) and node.values:
            node = node.values[-1]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            node = node.right
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            node = node.left
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            node = node.func.value
        elif (isinstance(node, ast.Call) and node.args and not node.keywords
              and (dotted_name(node.func) or "").endswith(("path.join", "joinpath"))):
            node = node.args[-1]
        else:
            break
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
        and node.value.endswith(_H5_ENDS) and not node.value.endswith(".weights.h5")
    )


def saves_whole_model_to_h5(tree: ast.Module) -> bool:
    """Does the module save a whole model to an .h5/.hdf5 path: `model.save("m.h5")`,
    `save_model(m, "m.h5")`, `ModelCheckpoint("best.h5")` without save_weights_only=True, the path
    written there or in a name assigned such a string? (What tf.keras <= 2.10 needs get_config for.)"""
    h5_names = {
        target.id
        for node in ast.walk(tree) if isinstance(node, ast.Assign) and _h5_literal(node.value)
        for target in node.targets if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in _MODEL_SAVES:
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        weights_only = keywords.get("save_weights_only")
        if isinstance(weights_only, ast.Constant) and weights_only.value is True:
            continue
        position = 1 if name == "save_model" else 0
        path = node.args[position] if len(node.args) > position else keywords.get("filepath")
        if _h5_literal(path) or (isinstance(path, ast.Name) and path.id in h5_names):
            return True
        if (name == "save" and isinstance(keywords.get("save_format"), ast.Constant)
                and keywords["save_format"].value == "h5"):
            return True
    return False


def annotation_members(node: Optional[ast.AST]) -> list:
    """The members of an annotation: [A] for `A`, [A, B, None] for `Union[A, B, None]`, `Optional[...]`
    or `A | B | None` (typing spelled `typing.X` or bare); [] for none."""
    if node is None:
        return []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return annotation_members(node.left) + annotation_members(node.right)
    if isinstance(node, ast.Subscript) and dotted_name(node.value) in ("Optional", "typing.Optional", "Union", "typing.Union"):
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        members = [m for item in items for m in annotation_members(item)]
        return members + [ast.Constant(None)] if dotted_name(node.value).endswith("Optional") else members
    return [node]


# Nodes under which a call runs only sometimes (or elsewhere): a `self.attr(...)` below one of them is
# no proof that the attribute must hold a callable.
_CONDITIONAL = (
    ast.If, ast.IfExp, ast.BoolOp, ast.While, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
    ast.ClassDef, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)


def unconditional_self_calls(methods: dict) -> frozenset:
    """The attributes `self.attr(...)` calls in a method other than `__init__`, outside any condition:
    what must hold a callable whenever that method runs (ClassInfo.called_unconditionally)."""
    found = set()
    for name, method in methods.items():
        if name == "__init__":
            continue
        pending = list(method.body)
        while pending:
            node = pending.pop()
            if isinstance(node, _CONDITIONAL) or node.__class__.__name__ in ("Match", "TryStar"):
                continue
            if isinstance(node, ast.Call):
                attr = self_attribute(node.func)
                if attr:
                    found.add(attr)
            pending.extend(ast.iter_child_nodes(node))
    return frozenset(found)
