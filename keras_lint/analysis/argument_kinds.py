"""What each `__init__` argument of a project class is, from every call site in the project
(index/arguments.py reads them per file): `Cls(...)`, a subclass's `super().__init__(...)`,
`Base.__init__(self, ...)`, `functools.partial(Cls, ...)`, `Cls.from_config({...})` with a literal
config (for a class whose from_config is Keras's), and a class's own from_config that builds it
with `cls(**config)` after `config["x"] = keras.layers.deserialize(...)`. A call of a subclass that defines no
`__init__` of its own counts for the ancestor whose `__init__` it runs; a value a subclass passes
on from its own parameter (`super().__init__(inner=inner)`) is whatever that parameter is given.

Kinds: PLAIN (a str/int/float/bool/None or a list/dict of them: what a config carries as it is),
SERIALIZABLE (a Keras initializer/regularizer/constraint/loss/metric/optimizer... instance),
LAYER (a Keras or project layer or model), FUNCTION, ARRAY (an array or a tensor), OBJECT (an
instance of a project class that is no Keras object: not plain, not serializable), UNKNOWN."""

from __future__ import annotations

import dataclasses
import os
import weakref
from typing import Optional

from ..index import arguments
from ..index.model import ClassInfo
from ..index.project_index import ProjectIndex, base_kind
from ..keras_api import LAYER_BASES, MODEL_BASES, REBUILDERS, TENSOR_CLASSES, TF_INITIALIZER_MAKERS
from ..names import keras_path, path_matches
from .get_config_coverage import automatic_config_owner

PLAIN = "plain"
SERIALIZABLE = "serializable"
LAYER = "layer-or-model"
FUNCTION = "function"
ARRAY = "array-or-tensor"
OBJECT = "object"
UNKNOWN = "unknown"

# Kinds Keras's automatic config refuses (Keras 3 Operation.__new__ and tf_keras keep only plain values).
REFUSED = frozenset({SERIALIZABLE, LAYER, FUNCTION, ARRAY, OBJECT})
_WORDS = {
    SERIALIZABLE: "a Keras object", LAYER: "a layer or model", FUNCTION: "a function",
    ARRAY: "an array or tensor", OBJECT: "an object", PLAIN: "a plain value", UNKNOWN: "a value of unknown kind",
}

_TABLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@dataclasses.dataclass(frozen=True)
class Passed:
    """One value a call site gives an argument."""

    kind: str
    path: str
    line: int
    # For a SERIALIZABLE instance of one of Keras's own classes: the Keras module whose
    # serialize/deserialize pair rebuilds it ("initializers", "regularizers", ...); else "".
    family: str = ""

    def where(self, root: Optional[str] = None) -> str:
        path = os.path.relpath(self.path, root) if root else os.path.basename(self.path)
        return f"{path}:{self.line}"


def describe(kind: str) -> str:
    return _WORDS.get(kind, kind)


def passed(project: ProjectIndex, info: ClassInfo, param: str) -> list:
    """Every value a call site of the project gives `param` of the `__init__` `info` defines
    ([Passed], in path and line order); [] when no call site gives it one."""
    return _Table.of(project).passed(info, param)


def built_only_nested(project: ProjectIndex, info: ClassInfo) -> bool:
    """Is every instance the project builds of `info` a part of another project layer or model, never a
    layer of a model's graph itself? Each build is inside a method of a project Layer or Model class
    (`self.inner = Inner(units)`), or its value is handed, directly or through a name, to the
    constructor of a project Layer or Model class without get_config (`Seq2Seq(EncoderLSTM(d), ...)`),
    counted per file. A `.h5` save serializes the layers of a Functional or Sequential graph, not the
    ones such a layer or model tracks (measured, TF 2.10.1: a layer with arguments and no get_config
    built in another layer's `__init__`, or handed to a Model subclass, saves and loads). False when
    the project never builds it (a library's class: its users may)."""
    return _Table.of(project).only_nested(info)


def serialized_parts(project: ProjectIndex, info: ClassInfo) -> list:
    """The project classes a class builds in its own methods whose configs its get_config puts in a
    saved model with its own: those of a layer or model that is not a plain container (an RNN subclass
    its cell, a Functional subclass without get_config its graph; see built_only_nested); []
    for a plain Layer or Model subclass, whose get_config holds only what it says."""
    table = _Table.of(project)
    return [] if table.plain_container(info) else table.parts(info)


