"""Adopting keras-lint on a codebase that already has findings (issue 22): `--add-noqa` writes a
`# noqa: KLnnn` on each reported line, and a baseline file records the findings there are today
so that a run reports only new ones (`--write-baseline FILE`, then `--baseline FILE`).

A baseline entry is a finding's path (relative to the baseline file's folder, with `/`), its code
and a fingerprint of its line's text (blanks collapsed): a finding still matches when lines above
it are added or removed, or when it is re-indented; it stops matching when its own line changes.
Entries are counted: two identical lines with the same finding need two entries.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
from typing import Optional

from . import noqa, source
from .fixes import write_atomically

BASELINE_VERSION = 1
SKIPPED_BY_ADD_NOQA = ("KL001", "KL901")  # a file that does not parse; a noqa of a noqa


class BaselineError(Exception):
    """The baseline file cannot be used; str(self) is the one line to show."""


class _Lines:
    """The text of a finding's line, each file read once; `texts`: buffers that are not files."""

    def __init__(self, texts: Optional[dict] = None):
        self.texts = texts or {}
        self.files: dict = {}

    def __call__(self, path: str, line: int) -> str:
        if path not in self.files:
            if path in self.texts:
                self.files[path] = source.split_lines(self.texts[path])
            else:
                try:
                    self.files[path] = source.read(path).lines
                except (OSError, source.SourceError):
                    self.files[path] = []
        lines = self.files[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def fingerprint(code: str, line_text: str) -> str:
    return hashlib.sha256(f"{code}\0{' '.join(line_text.split())}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _key(finding, folder: str, lines: _Lines) -> tuple:
    path = os.path.relpath(os.path.abspath(finding.path), folder).replace(os.sep, "/")
    return path, finding.code, fingerprint(finding.code, lines(finding.path, finding.line))


def write_baseline(path: str, findings: list, texts: Optional[dict] = None) -> None:
    """Record `findings` in a baseline file (written atomically; OSError for the caller to report)."""
    folder = os.path.dirname(os.path.abspath(path))
    lines = _Lines(texts)
    entries = []
    for finding in sorted(findings):
        where, code, print_ = _key(finding, folder, lines)
        entries.append({"path": where, "code": code, "fingerprint": print_, "line": finding.line, "message": finding.message})
    document = {"version": BASELINE_VERSION, "tool": "keras-lint", "findings": entries}
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if not os.path.exists(path):
        with open(path, "xb"):
            pass  # write_atomically replaces a file that exists, keeping its mode
    write_atomically(path, data)


def load_baseline(path: str) -> collections.Counter:
    """(path, code, fingerprint) -> how many findings the baseline holds; BaselineError if the file
    cannot be read or is not a keras-lint baseline of this version."""
    try:
        with open(path, "rb") as handle:
            document = json.loads(handle.read().decode("utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a keras-lint baseline (not JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("tool") != "keras-lint" or "version" not in document:
        raise BaselineError(f"{path}: not a keras-lint baseline (no \"tool\": \"keras-lint\" and \"version\")")
    if document["version"] != BASELINE_VERSION:
        raise BaselineError(f"{path}: baseline version {document['version']!r}, this keras-lint reads version {BASELINE_VERSION}")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: not a keras-lint baseline (\"findings\" is not a list)")
    counts: collections.Counter = collections.Counter()
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) for key in ("path", "code", "fingerprint")):
            raise BaselineError(f"{path}: finding {number} lacks a string path, code or fingerprint")
        counts[entry["path"], entry["code"], entry["fingerprint"]] += 1
    return counts


def new_findings(findings: list, baseline: collections.Counter, baseline_path: str, texts: Optional[dict] = None) -> list:
    """The findings the baseline does not account for (in order; of identical ones, the first are
    the recorded ones)."""
    folder = os.path.dirname(os.path.abspath(baseline_path))
    left = collections.Counter(baseline)
    lines = _Lines(texts)
    kept = []
    for finding in findings:
        key = _key(finding, folder, lines)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(finding)
    return kept


def add_noqa(findings: list) -> tuple:
    """`--add-noqa`: a `# noqa: KLnnn` for each finding, written into its file atomically, in the
    file's encoding and line endings. Returns (directives added, errors: one line each)."""
    wanted: dict = collections.defaultdict(lambda: collections.defaultdict(set))
    for finding in findings:
        if finding.code not in SKIPPED_BY_ADD_NOQA:
            wanted[finding.path][finding.line].add(finding.code)
    added, errors = 0, []
    for path, by_line in sorted(wanted.items()):
        try:
            src = source.read(path)
        except (OSError, source.SourceError) as exc:
            errors.append(f"{path}: cannot add noqa: {exc}")
            continue
        text, count = noqa.add_codes(src.text, src.lines, by_line)
        if count and text != src.text:
            try:
                write_atomically(path, src.encode(text))
            except OSError as exc:
                errors.append(f"{path}: cannot write: {exc.strerror or exc}")
                continue
            added += count
    return added, errors
