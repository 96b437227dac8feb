"""The flake8 plugin's answers, one small record per file, read back without the engine (issue 21).

An editor runs `flake8 F` (or `flake8 --stdin-display-name F -`) on every save; what the plugin
reports for F depends on the text flake8 hands over, on keras-lint's own code, on the settings (the
configuration files and dependency files read to make them, and flake8's `--keras-target`), and on
the project index (every file the project walk meets). A record in
`.keras_lint_cache/flake8/` holds F's findings under a key of all of these, so that a call with
nothing changed answers from the record alone: no LibCST, no rules, no engine, no cache.json.

- the text: a SHA-256 of what flake8 hands over (the buffer, never the file on disk), with the
  working folder (a message may name another file relative to it);
- the code: keras-lint's version, this layout (FORMAT) and the stat of every module of the package;
- the settings' inputs: each file the settings are read from, looked for at each folder from F's
  up to the file system's root (config files, formatter files, project markers), and the
  dependency files at the project root, each as its stat, or as absent;
- the project: a snapshot (`state-*.json`, one per project) of the walk the index was built from:
  each file's stat, each folder's entries (a hash of their names) and mtime. Taken before any
  file is read for the index, so a file that changes afterwards no longer matches it.

A stat (mtime, size, inode) stands for the content, as git and make trust it, with git's guard
against "racy" entries: a file whose mtime is within RACY_SECONDS of the snapshot may change again
within the same clock tick, so its content hash is kept and compared instead; a folder whose mtime
is that recent has its entries listed again. Any mismatch is a miss, never a stale answer: the
plugin then lints as before and writes a new record. A record that cannot be read is a miss.

Only the standard library is imported here: this module is on the path of every flake8 call.
"""

from __future__ import annotations

import json
import os
import time
from typing import Optional

from . import __version__
from .roots import CONFIG_FILES, FOLDER, FORMATTER_FILES, PROJECT_MARKERS, project_root

try:  # CPython's own SHA-256: hashlib would load OpenSSL first, 5-10 ms of every flake8 call
    from _sha256 import sha256 as _sha256
except ImportError:  # pragma: no cover - Python 3.12 renamed it; other Pythons: hashlib's
    try:
        from _sha2 import sha256 as _sha256
    except ImportError:
        from hashlib import sha256 as _sha256

SUBFOLDER = "flake8"
FORMAT = 1  # the layout of the records and states below
RACY_SECONDS = 2.0
# What the settings are read from in a folder, from the linted file's up to the root of the file
# system: keras-lint's config files, the formatters' (line length), the project markers.
LOOKED_FOR = tuple(dict.fromkeys(CONFIG_FILES + tuple(FORMATTER_FILES) + PROJECT_MARKERS))


def _digest(data: bytes) -> str:
    return _sha256(data).hexdigest()


def _stat(path: str) -> Optional[list]:
    """[mtime_ns, size, inode] of a file or folder; None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def _listing(path: str) -> Optional[str]:
    """A hash of a folder's entry names (our own cache folder aside); None when it cannot be listed."""
    try:
        names = sorted(name for name in os.listdir(path) if name != FOLDER)
    except OSError:
        return None
    return _digest("\0".join(names).encode())[:32]


