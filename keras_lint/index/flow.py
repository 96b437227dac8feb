"""Flow facts of one file, from its `ast` alone (issue 20): where models are saved and loaded, the path
of each save and load as far as static reading gets, and what each saved model is built from.

- A **save site** is `m.save(path)`, `save_model(m, path)`, a `ModelCheckpoint(path)` (not weights
  only) given to `m.fit(...)`, or `m.to_json()`; its **contents** are what the statements building `m`
  in its own scope use: a backward slice over the assignments that reach the save (the last plain
  assignment of each name read, with `x = f(x)` chains followed), with `m.add(...)` and
  `m.compile(...)` counted as assignments of `m`.
- What an expression **uses**: the qualified names it calls (classes instantiated, project functions
  that build parts of the model: the analysis follows those into their own `uses`), the names it
  passes to a Keras call or to `compile(...)` without calling them (a loss, a metric, an initializer,
  the function of a `Lambda`), and bound methods passed that way (`loss=SSDLoss().compute_loss`, which
  Keras saves under the method's name). Lambdas are not entered: their bodies run, they build nothing.
- A **load site** is a Keras loader call, with its path, what its `custom_objects` covers and
  whether it passes `compile=False`.
- A **path** is a tuple of parts: a literal (`"s:text"`), a module constant to resolve in the index
  (`"c:pkg.config.MODEL_PATH"`), or `"*"` for anything else; f-strings, `+`, `%`/`.format`,
  `os.path.join`, `Path(...)`, `p / "x"` and local single assignments are read, and so are
  `args.name` for an `argparse` default (`add_argument("--name", default=...)`), entries of module-level
  config dicts with literal values (`CFG["paths"]["model"]`, constants `CFG[paths][model]`), and a
  parameter of the enclosing function (`"p:<index>:<name>"`, filled in from its callers).
- A **pass** is a call handing a model built here to a module-level project function
  (`fit_and_save(build(), "m.keras")`): the analysis judges that function's saves with the caller's
  model and path.

Everything is plain and picklable (the cache keeps it as JSON); linking saves to loads across files is
`analysis/model_flow.py`'s.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Optional

from ..keras_api import COMPILE_KEYWORDS, LAYER_KEYWORD_SUFFIXES, LAYER_KEYWORDS, LOADERS
from ..names import KerasNames, dotted_name, keras_path, path_matches
from .modules import absolute_import, qualify

UNKNOWN = "*"
_BRACE = re.compile(r"\{[^{}]*\}")
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z]")
_JOIN = ("os.path.join", "posixpath.join", "ntpath.join", "tensorflow.io.gfile.join")
_PATH_CLASSES = ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath")
_SAVE_MODEL = ("models.save_model", "saving.save_model")
_CHECKPOINT = ("callbacks.ModelCheckpoint",)
_FLOW_WORDS = ("save", "load_model", "model_from", "ModelCheckpoint", "to_json")
# The last names of the calls that are save or load sites, and the text a function must hold to have one.
_SITE_WORDS = ("save", "to_json", "save_model", "ModelCheckpoint", "load_model", "model_from_json",
               "model_from_config", "model_from_yaml")
_GRAPH_TEXT = re.compile(r"\.(?:outputs?|get_layer)\b")
_BUILT_TEXT = re.compile(r"\w\s*=\s*[A-Z][\w.]*\(")
_GRAPH_ATTRIBUTES = ("output", "outputs", "input", "inputs", "layers", "get_layer")  # reads of its graph
# Modules whose functions never save a model they are handed.
_FOREIGN = ("numpy", "os", "sys", "re", "json", "math", "random", "time", "logging", "typing", "collections",
            "functools", "itertools", "pathlib", "argparse", "shutil", "glob", "pickle", "sklearn", "scipy",
            "pandas", "matplotlib", "cv2", "PIL", "tensorflow", "torch", "jax", "absl", "tqdm")
_SITE_TEXT = re.compile(r"save|to_json|ModelCheckpoint|load_model|model_from_")
# The text a function must hold to pass a callable where Keras saves it by name.
_REF_WORDS = re.compile(r"activation|initializer|regularizer|constraint|loss|metrics|Lambda|Activation|compile")


@dataclasses.dataclass
class Uses:
    """What a piece of code uses, as qualified names (see the module docstring)."""

    calls: tuple = ()
    refs: tuple = ()  # passed to a Keras call or compile(...) without being called
    compile_refs: tuple = ()  # the part of `refs` (and `methods`) given to compile(...)
    methods: tuple = ()  # bound methods passed that way, by method name
    # Classes a function constructs only to read their graph (`encoder = VGG16(inputs)` then only
    # `encoder.outputs`, `.get_layer(...)`): the model it builds holds their layers, not them.
    graph_only: tuple = ()


@dataclasses.dataclass
class SaveSite:
    line: int
    path: tuple  # parts (module docstring)
    kind: str  # save | checkpoint | json
    contents: Optional[Uses] = None  # None: the model comes from where the file does not show (a parameter)
    # A save inside a module-level function whose model or path is one of its parameters: the
    # function's qualified name and [index, name] of the model's parameter (None: not a parameter);
    # a path part "p:<index>:<name>" stands for a parameter. The analysis takes both from its callers.
    function: Optional[str] = None
    param: Optional[list] = None


@dataclasses.dataclass
class LoadSite:
    line: int
    loader: str  # the Keras path of the loader (models.load_model, ...)
    path: tuple
    covered: Optional[tuple] = None  # custom_objects' literal keys; ("*",) when not literal; None: none given
    compile_false: bool = False


@dataclasses.dataclass
class FileFlow:
    constants: dict = dataclasses.field(default_factory=dict)  # module-level name -> path parts
    uses: dict = dataclasses.field(default_factory=dict)  # qualname of a module-level def/class -> Uses
    saves: list = dataclasses.field(default_factory=list)
    loads: list = dataclasses.field(default_factory=list)
    # Qualified names the file exports for loading: the values of a module-level `*custom_objects*`
    # dict, or of the dict a module-level `def *custom_objects*()` returns.
    exported: tuple = ()
    # Calls handing a model built here to a module-level project function (`train(build())`, issue 20):
    # [callee qualified, line, [[index or -1, keyword or None, Uses or None, path parts], ...]].
    passes: list = dataclasses.field(default_factory=list)
    # The modules the file imports, in any scope, absolute (`from pkg import x` gives pkg and pkg.x):
    # what running it executes, for the registrations a load can count on (issue 20).
    imported: tuple = ()


def flow_facts(tree: ast.Module, names: KerasNames, module: str, path: str, text: str = "") -> Optional[FileFlow]:
    """The flow facts of a file: its path constants (a config module need not use Keras), and for a
    file that uses Keras or TensorFlow what it builds, saves and loads. None when there is nothing."""
    keras = names.uses_keras_or_tf()
    # A training script may never import Keras itself (`model = build(); model.fit(...); model.save(p)`).
    trains = keras or ".fit(" in text or ".fit_generator(" in text
    flow = _FlowReader(tree, names, module, path, trains and (not text or any(w in text for w in _FLOW_WORDS)), text).run(keras)
    if flow.constants or flow.uses or flow.saves or flow.loads or flow.exported or flow.passes:
        flow.imported = _imported_modules(names, module, path.endswith("__init__.py"))
        return flow
    return None


class _FlowReader:
    def __init__(self, tree: ast.Module, names: KerasNames, module: str, path: str, sites: bool, text: str = ""):
        self.tree = tree
        self.names = names
        self.module = module
        self.is_package = path.endswith("__init__.py")
        self.sites = sites  # the file spells a save or a load
        self.lines = text.splitlines() if text else []
        self.has_arguments = "add_argument" in text
        self.site_words: set = set()
        self.scoped: list = []
        self.params: dict = {}  # the parameters of the function whose scope is read: name -> index
        self.function: Optional[str] = None  # its qualified name, for a module-level function
        self.parsed_args: set = set()  # names bound to parse_args() (arguments())
        self.arg_defaults: dict = {}  # argparse destination -> the parts of its default
        self.flow = FileFlow()

    def qualify(self, node: ast.AST, line: int) -> Optional[str]:
        return qualify(self.names, self.module, self.is_package, dotted_name(node), line)

    def keras(self, node: ast.AST, line: int, *patterns: str) -> bool:
        return path_matches(keras_path(self.qualify(node, line)), *patterns)

    def run(self, keras: bool) -> FileFlow:
        if self.sites and (not self.lines or self.has_arguments):
            self.arguments()
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and keras:
                # Its calls are the summary's FunctionInfo.calls; here what it passes by name.
                text = self.text_of(stmt)
                uses = self.uses_of([stmt], with_calls=False) if text is None or _REF_WORDS.search(text) else Uses()
                graph = self.graph_only(stmt) if text is None or (
                    _GRAPH_TEXT.search(text) and _BUILT_TEXT.search(text)) else ()
                if uses.refs or uses.methods or graph:
                    self.flow.uses[f"{self.module}.{stmt.name}"] = dataclasses.replace(uses, graph_only=graph)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and "custom_objects" in stmt.name.lower():
                for sub in stmt.body:
                    if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Dict):
                        self.export(sub.value)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if len(targets) == 1 and isinstance(targets[0], ast.Name) and "custom_objects" in targets[0].id.lower() \
                        and isinstance(stmt.value, ast.Dict):
                    self.export(stmt.value)
                if len(targets) == 1 and isinstance(targets[0], ast.Name):
                    if isinstance(stmt.value, ast.Dict):
                        self.entries(targets[0].id, stmt.value)
                    parts = self.path_of(stmt.value, {}, constant=True)
                    if any(p != UNKNOWN for p in parts):
                        self.flow.constants[targets[0].id] = parts
        if self.sites:
            self.site_words = set(_SITE_WORDS) | self.names.aliases_of(_SITE_WORDS)
            self.scope(self.tree.body)
            stack, others = list(self.tree.body), []
            while stack:  # every function, through statements only (expressions hold no `def`)
                stmt = stack.pop()
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    if self.mentions(stmt, _SITE_TEXT):
                        self.scope(stmt.body, stmt)
                    else:
                        others.append(stmt)
                for field in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(stmt, field, None)
                    if isinstance(inner, list):
                        stack.extend(inner)
            # The other functions only for the calls they make of a helper that may save what it is
            # handed (`main(): train(build())`): this file's functions with such a save, and the
            # functions it imports by name from outside Keras; read only where the text calls one.
            helpers = {save.function.rsplit(".", 1)[-1] for save in self.flow.saves if save.param is not None}
            helpers |= {name for name, bindings in self.names.module.bindings.items() if any(
                b.kind == "import" and b.target and keras_path(b.target) is None and not b.target.startswith(_FOREIGN)
                for b in bindings)}
            if others and helpers:
                pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(helpers))) + r")\(")
                for stmt in others:
                    if self.mentions(stmt, pattern):
                        self.scope(stmt.body, stmt, sites_here=False)
        return self.flow

    def entries(self, name: str, mapping: ast.Dict, depth: int = 0) -> None:
        """A module-level config dict with literal values: each string-keyed entry a constant named
        `NAME[key]` (nested dicts `NAME[key][inner]`), for `CFG["model_path"]` (issue 20)."""
        for key, value in zip(mapping.keys, mapping.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)) or "[" in key.value:
                continue
            entry = f"{name}[{key.value}]"
            if isinstance(value, ast.Dict) and depth < 3:
                self.entries(entry, value, depth + 1)
                continue
            parts = self.path_of(value, {}, constant=True)
            if any(p != UNKNOWN for p in parts):
                self.flow.constants[entry] = parts

    def arguments(self) -> None:
        """`argparse` defaults (issue 20): `parser.add_argument("--model-path", default="m.h5")` makes
        `args.model_path` read "m.h5", for `args` bound to a `parse_args()` (or `parse_known_args()[0]`)
        anywhere in the file, or a parameter of that name. A destination declared twice is unknown."""
        defaults: dict = {}
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call) or _last_name(node.func) != "add_argument" or not node.args:
                continue
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            dest = next((k.value.value for k in node.keywords if k.arg == "dest" and isinstance(k.value, ast.Constant)
                         and isinstance(k.value.value, str)), None)
            flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if dest is None and flags:
                longs = [f for f in flags if f.startswith("--")]
                dest = (longs or flags)[0].lstrip("-").replace("-", "_")
            if not dest or default is None:
                continue
            parts = self.path_of(default, {}, constant=True)
            defaults[dest] = parts if dest not in defaults else (UNKNOWN,)
        if not defaults:
            return
        parsed = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                value, target = node.value, node.targets[0]
                if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Call):
                    value = value.value  # parse_known_args()[0]
                elif isinstance(target, ast.Tuple) and target.elts:
                    target = target.elts[0]  # args, rest = parser.parse_known_args()
                if isinstance(target, ast.Name) and isinstance(value, ast.Call) \
                        and _last_name(value.func) in ("parse_args", "parse_known_args"):
                    parsed.add(target.id)
        self.parsed_args = parsed
        self.arg_defaults = {dest: parts for dest, parts in defaults.items() if any(p != UNKNOWN for p in parts)}

    def graph_only(self, function: ast.AST) -> tuple:
        """The classes `function` constructs into a name it then only reads the graph of (Uses.graph_only)."""
        built, reads, graph_reads = {}, {}, {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Call) and _capitalised(node.value.func):
                built.setdefault(node.targets[0].id, []).append(node.value)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                reads[node.id] = reads.get(node.id, 0) + 1
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in _GRAPH_ATTRIBUTES:
                graph_reads[node.value.id] = graph_reads.get(node.value.id, 0) + 1
        found = []
        for name, calls in built.items():
            if len(calls) == 1 and reads.get(name) and reads.get(name) == graph_reads.get(name):
                target = self.qualify(calls[0].func, calls[0].lineno)
                if target and keras_path(target) is None:
                    found.append(target)
        return _unique(found)

    def export(self, mapping: ast.Dict) -> None:
        names = [self.qualify(v, v.lineno) for v in mapping.values if isinstance(v, (ast.Name, ast.Attribute))]
        self.flow.exported = _unique([*self.flow.exported, *(n for n in names if n)])

    def text_of(self, node: ast.AST) -> Optional[str]:
        return "\n".join(self.lines[node.lineno - 1: node.end_lineno]) if self.lines else None

    def mentions(self, node: ast.AST, pattern) -> bool:
        """Does the text of `node` hold the pattern? (A cheap gate before walking its nodes.)"""
        if not self.lines:
            return True
        return pattern.search("\n".join(self.lines[node.lineno - 1: node.end_lineno])) is not None

    # -- what code uses ------------------------------------------------------------------------

    def uses_of(self, nodes: list, with_calls: bool = True) -> Uses:
        calls, refs, compile_refs, methods = [], [], [], []
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Lambda):
                continue
            if isinstance(node, ast.Call):
                line = node.lineno
                if with_calls:
                    target = self.qualify(node.func, line)
                    if target:
                        calls.append(target)
                last = _last_name(node.func)
                is_compile = last == "compile"
                values = [k.value for k in node.keywords if k.arg and (
                    k.arg in COMPILE_KEYWORDS if is_compile else _saved_keyword(k.arg))]
                if last in ("Lambda", "Activation") and node.args:
                    values.append(node.args[0])
                for value in values:
                    for item in _items(value):
                        found = self.reference(item, line, is_compile)
                        if found is None:
                            continue
                        kind, name = found
                        (methods if kind == "method" else refs).append(name)
                        if is_compile:
                            compile_refs.append(name)
            stack.extend(ast.iter_child_nodes(node))
        return Uses(_unique(calls), _unique(refs), _unique(compile_refs), _unique(methods))

    def reference(self, node: ast.AST, line: int, in_compile: bool) -> Optional[tuple]:
        """("ref", qualified) for a name passed without a call; ("method", name) for a bound method given
        to compile(...): `Loss(...).method`, or `obj.method` where `obj = Loss(...)` is bound once."""
        if in_compile and isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Call) and _capitalised(base.func):
                return ("method", node.attr)
            if isinstance(base, ast.Name):
                binding = self.names.binding(base.id, line)
                if binding is not None and binding.kind == "other" and isinstance(binding.node, ast.Call) \
                        and _capitalised(binding.node.func):
                    return ("method", node.attr)
        if isinstance(node, (ast.Name, ast.Attribute)):
            qualified = self.qualify(node, line)
            return ("ref", qualified) if qualified else None
        return None

    # -- saves and loads in one scope ------------------------------------------------------------

    def scope(self, body: list, function=None, sites_here: bool = True) -> None:
        """Read one scope's statements (not those of the functions and classes it defines)."""
        assigned: dict = {}  # name -> [(line, value node, chained)]
        statements = [(stmt, _calls_in(stmt)) for stmt in _statements(body)]
        sites = [call for _, calls in statements for call in calls if _last_name(call.func) in self.site_words] \
            if sites_here else []
        handing = [call for _, calls in statements for call in calls if self.project_function(call)]
        if not sites and not handing:
            return
        self.params, self.function = {}, None
        if function is not None:
            every = [*function.args.posonlyargs, *function.args.args]
            if not every or every[0].arg not in ("self", "cls"):
                self.params = {a.arg: i for i, a in enumerate(every)}
                self.params.update({a.arg: -1 for a in function.args.kwonlyargs})
            if function in self.tree.body:
                self.function = f"{self.module}.{function.name}"
        fits = []
        self.scoped = []  # the lines of `with custom_object_scope(...)` blocks
        for stmt, calls in statements:
            line = stmt.lineno
            if isinstance(stmt, (ast.With, ast.AsyncWith)) and any(
                isinstance(item.context_expr, ast.Call)
                and "customobject" in (_last_name(item.context_expr.func) or "").lower().replace("_", "")
                for item in stmt.items
            ):
                self.scoped.append((stmt.lineno, stmt.end_lineno))
            if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for name in _target_names(target):
                        chained = isinstance(stmt, ast.AugAssign)
                        assigned.setdefault(name, []).append((line, stmt.value, chained))
            for call in calls:
                func = call.func
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    owner = func.value.id
                    if func.attr in ("add", "compile") and isinstance(stmt, ast.Expr) and stmt.value is call:
                        assigned.setdefault(owner, []).append((line, call, True))
                    elif func.attr == "fit" or func.attr == "fit_generator":
                        fits.append((owner, call))
        for call in sites:
            self.site(call, assigned, fits)
        for call in handing:
            self.hand(call, assigned)

    def project_function(self, call: ast.Call) -> bool:
        """Is `call` a call of a module-level function of this file or one imported by name (not Keras's),
        with a model-like argument (a name or a call)?"""
        func = call.func
        if not isinstance(func, ast.Name) or not any(isinstance(a, (ast.Name, ast.Call)) for a in call.args) and \
                not any(isinstance(k.value, (ast.Name, ast.Call)) for k in call.keywords):
            return False
        binding = self.names.binding(func.id, call.lineno)
        if binding is None or binding.scope != "module":
            return False
        if binding.kind == "def":
            return True
        return binding.kind == "import" and bool(binding.target) and keras_path(self.qualify(func, call.lineno)) is None

    def hand(self, call: ast.Call, assigned: dict) -> None:
        """Record a call handing a model built here to a project function (FileFlow.passes)."""
        line, arguments, built = call.lineno, [], False
        given = [(i, None, a) for i, a in enumerate(call.args)] + [(-1, k.arg, k.value) for k in call.keywords if k.arg]
        for index, keyword, value in given:
            if isinstance(value, ast.Starred):
                break
            uses = None
            if isinstance(value, ast.Name):
                uses = self.slice(value.id, line, assigned)
            elif isinstance(value, ast.Call):
                uses = self.uses_of([value])
            if uses is not None and not uses.calls:
                uses = None
            built = built or uses is not None
            arguments.append([index, keyword, uses, list(self.path_of(value, assigned))])
        if built:
            target = self.qualify(call.func, line)
            if target:
                self.flow.passes.append([target, line, arguments])

    def site(self, call: ast.Call, assigned: dict, fits: list) -> None:
        line, func = call.lineno, call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in ("save", "to_json"):
            owner = func.value.id
            contents = self.slice(owner, line, assigned)
            if func.attr == "save" and (call.args or any(k.arg == "filepath" for k in call.keywords)):
                path = _argument(call, 0, "filepath")
                parts = self.path_of(path, assigned) if path is not None else (UNKNOWN,)
                if self.model_save(owner, line, parts, contents):
                    self.flow.saves.append(self.save_site(line, parts, "save", contents, owner, assigned))
            elif func.attr == "to_json" and not call.args and self.model_save(owner, line, (), contents):
                self.flow.saves.append(SaveSite(line, (UNKNOWN,), "json", contents))
            return
        if self.keras(func, line, *_SAVE_MODEL):
            model, path = _argument(call, 0, "model"), _argument(call, 1, "filepath")
            contents = self.slice(model.id, line, assigned) if isinstance(model, ast.Name) else None
            parts = self.path_of(path, assigned) if path is not None else (UNKNOWN,)
            owner = model.id if isinstance(model, ast.Name) else None
            self.flow.saves.append(self.save_site(line, parts, "save", contents, owner, assigned))
        elif self.keras(func, line, *_CHECKPOINT):
            weights = _argument(call, 99, "save_weights_only")
            if weights is not None and not (isinstance(weights, ast.Constant) and weights.value is False):
                return
            path = _argument(call, 0, "filepath")
            parts = self.path_of(path, assigned) if path is not None else (UNKNOWN,)
            owners = {owner for owner, fit in fits if any(k.arg == "callbacks" for k in fit.keywords)}
            for owner in sorted(owners) or [None]:
                contents = self.slice(owner, fit_line(fits, owner), assigned) if owner else None
                self.flow.saves.append(SaveSite(line, parts, "checkpoint", contents))
        else:
            loader = keras_path(self.qualify(func, line))
            if loader is None or not path_matches(loader, *LOADERS):
                return
            path = _argument(call, 0, "filepath")
            if path is None and "json" in loader:
                path = None
            parts = self.path_of(path, assigned) if path is not None and "load_model" in loader else (UNKNOWN,)
            given = _argument(call, 1, "custom_objects")
            covered = None
            if given is not None:
                keys = [k.value for k in given.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)] \
                    if isinstance(given, ast.Dict) and all(k is not None for k in given.keys) else None
                covered = tuple(keys) if keys is not None and len(keys) == len(given.keys) else (UNKNOWN,)
            if any(first <= line <= last for first, last in self.scoped):
                covered = (UNKNOWN,)  # the scope hands its custom objects to the load
            compile_arg = _argument(call, 2, "compile") if "load_model" in loader else None
            compile_false = isinstance(compile_arg, ast.Constant) and compile_arg.value is False
            self.flow.loads.append(LoadSite(line, loader, parts, covered, compile_false))

    def save_site(self, line: int, parts: tuple, kind: str, contents: Optional[Uses], owner: Optional[str],
                  assigned: dict) -> SaveSite:
        """A save site; its model a parameter when the scope only compiles or adds to it (its `contents`
        then what the scope adds, joined to the caller's argument by the analysis)."""
        site = SaveSite(line, parts, kind, contents)
        rebound = any(not chained for _, _, chained in assigned.get(owner, ())) if owner else True
        param = self.params.get(owner) if not rebound else None
        if self.function and (param is not None or any(p.startswith("p:") for p in parts)):
            site.function = self.function
            site.param = [param, owner] if param is not None else None
        return site

    def model_save(self, owner: str, line: int, parts: tuple, contents: Optional[Uses]) -> bool:
        """Is `owner.save(...)` a Keras model's? Not when `owner` is an imported module (`np`, `pickle`),
        a function or a class; yes when the statements building it call Keras, or when its name or
        the path says model (`model.save(path)` on a parameter, `x.save("m.h5")`)."""
        binding = self.names.binding(owner, line)
        if binding is not None and binding.kind in ("import", "def", "class"):
            return False
        if contents is not None and any(keras_path(c) for c in contents.calls):
            return True
        text = "".join(p[2:] for p in parts if p.startswith("s:")).lower()
        return any(w in owner.lower() for w in ("model", "net")) or text.endswith((".h5", ".hdf5", ".keras"))

    def slice(self, name: str, line: int, assigned: dict) -> Optional[Uses]:
        """What the statements building `name` (as it is at `line`) use; None when the scope does not
        build it (a parameter, an attribute)."""
        nodes, seen, stack, built = [], set(), [(name, line)], False
        while stack:
            current, before = stack.pop()
            if (current, before) in seen:
                continue
            seen.add((current, before))
            reaching = [entry for entry in assigned.get(current, ()) if entry[0] < before or (
                entry[0] == before and current != name)]
            # The last assignment before `line`, and the ones before it while each reads the name itself
            # (`x = Dense(8)(x)`, `model.add(...)`).
            for entry_line, value, chained in reversed(reaching):
                if current == name:
                    built = True
                nodes.append(value)
                for read in _names_read(value):
                    if read != current:
                        stack.append((read, entry_line))
                if not (chained or current in _names_read(value)):
                    break
        if not built:
            return None
        return self.uses_of(nodes)

    # -- paths -----------------------------------------------------------------------------------

    def path_of(self, node: Optional[ast.AST], assigned: dict, constant: bool = False, depth: int = 0) -> tuple:
        if node is None or depth > 8:
            return (UNKNOWN,)
        again = lambda sub: self.path_of(sub, assigned, constant, depth + 1)  # noqa: E731
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return _literal(node.value)
        if isinstance(node, ast.JoinedStr):
            parts: list = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts += _literal(value.value)
                elif isinstance(value, ast.FormattedValue):
                    parts += again(value.value) if value.format_spec is None else [UNKNOWN]
            return _merge(parts)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):
                return _merge([*again(node.left), *again(node.right)])
            if isinstance(node.op, ast.Div):
                return _merge([*again(node.left), "s:/", *again(node.right)])
            if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
                return _template(_PERCENT, node.left.value)
            return (UNKNOWN,)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Constant) \
                    and isinstance(func.value.value, str):
                return _template(_BRACE, func.value.value)
            target = self.qualify(func, node.lineno) or ""
            if target in _JOIN or target in _PATH_CLASSES or (isinstance(func, ast.Attribute) and func.attr == "joinpath"):
                pieces = ([func.value] if func.attr == "joinpath" else []) if isinstance(func, ast.Attribute) else []
                pieces += list(node.args)
                parts = []
                for index, piece in enumerate(pieces):
                    if index:
                        parts.append("s:/")
                    parts += again(piece)
                return _merge(parts) if parts else (UNKNOWN,)
            if target in ("str", "os.fspath") and len(node.args) == 1:
                return again(node.args[0])
            return (UNKNOWN,)
        if isinstance(node, ast.Name):
            entries = assigned.get(node.id, ())
            before = [e for e in entries if e[0] < node.lineno]
            if before and not constant:
                return again(before[-1][1])  # the assignment that reaches it in straight-line code
            if not constant and not entries and node.id in self.params:
                return (f"p:{self.params[node.id]}:{node.id}",)  # the caller's argument (SaveSite.function)
            binding = self.names.binding(node.id, node.lineno)
            if binding is None:
                return (UNKNOWN,)
            if binding.kind == "import" and binding.target:
                return (f"c:{self.qualify(node, node.lineno)}",)
            if binding.scope == "module" and binding.kind in ("other", "alias"):
                return (f"c:{self.module}.{node.id}",)
            return (UNKNOWN,)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in self.arg_defaults \
                and node.value.id in self.parsed_args:
            return self.arg_defaults[node.attr]
        if isinstance(node, ast.Subscript):
            entry = _entry(node)
            if entry is not None:
                base, keys = entry
                if isinstance(base, ast.Name) and not (assigned.get(base.id) and not constant):
                    binding = self.names.binding(base.id, node.lineno)
                    if binding is not None and binding.kind == "import" and binding.target:
                        return (f"c:{self.qualify(base, node.lineno)}{keys}",)
                    if binding is not None and binding.scope == "module" and binding.kind in ("other", "alias"):
                        return (f"c:{self.module}.{base.id}{keys}",)
                elif isinstance(base, ast.Attribute):
                    qualified = self.qualify(base, node.lineno)
                    first = self.names.binding(dotted_name(base).split(".")[0], node.lineno) if dotted_name(base) else None
                    if qualified and first is not None and first.kind == "import":
                        return (f"c:{qualified}{keys}",)
            return (UNKNOWN,)
        if isinstance(node, ast.Attribute):
            qualified = self.qualify(node, node.lineno)
            binding = self.names.binding(dotted_name(node).split(".")[0], node.lineno) if dotted_name(node) else None
            if qualified and binding is not None and binding.kind == "import":
                return (f"c:{qualified}",)
        return (UNKNOWN,)


