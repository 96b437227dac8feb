"""Which saved models a load site reads, and what in them will not resolve where it loads (issue 20).

The facts are index/flow.py's, gathered per file; this joins them across the project:
- a load is **linked** to the saves whose resolved path ends the same way (the last path component,
  with unknown parts as wildcards on either side);
- a load that links to none is judged against the saves of its **family** (the files of its own
  folder): all of them when its path is unknown, those whose path is unknown when it is known;
- what a saved model **contains**: the custom objects its building statements use, following the
  project functions they call (not classes: a class's own code rebuilds what it creates): project
  Keras classes, project functions passed to Keras calls or compile(...), bound methods given to
  compile(...), and third-party objects of keras_api.THIRD_PARTY_OBJECTS. One of these **will not
  resolve** unless it is registered (decorator, registry write, a registering project decorator,
  an exported or self-locating Keras class), or the load's custom_objects names it; compile objects
  do not count under compile=False.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from typing import Optional

from ..index.flow import UNKNOWN, Uses
from ..keras_api import SELF_LOCATING_PACKAGES, THIRD_PARTY_OBJECTS
from ..names import keras_path
from .argument_kinds import serialized_parts

COMPILE_ONLY_KINDS = ("loss", "metric", "optimizer", "schedule")
_MAX_DEPTH = 12


@dataclasses.dataclass(frozen=True)
class Missing:
    """An object a saved model holds that the load will not resolve."""

    name: str  # the name Keras saves it under
    kind: str  # layer, model, loss, ..., function, method, or the third-party kind
    path: Optional[str]  # where it is defined (absolute), None for a bound method or a library's object
    line: int
    library: Optional[str] = None  # the third-party library, for its objects
    unimported: bool = False  # registered, but by a module the loading process never imports


@dataclasses.dataclass(frozen=True)
class SaveRef:
    path: str  # absolute path of the saving file
    line: int


@dataclasses.dataclass
class Verdict:
    missing: list  # [Missing]
    saves: list  # [SaveRef] of the saves judged
    may: bool  # judged against saves it could not link: the model "may contain"
    unknown: bool = False  # some save judged builds its model where the file does not show


def judge_load(project, path: str, line: int, compile_false: bool = False, revives_savedmodel: bool = False,
               imports_classes: bool = False) -> Optional[Verdict]:
    """What the load at `path:line` will not resolve, judged on the saves the project shows; None when
    the index has no flow facts for the load (the caller falls back on what the loading file sees).
    `revives_savedmodel`: the Keras judged at writes a path without extension as a SavedModel and
    revives its classes on load without them (Keras 2): such saves need nothing of the loader.
    `imports_classes`: the Keras judged at loads an unregistered class from a `.keras` file by importing
    the module the file names (Keras 3.0-3.8, keras_api fact keras_file_imports_unregistered_class):
    a `.keras` save needs nothing of the loader for a project class whose module is imported by name."""
    summary = project.summary_of(path)
    flow = getattr(summary, "flow", None) if summary is not None else None
    load = next((s for s in flow.loads if s.line == line), None) if flow is not None else None
    if load is None:
        return None
    compile_false = compile_false or load.compile_false
    wanted = resolve(project, load.path)
    everything = _all_saves(project)
    revived = {id(s) for _, s, r in everything if revives_savedmodel and s.kind != "json" and _savedmodel_folder(r)}
    resolved_of = {id(s): r for _, s, r in everything}
    saves = [(p, s) for p, s, _ in everything]
    here = os.path.abspath(path)
    linked = [(p, s) for p, s, r in everything if wanted is not None and _matches(r, wanted)]
    own = [(p, s) for p, s in linked if p == here]
    if own:
        # The file saves what it loads: the nearest save before the load (a round trip), else its own.
        before = [(p, s) for p, s in own if s.line < line]
        linked = [max(before, key=lambda e: e[1].line)] if before else own
    may = not linked
    if may:
        # Its family: the file's own saves, or when it has none, those of the files of its folder.
        # A script that saves and loads may load a model it saved under another name (a renamed or
        # copied file of an earlier run); a load elsewhere in the folder, only a model saved under a
        # path that cannot be read.
        own = [(p, s) for p, s in saves if p == here]
        if own:
            linked = own
        else:
            folder = os.path.dirname(here)
            linked = [(p, s) for p, s, r in everything if os.path.dirname(p) == folder and (wanted is None or r is None)]
    if not linked:
        return Verdict([], [], may, unknown=True)
    missing, unknown = [], False
    reach = _Reach(project, summary.module)
    for save_path, save in linked:
        if id(save) in revived:
            continue  # a SavedModel folder: the load revives its classes without them
        if save.contents is None:
            unknown = True
            continue
        keras_file = imports_classes and save.kind in ("save", "checkpoint") and _last_part(resolved_of[id(save)]).endswith(".keras")
        for item in contents(project, save.contents, compile_false, reach):
            if keras_file and _imported_class(project, item):
                continue  # the loader imports its module, named in the file, and finds it there
            if item not in missing and not _covered(item, load.covered):
                missing.append(item)
    order = {"method": 2, "function": 1}
    missing.sort(key=lambda m: (order.get(m.kind, 0) if m.library is None else 1, m.name))
    return Verdict(missing, [SaveRef(p, s.line) for p, s in linked], may, unknown)


_SAVES: dict = {}  # id(project) -> (project, [(saving file, SaveSite, resolved path)]): one index at a time


def _all_saves(project):
    """The project's save sites with their resolved paths, gathered once per index."""
    known = _SAVES.get(id(project))
    if known is None or known[0] is not project:
        found, passes = [], None
        for summary in project.summaries:
            flow = getattr(summary, "flow", None)
            if flow is None:
                continue
            for save in flow.saves:
                if save.function is not None:
                    if passes is None:
                        passes = _passes(project)
                    handed = passes.get(save.function, [])
                    for caller, line, arguments in handed:
                        site = _handed(save, line, arguments)
                        found.append((caller, site, resolve(project, site.path)))
                    if handed:
                        continue
                found.append((os.path.abspath(summary.path), save, resolve(project, save.path)))
        _SAVES.clear()
        known = _SAVES[id(project)] = (project, found)
    return known[1]


