"""Resolve which names in a module are Keras's.

One cheap pass over Python's `ast` records every binding of every name, per scope: imports (in any
branch of a `try`/`if`, at module level or inside functions), simple aliases (`L = keras.layers`),
and everything else that binds a name (def, class, parameters, assignments, loop targets...).
A name resolves to a qualified name only when every binding its scope has for it agrees; anything
else -- a local `class Lambda`, a parameter called `layers`, a conditional rebinding -- is unresolved,
and rules stay silent on what is unresolved.

`keras_path()` then folds every spelling of Keras (`keras`, `tensorflow.keras`, `tf_keras`,
`keras.src.*`, ...) onto one public path such as `layers.Lambda`.

We do not use LibCST's QualifiedNameProvider: it needs a full ScopeProvider walk of the CST, which
was measured at ~90x the cost of `ast.parse`.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
from typing import Iterator, Optional

from .keras_api import INNER_PREFIXES, KERAS2_MODULES, KERAS3_PACKAGES, KERAS_ROOTS, LEGACY_SWITCH, SWITCH_ON


@dataclasses.dataclass(frozen=True)
class Binding:
    """One way a name gets a value in one scope."""

    kind: str  # import | alias | def | class | lambda | none | other
    line: int
    target: Optional[str] = None  # import: the qualified name; alias: the dotted expression
    node: Optional[ast.AST] = None  # def: the FunctionDef (for its decorators); other: the value assigned, if plain
    scope: str = "module"  # the kind of scope it binds in: module | function | class


@dataclasses.dataclass
class Scope:
    kind: str  # module | function | class
    first_line: int
    last_line: int
    parent: Optional["Scope"]
    bindings: dict = dataclasses.field(default_factory=dict)  # name -> list[Binding]
    global_names: set = dataclasses.field(default_factory=set)
    children: list = dataclasses.field(default_factory=list)

    def bind(self, name: str, kind: str, line: int, target: Optional[str] = None, node: Optional[ast.AST] = None) -> None:
        self.bindings.setdefault(name, []).append(Binding(kind, line, target, node, self.kind))


def ast_nodes(node: ast.AST) -> list:
    """Every node under `node`, in `ast.walk`'s breadth-first order, twice as fast (the index walks
    every file of the project: this is a large share of its time)."""
    found = [node]
    for current in found:  # the list grows while we read it: breadth-first
        for field in current._fields:
            value = getattr(current, field, None)
            if value.__class__ is list:
                found.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                found.append(value)
    return found


def _sets_legacy_switch(tree: ast.Module) -> bool:
    """`os.environ["TF_USE_LEGACY_KERAS"] = "1"`, `os.environ.setdefault(...)`, `os.environ.update(...)`
    or `os.putenv(...)` turning the switch on, anywhere in the file."""

    def on(key: ast.AST, value: ast.AST) -> bool:
        return _constant(key) == LEGACY_SWITCH and _constant(value) in SWITCH_ON

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Subscript) and _is_environ(t.value) and on(t.slice, node.value) for t in node.targets):
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            function, receiver = node.func.attr, node.func.value
            if (function == "setdefault" and _is_environ(receiver)) or (function == "putenv" and dotted_name(receiver) == "os"):
                if len(node.args) == 2 and on(*node.args):
                    return True
            elif function == "update" and _is_environ(receiver):
                pairs = [(k, v) for arg in node.args if isinstance(arg, ast.Dict) for k, v in zip(arg.keys, arg.values)]
                pairs += [(ast.Constant(k.arg), k.value) for k in node.keywords if k.arg]
                if any(on(k, v) for k, v in pairs if k is not None):
                    return True
    return False


def _is_environ(node: ast.AST) -> bool:
    return dotted_name(node) in ("os.environ", "environ")


def _constant(node: ast.AST):
    return node.value if isinstance(node, ast.Constant) else None


def dotted_name(node: ast.AST) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def keras_path(qualified: Optional[str]) -> Optional[str]:
    """The public Keras path of a qualified name (`tensorflow.keras.layers.Lambda` -> `layers.Lambda`).

    "" for the Keras package itself; None when the name is not Keras's.
    """
    if not qualified:
        return None
    for root in KERAS_ROOTS:
        if qualified == root:
            return ""
        if qualified.startswith(root + "."):
            rest = qualified[len(root) + 1:]
            break
    else:
        return None
    stripped = True
    while stripped:
        stripped = False
        for prefix in INNER_PREFIXES:
            if rest.startswith(prefix):
                rest, stripped = rest[len(prefix):], True
    return rest


def path_matches(path: Optional[str], *patterns: str) -> bool:
    """Does a Keras path name the symbol of one of `patterns` ("layers.Lambda", "Layer")?

    A pattern's first segment is the public module and its last the symbol; the inner modules
    between them are ignored, so `layers.core.lambda_layer.Lambda` matches `layers.Lambda`.
    A one-segment pattern matches only the top-level symbol (`keras.Layer`).
    """
    if not path:
        return False
    parts = path.split(".")
    for pattern in patterns:
        want = pattern.split(".")
        if len(want) == 1:
            if parts == want:
                return True
        elif len(parts) >= 2 and parts[0] == want[0] and parts[-1] == want[-1]:
            return True
    return False


class KerasNames:
    """The bindings of one module, and the questions rules ask of them."""

    def __init__(self, tree: ast.Module, text: str = ":="):
        last = max((getattr(n, "end_lineno", 0) or 0 for n in tree.body), default=1)
        self.module = Scope("module", 1, last, None)
        self.star_imports: list[str] = []
        self.imported_modules: set[str] = set()
        self._scope_at: dict = {}  # line -> innermost scope: rules ask about the same lines again and again
        self._targets: Optional[list] = None  # (name, target) of every import and alias, for aliases_of
        _Collector(self, walrus=":=" in text).collect(tree.body, self.module)
        self.sets_legacy_switch = LEGACY_SWITCH in text and _sets_legacy_switch(tree)

    # -- questions ---------------------------------------------------------------------------

    def imports_keras(self) -> bool:
        return any(keras_path(m) is not None for m in self.imported_modules)

    def uses_keras_or_tf(self) -> bool:
        """Does the file import Keras, in any spelling, or anything of TensorFlow?"""
        return self.imports_keras() or any(m == "tensorflow" or m.startswith("tensorflow.") for m in self.imported_modules)

    def keras_spelling(self) -> tuple:
        """(how the file reaches Keras -- "tf_keras", "keras" or "tf.keras" -- and whether it uses
        what only Keras 2 has): the file imports tf_keras; else it imports the `keras` package; else
        it reaches Keras through TensorFlow. Only Keras 2: it imports `keras.engine` or
        `tensorflow.python.keras`, or reaches Keras through TensorFlow and sets the legacy switch itself. The project's declared
        dependencies then say which versions each spelling runs (dependencies/judging.py)."""
        modules = self.imported_modules
        internals = any(m == k or m.startswith(k + ".") for m in modules for k in KERAS2_MODULES if k != "tf_keras")
        if any(m == "tf_keras" or m.startswith("tf_keras.") for m in modules):
            return "tf_keras", True
        if any(m.split(".", 1)[0] in KERAS3_PACKAGES for m in modules):
            return "keras", internals  # the switch does not change the keras package
        return "tf.keras", internals or self.sets_legacy_switch

    def binding(self, name: str, line: int, seen: frozenset = frozenset()) -> Optional[Binding]:
        """The one binding that decides what `name` means at `line`, or None if none or ambiguous.
        `seen`: the aliases being followed already (`a = b` and `b = a` in two branches)."""
        bindings = self._visible_bindings(name, line)
        if bindings is None:
            return None
        meaningful = [b for b in bindings if b.kind != "none"]
        if len(meaningful) == 1:
            return meaningful[0]
        if meaningful and all(b.kind in ("import", "alias") for b in meaningful):
            targets = {self._binding_target(b, line, seen) for b in meaningful}
            if None in targets:
                return None
            paths = {keras_path(t) for t in targets}
            if None not in paths:  # every branch imports Keras: the same symbol if the same name
                return meaningful[0] if len({p.rpartition(".")[2] for p in paths}) == 1 else None
            return meaningful[0] if len(targets) == 1 else None
        return None

    def qualified(self, dotted: Optional[str], line: int) -> Optional[str]:
        """The qualified name a dotted expression refers to at `line` (`tf.keras.X` -> `tensorflow.keras.X`)."""
        return self._qualified(dotted, line, frozenset())

    def keras(self, dotted: Optional[str], line: int) -> Optional[str]:
        """The public Keras path a dotted expression refers to, or None if not provably Keras."""
        return keras_path(self._qualified(dotted, line, frozenset()))

    def is_keras(self, dotted: Optional[str], line: int, *patterns: str) -> bool:
        return path_matches(self.keras(dotted, line), *patterns)

    def aliases_of(self, words) -> set:
        """Local names bound to an import or alias whose target contains one of `words`
        (`from keras.layers import Lambda as Lam` -> {"Lam"}): text that means a trigger word."""
        if self._targets is None:  # the engine asks once per rule: collect the (few) targets once
            self._targets = []
            stack = [self.module]
            while stack:
                scope = stack.pop()
                stack.extend(scope.children)
                for name, bindings in scope.bindings.items():
                    self._targets.extend((name, b.target) for b in bindings if b.target)
        return {name for name, target in self._targets if any(w in target for w in words)}

    # -- machinery ---------------------------------------------------------------------------

    def _qualified(self, dotted: Optional[str], line: int, seen: frozenset) -> Optional[str]:
        if not dotted:
            return None
        head, _, rest = dotted.partition(".")
        bindings = self._visible_bindings(head, line)
        if bindings is None:
            if len(self.star_imports) == 1 and self._unbound_everywhere(head):
                base = f"{self.star_imports[0]}.{head}"
                return f"{base}.{rest}" if rest else base
            return None
        binding = self.binding(head, line, seen)
        if binding is None or binding.kind not in ("import", "alias"):
            return None
        base = self._binding_target(binding, binding.line, seen)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def _binding_target(self, binding: Binding, line: int, seen: frozenset) -> Optional[str]:
        if binding.kind == "import":
            return binding.target
        if binding.kind == "alias":
            key = (binding.target, binding.line)
            if key in seen:  # `a = b; b = a`
                return None
            return self._qualified(binding.target, binding.line, seen | {key})
        return None

    def _visible_bindings(self, name: str, line: int) -> Optional[list]:
        scope = self._innermost(line)
        first = True
        while scope is not None:
            if name in scope.global_names:
                scope = self.module
                continue
            if scope.kind != "class" or first:
                if name in scope.bindings:
                    return scope.bindings[name]
            first = False
            scope = scope.parent
        return None

    def _innermost(self, line: int) -> Scope:
        scope = self._scope_at.get(line)
        if scope is None:
            scope = self._scope_at[line] = self._find_innermost(line)
        return scope

    def _find_innermost(self, line: int) -> Scope:
        scope = self.module
        while True:
            for child in scope.children:
                if child.first_line <= line <= child.last_line:
                    scope = child
                    break
            else:
                return scope

    def _unbound_everywhere(self, name: str) -> bool:
        def scopes(scope: Scope) -> Iterator[Scope]:
            yield scope
            for child in scope.children:
                yield from scopes(child)

        return all(name not in s.bindings for s in scopes(self.module)) and not hasattr(builtins, name)


class _Collector:
    """Fills the scope tree. Lambdas and comprehensions are not modelled: their own variables never
    shadow a module's import in the statement that uses them, and rules see lambda parameters directly."""

    def __init__(self, names: KerasNames, walrus: bool):
        self.names = names
        self.walrus = walrus  # walking every expression for `:=` is skipped when the text has none

    def collect(self, body: list, scope: Scope) -> None:
        for stmt in body:
            self.statement(stmt, scope)

    def statement(self, node: ast.stmt, scope: Scope) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.bind(node.name, "def", node.lineno, node=node)
            self.function(node, scope)
        elif isinstance(node, ast.ClassDef):
            scope.bind(node.name, "class", node.lineno, node=node)
            inner = self.child(scope, "class", node)
            self.collect(node.body, inner)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.names.imported_modules.add(alias.name)
                if alias.asname:
                    scope.bind(alias.asname, "import", node.lineno, alias.name)
                else:
                    top = alias.name.split(".")[0]
                    scope.bind(top, "import", node.lineno, top)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            self.names.imported_modules.add(module)
            for alias in node.names:
                if alias.name == "*":
                    if scope is self.names.module:
                        self.names.star_imports.append(module)
                    continue
                full = f"{module}.{alias.name}" if not module.endswith(".") else module + alias.name
                scope.bind(alias.asname or alias.name, "import", node.lineno, full)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            if isinstance(node, ast.Global):
                scope.global_names.update(node.names)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.assignment(target, node.value, node.lineno, scope)
            self.expressions(node.value, scope)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            self.assignment(node.target, getattr(node, "value", None), node.lineno, scope, plain=False)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.targets(node.target, node.lineno, scope)
            self.collect(node.body, scope)
            self.collect(node.orelse, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self.targets(item.optional_vars, node.lineno, scope)
            self.collect(node.body, scope)
        elif isinstance(node, (ast.If, ast.While)):
            self.collect(node.body, scope)
            self.collect(node.orelse, scope)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.collect(node.body, scope)
            for handler in node.handlers:
                if handler.name:
                    scope.bind(handler.name, "other", handler.lineno)
                self.collect(handler.body, scope)
            self.collect(node.orelse, scope)
            self.collect(node.finalbody, scope)
        elif type(node).__name__ == "Match":
            for case in node.cases:
                for sub in ast_nodes(case.pattern):
                    for attr in ("name", "rest"):
                        value = getattr(sub, attr, None)
                        if isinstance(value, str):
                            scope.bind(value, "other", case.pattern.lineno)
                self.collect(case.body, scope)
        else:
            self.expressions(node, scope)

    def function(self, node, scope: Scope) -> None:
        inner = self.child(scope, "function", node)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                inner.bind(arg.arg, "other", node.lineno)
        self.collect(node.body, inner)

    def child(self, scope: Scope, kind: str, node) -> Scope:
        # A def's decorators, defaults and annotations belong to the enclosing scope: start at the body.
        inner = Scope(kind, node.body[0].lineno, node.end_lineno or node.lineno, scope)
        scope.children.append(inner)
        return inner

    def assignment(self, target, value, line: int, scope: Scope, plain: bool = True) -> None:
        if plain and isinstance(target, ast.Name):
            if isinstance(value, ast.Constant) and value.value is None:
                scope.bind(target.id, "none", line)
                return
            if isinstance(value, ast.Lambda):
                scope.bind(target.id, "lambda", line, node=value)
                return
            alias = dotted_name(value) if value is not None else None
            if alias:
                scope.bind(target.id, "alias", line, alias)
                return
            if value is not None:  # kept for rules that read a variable's value (a path literal)
                scope.bind(target.id, "other", line, node=value)
                return
        self.targets(target, line, scope)

    def targets(self, target, line: int, scope: Scope) -> None:
        for node in ast_nodes(target):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                scope.bind(node.id, "other", line)

    def expressions(self, node: ast.AST, scope: Scope) -> None:
        # Walrus targets bind in the enclosing function; nothing else inside expressions binds.
        if not self.walrus:
            return
        for sub in ast_nodes(node):
            if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                scope.bind(sub.target.id, "other", sub.lineno)