def _imported_modules(names: KerasNames, module: str, is_package: bool) -> tuple:
    found = [absolute_import(m, module, is_package).rstrip(".") for m in names.imported_modules]
    stack = [names.module]
    while stack:  # `from pkg import x` also imports pkg.x when x is a module
        scope = stack.pop()
        stack.extend(scope.children)
        found += [absolute_import(b.target, module, is_package) for bindings in scope.bindings.values()
                  for b in bindings if b.kind == "import" and b.target]
    return _unique(sorted(m for m in found if m))


def _entry(node: ast.Subscript) -> Optional[tuple]:
    """`CFG["a"]["b"]` -> (the node of CFG, "[a][b]"); None when a key is not a literal string."""
    keys = ""
    while isinstance(node, ast.Subscript):
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)) or "[" in key.value:
            return None
        keys = f"[{key.value}]" + keys
        node = node.value
    return node, keys


def _last_name(func: ast.AST) -> Optional[str]:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _saved_keyword(keyword: str) -> bool:
    return keyword in LAYER_KEYWORDS or keyword.endswith(LAYER_KEYWORD_SUFFIXES) or keyword == "function"


def _capitalised(func: ast.AST) -> bool:
    name = dotted_name(func) or ""
    return name.rsplit(".", 1)[-1][:1].isupper()


