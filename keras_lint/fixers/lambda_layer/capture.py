"""What a lambda reads, and whether each value can be captured: the names it reads (`_Reads`), the
rewrite of those reads to `self.<name>` (`_ToSelf`), and the questions about the file's `ast` that
decide whether a variable is bound once, before the Lambda, and never changed."""

from __future__ import annotations

import ast
import dataclasses
import functools
from typing import Optional

from ...cst.lazy import cst
from ...cst.nodes import with_libcst_base

# Builtins whose meaning depends on the scope they run in: moved into a class, they would change.
SCOPE_BUILTINS = frozenset({"super", "locals", "globals", "vars", "eval", "exec", "dir", "__class__"})
# Builtins the generated class itself calls.
CLASS_BUILTINS = frozenset({"super", "tuple", "isinstance", "list"})
# Assignment targets too vague to name a class after.
VAGUE_TARGETS = frozenset(
    "x y z h hidden out outs output outputs inp inputs input net tensor result res tmp layer lam fn f".split()
)
TENSOR_LIBRARIES = ("tensorflow", "numpy", "torch", "jax")


class NoFix(Exception):
    """Why the Lambda gets no fix (the finding's message says it)."""


@dataclasses.dataclass
class Captured:
    """A constructor argument of the new layer."""

    source: str  # the name the lambda reads (a variable, or one of its own parameters)
    passed: Optional[str]  # the call site's expression for it; None: the constructor's default
    safe: bool  # provably JSON-able
    default: Optional[str] = None  # a literal default of the constructor parameter
    is_tuple: bool = False  # JSON gives a tuple back as a list: __init__ turns it back
    free: bool = False  # a variable the lambda reads (passed positionally when `function` was)
    name: str = ""  # the parameter and attribute name


class _Reads:
    """A CSTVisitor (through `with_libcst_base`). The Name nodes an expression reads from its enclosing scope (inner lambdas and
    comprehensions bind their own names), in order."""

    def __init__(self, own: set):
        self.own = own  # the lambda's parameters
        self.scopes: list = []
        self.names: list = []  # every Name read from outside (own parameters included)
        self.attributes: list = []  # the Name nodes after a dot

    @classmethod
    def of(cls, body: cst.BaseExpression, own: set) -> "_Reads":
        reads = with_libcst_base(cls, "CSTVisitor")(own)
        body.visit(reads)
        for node in reads.names + reads.attributes:
            text = node.value
            if text.startswith("__") and not text.endswith("__"):
                raise NoFix(f"`{text}` would be name-mangled inside a class")
        return reads

    @property
    def free(self) -> list:
        return [n for n in self.names if n.value not in self.own]

    def visit_Name(self, node: cst.Name) -> None:
        if not any(node.value in scope for scope in self.scopes):
            self.names.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.attributes.append(node.attr)
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # not its keyword
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        raise NoFix("the lambda assigns with `:=`")

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        for param in _all_params(node.params):
            if param.default is not None:
                param.default.visit(self)
        self.scopes.append({p.name.value for p in _all_params(node.params)})
        node.body.visit(self)
        self.scopes.pop()
        return False

    def _comprehension(self, node, parts: tuple) -> bool:
        for_in = node.for_in
        for_in.iter.visit(self)  # the first iterable is evaluated outside
        self.scopes.append(set())
        while for_in is not None:
            if for_in is not node.for_in:
                for_in.iter.visit(self)
            self.scopes[-1] |= _target_names(for_in.target)
            for condition in for_in.ifs:
                condition.visit(self)
            for_in = for_in.inner_for_in
        for part in parts:
            part.visit(self)
        self.scopes.pop()
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._comprehension(node, (node.elt,))

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._comprehension(node, (node.elt,))

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return self._comprehension(node, (node.elt,))

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._comprehension(node, (node.key, node.value))


class _ToSelf:
    """A CSTTransformer (through `with_libcst_base`). Reads of the captured names become `self.<attribute>`."""

    def __init__(self, nodes: dict):
        self.nodes = nodes  # id(Name node) -> attribute name

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        attribute = self.nodes.get(id(original))
        if attribute is None:
            return updated
        return cst.Attribute(cst.Name("self"), cst.Name(attribute), lpar=original.lpar, rpar=original.rpar)


