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
    return {line: "".join(lines[first - 1: last]) for line, (first, last) in _line_groups(text, lines).items()}


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


# -- issue 22: KL901 (unused `# noqa` codes) and `--add-noqa` -------------------------------------
# Both read the file's comments with `tokenize`: a `# noqa` written inside a string is no comment.


class UnusedNoqa:
    """
    ## What it does
    Reports a `# noqa: KL...` comment code that suppresses nothing: no finding of that code (or
    code prefix) is on the comment's logical line, as ruff's RUF100 does for its own codes. Only
    keras-lint's codes are judged, and only those of rules that run on the file (a code for a rule
    turned off by the configuration may be needed elsewhere); a bare `# noqa` and other tools' codes
    are left alone. A file that does not parse (KL001) is not judged. Off by default: select it
    with `--extend-select KL901` (`KL` alone does not turn it on).

    ## Why is this bad?
    A suppression that outlives its finding hides the next real problem on that line: once the
    code is fixed, the comment still silences the rule if the problem comes back.

    ## Example
    ```python
    layer = keras.layers.Dense(3)  # noqa: KL101
    ```

    ## Use instead
    ```python
    layer = keras.layers.Dense(3)
    ```

    ## Fix safety
    Safe: the unused codes are removed from the comment (the whole `# noqa: ...` when none is
    left, other tools' codes and the rest of the comment kept). Nothing the linter reports changes.
    """

    code = "KL901"
    name = "unused-noqa"
    summary = "`# noqa: KL...` code that suppresses nothing (off by default)"
    severity = "warning"
    help = "remove the unused code from the comment (`--fix` does)"
    fix = "safe"
    VALID = ["import keras\nx = keras.layers.Lambda(lambda t: t)  # noqa: KL101\n"]
    INVALID = [("import keras\nx = keras.layers.Dense(3)  # noqa: KL101\n", 2, 28, "import keras\nx = keras.layers.Dense(3)\n")]

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


def _comments(text: str) -> Optional[list]:
    """((line, column), comment text) of every comment; None when the file does not tokenize."""
    try:
        return [
            (token.start, token.string)
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):
        return None