def fit_line(fits: list, owner: str) -> int:
    return max(call.lineno for name, call in fits if name == owner) + 1


def _literal(text: str) -> tuple:
    return (f"s:{text}",) if text else ()


def _template(pattern, text: str) -> tuple:
    parts: list = []
    for index, piece in enumerate(pattern.split(text.replace("%%", "%"))):
        if index:
            parts.append(UNKNOWN)
        parts += _literal(piece)
    return _merge(parts)


def _merge(parts) -> tuple:
    merged: list = []
    for part in parts:
        if merged and part.startswith("s:") and merged[-1].startswith("s:"):
            merged[-1] += part[2:]
        elif not (part == UNKNOWN and merged and merged[-1] == UNKNOWN):
            merged.append(part)
    return tuple(merged) or (UNKNOWN,)


def _items(value: ast.AST) -> list:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return [i for e in value.elts for i in _items(e)]
    if isinstance(value, ast.Dict):
        return [i for v in value.values for i in _items(v)]
    return [value]


def _unique(values: list) -> tuple:
    return tuple(dict.fromkeys(values))


def _statements(body: list):
    """The statements of a scope, in order, compound statements entered, definitions not."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)
        for handler in getattr(stmt, "handlers", ()) or ():
            yield from _statements(handler.body)
        for case in getattr(stmt, "cases", ()) or ():
            yield from _statements(case.body)


def _calls_in(stmt: ast.stmt) -> list:
    """The calls of one statement's own expressions (not of the statements nested in it)."""
    found, stack = [], []
    for field, value in ast.iter_fields(stmt):
        if field in ("body", "orelse", "finalbody", "handlers", "cases"):
            continue
        stack.extend(value if isinstance(value, list) else [value])
    while stack:
        node = stack.pop()
        if not isinstance(node, ast.AST) or isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda c: (c.lineno, c.col_offset))


def _target_names(target: ast.AST) -> list:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for e in target.elts for n in _target_names(e)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _names_read(node: ast.AST) -> set:
    found, stack = set(), [node]
    while stack:
        sub = stack.pop()
        if isinstance(sub, ast.Lambda):
            continue
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        stack.extend(ast.iter_child_nodes(sub))
    return found


def _argument(call: ast.Call, index: int, keyword: str) -> Optional[ast.AST]:
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
    if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None