def _all_params(params: cst.Parameters) -> list:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            found.append(extra)
    return found


def _parameter_names(lam: cst.Lambda) -> set:
    return {p.name.value for p in _all_params(lam.params)}


def _plain_parameters(lam: cst.Lambda, count: int, what: str) -> list:
    params = lam.params
    if len(_all_params(params)) != count or len(params.params) != count or any(p.default for p in params.params):
        raise NoFix(f"the `{what}=` lambda does not take exactly {count} plain parameter(s)")
    return [p.name.value for p in params.params]


def _target_names(target: cst.CSTNode) -> set:
    """The names a comprehension's target binds."""
    found = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            return False

        def visit_Subscript(self, node: cst.Subscript) -> bool:
            return False

    target.visit(Names())
    return found


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _is_size(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Integer) or _is_none(node)


def _json_literal(node: Optional[ast.expr]) -> Optional[str]:
    """"scalar", "list" or "tuple" when the expression is a literal get_config saves and loads as is
    (a tuple comes back as a list, which the class turns back); None otherwise."""
    if isinstance(node, ast.Constant):
        return "scalar" if node.value is None or type(node.value) in (int, float, str, bool) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = node.operand
        return "scalar" if isinstance(operand, ast.Constant) and type(operand.value) in (int, float) else None
    if isinstance(node, ast.List):
        return "list" if all(_json_literal(e) in ("scalar", "list") for e in node.elts) else None
    if isinstance(node, ast.Tuple):
        return "tuple" if all(_json_literal(e) == "scalar" for e in node.elts) else None
    return None


def _binding_site(tree: ast.Module, name: str, line: int) -> tuple:
    """How the statement at `line` binds `name`: ("parameter", None, False), ("assignment", value or
    None when unpacked, in_loop), or ("other", None, in_loop) for for/with/except/... targets.
    in_loop: inside a for/while loop of the same function (or of the module)."""
    found = _binding_sites(tree).get((name, line), ())
    return found[0] if len(found) == 1 else ("other", None, False)


@functools.lru_cache(maxsize=2)  # per file: one walk answers every Lambda's every variable
def _binding_sites(tree: ast.Module) -> dict:
    """(name, line) -> what `_binding_site` finds there, for every parameter and assignment target."""
    found: dict = {}

    def walk(node: ast.AST, in_loop: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = child.args
                params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                for param in params:
                    if param is not None:
                        found.setdefault((param.arg, child.lineno), []).append(("parameter", None, False))
                walk(child, False)  # runs once per call, whatever loop defines it
            elif isinstance(child, (ast.Assign, ast.AnnAssign)):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                plain = {t.id for t in targets if isinstance(t, ast.Name)}
                unpacked = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)} - plain
                for target in plain:
                    found.setdefault((target, child.lineno), []).append(("assignment", child.value, in_loop))
                for target in unpacked:
                    found.setdefault((target, child.lineno), []).append(("assignment", None, in_loop))
                walk(child, in_loop)
            else:
                walk(child, in_loop or isinstance(child, (ast.For, ast.AsyncFor, ast.While)))

    walk(tree, False)
    return found


@functools.lru_cache(maxsize=2)  # per file: every Lambda of it asks
def _declared_global_or_nonlocal(tree: ast.Module) -> set:
    return {n for node in ast.walk(tree) if isinstance(node, (ast.Global, ast.Nonlocal)) for n in node.names}


def _mutated(tree: ast.Module, name: str) -> bool:
    """Could the list bound to `name` change in place (`name.append(...)`, `name[i] = ...`)?"""
    return name in _mutable_names(tree)


@functools.lru_cache(maxsize=2)
def _mutable_names(tree: ast.Module) -> frozenset:
    """The names the file reads an attribute of, or assigns or deletes an item of."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            found.add(node.value.id)
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and not isinstance(node.ctx, ast.Load)):
            found.add(node.value.id)
    return frozenset(found)


def _bound_anywhere(names, name: str) -> bool:
    scopes = [names.module]
    while scopes:
        scope = scopes.pop()
        if name in scope.bindings:
            return True
        scopes.extend(scope.children)
    return False


@functools.lru_cache(maxsize=2)
def _identifiers(tree: ast.Module) -> frozenset:
    """Every name the file binds or reads, in any scope: a new class name must be none of them."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
    return frozenset(found)