def call_site_count(project: ProjectIndex, info: ClassInfo) -> int:
    """How many call sites reach the `__init__` `info` defines (with arguments, or open)."""
    return len(_Table.of(project).sites.get(info.qualname, ()))


def never_saved(project: ProjectIndex, info: ClassInfo) -> Optional[str]:
    """Why no model holding the class can be saved at all, or None: it has no get_config (itself or
    a project ancestor), its Keras base is the plain Layer or Model (whose automatic config then
    applies), and every call site in the project gives one of its required arguments a value that
    automatic config refuses (a defaulted one: given at as many sites as reach the class)
    ("`encoder_net` is given a layer or model at every call site (3)"). KL201's load
    failure cannot happen for such a class; KL202 reports the save."""
    owner = automatic_config_owner(project, info, *LAYER_BASES, *MODEL_BASES)
    if owner is None:
        return None
    for param in owner.init.own_params:
        values = passed(project, owner, param.name)
        # an annotation naming a layer or model says what a value of unknown kind is
        annotated = _annotated_layer(project, param.annotation)
        if any(value.kind not in REFUSED and not (value.kind == UNKNOWN and annotated) for value in values):
            continue
        # a defaulted argument: a call site that leaves it out gives the default (tf-models' routers
        # built with `bias_initializer=initializers.get("ones")` in a test only, its default elsewhere)
        every_site = not param.has_default or len(values) >= call_site_count(project, owner)
        if values and every_site and all(value.kind in REFUSED for value in values):
            kinds = sorted({describe(value.kind) for value in values})
            return f"`{param.name}` is given {' or '.join(kinds)} at every call site ({len(values)})"
        if annotated and (values or not param.has_default):
            return f"`{param.name}` is annotated `{_short(param.annotation)}`, a layer or model"
    return _called_argument(project, info, owner)


def _short(annotation: str) -> str:
    return " | ".join(name.rsplit(".", 1)[-1] for name in annotation.split(" | "))


def _called_argument(project: ProjectIndex, info: ClassInfo, owner: ClassInfo) -> Optional[str]:
    """An argument the class stores (`self.decoder = decoder`, its only store; or a base's `__init__`
    stores it, handed on as `super().__init__(decoder=decoder)`) and calls outside any condition
    (`self.decoder(x)`) is a callable whenever the model runs: never a plain value the automatic config
    could carry, even when it defaults to None and no call site gives it (a value injected by gin or
    another framework). Not when it has a default of its own (what a config that omits it rebuilds),
    nor when a call site gives it a plain value."""
    lineage = [info, *project.ancestors(info)]
    called = set().union(*(cls.called_unconditionally for cls in lineage))
    params = {p.name: p for p in owner.init.own_params if not p.has_default or p.default_is_none}
    names = {name: name for name in params}  # a parameter of the __init__ at hand -> the owner's
    current, seen = owner, set()
    while current is not None and current.init is not None and names and current.qualname not in seen:
        seen.add(current.qualname)
        for attr, name in current.init.stored.items():
            if name not in names or attr not in called:
                continue
            if any(store != name for cls in lineage for store in cls.attribute_stores.get(attr, ())):
                continue
            if any(value.kind == PLAIN for value in passed(project, owner, names[name])):
                continue
            return (f"`{names[name]}` is stored as `self.{attr}` and called (`self.{attr}(...)`): "
                    "a callable, no plain value")
        names = {keyword: names[name] for name, keyword in current.init.forwarded.items() if keyword and name in names}
        base = project.find(current.bases[0]) if len(current.bases) == 1 and current.bases[0] else None
        current = project.nearest(base, "__init__") if base is not None else None
    return None


def _annotated_layer(project: ProjectIndex, annotation: str) -> bool:
    """Does a parameter annotation name a Keras layer or model class, or a project one?"""
    if not annotation:
        return False
    return all(_names_layer(project, name) for name in annotation.split(" | "))


def _names_layer(project: ProjectIndex, annotation: str) -> bool:
    if base_kind(annotation) in ("layer", "model"):
        return True
    found = project.find(annotation)
    return found is not None and project.keras_kind(found) in ("layer", "model")


