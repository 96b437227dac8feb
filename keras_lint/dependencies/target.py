"""Which Keras a project runs, read from the dependency files at its root (issue 18).

`declared_target(root)` reads the tensorflow / keras / tf-keras requirements a project declares and
whether TensorFlow's legacy switch TF_USE_LEGACY_KERAS is on where it runs, and resolves them into
a KerasTarget: the Keras lines and minor versions the project can run, per import spelling, and
why. `parse_target(text)` reads a user-given version or range into the same type. The facts (which
TensorFlow has which Keras) are data in keras_api. Files are read, never imported or executed;
specifiers are parsed with `packaging`. A line or file that cannot be read is one warning naming
file and line, and the rest goes on.

How declarations combine: each optional group (an extra, a dependency group, a tox environment, a
Pipfile category) is an alternative added to the base requirements, and markers are evaluated in
each of a set of plausible environments (Python 3.6-3.14 on Linux, macOS, Windows): a requirement
counts where its marker holds, so `tensorflow==2.10; python_version<"3.11"` and
`tensorflow==2.15; python_version>="3.11"` are two alternatives, not a conflict. Within one such
world the declarations of a package intersect (SpecifierSet `&`); the target is the union over
worlds. An unversioned requirement means the newest release, unless a versioned one of a sibling
package decides (`keras==2.15` makes an unversioned `tensorflow` 2.15).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from packaging.markers import Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .. import keras_api as K
from .files import Declaration, read_declarations
from .judging import _m, _s, spans  # one reading of "2.10" for both modules

Warn = Callable[[str], None]
Minor = Tuple[int, int]
SPELLINGS = ("keras", "tf.keras", "tf_keras")


UNIVERSE = {
    "tensorflow": [_m(v) for v in K.TENSORFLOW_VERSIONS],
    "keras": [_m(v) for v in K.KERAS_VERSIONS],
    "tf-keras": [_m(v) for v in K.TF_KERAS_VERSIONS],
}
KERAS3 = [v for v in UNIVERSE["keras"] if v >= (3, 0)]
TF_KERAS3 = _m(K.FIRST_TF_WITH_KERAS3)
FIRST_TF_KERAS = UNIVERSE["tf-keras"][0]
# The versions a user may name: Keras 2 numbers are tf.keras up to 2.15 and tf_keras after it.
USER_VERSIONS = [v for v in UNIVERSE["tensorflow"] if (2, 0) <= v < TF_KERAS3] + [
    v for v in UNIVERSE["tf-keras"] if v >= TF_KERAS3] + KERAS3
UNIVERSE["user"] = USER_VERSIONS


@dataclass(frozen=True)
class KerasLine:
    """One Keras line ('tf.keras', 'tf_keras', 'keras3', 'keras2-multibackend') and its minor versions."""

    name: str
    versions: Tuple[str, ...]  # ascending, e.g. ("2.4", ..., "2.10")

    @property
    def first(self) -> Version:
        return Version(self.versions[0])

    @property
    def last(self) -> Version:
        return Version(self.versions[-1])

    def matching(self, spec: str) -> Tuple[str, ...]:
        """The versions of this line a specifier allows: `line.matching("<=2.10")`."""
        specifier = SpecifierSet(spec)
        return tuple(v for v in self.versions if specifier.contains(v, prereleases=True))

    def includes(self, spec: str) -> bool:
        return bool(self.matching(spec))

    def __str__(self) -> str:
        return f"{K.KERAS_LINES[self.name]} {spans(self.name, [_m(v) for v in self.versions])}"


@dataclass(frozen=True)
class KerasTarget:
    """The Keras a project is judged against: the lines it can run (`lines`), what each import
    spelling ('keras', 'tf.keras', 'tf_keras') means there (`for_spelling`), and why (`reason`)."""

    lines: Tuple[KerasLine, ...]
    by_spelling: Tuple[Tuple[str, Tuple[KerasLine, ...]], ...]
    reason: str
    declared: bool = True  # False: nothing declared, the default (Keras 3, the newest)
    sources: Tuple[str, ...] = ()  # "requirements.txt:3: tensorflow>=2.4,<2.11", ...

    def line(self, name: str) -> Optional[KerasLine]:
        return next((line for line in self.lines if line.name == name), None)

    def for_spelling(self, spelling: str) -> Tuple[KerasLine, ...]:
        """What a file reaching Keras as `spelling` ('keras', 'tf.keras' or 'tf_keras') runs."""
        found = dict(self.by_spelling).get(spelling)
        if found:
            return found
        name = "tf_keras" if spelling == "tf_keras" else "keras3"
        return (KerasLine(name, (_s(UNIVERSE["tf-keras" if name == "tf_keras" else "keras"][-1]),)),)

    def __str__(self) -> str:
        return _and(str(line) for line in self.lines)


def _and(parts) -> str:
    parts = list(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _target(found: Dict[str, Dict[str, set]], reason_tail: str, declared: bool, sources=(),
            include_tf_keras=True) -> KerasTarget:
    order = list(K.KERAS_LINES)

    def lines_of(table: Dict[str, set]) -> Tuple[KerasLine, ...]:
        return tuple(KerasLine(n, tuple(_s(v) for v in sorted(table[n]))) for n in order if table.get(n))

    merged: Dict[str, set] = {}
    for spelling in SPELLINGS if include_tf_keras else SPELLINGS[:2]:
        for name, versions in found.get(spelling, {}).items():
            merged.setdefault(name, set()).update(versions)
    lines = lines_of(merged)
    by_spelling = tuple((s, lines_of(found.get(s, {}))) for s in SPELLINGS)
    text = _and(str(line) for line in lines)
    return KerasTarget(lines, by_spelling, f"{text}{reason_tail}", declared, tuple(sources))


def default_target() -> KerasTarget:
    """Nothing declared: Keras 3, the newest (what a fresh `pip install tensorflow` gives)."""
    newest = {"keras3": {KERAS3[-1]}}
    return _target({"keras": newest, "tf.keras": newest, "tf_keras": {"tf_keras": {UNIVERSE["tf-keras"][-1]}}},
                   ": nothing declared", False, include_tf_keras=False)


# -- selecting minor versions -----------------------------------------------------------------------

_LOWER = (">=", ">", "==", "===", "~=")


def _select(universe: str, spec: SpecifierSet, eras=()) -> List[Minor]:
    """The minors of UNIVERSE[universe] with some release `spec` allows (x.y.0, x.y.1, a late x.y
    patch and the versions the specifier names are tried). Without a lower bound the range starts
    at its newest release's era; a specifier allowing only releases newer than the universe gives
    its newest. Cached: the same specifier recurs in every world."""
    return list(_select_text(universe, str(spec), tuple(eras)))


@functools.lru_cache(maxsize=2048)
def _select_text(universe_name: str, text: str, eras: tuple) -> Tuple[Minor, ...]:
    spec, universe = SpecifierSet(text), UNIVERSE[universe_name]
    named = []
    for item in spec:
        try:
            named.append(Version(item.version.rstrip(".*")))
        except InvalidVersion:
            continue

    def allowed(minor: Minor) -> bool:
        tries = list(_tries(minor))
        for v in named:
            if v.release[:2] == minor:
                tries += [v, Version(".".join(map(str, v.release[:2] + ((v.release[2:3] or (0,))[0] + 1,))))]
        return any(spec.contains(v, prereleases=True) for v in tries)

    chosen = [m for m in universe if allowed(m)]
    if chosen and not any(item.operator in _LOWER for item in spec):
        start = max((_m(e) for e in eras if _m(e) <= chosen[-1]), default=chosen[0])
        chosen = [m for m in chosen if m >= start]
    newest = universe[-1]
    if not chosen and (allowed((newest[0], newest[1] + 1)) or allowed((newest[0] + 1, 0))):
        chosen = [newest]
    return tuple(chosen)


@functools.lru_cache(maxsize=None)
def _tries(minor: Minor) -> Tuple[Version, ...]:
    return tuple(Version(f"{minor[0]}.{minor[1]}.{patch}") for patch in (0, 1, 9999))


_FLOORS = [(_m(t), _m(k)) for t, k in K.KERAS3_FLOOR_BY_TF.items()]


def _keras3_floor(tf: Minor) -> Minor:
    return max((k for t, k in _FLOORS if t <= tf), default=(3, 0))


def _pairs(p: str, a: Minor, q: str, b: Minor) -> bool:
    """Can release `a` of package p be installed with release `b` of package q?"""
    if p > q:
        p, a, q, b = q, b, p, a
    if (p, q) == ("keras", "tensorflow"):  # k = a, t = b
        if b < _m(K.FIRST_KERAS_AS_TF_KERAS):
            return a < _m(K.FIRST_KERAS_AS_TF_KERAS)
        return a == b if b < TF_KERAS3 else a >= _keras3_floor(b)
    if (p, q) == ("tensorflow", "tf-keras"):
        return a == b
    return a == b if b < TF_KERAS3 else a >= _keras3_floor(b)  # keras a with tf-keras b


# -- resolving declarations ------------------------------------------------------------------------


def _environments():
    platforms = [("linux", "Linux", "x86_64", "posix"), ("linux", "Linux", "aarch64", "posix"),
                 ("darwin", "Darwin", "arm64", "posix"), ("darwin", "Darwin", "x86_64", "posix"),
                 ("win32", "Windows", "AMD64", "nt")]
    for minor in range(6, 15):
        for sys_platform, system, machine, os_name in platforms:
            yield {"python_version": f"3.{minor}", "python_full_version": f"3.{minor}.0",
                   "sys_platform": sys_platform, "platform_system": system, "platform_machine": machine,
                   "os_name": os_name, "implementation_name": "cpython",
                   "platform_python_implementation": "CPython", "platform_release": "",
                   "platform_version": "", "implementation_version": f"3.{minor}.0"}


_ENVIRONMENTS = tuple(_environments())


def _holds(marker: Optional[Marker], env: dict) -> bool:
    if marker is None:
        return True
    try:
        return marker.evaluate(env)
    except Exception:  # an undefined name or comparison: counted (permissive)
        return True


def _worlds(decls: List[Declaration]) -> List[Tuple[Declaration, ...]]:
    """The distinct sets of declarations that hold together: per group (base alone, base plus one
    optional group) and per plausible environment; a world with no declaration is dropped."""
    extras = {m for d in decls if d.marker for m in re.findall(r"extra\s*==\s*[\"']([^\"']+)", str(d.marker))}
    groups = [""] + sorted({d.group for d in decls if d.group} | {f"extra:{e}" for e in extras})
    envs = _ENVIRONMENTS if any(d.marker for d in decls) else ({},)
    holds: Dict[Tuple[int, str], List[bool]] = {}  # each marker evaluated once per environment and extra
    seen, worlds = set(), []
    for group in groups:
        extra = group[6:] if group.startswith("extra:") else ""
        members = [i for i, d in enumerate(decls) if d.group in ("", group)]
        for i in members:
            if decls[i].marker is not None and (i, extra) not in holds:
                holds[i, extra] = [_holds(decls[i].marker, {**env, "extra": extra}) for env in envs]
        for e in range(len(envs)):
            active = tuple(i for i in members if decls[i].marker is None or holds[i, extra][e])
            if active and active not in seen:
                seen.add(active)
                worlds.append(tuple(decls[i] for i in active))
    return worlds


def _combined(package: str, decls: List[Declaration], conflicts: List[str]) -> List[Minor]:
    eras = K.VERSION_ERAS[package]
    chosen = set()
    for specs in itertools.islice(itertools.product(*(d.alternatives for d in decls)), 256):
        joined = SpecifierSet()
        for spec in specs:
            joined &= spec
        chosen.update(_select(package, joined, eras))
    if not chosen:
        versioned = [d for d in decls if d.versioned]
        conflicts.append(f"conflicting declarations: {_and(map(str, versioned))} allow no common {package} "
                         "version; judging against every version each allows")
        for d in versioned:
            chosen.update(*(_select(package, spec, eras) for spec in d.alternatives))
    return sorted(chosen)


def _resolve_world(active: Tuple[Declaration, ...], switch: bool, conflicts: List[str]) -> Dict[str, Dict[str, set]]:
    declared = {d.package for d in active}
    versioned = {d.package for d in active if d.versioned}
    if not versioned:  # nothing pinned: the newest of each (what pip installs)
        sets: Dict[str, List[Minor]] = {p: [UNIVERSE[p][-1]] for p in declared}
    else:  # unversioned packages follow the pinned ones
        sets = {p: _combined(p, [d for d in active if d.package == p], conflicts) for p in sorted(versioned)}
        for _ in range(2):
            for p, q in itertools.permutations(sorted(sets), 2):
                narrowed = [a for a in sets[p] if any(_pairs(p, a, q, b) for b in sets[q])]
                if narrowed:
                    sets[p] = narrowed
                else:
                    where = [str(d) for d in active if d.package in (p, q) and d.versioned]
                    conflicts.append(f"conflicting declarations: {_and(where)} cannot be installed together; "
                                     "judging against what each allows")
    tf, keras, tfk = sets.get("tensorflow"), sets.get("keras"), sets.get("tf-keras")
    if tf is None and (keras or tfk):  # TensorFlow follows a pinned keras >= 2.6 or tf-keras
        tf = [t for t in UNIVERSE["tensorflow"] if t >= (2, 0)
              and (not keras or any(_pairs("tensorflow", t, "keras", k) for k in keras if k >= (2, 6)))
              and (not tfk or any(t == f for f in tfk))]
        if keras and not any(k >= (2, 6) for k in keras):
            tf = None
    legacy = switch or "tf-keras" in declared
    found: Dict[str, Dict[str, set]] = {s: {} for s in SPELLINGS}

    def add(spelling: str, line: str, versions) -> None:
        found[spelling].setdefault(line, set()).update(versions)

    for t in tf or ():
        if t < TF_KERAS3:
            add("tf.keras", "tf.keras", [t])
            if keras is None:
                add("keras", "tf.keras", [t])  # TF >= 2.6 installs keras 2.t; older, the tf.keras shim
        else:
            allowed = [k for k in keras if k >= (3, 0)] if keras else KERAS3
            k3 = [k for k in allowed if k >= _keras3_floor(t)] or allowed or KERAS3
            if keras is None and not versioned:
                k3 = [KERAS3[-1]]
            add("tf.keras", *(("tf_keras", [t]) if legacy else ("keras3", k3)))
            if keras is None:
                add("keras", "keras3", k3)
        if t >= FIRST_TF_KERAS and legacy and tfk is None:
            add("tf_keras", "tf_keras", [t])
    for k in keras or ():
        line = "keras2-multibackend" if k <= _m(K.LAST_MULTIBACKEND_KERAS) else "tf.keras" if k < (3, 0) else "keras3"
        add("keras", line, [k])
    add("tf_keras", "tf_keras", tfk or ())
    if not declared and switch:  # only the switch: tf.keras is the newest tf_keras
        add("tf.keras", "tf_keras", [UNIVERSE["tf-keras"][-1]])
        add("keras", "keras3", [KERAS3[-1]])
        add("tf_keras", "tf_keras", [UNIVERSE["tf-keras"][-1]])
    return found


def resolve(decls: List[Declaration], switch_sources: List[str], warn: Warn = lambda message: None) -> KerasTarget:
    """The target for a list of declarations and the places that turn the legacy switch on."""
    worlds = _worlds(decls) or ([()] if switch_sources else [])
    if not worlds:  # nothing declared, or only under markers that hold nowhere
        return default_target()
    conflicts: List[str] = []
    found: Dict[str, Dict[str, set]] = {s: {} for s in SPELLINGS}
    for world in worlds:
        for spelling, table in _resolve_world(world, bool(switch_sources), conflicts).items():
            for name, versions in table.items():
                found[spelling].setdefault(name, set()).update(versions)
    for message in dict.fromkeys(conflicts):
        warn(message)
    used = dict.fromkeys(str(d) for world in worlds for d in world)
    sources = list(used) + list(switch_sources)
    shown = "; ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    tf_keras = bool(switch_sources) or any(d.package == "tf-keras" for world in worlds for d in world)
    return _target(found, f", from {shown}", True, sources, include_tf_keras=tf_keras)


def declared_target(root: str, warn: Warn = lambda message: None) -> KerasTarget:
    """The Keras the project at `root` declares (see the module docstring). `warn` receives one
    line per unreadable requirement or file and per conflict, paths relative to `root`."""
    decls, switch = read_declarations(root, warn)
    return resolve(decls, switch, warn)


# -- a user-given version or range --------------------------------------------------------------------


def _user_line(v: Minor) -> str:
    return "keras3" if v >= (3, 0) else "tf_keras" if v >= TF_KERAS3 else "tf.keras"


def _bound(text: str, low: bool, raw: str) -> Minor:
    if not re.fullmatch(r"\d+(\.\d+){0,2}", text):
        raise ValueError(f"expected a Keras version or range such as 2.10, 2.4-2.15, 3 or 3.6, got {raw!r}")
    parts = [int(p) for p in text.split(".")]
    of_major = [v for v in USER_VERSIONS if v[0] == parts[0]]
    if not of_major:
        raise ValueError(f"unknown Keras major version in {raw!r} (known: 2.0–{_s(USER_VERSIONS[-1 - len(KERAS3)])}, "
                         f"3.0–{_s(KERAS3[-1])})")
    if len(parts) == 1:
        return of_major[0] if low else of_major[-1]
    return min((parts[0], parts[1]), of_major[-1])  # newer than the facts know: the newest known


def parse_target(text) -> KerasTarget:
    """A user-given target: `2.10`, `2.4-2.15`, `3` (the newest Keras 3, as a bare `2` is the newest
    Keras 2, tf_keras), `3.6`, a range such as `2.10-3`, or a specifier `>=2.4,<2.11`. Keras 2
    numbers up to 2.15 are tf.keras, later ones tf_keras. Raises ValueError on anything else."""
    raw = str(text).strip()
    compact = raw.replace("–", "-").replace(" ", "")
    if re.search(r"[<>=!~]", compact):
        try:
            chosen = _select("user", SpecifierSet(compact))
        except InvalidSpecifier:
            raise ValueError(f"cannot read the Keras version range {raw!r}") from None
    elif "-" in compact:
        low, high = compact.split("-", 1)
        first, last = _bound(low, True, raw), _bound(high, False, raw)
        chosen = [v for v in USER_VERSIONS if first <= v <= last]
    else:
        single = _bound(compact, False, raw)
        chosen = [single] if single in USER_VERSIONS else []
    if not chosen:
        raise ValueError(f"no known Keras version in {raw!r}")
    table: Dict[str, set] = {}
    for v in chosen:
        table.setdefault(_user_line(v), set()).add(v)
    named = [_m(n) for n in re.findall(r"\d+\.\d+", compact)]
    newer = [n for n in named if n > max((v for v in USER_VERSIONS if v[0] == n[0]), default=(0, 0))]
    note = " (newer than the versions keras-lint knows: judged as the newest)" if newer else ""
    return _target({s: table for s in SPELLINGS}, f", from target-keras {raw}{note}", True, (f"target-keras {raw}",))