def _passes(project) -> dict:
    """{qualified name of a project function: [(calling file, line, arguments)]} of the calls that hand
    it a model (FileFlow.passes), callees found through the index (re-exports, relative imports)."""
    found: dict = {}
    for summary in project.summaries:
        flow = getattr(summary, "flow", None)
        for callee, line, arguments in getattr(flow, "passes", None) or ():
            function = project.find(callee, "functions")
            key = f"{function.module}.{function.name}" if function is not None else callee
            found.setdefault(key, []).append((os.path.abspath(summary.path), line, arguments))
    return found


def _handed(save, line: int, arguments: list):
    """The save of a helper function as one call of it makes it: the model and path its arguments give."""
    def argument(index, name):
        for position, keyword, uses, parts in arguments:
            if (keyword is not None and keyword == name) or (keyword is None and index is not None and position == index):
                return uses, tuple(parts)
        return None, (UNKNOWN,)

    contents = save.contents
    if save.param is not None:
        given = argument(*save.param)[0]
        if given is None:
            contents = None  # the caller's model is not built where it calls either
        elif contents is not None:  # what the helper adds (compile(loss=...)) to what it is handed
            contents = Uses(*(tuple(dict.fromkeys((*a, *b))) for a, b in zip(_fields(given), _fields(contents))))
        else:
            contents = given
    path: list = []
    for part in save.path:
        if part.startswith("p:"):
            index, _, name = part[2:].partition(":")
            path += argument(int(index) if index != "-1" else None, name)[1]
        else:
            path.append(part)
    return dataclasses.replace(save, line=line, path=tuple(path), contents=contents, function=None, param=None)


