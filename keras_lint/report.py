"""Print findings: concise text (`path:line:col: KLnnn message`), full text (the source line, a
caret, the first sentence, `help:`), JSON, SARIF 2.1.0, GitHub workflow annotations, statistics,
the fixes applied and the summary lines."""

from __future__ import annotations

import collections
import json
import os
from typing import Optional, TextIO

from . import __version__, source
from .dependencies.judging import DEFAULT_KERAS2, DEFAULT_KERAS3
from .finding import FIX_MARKS
from .rules import CATALOG as ALL_RULES  # every code: the rules and KL901 (noqa.py)
from .source import split_lines

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


# -- issue 22: severity, the `full` format, the fixes applied -----------------------------------
# SARIF's levels and GitHub's annotation commands know "error" and "warning"; a security finding is
# an error there (and SARIF tags its rule "security").
SARIF_LEVELS = {"error": "error", "warning": "warning", "security": "error"}
_COLOURS = {"error": "1;31", "warning": "1;33", "security": "1;35", "gutter": "1;34", "help": "36", "path": "1"}


def severity(code: str) -> str:
    rule = ALL_RULES.get(code)
    return rule.severity if rule is not None else "error"


def first_sentence(message: str) -> str:
    """The message up to its first `; ` or `. ` that is not inside backticks, quotes or brackets:
    what a finding says before its details."""
    depth, quote = 0, ""
    for position, char in enumerate(message):
        if quote:
            if char == quote:
                quote = ""
        elif char in "`\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in ";." and message[position + 1: position + 2] == " ":
            if char == ";" or message[position + 2: position + 3].isupper():
                return message[:position]
    return message


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: tabs to the next multiple of 4, wide characters 2."""
    import unicodedata

    width = 0
    for char in text:
        if char == "\t":
            width += 4 - width % 4
        elif unicodedata.combining(char):
            continue
        else:
            width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def full(findings: list, out: TextIO, colour: bool = False, texts: Optional[dict] = None) -> None:
    """Each finding as a person reads it (rustc's and ruff's layout): severity, code and the first
    sentence of the message, where, the source line with carets under the reported span, what to do,
    and whether --fix can. `texts`: path -> text of buffers that are not files (stdin)."""

    def paint(kind: str, text: str) -> str:
        return f"\x1b[{_COLOURS[kind]}m{text}\x1b[0m" if colour else text

    lines_of: dict = {}
    for f in findings:
        if f.path not in lines_of:
            lines_of[f.path] = _source_lines(f.path, texts)
        level = severity(f.code)
        rule = ALL_RULES.get(f.code)
        lines = lines_of[f.path]
        line = lines[f.line - 1].rstrip("\r\n") if 0 < f.line <= len(lines) else None
        gutter = " " * len(str(f.line))
        out.write(f"{paint(level, f'{level}[{f.code}]')}: {first_sentence(f.message)}\n")
        out.write(f"{gutter}{paint('gutter', '-->')} {paint('path', f'{f.path}:{f.line}:{f.col}')}\n")
        if line is not None:
            start = min(f.col - 1, len(line))
            stop = f.end_col - 1 if f.end_line == f.line and f.end_col > f.col else len(line.rstrip())
            carets = "^" * max(_width(line[:stop]) - _width(line[:start]), 1)
            out.write(f"{gutter} {paint('gutter', '|')}\n")
            out.write(f"{paint('gutter', f'{f.line} |')} {line.expandtabs(4)}\n")
            out.write(f"{gutter} {paint('gutter', '|')} {' ' * _width(line[:start])}{paint(level, carets)}\n")
        out.write(f"{gutter} {paint('gutter', '|')}\n")
        if rule is not None and rule.help:
            out.write(f"{gutter} {paint('gutter', '=')} {paint('help', 'help')}: {rule.help}\n")
        if f.fix is not None:
            how = "--fix" if f.fix.safety == "safe" else "--fix --unsafe-fixes"
            out.write(f"{gutter} {paint('gutter', '=')} fix: {FIX_MARKS[f.fix.safety]}{f.fix.title or 'available'} ({how})\n")
        out.write("\n")


def _source_lines(path: str, texts: Optional[dict]) -> list:
    if texts and path in texts:
        return split_lines(texts[path])
    try:
        return source.read(path).lines
    except (OSError, source.SourceError):
        return []


def show_fixes(fixed: dict, out: TextIO, diff: bool = False) -> None:
    """`--show-fixes`: per file, how many findings of each code --fix fixed (as ruff prints them).
    `fixed`: path -> {code: number fixed}, as the fix loop counted them."""
    files = {path: counts for path, counts in fixed.items() if counts}
    if not files:
        out.write("No fixes to apply.\n" if diff else "No fixes applied.\n")
        return
    out.write("Fixes --fix would apply:\n" if diff else "Fixes applied:\n")
    for path, counts in sorted(files.items()):
        out.write(f"- {path}:\n")
        for code, count in sorted(counts.items()):
            name = ALL_RULES[code].name if code in ALL_RULES else ""
            out.write(f"    {count} × {code} ({name})\n")


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
            "target": f.target or None,  # the Keras versions it holds in: "tf.keras 2.4–2.10"
            "severity": severity(f.code),
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
            "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
            "properties": {
                "fix": fix_label(rule) if rule.fix else "none",
                "severity": rule.severity,
                "tags": [rule.severity] if rule.severity == "security" else [],
            },
        }
        for code, rule in ALL_RULES.items()
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": SARIF_LEVELS[severity(f.code)],
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
            **({"properties": {"kerasTarget": f.target}} if f.target else {}),
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
            f"::{SARIF_LEVELS[severity(f.code)]} title={prop(f'keras-lint ({f.code} {name})')},file={prop(f.path)},line={f.line},col={f.col},"
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


def summary(findings: list, files_checked: int, out: TextIO, fixed=None, diff: bool = False, unsafe_fixes: bool = False) -> None:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    if fixed is not None:
        verb = "Would fix" if diff else "Fixed"
        out.write(f"{verb} {plural(fixed, 'finding')}.\n")
    remaining = " remaining" if fixed and not diff else ""
    out.write(f"Found {plural(len(findings), 'finding')}{remaining} in {plural(files_checked, 'file')}.\n")
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safety == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.safety != "safe")
    if not diff and (safe or unsafe):  # issue 22: what --fix would do about what is left
        if unsafe_fixes:
            out.write(f"{safe + unsafe} fixable with --fix --unsafe-fixes.\n")
        else:
            more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
            out.write(f"{safe} fixable with --fix{more}.\n")


def judged_against(settings, findings: list) -> str:
    """The line saying which Keras the run was judged against, and why: always when a target was
    given or declared; when nothing was, only where there are findings of the rules to act on (a
    file that cannot be read, KL001, is that whatever the Keras)."""
    if settings.target_keras is not None:
        return f"Judged against {settings.target_keras.reason}."
    if settings.declared_target is not None:
        return f"Judged against the Keras the project declares: {settings.declared_target.reason} (--target-keras to change)."
    if any(finding.code != "KL001" for finding in findings):
        return (f"Judged against {DEFAULT_KERAS3.label} ({DEFAULT_KERAS2.label} where a file spells Keras 2): "
                "nothing declared (--target-keras to change).")
    return ""


FORMATS = {"text": text, "concise": text, "full": full, "json": as_json, "sarif": sarif, "github": github}
