"""What one file passes to the classes it builds, read from its `ast` alone: every call site of a
class (`Cls(...)`, a subclass's `super().__init__(...)`, `Base.__init__(self, ...)`,
`functools.partial(Cls, ...)`) with, for each argument, what the value is, as far as this file
shows (a literal, a call of a named class or function, a function, an array, a parameter passed
on), following simple assignments. analysis/argument_kinds.py joins them across the project into
the kind of every `__init__` parameter."""

from __future__ import annotations

import ast
import dataclasses
from typing import Optional

from ..keras_api import ARRAY_MAKERS, PLAIN_BUILTINS
from ..names import KerasNames, ast_nodes, dotted_name
from .modules import qualify

# The value of an argument, as one string (picklable, JSON in the cache):
PLAIN = "plain"  # a literal str/int/float/bool/None, or a list/tuple/dict of them
FUNCTION = "function"  # a lambda, a def, a function object
ARRAY = "array"  # numpy/tensorflow array or tensor maker
UNKNOWN = "unknown"
NEW = "new:"  # + qualified name: an instance of the class (or the result of the function) called
PARAM = "param:"  # + name: a parameter of the `__init__` the call is in, passed on (super().__init__)

_DEPTH = 4  # how many simple assignments are followed
# Roots whose classes no project defines (Keras's own may be the project: its sources are linted too).
_FOREIGN = ("tensorflow.", "torch.", "jax.", "numpy.", "typing.", "collections.", "pathlib.", "argparse.")


@dataclasses.dataclass(frozen=True)
class CallSite:
    callee: str  # qualified name of the class built; for via="super", of the class whose __init__ calls super()
    line: int
    via: str  # "call" | "super" | "partial" | "from_config" (`Cls.from_config({...})`: a literal config)
    args: tuple  # the positional arguments' values (see above), in order
    keywords: tuple  # ((keyword, value), ...)
    open: bool = False  # *args/**kwargs passed, or a partial: other arguments may be given too (not yet used)


def call_sites(tree: ast.Module, names: KerasNames, module: str, path: str, calls: Optional[list] = None) -> tuple:
    """Every call site in the file of a class-like callee the project may define (a capitalised
    name that resolves, not Keras's own), and every `super().__init__(...)` of a top-level class.
    `calls`: every `ast.Call` of the file, when the caller has met them already (the summariser's
    walks do: walking the file again would cost as much as they do); else the tree is walked."""
    if calls is None:
        calls = [node for node in ast_nodes(tree) if node.__class__ is ast.Call]
    return _Reader(names, module, path.endswith("__init__.py")).read(tree, calls)