def _last_part(resolved: Optional[str]) -> str:
    """The last component of a resolved save path, lower-cased ("" when unknown)."""
    return (resolved or "").rstrip("/").rsplit("/", 1)[-1].lower()


def _imported_class(project, item: Missing) -> bool:
    """Is `item` a project class whose module another project module imports (imported_by_name)?"""
    if item.path is None or item.library is not None or item.kind in ("function", "method"):
        return False
    info = project.class_at(item.path, item.line)
    return info is not None and imported_by_name(project, info)


_IMPORTERS: dict = {}  # id(project) -> (project, {module: the project modules importing it})


def imported_by_name(project, info) -> bool:
    """Does another project module import the module that defines `info` (or a name from it)? Then the
    class is defined under that module's dotted name, not `__main__`, when that importer runs -- the
    name a saved `.keras` file records for it, which a loader in the project can import again."""
    known = _IMPORTERS.get(id(project))
    if known is None or known[0] is not project:
        importers: dict = {}
        for summary in project.summaries:
            flow = getattr(summary, "flow", None)
            for target in {*(flow.imported if flow is not None else ()), *summary.imports.values()}:
                parts = target.split(".")
                for end in range(1, len(parts) + 1):
                    importers.setdefault(".".join(parts[:end]), set()).add(summary.module)
        _IMPORTERS.clear()  # one index at a time
        known = _IMPORTERS[id(project)] = (project, importers)
    return bool(known[1].get(info.module, set()) - {info.module})


def _covered(item: Missing, covered: Optional[tuple]) -> bool:
    if covered is None:
        return False
    # A library object is saved under a name of the library's choosing (segmentation_models' `bce_jaccard_loss`
    # as 'binary_crossentropy_plus_jaccard_loss'): any custom_objects given may name it.
    return UNKNOWN in covered or item.name in covered or item.library is not None


# -- what a saved model holds --------------------------------------------------------------------


def contents(project, uses, compile_false: bool = False, reach: Optional[set] = None) -> list:
    """The objects `uses` (and the project functions it calls, transitively) put in a model that a
    bare load will not resolve; with `reach` (the modules the loader runs), a registration counts only
    where it is executed by one of them."""
    found: list = []
    for current in _reached(project, uses):
        compile_refs = set(current.compile_refs)
        for name in current.methods:
            if not compile_false:
                _add(found, Missing(name, "method", None, 0))
        for qualified in current.calls:
            third = third_party(qualified)
            if third is not None:
                if not (compile_false and third[1] in COMPILE_ONLY_KINDS):
                    _add(found, Missing(qualified.rsplit(".", 1)[-1], third[1], None, 0, third[0]))
                continue
            cls = project.find(qualified)
            if cls is not None:
                kind = project.keras_kind(cls)
                if kind is None or not _unresolved_class(project, cls, reach):
                    continue
                if compile_false and kind in COMPILE_ONLY_KINDS:
                    continue
                _add(found, Missing(cls.name, kind, os.path.abspath(cls.path), cls.line,
                                    unimported=project.is_registered(cls)))
        for qualified in current.refs:
            in_compile = qualified in compile_refs
            if compile_false and in_compile:
                continue
            third = third_party(qualified)
            if third is not None:
                if not (compile_false and third[1] in COMPILE_ONLY_KINDS):
                    _add(found, Missing(qualified.rsplit(".", 1)[-1], third[1], None, 0, third[0]))
                continue
            function = project.find(qualified, "functions")
            if function is None or not function.is_def or _registered_function(project, function, reach):
                continue
            _add(found, Missing(function.name, "function", os.path.abspath(function.path), function.line,
                                unimported=_registered_function(project, function)))
    return found


