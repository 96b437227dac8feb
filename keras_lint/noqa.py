"""Suppression comments, read exactly as flake8 reads them so both front-ends agree.

`# noqa`, `# noqa: KL101`, `# noqa:KL101,KL102` anywhere on the lines of the logical line a finding
is on (flake8 maps every line of a multi-line statement to all of its lines). A `# noqa` that names
only other codes suppresses nothing of ours. File level: a line `# keras-lint: noqa` (everything) or
`# keras-lint: noqa: KL101` (those codes).
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Iterable, Optional

# flake8.defaults.NOQA_INLINE_REGEXP, same pattern, same flags.
INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
FILE = re.compile(r"\s*# keras-lint[:=]\s*noqa(?::\s?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)


def _codes(text: Optional[str]) -> set:
    return {code for code in re.split(r"[,\s]", text or "") if code.strip()}


def _suppresses(match, code: str) -> bool:
    if match is None:
        return False
    codes = _codes(match.group("codes"))
    return not codes or code in codes or code.startswith(tuple(codes))


def file_level(lines: Iterable[str]):
    """True (all codes), a set of codes, or None."""
    found: set = set()
    for line in lines:
        if "keras-lint" not in line.lower():
            continue
        match = FILE.match(line)
        if match:
            codes = _codes(match.group("codes"))
            if not codes:
                return True
            found |= codes
    return found or None


def logical_lines(text: str, lines: list) -> dict:
    """flake8's map from each line number to the text of every line of its logical line."""
    mapping: dict = {}
    low, high = len(lines) + 2, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            low, high = min(low, token.start[0]), max(high, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[low - 1: high])
                mapping.update(dict.fromkeys(range(low, high + 1), joined))
                low, high = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping


def filter_findings(findings: list, text: str, lines: list, inline: bool = True) -> list:
    """Drop what the file's noqa comments suppress. `inline=False` under flake8, which does it itself."""
    if not findings:
        return findings
    whole_file = file_level(lines)
    if whole_file is True:
        return []
    if whole_file:
        findings = [f for f in findings if not (f.code in whole_file or f.code.startswith(tuple(whole_file)))]
    if not inline or "noqa" not in text.lower():
        return findings
    mapping = logical_lines(text, lines)
    kept = []
    for finding in findings:
        physical = mapping.get(finding.line)
        if physical is None and 0 < finding.line <= len(lines):
            physical = lines[finding.line - 1]
        if not _suppresses(INLINE.search(physical or ""), finding.code):
            kept.append(finding)
    return kept
