"""The versions one file is judged at (issue 18, step 3).

A target (target.KerasTarget) says which Keras lines and minor versions a project can run, per
import spelling. A rule cannot be run once per minor version, and need not be: the facts rules
depend on (the keras_api.VERSIONED_FACTS each names in its `versioned_facts`, and Keras 2 against
Keras 3) change only at a few versions. `points(...)` cuts the file's versions into runs over which
those facts stay the same and gives one JudgingPoint per run, judged at the run's newest version; the engine runs the rules once per point
and keeps a finding reported at some point (a failure in some version of the range is a failure).

No `packaging` here: nothing declared is the common case and must stay cheap.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from .. import keras_api as K

Minor = Tuple[int, int]


def _m(text: str) -> Minor:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def _s(minor: Minor) -> str:
    return f"{minor[0]}.{minor[1]}"


def _minors(versions: Sequence[str]) -> List[Minor]:
    return [_m(v) for v in versions]


# Every minor version of each line, oldest first (keras_api's tables).
LINE_VERSIONS = {
    "keras2-multibackend": [v for v in _minors(K.KERAS_VERSIONS) if v <= _m(K.LAST_MULTIBACKEND_KERAS)],
    "tf.keras": [v for v in _minors(K.TENSORFLOW_VERSIONS) if (2, 0) <= v < _m(K.FIRST_TF_WITH_KERAS3)],
    "tf_keras": _minors(K.TF_KERAS_VERSIONS),
    "keras3": [v for v in _minors(K.KERAS_VERSIONS) if v >= (3, 0)],
}


def spans(line: str, versions: Sequence[Minor]) -> str:
    """"2.4–2.10", "2.15", or "2.4–2.6, 2.8" when a version in between is excluded."""
    index = {v: i for i, v in enumerate(LINE_VERSIONS.get(line, ()))}
    runs: List[List[Minor]] = []
    for v in sorted(versions):
        if runs and index.get(v, -9) == index.get(runs[-1][-1], -99) + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(_s(r[0]) if len(r) == 1 else f"{_s(r[0])}–{_s(r[-1])}" for r in runs)


@functools.lru_cache(maxsize=4096)
def _holds(fact: str, line: str, version: str) -> bool:
    """keras_api.fact_holds, asked per file, point and rule: answered once per process."""
    return K.fact_holds(fact, line, version)


@dataclass(frozen=True)
class JudgingPoint:
    """A run of versions of one Keras line over which every versioned fact is the same, judged at
    `version`, its newest."""

    line: str  # a key of keras_api.KERAS_LINES
    versions: Tuple[str, ...]  # ascending; `version` is the last

    @property
    def version(self) -> str:
        return self.versions[-1]

    @property
    def major(self) -> int:
        """3 for Keras 3; 2 for every Keras 2 (tf.keras, tf_keras, multi-backend)."""
        return 3 if self.line == "keras3" else 2

    @property
    def label(self) -> str:
        """"tf.keras 2.4–2.10", "Keras 3.15": what a message says the finding holds in."""
        return f"{K.KERAS_LINES[self.line]} {spans(self.line, _minors(self.versions))}"

    def holds(self, fact: str) -> bool:
        """Does the versioned fact hold here (keras_api.VERSIONED_FACTS)?"""
        return _holds(fact, self.line, self.version)

    def where(self, fact: str) -> str:
        """Where a fact holds on this line, as a message says it: "tf.keras ≤ 2.10"."""
        spec = K.VERSIONED_FACTS[fact].get(self.line, "")
        shown = spec.replace(">=", "≥ ").replace("<=", "≤ ").replace("==", "").replace(",", ", ")
        return f"{K.KERAS_LINES[self.line]} {shown}".strip()


def label_of(points: Sequence[JudgingPoint]) -> str:
    """"tf.keras 2.4–2.10 and Keras 3.0–3.15": the versions of several points, line by line."""
    by_line: dict = {}
    for point in points:
        by_line.setdefault(point.line, []).extend(_minors(point.versions))
    parts = [f"{K.KERAS_LINES[line]} {spans(line, versions)}" for line, versions in by_line.items()]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def newest(line: str) -> JudgingPoint:
    return JudgingPoint(line, (_s(LINE_VERSIONS[line][-1]),))


DEFAULT_KERAS3 = newest("keras3")  # nothing declared: what a fresh `pip install tensorflow` gives
DEFAULT_KERAS2 = newest("tf_keras")  # a file that spells Keras 2 (tf_keras, keras.engine, the switch)


def split(line: str, versions: Sequence[str], facts: Sequence[str] = ()) -> List[JudgingPoint]:
    """The points of one line's versions: consecutive versions on which each of `facts` (those the
    enabled rules consult, Rule.versioned_facts) is the same share one."""
    runs: List[List[str]] = []
    previous: Optional[tuple] = None
    for version in versions:
        signature = tuple(_holds(fact, line, version) for fact in facts)
        if runs and signature == previous:
            runs[-1].append(version)
        else:
            runs.append([version])
        previous = signature
    return [JudgingPoint(line, tuple(run)) for run in runs]


def points(target, spelling: str, keras2_only: bool = False, facts: Sequence[str] = ()) -> Tuple[JudgingPoint, ...]:
    """The points a file reaching Keras as `spelling` ("keras", "tf.keras", "tf_keras") is judged at,
    oldest first. `target`: a target.KerasTarget, or None when nothing is declared or given.
    `keras2_only`: the file uses what only Keras 2 has (`keras.engine`, the legacy switch set in
    the file), so the Keras 3 part of the range does not run it. `facts`: the versioned facts the
    rules consult; a line is cut only where one of them changes (each point is a run of the rules)."""
    if target is None:
        return (DEFAULT_KERAS2 if keras2_only or spelling == "tf_keras" else DEFAULT_KERAS3,)
    lines = target.for_spelling(spelling)
    if keras2_only:
        lines = tuple(line for line in lines if line.name != "keras3")
        if not lines:
            return (DEFAULT_KERAS2,)
    return tuple(point for line in lines for point in split(line.name, line.versions, facts))