def _line_groups(text: str, lines: list) -> dict:
    """line -> (first, last) line of its logical line, as flake8 groups them ({} when it cannot tokenize)."""
    groups: dict = {}
    low, high = len(lines) + 2, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            low, high = min(low, token.start[0]), max(high, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                groups.update(dict.fromkeys(range(low, high + 1), (low, high)))
                low, high = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return groups


def unused(findings: list, text: str, lines: list, path: str, enabled, known) -> list:
    """KL901 findings: the `# noqa: KL...` codes no finding among `findings` (all of them, before
    any noqa was applied) uses. `enabled(code)`: does that rule run on this file; `known(prefix)`:
    is it one of our codes. Each comes with the safe fix that removes the unused codes."""
    from .finding import Edit, Finding, Fix

    if "noqa" not in text.lower() or any(f.code == "KL001" for f in findings):
        return []
    comments = _comments(text)
    if not comments:
        return []
    groups = _line_groups(text, lines)
    reported: list = []
    for (line, column), comment in comments:
        match = INLINE.search(comment)
        if match is None or not match.group("codes"):
            continue
        first, last = groups.get(line, (line, line))
        near = {f.code for f in findings if first <= f.line <= last}
        codes = re.findall(r"[A-Z]+[0-9]+", match.group("codes"), re.IGNORECASE)
        useless = []
        for code in codes:
            if not code.startswith("KL") or code == "KL901":
                continue
            if not known(code):
                useless.append(code)
            elif any(candidate.startswith(code) for candidate in near):
                continue
            elif enabled(code):
                useless.append(code)
        if not useless:
            continue
        shown = ", ".join(useless)
        what = "code" if len(useless) == 1 else "codes"
        unknown = [code for code in useless if not known(code)]
        why = f"{', '.join(unknown)} is no keras-lint code" if unknown else "nothing on this line reports it"
        new = _without_codes(comment, match, set(useless))
        start = column
        if new == "":  # the whole comment goes, with the blanks before it
            before = lines[line - 1][:column]
            start = len(before.rstrip())
        edit = Edit((line, start), (line, column + len(comment)), new)
        reported.append(Finding(path, line, column + 1, "KL901", f"unused `noqa` {what} {shown}: {why}",
                                line, column + len(comment) + 1, Fix("safe", (edit,), f"remove {shown} from `# noqa`")))
    return reported


def _without_codes(comment: str, match, drop: set) -> str:
    """The comment without the `drop` codes: its other codes kept, else the `# noqa: ...` directive
    removed ("" when nothing else was in the comment)."""
    codes = re.findall(r"[A-Z]+[0-9]+", match.group("codes"), re.IGNORECASE)
    kept = [code for code in codes if code not in drop]
    start, end = match.span("codes")
    if kept:
        tail = match.group("codes")[len(match.group("codes").rstrip(", \t")):]
        return comment[:start] + ", ".join(kept) + tail + comment[end:]
    rest = (comment[: match.start()] + comment[match.end():]).strip()
    if rest in ("", "#"):
        return ""
    return rest if rest.startswith("#") else "# " + rest


def add_codes(text: str, lines: list, wanted: dict) -> tuple:
    """`--add-noqa` on one file's text: `wanted` maps a line to the codes reported on it. Returns
    (new text, directives added or extended). Each logical line gets the codes on its first noqa
    comment (the one flake8 and `filter_findings` read); without one, a `  # noqa: KL...` at the end
    of the first line, from the reported one on, where a comment can stand (not inside a multi-line
    string, not after a `\\` continuation). Codes a comment already suppresses are left alone, so a
    second run changes nothing. Line endings and other text are kept as they were."""
    comments = _comments(text)
    if comments is None:
        return text, 0
    groups = _line_groups(text, lines)
    by_line = {line: (column, comment) for (line, column), comment in comments}
    per_group: dict = {}
    for line, codes in sorted(wanted.items()):
        group = groups.get(line, (line, line))
        per_group.setdefault(group, [line, set()])[1].update(codes)
    ends_in_string = _lines_ending_inside_tokens(text, lines, set(by_line))
    new_lines = list(lines)
    changed = 0
    for (first, last), (reported, codes) in per_group.items():
        joined = "".join(lines[first - 1: last])
        existing = INLINE.search(joined)
        missing = sorted(code for code in codes if not _suppresses(existing, code))
        if not missing:
            continue
        noqa_line = next((n for n in range(first, last + 1) if n in by_line and INLINE.search(by_line[n][1])), None)
        if existing is not None and noqa_line is not None:
            column, comment = by_line[noqa_line]
            match = INLINE.search(comment)
            if match.group("codes"):
                start, end = match.span("codes")
                body = match.group("codes").rstrip(", \t")
                separator = "," if re.search(r",\S", body) else ", "
                tail = match.group("codes")[len(body):]
                new_comment = comment[:start] + body + separator + separator.join(missing) + tail + comment[end:]
            else:  # `# noqa` with codes flake8 cannot parse (`# noqa : X`): a bare noqa, suppresses all
                continue
            physical = new_lines[noqa_line - 1]
            new_lines[noqa_line - 1] = physical[:column] + new_comment + physical[column + len(comment):]
            changed += 1
            continue
        if existing is not None:  # a `# noqa` flake8 reads, but not in a comment (inside a string): leave it
            continue
        target = next((n for n in range(reported, last + 1) if n not in ends_in_string), last)
        if target > len(new_lines):
            continue
        physical = new_lines[target - 1]
        body = physical.rstrip("\r\n")
        ending = physical[len(body):]
        new_lines[target - 1] = body.rstrip() + "  # noqa: " + ", ".join(missing) + ending
        changed += 1
    return "".join(new_lines), changed


def _lines_ending_inside_tokens(text: str, lines: list, commented: set) -> set:
    """Lines where a comment cannot be added at the end: inside a multi-line string, or continued
    with a backslash (`commented`: the lines that hold a comment, whose backslash is its text)."""
    inside: set = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.end[0] > token.start[0] and token.type not in (tokenize.NL, tokenize.NEWLINE):
                inside.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return inside
    for number, line in enumerate(lines, 1):
        if line.rstrip("\r\n").endswith("\\") and number not in inside and number not in commented:
            inside.add(number)
    return inside
