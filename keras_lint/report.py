"""Print findings: text (`path:line:col: KLnnn message`), JSON, SARIF 2.1.0, GitHub workflow
annotations, statistics and the summary line."""

from __future__ import annotations

import collections
import json
import os
from typing import TextIO

from . import __version__
from .model_files import CHECKS as MODEL_FILE_CHECKS
from .rules import ALL_RULES

ALL_RULES = {**ALL_RULES, **MODEL_FILE_CHECKS}  # the model-file checks (KL6nn) are reported as rules are

PROJECT_URL = "https://pypi.org/project/keras-lint/"


def fix_label(rule) -> str:
    """A rule's fix as --list-rules and SARIF name it: "safe", "unsafe", "safe/unsafe" (a rule whose
    fix is safe in some cases only: its `## Fix safety` section, which --explain prints, says when
    it is unsafe) or "-" (no fix). tests/test_front_end_defects.py holds it to the README's table
    and to the fixes the rule's INVALID examples get."""
    if rule.fix is None:
        return "-"
    if rule.fix == "safe" and "unsafe" in rule.documentation().partition("## Fix safety")[2]:
        return "safe/unsafe"
    return rule.fix


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
            "fix": f.fix.safety if f.fix else None,
        }
        for f in findings
    ]
    json.dump(records, out, indent=2)
    out.write("\n")


def sarif(findings: list, out: TextIO) -> None:
    """SARIF 2.1.0, as GitHub code scanning reads it: every rule's metadata and help, then the results."""
    codes = list(ALL_RULES)
    rules = [
        {
            "id": code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.documentation().split("## Why is this bad?")[0].replace("## What it does", "").strip()},
            "help": {"text": rule.documentation(), "markdown": rule.documentation()},
            "defaultConfiguration": {"level": "error"},
            "properties": {"fix": fix_label(rule) if rule.fix else "none"},
        }
        for code, rule in ALL_RULES.items()
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": "error",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.col,
                            "endLine": f.end_line or f.line,
                            "endColumn": f.end_col or f.col,
                        },
                    }
                }
            ],
        }
        for f in findings
    ]
    document = {
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "keras-lint", "version": __version__, "informationUri": PROJECT_URL, "rules": rules}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    json.dump(document, out, indent=2)
    out.write("\n")


def _uri(path: str) -> str:
    if os.path.isabs(path):
        return "file://" + path.replace(os.sep, "/")
    return path.replace(os.sep, "/")


def github(findings: list, out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    for f in findings:
        name = ALL_RULES[f.code].name if f.code in ALL_RULES else f.code
        out.write(
            f"::error title={prop(f'keras-lint ({f.code} {name})')},file={prop(f.path)},line={f.line},col={f.col},"
            f"endLine={f.end_line or f.line},endColumn={f.end_col or f.col}::{data(f'{f.code} {f.message}')}\n"
        )


def statistics(findings: list, out: TextIO) -> None:
    """One line a rule: count, code, name, how many of them --fix can fix, and how many more
    --unsafe-fixes would (`fixable: 1 (+2 with --unsafe-fixes)`)."""
    counts = collections.Counter(f.code for f in findings)
    fixable = collections.Counter(f.code for f in findings if f.fix and f.fix.safety == "safe")
    unsafe = collections.Counter(f.code for f in findings if f.fix and f.fix.safety != "safe")
    for code, count in sorted(counts.items()):
        name = ALL_RULES[code].name if code in ALL_RULES else ""
        more = f" (+{unsafe[code]} with --unsafe-fixes)" if unsafe[code] else ""
        out.write(f"{count:5d}  {code}  {name:40s} fixable: {fixable[code]}{more}\n")


def summary(findings: list, files_checked: int, out: TextIO, fixed=None, diff: bool = False) -> None:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    if fixed is not None:
        verb = "Would fix" if diff else "Fixed"
        out.write(f"{verb} {plural(fixed, 'finding')}.\n")
    remaining = " remaining" if fixed and not diff else ""
    out.write(f"Found {plural(len(findings), 'finding')}{remaining} in {plural(files_checked, 'file')}.\n")


FORMATS = {"text": text, "json": as_json, "sarif": sarif, "github": github}
