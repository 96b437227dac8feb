"""Summarise one file from its `ast` alone (cheap, picklable, built in parallel): classes with their
resolved bases, registration, `__init__` signature and what it does with its parameters, what
`get_config` returns; module-level functions and whether they register things."""

from __future__ import annotations

import ast
import dataclasses
from typing import Optional

from .. import source
from ..keras_api import (
    GET_CUSTOM_OBJECTS,
    REGISTER_KERAS_SERIALIZABLE,
    SERIALIZE_FUNCTIONS,
)
from ..names import KerasNames, ast_nodes, dotted_name, keras_path, path_matches
from .arguments import call_sites
from .ast_questions import (
    STORING_NODES,
    adds_unlisted_key,
    annotation_members,
    body_without_docstring,
    class_method,
    flat_statements,
    is_explicit_base_init,
    is_str,
    is_super_call,
    is_super_init,
    make_param,
    module_level,
    names_in,
    note_init_call,
    only_raises_not_implemented,
    record_attribute_stores,
    returned_inner,
    saves_whole_model_to_h5,
    self_attribute,
    unconditional_self_calls,
    words_of,
)
from .flow import flow_facts
from .model import ClassInfo, ConfigInfo, FunctionInfo, InitInfo, ModuleSummary, Param, Registration
from .modules import module_name, qualify

# Decorators that make a method abstract: with abc.ABCMeta, the class cannot be instantiated.
_ABSTRACT_DECORATORS = ("abc.abstractmethod", "abc.abstractproperty", "abc.abstractclassmethod", "abc.abstractstaticmethod")


def summarise(
    path: str, tree: ast.Module, names: Optional[KerasNames] = None, module: Optional[str] = None, text: str = ""
) -> ModuleSummary:
    """What the project index keeps of one file. With its `text`, a file that never spells
    `custom_objects` is not searched for registry writes (a walk of every node, saved for most files)."""
    names = names or KerasNames(tree)
    module = module or module_name(path)
    may_save_h5 = not text or ".h5" in text or ".hdf5" in text
    summariser = _Summariser(path, module, names)
    summary = summariser.run(tree, not text or "custom_objects" in text, may_save_h5)
    calls = summariser.seen_calls + [n for stmt in summariser.other_statements for n in ast_nodes(stmt) if n.__class__ is ast.Call]
    summary.call_sites = call_sites(tree, names, module, path, calls)
    summary.flow = flow_facts(tree, names, module, path, text)  # issue 20: saves, loads, what models hold
    return summary


def summarise_path(path: str) -> Optional[object]:
    """The project-index summary of one file, or None when it cannot be read or parsed."""
    try:
        return summarise_source(source.read(path))
    except (source.SourceError, OSError):
        return None


def summarise_source(src: source.SourceFile) -> Optional[object]:
    """The project-index summary of decoded text, or None when it cannot be parsed."""
    try:
        tree = source.parse(src)
        return summarise(src.path, tree, KerasNames(tree, src.text), text=src.text)
    except (source.SourceError, RecursionError, ValueError):
        return None