class _Table:
    """The call sites of a project by the class whose `__init__` they run; built once per index."""

    @classmethod
    def of(cls, project: ProjectIndex) -> "_Table":
        table = _TABLES.get(project)
        if table is None:
            table = _TABLES[project] = cls(project)
        return table

    def __init__(self, project: ProjectIndex):
        self.project = project
        self.sites: dict = {}  # qualname of the class defining __init__ -> [(path, CallSite, caller ClassInfo|None)]
        self.builds: dict = {}  # qualname of the class called -> [(path, CallSite)]
        self.functional: set = set()  # qualnames of the classes whose __init__ calls super().__init__(inputs, outputs)
        self.memo: dict = {}
        self.handed: Optional[dict] = None  # (path, qualname) -> instances handed to a project layer/model
        self.inside: Optional[dict] = None  # qualname of a class -> [ClassInfo built in its lines]
        for summary in project.summaries:
            for site in getattr(summary, "call_sites", ()):
                self.add(summary.path, site)

    def add(self, path: str, site: arguments.CallSite) -> None:
        project = self.project
        caller = None
        if site.via == "super":
            if any(k in ("inputs", "outputs") for k, _ in site.keywords) or len(site.args) >= 2:
                self.functional.add(site.callee)  # super().__init__(inputs, outputs): a Functional subclass
            caller = project.find(site.callee)
            if caller is None or len(caller.bases) != 1:
                return
            target = project.find(caller.bases[0])
        else:
            target = project.find(site.callee)
            if target is not None and site.via in ("call", "partial"):
                self.builds.setdefault(target.qualname, []).append((path, site))
        if target is None:
            return
        if site.via == "from_config" and project.nearest(target, "from_config") is not None:
            return  # a project from_config may rebuild the literal config's entries: not what __init__ gets
        owner = project.nearest(target, "__init__")
        if owner is None or owner.init is None:
            return
        self.sites.setdefault(owner.qualname, []).append((path, site, caller))

    def only_nested(self, info: ClassInfo) -> bool:
        key = ("nested", info.qualname)
        if key not in self.memo:
            builds = self.builds.get(info.qualname, [])
            outside: dict = {}
            for path, site in builds:
                if not self.inside_keras_class(path, site.line, info):
                    outside[path] = outside.get(path, 0) + 1
            handed = self.handed_instances()
            self.memo[key] = bool(builds) and all(
                handed.get((path, info.qualname), 0) >= count for path, count in outside.items()
            )
        return self.memo[key]

    def inside_keras_class(self, path: str, line: int, info: ClassInfo) -> bool:
        return any(
            other is not info and other.line <= line <= other.end_line and self.plain_container(other)
            for other in self.project.by_path.get(os.path.abspath(path), ())
        )

    def parts(self, info: ClassInfo) -> list:
        """The project classes whose builds lie in the lines of `info`."""
        if self.inside is None:
            self.inside = {}
            for qualname, builds in self.builds.items():
                built = self.project.find(qualname)
                for path, site in builds:
                    for other in self.project.by_path.get(os.path.abspath(path), ()):
                        known = self.inside.setdefault(other.qualname, [])
                        if other is not built and other.line <= site.line <= other.end_line and all(b is not built for b in known):
                            known.append(built)
        return self.inside.get(info.qualname, [])

    def plain_container(self, info: ClassInfo) -> bool:
        """A project Layer or Model subclass of Keras's plain Layer/Model only: no built-in whose
        get_config serializes the layers it holds (an RNN its cell, a Wrapper its layer, Sequential),
        and no Functional subclass (`super().__init__(inputs, outputs)`) without a get_config of its own
        (measured, TF 2.10.1: Functional.get_config serializes the graph it built, a layer of it with
        an argument and no get_config makes the .h5 save raise; with its own get_config it saves)."""
        project = self.project
        found = project.keras_bases(info)
        if not found or not all(path_matches(base, *LAYER_BASES, *MODEL_BASES) for base in found):
            return False
        functional = any(cls.qualname in self.functional for cls in project.lineage(info))
        return not functional or project.nearest(info, "get_config") is not None

    def handed_instances(self) -> dict:
        """{(path, qualname): how many values `new:<qualname>` the file's calls of project Layer or Model
        classes without get_config are given}."""
        if self.handed is None:
            project, self.handed = self.project, {}
            for summary in project.summaries:
                for site in getattr(summary, "call_sites", ()):
                    if site.via != "call" or not any(v.startswith(arguments.NEW) for v in (*site.args, *dict(site.keywords).values())):
                        continue
                    target = project.find(site.callee)
                    if target is None or not self.plain_container(target) or project.nearest(target, "get_config") is not None:
                        continue
                    for value in (*site.args, *dict(site.keywords).values()):
                        made = project.find(value[len(arguments.NEW):]) if value.startswith(arguments.NEW) else None
                        if made is not None:
                            key = (summary.path, made.qualname)
                            self.handed[key] = self.handed.get(key, 0) + 1
        return self.handed

    def passed(self, info: ClassInfo, param: str, seen: frozenset = frozenset()) -> list:
        key = (info.qualname, param)
        if key in self.memo:
            return self.memo[key]
        if key in seen or info.init is None:
            return []
        seen = seen | {key}
        params = info.init.params
        names = [p.name for p in params if p.kind == "positional"]
        position = names.index(param) if param in names else None
        if not any(p.name == param and p.kind in ("positional", "keyword_only") for p in params):
            return []
        found = []
        for path, site, caller in self.sites.get(info.qualname, ()):
            value = dict(site.keywords).get(param)
            if value is None and position is not None and position < len(site.args):
                value = site.args[position]
            if value is None:
                continue
            if value.startswith(arguments.PARAM):
                if caller is None:
                    continue
                for inner in self.passed(caller, value[len(arguments.PARAM):], seen):
                    found.append(inner)
                continue
            kind = self.kind(value)
            family = self.family(value) if kind == SERIALIZABLE else ""
            found.append(Passed(kind, os.path.abspath(path), site.line, family))
        found.sort(key=lambda p: (p.path, p.line))
        self.memo[key] = found
        return found

    def kind(self, value: str) -> str:
        if value == arguments.PLAIN:
            return PLAIN
        if value == arguments.FUNCTION:
            return FUNCTION
        if value == arguments.ARRAY:
            return ARRAY
        if not value.startswith(arguments.NEW):
            return UNKNOWN
        qualified = value[len(arguments.NEW):]
        found = self.project.find(qualified)
        if found is not None:
            kind = self.project.keras_kind(found)
            if kind in ("layer", "model"):
                return LAYER
            if kind is not None:
                return SERIALIZABLE
            if self.project.may_be_keras(found):
                return UNKNOWN
            return OBJECT if not _value_class(self.project, found) else UNKNOWN
        if self.project.find(qualified, "functions") is not None:
            return UNKNOWN  # what a project function returns
        if qualified in TF_INITIALIZER_MAKERS:
            return OBJECT  # tf.zeros_initializer(): TensorFlow's own, no Keras object
        path = keras_path(qualified)
        if path in REBUILDERS:
            made = REBUILDERS[path]
            return LAYER if made in ("layer", "model") else FUNCTION if made == "function" else SERIALIZABLE
        if not path or not path.rpartition(".")[2][:1].isupper():
            return UNKNOWN
        if path_matches(path, *TENSOR_CLASSES):
            return ARRAY
        kind = base_kind(qualified)
        if kind in ("layer", "model"):
            return LAYER
        return SERIALIZABLE if kind else UNKNOWN


    def family(self, value: str) -> str:
        """The Keras module of a Keras class's instance (`keras.initializers.Constant(2.0)` ->
        "initializers"); "" for a project class (its deserialize needs it registered) or another."""
        qualified = value[len(arguments.NEW):]
        if self.project.find(qualified) is not None:
            return ""
        made = REBUILDERS.get(keras_path(qualified) or "")
        return _FAMILIES.get(made or base_kind(qualified) or "", "")


# The Keras module, by base kind, whose serialize/deserialize pair rebuilds a Keras instance of that
# kind (fixers/get_config_entries.entry_kind writes it).
_FAMILIES = {
    "initializer": "initializers", "regularizer": "regularizers", "constraint": "constraints",
    "loss": "losses", "metric": "metrics", "optimizer": "optimizers",
}


def _value_class(project: ProjectIndex, info: ClassInfo) -> bool:
    """May the class's instances be JSON values (a str/int subclass, an enum, a named tuple, a dict)?"""
    roots = ("str", "int", "float", "bool", "bytes", "dict", "list", "tuple", "enum", "typing", "collections", "builtins")
    for cls in project.lineage(info):
        for base in cls.bases:
            if base is None or base.split(".")[0] in roots:
                return True
    return False