class _Reader:
    def __init__(self, names: KerasNames, module: str, is_package: bool):
        self.names = names
        self.module = module
        self.is_package = is_package

    def qualify(self, node: ast.AST, line: int) -> Optional[str]:
        return qualify(self.names, self.module, self.is_package, dotted_name(node), line)

    def read(self, tree: ast.Module, calls: list) -> tuple:
        found = []
        supers = set()
        for stmt in tree.body:
            if isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        found += self.init_calls(stmt, item, supers)
                    elif isinstance(item, ast.FunctionDef) and item.name == "from_config":
                        found += self.from_config_calls(stmt, item, supers)
        for node in calls:
            if id(node) in supers:
                continue
            supers.add(id(node))  # met twice (a decorator class's __call__): recorded once
            site = self.call(node)
            if site is not None:
                found.append(site)
        return tuple(found)

    def call(self, node: ast.Call) -> Optional[CallSite]:
        name = dotted_name(node.func)
        if name is None or not (node.args or node.keywords):
            return None
        last = name.rpartition(".")[2]
        if last == "from_config" and isinstance(node.func, ast.Attribute):
            return self.literal_config(node)
        if last == "partial":
            if not node.args or self.qualify(node.func, node.lineno) != "functools.partial":
                return None
            inner = dotted_name(node.args[0])
            callee = self.qualify(node.args[0], node.lineno) if inner else None
            if callee is None or not inner.rpartition(".")[2][:1].isupper():
                return None
            return self.site(callee, node, node.args[1:], "partial", open_=True)
        if not last[:1].isupper():
            return None
        callee = self.qualify(node.func, node.lineno)
        if callee is None or callee.startswith(_FOREIGN):
            return None
        if callee.startswith(("keras.", "tf_keras.")) and ".src." not in callee:
            return None  # Keras's public API (its own sources import from keras.src)
        return self.site(callee, node, node.args, "call")

    def init_calls(self, cls: ast.ClassDef, init: ast.FunctionDef, supers: set) -> list:
        """`super().__init__(...)` and `Base.__init__(self, ...)` in a top-level class's `__init__`."""
        params = {a.arg for a in [*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs]}
        found = []
        for node in ast_nodes(init):
            if node.__class__ is not ast.Call or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr != "__init__":
                continue
            target = node.func.value
            if isinstance(target, ast.Call) and isinstance(target.func, ast.Name) and target.func.id == "super":
                supers.add(id(node))
                found.append(self.site(f"{self.module}.{cls.name}", node, node.args, "super", params))
            elif node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
                callee = self.qualify(target, node.lineno)
                if callee:
                    supers.add(id(node))
                    found.append(self.site(callee, node, node.args[1:], "call", params))
        return found

    def literal_config(self, node: ast.Call) -> Optional[CallSite]:
        """`Cls.from_config({"units": 3, ...})`: each key of a literal config is a keyword argument
        (argument_kinds takes it only for a class whose from_config is Keras's `cls(**config)`)."""
        config = node.args[0] if len(node.args) == 1 and not node.keywords else None
        if config is None and not node.args and len(node.keywords) == 1 and node.keywords[0].arg == "config":
            config = node.keywords[0].value
        if not isinstance(config, ast.Dict):
            return None
        inner = dotted_name(node.func.value)
        if inner is None or not inner.rpartition(".")[2][:1].isupper():
            return None
        callee = self.qualify(node.func.value, node.lineno)
        if callee is None or callee.startswith(_FOREIGN):
            return None
        keywords, open_ = [], False
        for key, value in zip(config.keys, config.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keywords.append((key.value, self.value(value, node.lineno)))
            else:
                open_ = True  # `**other` or a computed key
        return CallSite(callee, node.lineno, "from_config", (), tuple(keywords), open_)

    def from_config_calls(self, cls: ast.ClassDef, function: ast.FunctionDef, supers: set) -> list:
        """A class's own from_config that rebuilds entries of its config and builds the class with
        them: `config["inner"] = keras.layers.deserialize(config["inner"])` ... `cls(**config)` is a
        call site giving `inner` what the right side makes (a layer here)."""
        args = function.args.args
        if len(args) < 2:
            return []
        config = args[1].arg
        built, given = None, []
        for node in ast_nodes(function):
            if node.__class__ is ast.Call and isinstance(node.func, ast.Name) and node.func.id == args[0].arg:
                if any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == config for k in node.keywords):
                    built = node
            elif node.__class__ is ast.Assign and len(node.targets) == 1:
                target = node.targets[0]
                if (
                    isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                    and target.value.id == config and isinstance(target.slice, ast.Constant)
                    and isinstance(target.slice.value, str)
                ):
                    given.append((target.slice.value, self.value(node.value, node.lineno, (config,))))
        if built is None or not given:
            return []
        supers.add(id(built))
        keywords = tuple((key, value) for key, value in given if not value.startswith(PARAM))
        return [CallSite(f"{self.module}.{cls.name}", built.lineno, "call", (), keywords, True)]

    def site(self, callee: str, node: ast.Call, args: list, via: str, params=(), open_: bool = False) -> CallSite:
        values = []
        for arg in args:
            if isinstance(arg, ast.Starred):
                open_ = True
                break
            values.append(self.value(arg, node.lineno, params))
        keywords = []
        for keyword in node.keywords:
            if keyword.arg is None:
                open_ = True
            else:
                keywords.append((keyword.arg, self.value(keyword.value, node.lineno, params)))
        return CallSite(callee, node.lineno, via, tuple(values), tuple(keywords), open_)

    # -- what a value is -------------------------------------------------------------------------

    def value(self, node: ast.AST, line: int, params=(), depth: int = 0) -> str:
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            return PLAIN if not isinstance(getattr(node, "value", None), bytes) else UNKNOWN
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return self.container([self.value(e, line, params, depth) for e in node.elts])
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):
                return UNKNOWN
            return self.container([self.value(v, line, params, depth) for v in [*node.keys, *node.values]])
        if isinstance(node, ast.UnaryOp):
            return PLAIN if self.value(node.operand, line, params, depth) == PLAIN else UNKNOWN
        if isinstance(node, ast.BinOp):
            both = {self.value(node.left, line, params, depth), self.value(node.right, line, params, depth)}
            return PLAIN if both == {PLAIN} else UNKNOWN
        if isinstance(node, ast.Compare):
            return PLAIN
        if isinstance(node, ast.Lambda):
            return FUNCTION
        if isinstance(node, ast.Call):
            name = dotted_name(node.func)
            if name is None:
                return UNKNOWN
            if name in PLAIN_BUILTINS and self.names.binding(name, line) is None:
                return PLAIN  # int(x), len(x), round(x): no binding shadows the builtin
            qualified = self.qualify(node.func, line)
            if qualified is None:
                return UNKNOWN
            if qualified in ARRAY_MAKERS or qualified.rpartition(".")[0] in ("numpy.random", "tensorflow.random"):
                return ARRAY
            return NEW + qualified
        if isinstance(node, ast.Name):
            if node.id in params:
                return PARAM + node.id
            binding = self.names.binding(node.id, line)
            if binding is None:
                return UNKNOWN
            if binding.kind in ("def", "lambda"):
                return FUNCTION
            if depth < _DEPTH and binding.kind == "other" and binding.node is not None:
                return self.value(binding.node, binding.line, (), depth + 1)
            if depth < _DEPTH and binding.kind == "alias" and "." not in (binding.target or "."):
                return self.value(ast.Name(binding.target), binding.line, (), depth + 1)
            if binding.kind == "none":
                return UNKNOWN  # None here, maybe something else on another path
            return self.reference(node, line)
        if isinstance(node, ast.Attribute):
            return self.reference(node, line)
        return UNKNOWN

    def reference(self, node: ast.AST, line: int) -> str:
        """A name that is no local value: a module-level function (or class) of Keras or the project."""
        qualified = self.qualify(node, line)
        if qualified is None:
            return UNKNOWN
        binding = self.names.binding(dotted_name(node).split(".")[0], line)
        if binding is not None and binding.kind == "def" and "." not in dotted_name(node):
            return FUNCTION
        last = qualified.rpartition(".")[2]
        if qualified.startswith(("keras.activations.", "tensorflow.nn.", "tensorflow.math.")) and last[:1].islower():
            return FUNCTION
        return UNKNOWN

    @staticmethod
    def container(kinds: list) -> str:
        """A list of plain values is plain; one holding a definite object is that object's kind."""
        if all(k == PLAIN for k in kinds):
            return PLAIN
        definite = [k for k in kinds if k != PLAIN and k != UNKNOWN and not k.startswith(PARAM)]
        return definite[0] if definite else UNKNOWN