def _reached(project, uses):
    """`uses`, then what each project function it calls uses, transitively (to _MAX_DEPTH calls deep,
    each function once): the building statements of a saved model and the project code they run. A
    call of a class (its own code rebuilds what it creates) or of another library's object is not
    followed."""
    seen: set = set()
    stack = [(uses, 0)]
    while stack:
        current, depth = stack.pop()
        yield current
        if depth >= _MAX_DEPTH:
            continue
        for qualified in current.calls:
            if third_party(qualified) is not None or project.find(qualified) is not None:
                continue
            function = project.find(qualified, "functions")
            if function is None:
                continue
            key = f"{function.module}.{function.name}"
            inner = _uses_of(project, function)
            if key not in seen and inner is not None:
                seen.add(key)
                stack.append((inner, depth + 1))


def _add(found: list, item: Missing) -> None:
    if item not in found:
        found.append(item)


def _uses_of(project, function):
    """What a project function uses: the calls of its summary, the names it passes of its flow facts."""
    if not function.is_def:
        return None
    summary = project.module(function.module)
    flow = getattr(summary, "flow", None) if summary is not None else None
    passed = flow.uses.get(f"{function.module}.{function.name}") if flow is not None else None
    if passed is None:
        return Uses(calls=tuple(function.calls))
    calls = tuple(c for c in function.calls if c not in passed.graph_only)
    return Uses(calls, passed.refs, passed.compile_refs, passed.methods)


def _unresolved_class(project, cls, reach: Optional[set] = None) -> bool:
    if project.is_registered(cls) and _registration_runs(project, cls, reach):
        return False
    if any(d and d.rsplit(".", 1)[-1].endswith("_export") for d in cls.decorators):
        return False
    return cls.module.split(".")[0] not in SELF_LOCATING_PACKAGES


def _registered_function(project, function, reach: Optional[set] = None) -> bool:
    if function.registration is not None or function.name in project.custom_object_names \
            or any(project.registers(d) for d in function.decorators):
        return _registration_runs(project, function, reach)
    return False


class _Reach:
    """The modules a loading module runs, found only when a registration is asked about."""

    def __init__(self, project, module: str):
        self.project, self.module, self.modules = project, module, None

    def __contains__(self, name: str) -> bool:
        if self.modules is None:
            self.modules = reached(self.project, self.module)
        return self.modules is None or name in self.modules


def _registration_runs(project, info, reach) -> bool:
    """Does a module the loader runs register `info`? Its decorator runs with its own module; a write to
    `get_custom_objects()` with the module that makes it. (Measured, Keras 3 and tf_keras `.h5`: a class
    registered in a module the loading process never imports is "Could not locate class".)"""
    if reach is None or info.module in reach:
        return True
    return any(summary.module in reach for summary in project.summaries if info.name in summary.custom_object_names)


_REACHED: dict = {}  # id(project) -> (project, {module: modules it runs})


def reached(project, module: str) -> Optional[set]:
    """The project modules that running `module` executes: its imports in any scope, transitively, and
    the packages above each (their `__init__`). None when the index does not know the module."""
    known = _REACHED.get(id(project))
    if known is None or known[0] is not project:
        _REACHED.clear()
        known = _REACHED[id(project)] = (project, {}, {})
    found, edges = known[1], known[2]
    if module in found:
        return found[module]
    if project.module(module) is None:
        return None
    seen, stack = set(), [module]
    while stack:
        summary = project.module(stack.pop())
        if summary is None or summary.module in seen:
            continue
        seen.add(summary.module)
        if summary.module not in edges:
            flow = getattr(summary, "flow", None)
            targets = {*(flow.imported if flow is not None else ()), *summary.imports.values(), summary.module}
            names = set()
            for target in targets:
                parts = target.split(".")
                names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            edges[summary.module] = [n for n in names if project.module(n) is not None]
        stack += [n for n in edges[summary.module] if n not in seen]
    found[module] = seen
    return seen


