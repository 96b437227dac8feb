"""The summaries of a project's files joined into one index that answers the rules' questions: is
this class provably a Keras custom object, what do its project ancestors define, is it registered
anywhere."""

from __future__ import annotations

import dataclasses
import os
from typing import Iterable, Optional

from ..keras_api import (
    CUSTOM_OBJECT_BASES,
    KIND_BY_MODULE,
    NON_KERAS_BASE_ROOTS,
    NOT_CUSTOM_OBJECT_BASES,
    REGISTER_FUNCTIONS,
)
from ..names import keras_path, path_matches
from .model import ClassInfo, ModuleSummary
from .modules import namespace_names


@dataclasses.dataclass(frozen=True)
class RegisteredKey:
    """A registration whose `package>name` key can be read (the derived table of KL208)."""

    path: str  # absolute
    line: int  # the `class` / `def` line
    decorator_line: int
    key: str  # "package>name"
    what: str  # "class" | "function"
    qualname: str


class ProjectIndex:
    def __init__(self, summaries: Iterable[ModuleSummary], register_decorators: tuple = (), root: Optional[str] = None):
        self.root = root  # the project root (CLI); None for one file (flake8)
        self.modules: dict = {}
        self.namespace_modules: dict = {}  # other import names of a module -> its summary, None when ambiguous
        self.classes: dict = {}  # qualname -> ClassInfo
        self.functions: dict = {}  # qualname -> FunctionInfo
        self.custom_object_names: set = set()
        self.by_path: dict = {}  # absolute path -> [ClassInfo]
        self.paths: set = set()  # absolute paths of the files summarised
        self.by_file: dict = {}  # absolute path -> its summary (the last, where a file is summarised twice)
        self.summaries: list = []
        for summary in summaries:
            self.add(summary)
        self.register_decorators = tuple(register_decorators)
        self._registering: Optional[set] = None
        self._registered: Optional[tuple] = None  # registered_keys()
        self._children: Optional[dict] = None  # subclasses()

    def add(self, summary: ModuleSummary) -> None:
        self.summaries.append(summary)
        self.modules[summary.module] = summary
        self.paths.add(os.path.abspath(summary.path))
        self.by_file[os.path.abspath(summary.path)] = summary
        for name in namespace_names(summary.path, summary.module, self.root):
            known = self.namespace_modules.get(name, summary)
            self.namespace_modules[name] = summary if known is summary else None
        for info in summary.classes:
            self.classes[info.qualname] = info
            self.by_path.setdefault(os.path.abspath(info.path), []).append(info)
        for info in summary.functions:
            self.functions[f"{info.module}.{info.name}"] = info
        self.custom_object_names |= summary.custom_object_names
        self._registering = None
        self._registered = None
        self._children = None

    def summary_of(self, path: str) -> Optional[ModuleSummary]:
        """The summary the index holds for a file (the last, where it holds two)."""
        return self.by_file.get(os.path.abspath(path))

    def with_file(self, summary: ModuleSummary) -> "ProjectIndex":
        """A copy in which `summary` replaces what the index held for its file (--fix re-lints a file
        after each pass: its classes moved, gained methods, lost findings)."""
        path = os.path.abspath(summary.path)
        kept = [m for m in self.summaries if os.path.abspath(m.path) != path]
        return ProjectIndex([*kept, summary], self.register_decorators, self.root)

    # -- lookups --------------------------------------------------------------------------------

    def find(self, qualified: Optional[str], table: str = "classes", seen: Optional[set] = None):
        """A project class (or function) by qualified name, following re-exports (`pkg/__init__.py`)."""
        if not qualified:
            return None
        found = getattr(self, table).get(qualified)
        if found is not None:
            return found
        module, _, name = qualified.rpartition(".")
        seen = seen or set()
        if qualified in seen:
            return None
        if module not in self.modules and self.namespace_modules.get(module) is not None:
            return self.find(f"{self.namespace_modules[module].module}.{name}", table, seen | {qualified})
        summary = self.modules.get(module)
        if summary is None or name not in summary.imports:
            return None
        return self.find(summary.imports[name], table, seen | {qualified})

    def module(self, name: str) -> Optional[ModuleSummary]:
        """The project module imported as `name`, also through namespace folders (no `__init__.py`)."""
        return self.modules.get(name) or self.namespace_modules.get(name)

    def class_at(self, path: str, line: int) -> Optional[ClassInfo]:
        for info in self.classes_in(path):
            if info.line == line:
                return info
        return None

    def classes_in(self, path: str) -> list:
        return self.by_path.get(os.path.abspath(path), [])

    # -- questions --------------------------------------------------------------------------------

    def keras_kind(self, info: ClassInfo, seen: Optional[set] = None) -> Optional[str]:
        """"layer", "model", "loss", ... when the class provably subclasses a Keras base; else None."""
        seen = (seen or set()) | {info.qualname}
        for base in info.bases:
            kind = base_kind(base)
            if kind:
                return kind
            parent = self.find(base)
            if parent is not None and parent.qualname not in seen:
                kind = self.keras_kind(parent, seen)
                if kind:
                    return kind
        return None

    def may_be_keras(self, info: ClassInfo, seen: frozenset = frozenset()) -> bool:
        """Could the class be a Keras layer or model? False only when every base is provably something
        else (a plain object, a test case, a Keras class that is neither, a project class of those)."""
        if info.qualname in seen:
            return False
        seen = seen | {info.qualname}
        for base in info.bases:
            if base is None:
                return True
            if keras_path(base) is not None:
                if base_kind(base) is not None:
                    return True
                continue  # a Keras class that is not a layer/model (a TestCase, a Callback)
            parent = self.find(base)
            if parent is not None:
                if self.may_be_keras(parent, seen):
                    return True
                continue
            if base.split(".")[0] not in NON_KERAS_BASE_ROOTS:
                return True
        return False

    def ancestors(self, info: ClassInfo) -> list:
        """Project ancestors, nearest first (depth-first over bases, each once)."""
        result, stack, seen = [], list(reversed(info.bases)), {info.qualname}
        while stack:
            parent = self.find(stack.pop())
            if parent is None or parent.qualname in seen:
                continue
            seen.add(parent.qualname)
            result.append(parent)
            stack.extend(reversed(parent.bases))
        return result

    def lineage(self, info: ClassInfo) -> list:
        """The class and its project ancestors, nearest first."""
        return [info, *self.ancestors(info)]

    def nearest(self, info: ClassInfo, member: str) -> Optional[ClassInfo]:
        """The class itself or its nearest project ancestor that defines `member` (`__init__`,
        `get_config` or any other method); None when only Keras's (or an unknown base's) does."""
        for cls in self.lineage(info):
            if member == "__init__":
                if cls.init is not None:
                    return cls
            elif member == "get_config":
                if cls.get_config is not None:
                    return cls
            elif member in cls.methods:
                return cls
        return None

    def subclasses(self, info: ClassInfo) -> list:
        """The project classes whose direct base is `info` (the table is built once per index)."""
        if self._children is None:
            children: dict = {}
            for cls in list(self.classes.values()):
                for base in cls.bases:
                    parent = self.find(base)
                    if parent is not None and parent.qualname != cls.qualname:
                        children.setdefault(parent.qualname, []).append(cls)
            self._children = children
        return self._children.get(info.qualname, [])

    def keras_bases(self, info: ClassInfo) -> list:
        """The Keras classes (public paths) the class and its project ancestors derive from directly."""
        paths = []
        for cls in self.lineage(info):
            paths += [keras_path(b) for b in cls.bases if base_kind(b)]
        return paths

    def can_be_saved(self, info: ClassInfo) -> bool:
        """False for a class no saved model can hold: an abstract one (Python refuses to make it), a
        base whose `call` only raises NotImplementedError and whose subclasses provide one (a model
        using the base itself fails when built), or one whose get_config only raises (saving fails,
        on purpose)."""
        ancestors = self.ancestors(info)
        if info.declares_abstract_methods and any(c.abc_base for c in [info, *ancestors]):
            return False
        if info.call_not_implemented and self.has_subclass_with_call(info):
            return False
        owner = self.nearest(info, "get_config")
        return not (owner is not None and owner.get_config.refuses)

    def has_subclass_with_call(self, info: ClassInfo) -> bool:
        """Does some project class below `info` implement `call`? (Then `info` is a base by design:
        without such a subclass, a class whose `call` raises may still be trained and saved through
        `train_step`.)"""
        return any(
            "call" in other.methods and not other.call_not_implemented
            and any(parent.qualname == info.qualname for parent in self.ancestors(other))
            for other in self.classes.values()
        )

    def is_registered(self, info: ClassInfo) -> bool:
        if info.registration is not None or info.name in self.custom_object_names:
            return True
        return any(self.registers(decorator) for decorator in info.decorators)

    def registers(self, qualified: Optional[str]) -> bool:
        """Does calling this decorator register what it decorates?"""
        if not qualified:
            return False
        if path_matches(keras_path(qualified), *REGISTER_FUNCTIONS):
            return True
        if any(qualified == d or qualified.endswith("." + d) for d in self.register_decorators):
            return True
        function = self.find(qualified, "functions")
        return function is not None and f"{function.module}.{function.name}" in self.registering()

    def registered_keys(self) -> tuple:
        """({key: [RegisteredKey, ...] in path order}, {(path, line): RegisteredKey}) of every
        registration of the project whose key can be read; built once per index."""
        if self._registered is None:
            found = []
            # `by_path` and the module summaries keep every definition, also two of one name in one module
            # (the `classes` / `functions` tables keep the last of those).
            classes = [info for infos in self.by_path.values() for info in infos]
            functions = [info for summary in self.summaries for info in summary.functions]
            for what, infos in (("class", classes), ("function", functions)):
                for info in infos:
                    reg = info.registration
                    # A bare `@register_keras_serializable` registers nothing (KL209); a package or name
                    # that is not a literal has a key we cannot know: never a duplicate.
                    key = reg.key(info.name) if reg is not None and reg.called else None
                    if key is not None:
                        qualname = f"{info.module}.{info.name}"
                        found.append(RegisteredKey(os.path.abspath(info.path), info.line, reg.line, key, what, qualname))
            by_key: dict = {}
            for entry in sorted(found, key=lambda e: (e.path, e.decorator_line)):
                by_key.setdefault(entry.key, []).append(entry)
            self._registered = (by_key, {(e.path, e.line): e for e in found})
        return self._registered

    def registering(self) -> set:
        """Project callables whose body registers, directly or through other project callables (fixpoint)."""
        if self._registering is None:
            found: set = set()
            changed = True
            while changed:
                changed = False
                for qualname, function in self.functions.items():
                    if qualname in found:
                        continue
                    for call in function.calls:
                        inner = self.find(call, "functions")
                        if (
                            call == "keras.saving.get_custom_objects"
                            or path_matches(keras_path(call), *REGISTER_FUNCTIONS)
                            or (inner is not None and f"{inner.module}.{inner.name}" in found)
                        ):
                            found.add(qualname)
                            changed = True
                            break
            self._registering = found
        return self._registering


def base_kind(qualified: Optional[str]) -> Optional[str]:
    """The custom-object kind a Keras base class gives its subclasses, or None."""
    path = keras_path(qualified)
    if not path or path_matches(path, *NOT_CUSTOM_OBJECT_BASES):
        return None
    for kind, patterns in CUSTOM_OBJECT_BASES.items():
        if path_matches(path, *patterns):
            return kind
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] in KIND_BY_MODULE and parts[-1][:1].isupper():
        if parts[0] == "optimizers" and "schedules" in parts:
            return "schedule"
        return KIND_BY_MODULE[parts[0]]
    return None