def _file_hash(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as handle:
            return _digest(handle.read())
    except OSError:
        return None


_CODE: list = []


def code_stamp() -> str:
    """keras-lint's version, FORMAT and the stat of each of its modules (once per process): a changed
    rule in a development checkout is a new stamp."""
    if not _CODE:
        package = os.path.dirname(os.path.abspath(__file__))
        parts = [__version__, str(FORMAT)]
        for folder, subfolders, names in os.walk(package):
            subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    parts.append(f"{os.path.relpath(path, package)}:{_stat(path)}")
        _CODE.append(_digest("\n".join(parts).encode()))
    return _CODE[0]


class Snapshot:
    """What a set of files and folders looked like, taken before they are read: `entries` maps a path
    to ["f", stat, hash-or-None] (a file; the hash for a racy one) or ["d", mtime, listing] (a
    folder; None stands for a path that does not exist). `valid()` says whether all still hold."""

    def __init__(self, entries: Optional[dict] = None, started: Optional[float] = None):
        self.started = time.time() if started is None else started
        self.entries: dict = entries if entries is not None else {}

    def _racy(self, mtime_ns: int) -> bool:
        return mtime_ns >= (self.started - RACY_SECONDS) * 1e9

    def add_file(self, path: str) -> None:
        path = os.path.abspath(path)
        if path in self.entries:
            return
        st = _stat(path)
        self.entries[path] = ["f", st, _file_hash(path) if st is not None and self._racy(st[0]) else None]

    def add_folder(self, path: str, names: Optional[list] = None) -> None:
        """A folder; `names`: its entries as the walk read them (listed here when not given). Its mtime
        is read after the listing: a racy one makes valid() list the folder again."""
        path = os.path.abspath(path)
        if path in self.entries:
            return
        if names is None:
            listing = _listing(path)
        else:
            listing = _digest("\0".join(sorted(name for name in names if name != FOLDER)).encode())[:32]
        st = _stat(path)
        self.entries[path] = ["d", st[0] if st and listing is not None else None, listing]

    def valid(self) -> bool:
        for path, (kind, recorded, extra) in self.entries.items():
            if kind == "f":
                now = _stat(path)
                if now != recorded or (extra is not None and _file_hash(path) != extra):
                    return False
            else:
                st = _stat(path)
                if (st[0] if st else None) == recorded and recorded is not None and not self._racy(recorded):
                    continue
                if _listing(path) != extra:
                    return False
        return True

    def to_json(self) -> dict:
        return {"started": self.started, "entries": self.entries}

    def fingerprint(self) -> str:
        """Of the entries alone: two processes that met the same walk write the same state."""
        return _digest(json.dumps(self.entries, sort_keys=True).encode())[:32]


_INPUTS: list = []  # one Snapshot of every settings input met in this process (taken earlier is still before reading)


def settings_inputs(path: str, root: str, dependency_files: list) -> Snapshot:
    """The files a file's settings are read from (see the module docstring), taken before reading them:
    each LOOKED_FOR name from the file's folder up, the project root's entries and its dependency
    files (`dependency_files`: dependencies.sources.source_paths(root)), with the two folders they may
    sit in. (flake8 over a tree makes the settings of each folder: the folders above are shared.)"""
    if not _INPUTS:
        _INPUTS.append(Snapshot())
    shared = _INPUTS[0]
    wanted = []
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        for name in LOOKED_FOR:
            where = os.path.join(folder, name)
            wanted.append(where)
            if name == ".git":  # only whether it is there: its mtime changes with every commit
                shared.entries.setdefault(where, ["e", os.path.exists(where), None])
            else:
                shared.add_file(where)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for where in [root, os.path.join(root, "requirements"), os.path.join(root, ".github", "workflows")]:
        shared.add_folder(where)
        wanted.append(os.path.abspath(where))
    for where in dependency_files:
        shared.add_file(where)
        wanted.append(os.path.abspath(where))
    # (started: when the first entry was taken, the earliest -- what makes an entry racy or not)
    return Snapshot({where: shared.entries[where] for where in wanted}, shared.started)


def _exists_entry_valid(path: str, recorded: bool) -> bool:
    return os.path.exists(path) == recorded


def _inputs_valid(entries: dict, started: float) -> bool:
    plain = {p: e for p, e in entries.items() if e[0] != "e"}
    if not all(_exists_entry_valid(p, e[1]) for p, e in entries.items() if e[0] == "e"):
        return False
    return Snapshot(plain, started).valid()


def _folder(root: str) -> str:
    return os.path.join(root, FOLDER, SUBFOLDER)


def record_path(root: str, filename: str) -> str:
    where = f"{os.path.abspath(filename)}\0{filename}"
    return os.path.join(_folder(root), _digest(where.encode())[:32] + ".json")


def state_path(root: str, project_key: str) -> str:
    return os.path.join(_folder(root), f"state-{_digest(project_key.encode())[:24]}.json")


def text_key(text: str, keras_target: Optional[str]) -> str:
    """The text, the code, flake8's --keras-target, and the working folder (a message may name
    another file relative to it)."""
    return _digest("\0".join((code_stamp(), repr(keras_target), os.getcwd(), text)).encode())


def _read_json(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


_VALID_STATES: dict = {}  # state file -> its fingerprint when it held (once per process, as api's index)
_RECORDS: dict = {}  # record file -> the record when its settings' inputs held, else None


def _record(filename: str) -> Optional[dict]:
    """The record of `filename` if its settings' inputs still hold (read once for flake8's
    parse_options and its run)."""
    where = record_path(project_root(filename), filename)
    if where not in _RECORDS:
        record = _read_json(where)
        try:
            if not record or record["format"] != FORMAT:
                record = None
            elif not _inputs_valid(record["inputs"]["entries"], record["inputs"]["started"]):
                record = None
        except (KeyError, TypeError, ValueError):
            record = None  # a record of another shape: a miss
        _RECORDS[where] = record
    return _RECORDS[where]


def settings_hold(filename: str) -> bool:
    """Were the settings of `filename` made without error from the same files as now? (Then its
    configuration needs no checking again.)"""
    return _record(filename) is not None


def lookup(filename: str, text: str, keras_target: Optional[str]) -> Optional[list]:
    """The findings recorded for `filename` with this text, when everything they depend on still
    holds: [(line, col, message)]; None otherwise (a miss)."""
    root = project_root(filename)
    record = _record(filename)
    try:
        if not record or record["key"] != text_key(text, keras_target):
            return None
        if record["state"] is not None:
            name, fingerprint = record["state"]
            where = os.path.join(_folder(root), name)
            held = _VALID_STATES.get(where)
            if held is None:
                state = _read_json(where)
                if not state or state.get("format") != FORMAT:
                    return None
                snap = Snapshot(state["entries"], state["started"])
                if not snap.valid():
                    return None
                held = _VALID_STATES[where] = state["fingerprint"]
            if held != fingerprint:
                return None
        return [(line, col, message) for line, col, message in record["findings"]]
    except (KeyError, TypeError, ValueError):
        return None  # a record of another shape: a miss


def _write_json(path: str, data: dict) -> None:
    import tempfile  # (only when writing)

    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    ignore = os.path.join(os.path.dirname(folder), ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as handle:
            handle.write("# created by keras-lint\n*\n")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".record-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


_WRITTEN_STATES: set = set()


def store(filename: str, text: str, keras_target: Optional[str], inputs: Snapshot,
          project: Optional[tuple], findings: list) -> None:
    """Remember `findings` [(line, col, message)] for this text. `project`: (a key naming the project
    index's walk, its Snapshot) when the findings used the index, else None. A tree we cannot write
    to is no error: the next call is only slower."""
    root = project_root(filename)
    try:
        state = None
        if project is not None:
            project_key, snap = project
            path = state_path(root, project_key)
            fingerprint = snap.fingerprint()
            if (path, fingerprint) not in _WRITTEN_STATES:
                _write_json(path, {"format": FORMAT, "fingerprint": fingerprint, **snap.to_json()})
                _WRITTEN_STATES.add((path, fingerprint))
            state = [os.path.basename(path), fingerprint]
        record = {"format": FORMAT, "key": text_key(text, keras_target), "inputs": inputs.to_json(), "state": state,
                  "findings": [list(finding) for finding in findings]}
        _write_json(record_path(root, filename), record)
        _RECORDS.pop(record_path(root, filename), None)
    except OSError:
        pass