def third_party(qualified: Optional[str]) -> Optional[tuple]:
    """(library, kind) of a third-party object a loader must name, from keras_api's table."""
    if not qualified or keras_path(qualified):
        return None
    for pattern, entry in THIRD_PARTY_OBJECTS.items():
        if fnmatch.fnmatchcase(qualified, pattern):
            return entry[0], entry[1]
    return None


# -- paths ---------------------------------------------------------------------------------------


def resolve(project, parts: tuple, depth: int = 0) -> Optional[str]:
    """A path's parts as one glob (unknown parts `*`), module constants looked up across the
    project; None when nothing of its last component is known."""
    text = "".join(_part(project, p, depth) for p in parts)
    text = re.sub(r"\*+", "*", text.replace("\\", "/"))
    last = text.rstrip("/").rsplit("/", 1)[-1]
    return None if last.strip("*") in ("", ".") else text


def _part(project, part: str, depth: int) -> str:
    if part.startswith("s:"):
        return part[2:]
    if part.startswith("c:") and depth < 6:
        # `c:pkg.config.NAME`, or an entry of a config dict: `c:pkg.config.CFG[paths][model]`
        dotted, bracket, keys = part[2:].partition("[")
        module, _, name = dotted.rpartition(".")
        name += bracket + keys
        summary = project.module(module)
        flow = getattr(summary, "flow", None) if summary is not None else None
        if flow is not None and name in flow.constants:
            return "".join(_part(project, p, depth + 1) for p in flow.constants[name])
    return UNKNOWN


def _savedmodel_folder(resolved: Optional[str]) -> bool:
    """A resolved save path whose last component is known and has no extension."""
    if resolved is None:
        return False
    last = resolved.rstrip("/").rsplit("/", 1)[-1]
    return "*" not in last and "." not in last


def _matches(saved: Optional[str], loaded: Optional[str]) -> bool:
    if saved is None or loaded is None:
        return False
    a, b = saved.rstrip("/").rsplit("/", 1)[-1], loaded.rstrip("/").rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(a, b) or fnmatch.fnmatchcase(b, a)


def shown_path(project, parts: tuple) -> str:
    text = resolve(project, parts)
    return text if text is not None else "an unknown path"


# -- what KL201 asks: is a class covered wherever a model holding it is loaded? ------------------

_HOLDERS: dict = {}  # id(project) -> (project, {(path, line) of a class: [(load path, LoadSite)]}, exported)


def loads_holding(project) -> tuple:
    """({(class path, class line): [(loading file, LoadSite)]} for the loads linked to a save whose
    model holds that class, {qualified names exported in a module-level custom_objects mapping});
    built once per index."""
    known = _HOLDERS.get(id(project))
    if known is not None and known[0] is project:
        return known[1], known[2]
    holders: dict = {}
    exported: set = set()
    saves = _all_saves(project)
    for summary in project.summaries:
        flow = getattr(summary, "flow", None)
        if flow is None:
            continue
        exported |= set(flow.exported)
        for load in flow.loads:
            wanted = resolve(project, load.path)
            if wanted is None:
                continue
            for _, save, resolved in saves:
                if save.contents is None or not _matches(resolved, wanted):
                    continue
                for item in contents(project, save.contents, load.compile_false, _Reach(project, summary.module)):
                    if item.path is not None:
                        holders.setdefault((item.path, item.line), []).append((os.path.abspath(summary.path), load))
    _HOLDERS.clear()  # one index at a time
    _HOLDERS[id(project)] = (project, holders, exported)
    return holders, exported


def class_covered(project, info) -> tuple:
    """(covered, uncovered loads) of a project class: covered when the project exports it in a
    module-level custom_objects mapping, or when some load is linked to a model holding it and every
    such load names it (custom_objects, a custom-object scope)."""
    holders, exported = loads_holding(project)
    if info.qualname in exported or any(project.find(q) is info for q in exported if q.endswith("." + info.name)):
        return True, []
    loads = holders.get((os.path.abspath(info.path), info.line), [])
    uncovered = [(path, load) for path, load in loads if not _covered(Missing(info.name, "", None, 0), load.covered)]
    return bool(loads) and not uncovered, uncovered


