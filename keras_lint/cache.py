"""Remember work between runs, in `.keras_lint_cache/` at the project root.

The whole cache belongs to one build of keras-lint (its version and a digest of its own code): any
other finds it empty. Two tables, both keyed by path and checked against the file's content hash:
- summaries: the project index's summary of a file (valid while its bytes and module name hold);
- results: a file's findings, valid while its bytes, the settings and the fingerprint of the whole
  project index hold. A change anywhere in the project (a base class in
  another file) thus invalidates every result: coarse, never stale.

Entries for files that left the project are dropped: a summary when the index walk of the whole
project no longer meets its file, a result when its file no longer exists. Without that, a cache
only grows, and reading it is what a warm run costs.

JSON, never pickle: the cache lives in the user's tree, and unpickling a crafted file would run
code. A cache that cannot be read is ignored; it is written to a temporary file and renamed, so
two runs at once never leave it half-written (the last one wins).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from typing import Optional

from . import __version__
from .finding import Chain, Edit, Finding, Fix, ImportEdit
from .index.arguments import CallSite
from .index.flow import FileFlow, LoadSite, SaveSite, Uses
from .index.model import ClassInfo, ConfigInfo, FunctionInfo, InitInfo, ModuleSummary, Param, Registration
from .roots import FOLDER

_FILE = "cache.json"
# The layout of the stored records: bumped whenever index/model.py's records or finding.py's change,
# so that entries of another layout are never decoded into them (2: the summaries carry what the
# analyses used to re-read from other files: FunctionInfo's decorators, ConfigInfo.dynamic_keys, ...;
# 3: findings carry their Keras target; 4: ModuleSummary.call_sites (CallSite records,
# index/arguments.py); 5: Param.annotation; 6: ModuleSummary.flow (index/flow.py's saves, loads and
# model contents).
FORMAT = 8  # 7: Fix.chain (the one-pass Lambda rewrites); 8: ClassInfo.called_unconditionally, union Param.annotation
_TYPES = {
    cls.__name__: cls
    for cls in (ModuleSummary, ClassInfo, InitInfo, ConfigInfo, Registration, FunctionInfo, Param, Finding, Fix, Edit, ImportEdit,
                CallSite, FileFlow, Uses, SaveSite, LoadSite, Chain)
}


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_version() -> str:
    """keras-lint's version and a digest of its own sources: a development checkout that changes a
    rule without a version bump must not be served old results."""
    digest = hashlib.sha256(__version__.encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, _, names in sorted(os.walk(package)):
        for name in sorted(n for n in names if n.endswith(".py")):
            with open(os.path.join(folder, name), "rb") as handle:
                digest.update(name.encode() + handle.read())
    return digest.hexdigest()


class Cache:
    def __init__(self, root: str):
        self.folder = os.path.join(root, FOLDER)
        self.version = code_version()
        self.summaries: dict = {}  # path -> [module, hash, summary]
        self.results: dict = {}  # path -> [key, findings]
        self.changed = False
        try:
            with open(os.path.join(self.folder, _FILE), encoding="utf-8") as handle:
                data = json.load(handle, object_hook=decode)
            if data.get("format") == FORMAT and data.get("version") == self.version:
                self.summaries, self.results = dict(data["summaries"]), dict(data["results"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass  # no cache, or one we cannot read: start empty

    def summary(self, path: str, module: str, digest: str) -> Optional[ModuleSummary]:
        entry = self.summaries.get(_where(path))
        return entry[2] if entry and entry[0] == module and entry[1] == digest else None

    def store_summary(self, path: str, module: str, digest: str, summary: ModuleSummary) -> None:
        self.summaries[_where(path)] = [module, digest, summary]
        self.changed = True

    def findings(self, path: str, key: str) -> Optional[list]:
        entry = self.results.get(_where(path))
        return entry[1] if entry and entry[0] == key else None

    def store_findings(self, path: str, key: str, findings: list) -> None:
        self.results[_where(path)] = [key, findings]
        self.changed = True

    def keep_only_summaries_of(self, indexed: set) -> None:
        """Forget the summary of every file the project's index walk did not meet this run (deleted,
        moved, newly excluded)."""
        gone = [where for where in self.summaries if _file_of(where) not in indexed]
        for where in gone:
            del self.summaries[where]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        # A run over part of the tree keeps the results of the rest; only those of files that no
        # longer exist go.
        gone = [where for where in self.results if not os.path.isfile(_file_of(where))]
        for where in gone:
            del self.results[where]
        if not (self.changed or gone):
            return
        try:
            os.makedirs(self.folder, exist_ok=True)
            ignore = os.path.join(self.folder, ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as handle:
                    handle.write("# created by keras-lint\n*\n")
            data = {"format": FORMAT, "version": self.version, "summaries": self.summaries, "results": self.results}
            import tempfile  # here: a warm run that changed nothing never writes

            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".cache-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(encode(data), handle, separators=(",", ":"))
                os.replace(temporary, os.path.join(self.folder, _FILE))
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a read-only tree: linting still worked, only the next run is slower


def _where(path: str) -> str:
    """The file, and the spelling of its path the stored findings and summary carry (`src/a.py`
    and `./src/a.py` are reported differently)."""
    return f"{os.path.abspath(path)}\0{path}"


def _file_of(where: str) -> str:
    return where.split("\0", 1)[0]


def digest_of(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as handle:
            return content_hash(handle.read())
    except OSError:
        return None  # reported when linted


def result_key(digest: str, settings_text: str, fingerprint: str) -> str:
    return hashlib.sha256("\0".join((digest, settings_text, fingerprint)).encode()).hexdigest()


def encode(value):
    if dataclasses.is_dataclass(value):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"@type": type(value).__name__, **fields}
    if isinstance(value, (set, frozenset)):
        return {"@set": [encode(v) for v in value], "@frozen": isinstance(value, frozenset)}
    if isinstance(value, tuple):
        return {"@tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("@") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"@dict": [[encode(k), encode(v)] for k, v in value.items()]}
    return value


def decode(obj: dict):
    """Only our own dataclasses, sets, tuples and dicts come back; anything else is an error."""
    if "@type" in obj:
        cls = _TYPES[obj.pop("@type")]  # KeyError for an unknown type: the cache is ignored
        return cls(**obj)
    if "@set" in obj:
        items = [_hashable(v) for v in obj["@set"]]
        return frozenset(items) if obj["@frozen"] else set(items)
    if "@tuple" in obj:
        return tuple(obj["@tuple"])
    if "@dict" in obj:
        return {_hashable(k): v for k, v in obj["@dict"]}
    return obj


def _hashable(value):
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value
