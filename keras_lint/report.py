"""Print findings: text (`path:line:col: KLnnn message`), JSON, statistics and the summary line."""

from __future__ import annotations

import collections
import json
from typing import TextIO

from .rules import ALL_RULES


def text(findings: list, out: TextIO) -> None:
    for finding in findings:
        out.write(finding.as_text() + "\n")


def as_json(findings: list, out: TextIO) -> None:
    records = [
        {
            "code": f.code,
            "name": ALL_RULES[f.code].name if f.code in ALL_RULES else None,
            "message": f.message,
            "path": f.path,
            "line": f.line,
            "column": f.col,
            "end_line": f.end_line or f.line,
            "end_column": f.end_col or f.col,
            "fix": ALL_RULES[f.code].fix if f.code in ALL_RULES else None,
        }
        for f in findings
    ]
    json.dump(records, out, indent=2)
    out.write("\n")


def statistics(findings: list, out: TextIO) -> None:
    counts = collections.Counter(f.code for f in findings)
    for code, count in sorted(counts.items()):
        name = ALL_RULES[code].name if code in ALL_RULES else ""
        out.write(f"{count:5d}  {code}  {name}\n")


def summary(findings: list, files_checked: int, out: TextIO) -> None:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    out.write(f"Found {plural(len(findings), 'finding')} in {plural(files_checked, 'file')}.\n")


FORMATS = {"text": text, "json": as_json}