# -- what KL202 and KL302 ask: is a class or function in a model the project saves to .h5? ---------

_H5_SAVES: dict = {}  # id(project) -> (project, {class key: saves}, {function key: saves}, [unshown saves])


def _h5_index(project) -> tuple:
    """The project's saves of a whole model to an `.h5`/`.hdf5` path, once per index: by the (path,
    line) of each project class their models are shown to build, and of each project function they
    pass to a Keras call; and the `.h5` saves whose model the flow facts do not show (a parameter
    nobody hands a model, an attribute `self.model.save(...)`, a ModelCheckpoint not given to fit: a
    file ModuleSummary.saves_h5 finds where the flow shows no `.h5` save has line 0). Each save is
    (absolute path of the saving file, line)."""
    known = _H5_SAVES.get(id(project))
    if known is None or known[0] is not project:
        classes: dict = {}
        functions: dict = {}
        unshown: list = []
        shown_files = set()
        for path, save, resolved in _all_saves(project):
            if save.kind not in ("save", "checkpoint") or not _last_part(resolved).endswith((".h5", ".hdf5")):
                continue
            shown_files.add(path)
            if save.contents is None:
                unshown.append((path, save.line))
                continue
            for key in _built_classes(project, save.contents):
                classes.setdefault(key, []).append((path, save.line))
            for key in _passed_functions(project, save.contents):
                functions.setdefault(key, []).append((path, save.line))
        for summary in project.summaries:
            path = os.path.abspath(summary.path)
            if summary.saves_h5 and path not in shown_files:
                unshown.append((path, 0))
        _H5_SAVES.clear()  # one index at a time
        known = _H5_SAVES[id(project)] = (project, classes, functions, sorted(unshown))
    return known


def h5_saves(project, info) -> tuple:
    """(holding, unshown) for a project class (what KL202 asks on tf.keras <= 2.10): the `.h5` saves
    whose model is shown to build the class (its building statements, and the project functions they
    call, construct it), and the `.h5` saves whose model is not shown (_h5_index)."""
    known = _h5_index(project)
    return known[1].get((os.path.abspath(info.path), info.line), []), known[3]


def h5_saves_passing(project, path: str, line: int) -> tuple:
    """(holding, unshown) for the project function defined at `path`:`line` (what KL302 asks on
    tf.keras >= 2.13 and tf_keras): the `.h5` saves whose building statements (or the project functions
    they call) pass that function to a Keras call without calling it, and the `.h5` saves whose model
    is not shown (_h5_index)."""
    known = _h5_index(project)
    return known[2].get((os.path.abspath(path), line), []), known[3]


def _built_classes(project, uses) -> set:
    """(path, line) of every project class the building statements `uses` construct, following the
    project functions they call, and the classes a class built there puts in a saved model with its
    own config (argument_kinds.serialized_parts: an RNN subclass's cell)."""
    found: set = set()
    for current in _reached(project, uses):
        for qualified in current.calls:
            cls = project.find(qualified)
            classes = [cls] if cls is not None else []
            while classes:
                cls = classes.pop()
                key = (os.path.abspath(cls.path), cls.line)
                if key not in found:
                    found.add(key)
                    classes += serialized_parts(project, cls)
    return found


def _passed_functions(project, uses) -> set:
    """(path, line) of every project function `uses` (and the project functions it calls) passes to a
    Keras call without calling it (not to compile(...) only: a model's layers hold the others)."""
    found: set = set()
    for current in _reached(project, uses):
        for qualified in current.refs:
            function = None if qualified in current.compile_refs else project.find(qualified, "functions")
            if function is not None and function.is_def:
                found.add((os.path.abspath(function.path), function.line))
    return found


def _fields(uses) -> list:
    return [tuple(getattr(uses, f.name)) for f in dataclasses.fields(Uses)]