class _Summariser:
    def __init__(self, path: str, module: str, names: KerasNames):
        self.path = path
        self.module = module
        self.names = names
        self.seen_calls: list = []  # every call the walks below meet: call sites (index/arguments.py) read them
        self.other_statements: list = []  # module-level statements no walk below meets

    def qualify(self, node: Optional[ast.AST], line: int) -> Optional[str]:
        return qualify(self.names, self.module, self.path.endswith("__init__.py"), dotted_name(node) if node else None, line)

    def decorator_name(self, decorator: ast.expr) -> Optional[str]:
        """Qualified where resolvable, else as written (so `register-decorators` can still name it)."""
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return self.qualify(target, decorator.lineno) or dotted_name(target)

    def is_keras(self, node: Optional[ast.AST], line: int, *patterns: str) -> bool:
        return path_matches(keras_path(self.qualify(node, line)), *patterns)

    def run(self, tree: ast.Module, may_write_registry: bool = True, may_save_h5: bool = True) -> ModuleSummary:
        classes, functions, imports, registered = [], [], {}, set()
        for stmt in module_level(tree.body):
            if isinstance(stmt, ast.ClassDef):
                classes.append(self.summarise_class(stmt))
                call = class_method(stmt, "__call__")
                if call is not None:  # a decorator class: registering if its __call__ is
                    functions.append(FunctionInfo(self.path, self.module, stmt.name, stmt.lineno, None, self.calls(call)))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append(
                    FunctionInfo(
                        self.path, self.module, stmt.name, stmt.lineno, self.registration(stmt),
                        self.calls(stmt),
                        is_def=True,
                        qualified=self.qualify(ast.Name(stmt.name), stmt.lineno),
                        decorators=tuple(self.decorator_name(d) for d in stmt.decorator_list),
                        returned_inner=returned_inner(stmt),
                    )
                )
            elif isinstance(stmt, (ast.Expr, ast.Assign)):
                registered |= self.registered_by_call(stmt.value, stmt.lineno)
                self.other_statements.append(stmt)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    local = alias.asname or alias.name.split(".")[0]
                    qualified = self.qualify(ast.Name(local), stmt.lineno)
                    if qualified:
                        imports[local] = qualified
            else:
                self.other_statements.append(stmt)
        for node in ast_nodes(tree) if may_write_registry else ():
            registered |= self.custom_objects_registered(node)
        saves_h5 = may_save_h5 and saves_whole_model_to_h5(tree)
        return ModuleSummary(self.path, self.module, classes, functions, imports, registered, saves_h5)

    # -- registration ---------------------------------------------------------------------------

    def registration(self, node) -> Optional[Registration]:
        for written in node.decorator_list:
            decorator, line = written, written.lineno
            if isinstance(written, ast.Name):  # `register = register_keras_serializable(package=...)`, `@register`
                binding = self.names.binding(written.id, line)
                if binding is not None and binding.kind == "other" and isinstance(binding.node, ast.Call):
                    decorator, line = binding.node, binding.line
            called = isinstance(decorator, ast.Call)
            target = decorator.func if called else decorator
            if not self.is_keras(target, line, *REGISTER_KERAS_SERIALIZABLE):
                continue
            reg = Registration(written.lineno, written.col_offset + 1, called)
            if called:
                args = {i: a for i, a in enumerate(decorator.args)}
                args.update({k.arg: k.value for k in decorator.keywords if k.arg})
                package, name = args.get("package", args.get(0)), args.get("name", args.get(1))
                if any(k.arg is None for k in decorator.keywords):
                    reg.package = None
                if package is not None:
                    reg.package = package.value if is_str(package) else None
                if name is not None:
                    if is_str(name):
                        reg.name = name.value
                    else:
                        reg.package = None
            return reg
        return None

    def registered_by_call(self, value: ast.expr, line: int) -> set:
        """`X = keras.saving.register_keras_serializable(...)(X)` (or the same call as a statement):
        the decorator applied by hand."""
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Call)
            and len(value.args) == 1
            and isinstance(value.args[0], ast.Name)
            and self.is_keras(value.func.func, line, *REGISTER_KERAS_SERIALIZABLE)
        ):
            return {value.args[0].id}
        return set()

    def custom_objects_registered(self, node: ast.AST) -> set:
        """Names put in the custom-object registry: `get_custom_objects()["X"] = X`, `.update({"X": X})`,
        `.update(CUSTOM)` where `CUSTOM = {"X": X}` is bound once, `.update(X=X)`."""
        found: set = set()
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and self.is_custom_objects_dict(target.value, node.lineno):
                    found |= names_in(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
            if self.is_custom_objects_dict(node.func.value, node.lineno):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(arg, ast.Name):  # a dict built elsewhere: what it was bound to
                        binding = self.names.binding(arg.id, node.lineno)
                        if binding is not None and binding.kind == "other" and isinstance(binding.node, ast.Dict):
                            arg = binding.node
                    found |= names_in(arg)
        return found

    def is_custom_objects_dict(self, node: ast.AST, line: int) -> bool:
        return isinstance(node, ast.Call) and self.is_keras(node.func, line, *GET_CUSTOM_OBJECTS)

    def calls(self, function) -> tuple:
        found = []
        for node in ast_nodes(function):
            if isinstance(node, ast.Call):
                self.seen_calls.append(node)
                target = node.func.func if isinstance(node.func, ast.Call) else node.func  # f(...)(symbol)
                qualified = self.qualify(target, node.lineno)
                if qualified:
                    found.append(qualified)
                if self.is_custom_objects_dict(node.func.value if isinstance(node.func, ast.Attribute) else None, node.lineno):
                    found.append("keras.saving.get_custom_objects")
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and self.is_custom_objects_dict(t.value, node.lineno) for t in node.targets
            ):
                found.append("keras.saving.get_custom_objects")
        return tuple(found)

    # -- classes --------------------------------------------------------------------------------

    def summarise_class(self, node: ast.ClassDef) -> ClassInfo:
        methods = {m.name: m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        called, add_weight_inits, unnamed_weights, stores = set(), set(), False, {}
        for sub in ast_nodes(node):
            if sub.__class__ in STORING_NODES:  # one set lookup instead of six isinstance() per node
                record_attribute_stores(sub, stores)
            if isinstance(sub, ast.Call):
                self.seen_calls.append(sub)
                attr = self_attribute(sub.func)
                if attr:
                    called.add(attr)
                if attr in ("add_weight", "add_variable") and not any(
                    k.arg == "name" and not (isinstance(k.value, ast.Constant) and k.value.value is None)
                    for k in sub.keywords
                ):
                    unnamed_weights = True
                if isinstance(sub.func, ast.Attribute) and sub.func.attr == "add_weight":
                    for keyword in sub.keywords:
                        inner = self_attribute(keyword.value) if keyword.arg == "initializer" else None
                        if inner:
                            add_weight_inits.add(inner)
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        return ClassInfo(
            path=self.path,
            module=self.module,
            name=node.name,
            line=node.lineno,
            end_line=node.end_lineno or node.lineno,
            bases=tuple(self.qualify(b, first) for b in node.bases),
            decorators=tuple(self.decorator_name(d) for d in node.decorator_list),
            registration=self.registration(node),
            methods=frozenset(methods),
            init=self.summarise_init(methods["__init__"]) if "__init__" in methods else None,
            get_config=self.summarise_get_config(methods["get_config"]) if "get_config" in methods else None,
            called_attributes=frozenset(called),
            called_unconditionally=unconditional_self_calls(methods),
            add_weight_initializers=frozenset(add_weight_inits),
            unnamed_weights=unnamed_weights,
            attribute_stores={attr: tuple(values) for attr, values in stores.items()},
            declares_abstract_methods=any(
                self.decorator_name(d) in _ABSTRACT_DECORATORS for m in methods.values() for d in m.decorator_list
            ),
            abc_base=any(self.qualify(b, first) == "abc.ABC" for b in node.bases)
            or any(k.arg == "metaclass" and self.qualify(k.value, first) == "abc.ABCMeta" for k in node.keywords),
            call_not_implemented="call" in methods and only_raises_not_implemented(methods["call"]),
            from_config_words=words_of(methods["from_config"]) if "from_config" in methods else None,
            member_configs=self.member_configs(methods),
        )

    def annotated(self, param: Param, arg: ast.arg) -> Param:
        """The parameter with its annotation's qualified name, when the annotation is a dotted name;
        for `Optional[A]`, `Union[A, B, None]` or `A | B | None`, the names of its members other than
        None joined by " | ", when each is a dotted name."""
        names = []
        for member in annotation_members(arg.annotation):
            if isinstance(member, ast.Constant) and member.value is None:
                continue
            if not isinstance(member, (ast.Name, ast.Attribute)):
                return param
            qualified = self.qualify(member, arg.lineno) or dotted_name(member)
            if not qualified:
                return param
            names.append(qualified)
        return dataclasses.replace(param, annotation=" | ".join(names)) if names else param

    def summarise_init(self, node) -> InitInfo:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        params = []
        for arg, default in list(zip(positional, defaults))[1:]:  # without self
            params.append(self.annotated(make_param(arg, "positional", default), arg))
        if args.vararg:
            params.append(Param(args.vararg.arg, "var_positional"))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            params.append(self.annotated(make_param(arg, "keyword_only", default), arg))
        if args.kwarg:
            params.append(Param(args.kwarg.arg, "var_keyword"))
        info = InitInfo(node.lineno, params)
        names = {p.name for p in params}
        kwargs_name = args.kwarg.arg if args.kwarg else None
        init_call_args: list = []
        for sub in ast_nodes(node):
            if isinstance(sub, ast.Call):
                note_init_call(sub, info.valued_keywords, init_call_args)
            if isinstance(sub, ast.Call) and is_super_init(sub):
                info.calls_super = True
                rest = sub.args[1:] if is_explicit_base_init(sub) else sub.args
                for arg in rest:
                    if isinstance(arg, ast.Name) and arg.id in names:
                        info.forwarded.setdefault(arg.id, "")
                for keyword in sub.keywords:
                    if keyword.arg is None:
                        if isinstance(keyword.value, ast.Name) and keyword.value.id == kwargs_name:
                            info.forwards_kwargs = True
                    elif isinstance(keyword.value, ast.Name) and keyword.value.id in names:
                        info.forwarded.setdefault(keyword.value.id, keyword.arg)
            elif isinstance(sub, ast.Assign) and len(sub.targets) == 1:
                attr = self_attribute(sub.targets[0])
                if attr is None:
                    continue
                if isinstance(sub.value, ast.Name) and sub.value.id in names:
                    info.stored.setdefault(attr, sub.value.id)
                elif (
                    isinstance(sub.value, ast.Call)
                    and len(sub.value.args) == 1
                    and isinstance(sub.value.args[0], ast.Name)
                    and sub.value.args[0].id in names
                    and self.is_keras(sub.value.func, sub.lineno, "initializers.get", "regularizers.get",
                                      "constraints.get", "activations.get", "layers.deserialize",
                                      "saving.deserialize_keras_object")
                ):
                    info.normalised.setdefault(attr, sub.value.args[0].id)
        info.init_call_args = tuple(init_call_args)
        return info

    def summarise_get_config(self, node) -> ConfigInfo:
        info = _ConfigReader(self, node).read()
        if not info.complete and _spreads_self(node):
            reader = _ConfigReader(self, node, follow_spreads=True)
            spread = reader.read()
            info.spreads, info.complete_but_spreads = tuple(sorted(reader.spreads_seen)), spread.complete
        return info

    def member_configs(self, methods: dict) -> dict:
        """ClassInfo.member_configs: the dict-returning `*config*` members a get_config may spread."""
        found = {}
        for name, method in methods.items():
            if "config" not in name.lower() or name in ("get_config", "from_config"):
                continue
            if len(method.args.args) != 1 or method.args.vararg or method.args.kwonlyargs or method.args.kwarg:
                continue
            if any(isinstance(s, ast.Return) and s.value is not None for s in flat_statements(method.body)):
                found[name] = _ConfigReader(self, method).read()
        return found


class _ConfigReader:
    """Which keys `get_config` returns, following the few shapes real code uses:
    dict literals, `{**base, ...}`, `config.update({...})`, `config["k"] = v`, and
    `dict(list(base.items()) + list(config.items()))`."""

    def __init__(self, summariser: _Summariser, node, follow_spreads: bool = False):
        self.summariser = summariser
        self.node = node
        self.info = ConfigInfo(node.lineno)
        self.variables: dict = {}  # name -> (keys, complete)
        self.follow_spreads = follow_spreads  # `self.member` / `self.member()` counts as complete, noted
        self.spreads_seen: set = set()

    def read(self) -> ConfigInfo:
        body = body_without_docstring(self.node)
        self.info.refuses = len(body) == 1 and isinstance(body[0], ast.Raise)
        for sub in ast_nodes(self.node):
            if isinstance(sub, ast.Call) and is_super_call(sub, "get_config"):
                self.info.calls_super = True
            if not self.info.dynamic_keys and adds_unlisted_key(sub):
                self.info.dynamic_keys = True
        returned = False
        for stmt in flat_statements(self.node.body):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name):
                    self.variables[target.id] = self.value(stmt.value)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    key = target.slice
                    if target.value.id in self.variables:
                        keys, complete = self.variables[target.value.id]
                        if is_str(key):
                            self.note_value(key.value, stmt.value)
                            self.variables[target.value.id] = (keys | {key.value}, complete)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                func = call.func
                if isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Name):
                    name = func.value.id
                    if name in self.variables:
                        keys, complete = self.variables[name]
                        for arg in call.args:
                            more, more_complete = self.value(arg)
                            keys, complete = keys | more, complete and more_complete
                        for keyword in call.keywords:
                            if keyword.arg is None:
                                more, more_complete = self.value(keyword.value)
                                keys, complete = keys | more, complete and more_complete
                            else:
                                keys = keys | {keyword.arg}
                                self.note_value(keyword.arg, keyword.value)
                        self.variables[name] = (keys, complete)
            elif isinstance(stmt, ast.Return) and stmt.value is not None:
                keys, complete = self.value(stmt.value)
                self.info.keys |= keys
                self.info.complete = self.info.complete and complete
                returned = True
        if not returned:
            self.info.complete = False
        return self.info

    def value(self, node: ast.AST) -> tuple:
        """(keys, complete) of a dict-valued expression."""
        if isinstance(node, ast.Dict):
            keys, complete = set(), True
            for key, value in zip(node.keys, node.values):
                if key is None:  # {**other}
                    more, more_complete = self.value(value)
                    keys, complete = keys | more, complete and more_complete
                elif is_str(key):
                    keys.add(key.value)
                    self.note_value(key.value, value)
                else:
                    complete = False
            return keys, complete
        if isinstance(node, ast.Name) and node.id in self.variables:
            return self.variables[node.id]
        if self.follow_spreads:
            member = _self_member(node)
            if member is not None:
                self.spreads_seen.add(member)
                return set(), True
        if isinstance(node, ast.Call):
            if is_super_call(node, "get_config"):
                return set(), True  # the base's keys: rules add those of project ancestors themselves
            if isinstance(node.func, ast.Name) and node.func.id == "dict":
                keys, complete = set(), True
                for arg in node.args:
                    more, more_complete = self.value(arg)
                    keys, complete = keys | more, complete and more_complete
                for keyword in node.keywords:
                    if keyword.arg is None:
                        more, more_complete = self.value(keyword.value)
                        keys, complete = keys | more, complete and more_complete
                    else:
                        keys.add(keyword.arg)
                return keys, complete
            if isinstance(node.func, ast.Name) and node.func.id == "list" and len(node.args) == 1:
                return self.value(node.args[0])  # list(x.items())
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("items", "copy") and not node.args:
                return self.value(node.func.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.BitOr)):
            left, right = self.value(node.left), self.value(node.right)
            return left[0] | right[0], left[1] and right[1]
        return set(), False

    def note_value(self, key: str, value: ast.AST) -> None:
        if isinstance(value, ast.Call):
            func = dotted_name(value.func) or ""
            if func.rsplit(".", 1)[-1] in SERIALIZE_FUNCTIONS:
                self.info.serialized.add(key)
        attr = self_attribute(value)
        if attr:
            self.info.raw_attributes[key] = attr


def _self_member(node: ast.AST) -> Optional[str]:
    """`self.member` or `self.member()`: the member's name."""
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        node = node.func
    attr = self_attribute(node)
    return attr if attr and "config" in attr.lower() and attr not in ("get_config", "from_config") else None


def _spreads_self(function) -> bool:
    return any(
        isinstance(sub, ast.Dict) and any(k is None and _self_member(v) for k, v in zip(sub.keys, sub.values))
        or isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "update"
        and any(_self_member(a) for a in sub.args)
        for sub in ast_nodes(function)
    )
