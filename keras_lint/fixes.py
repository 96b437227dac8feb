"""Apply fixes: text edits a rule attached to its findings, applied so that nothing else changes.

A fix is a set of edits in file coordinates. Edits of different fixes that overlap are not applied
in the same pass: the first wins and the rest wait for the next pass, after the file is linted
again (at most MAX_PASSES). A pass whose result does not parse is dropped whole, never written.
Bytes outside the edited spans stay as they were: line endings of inserted text follow the file's,
and the file is encoded back with its own codec and BOM.

Fixes that add a named definition (KL101's Lambda rewrite: a class before the statement) carry a
`Chain`. Applied one per pass, each would be linted again to see the names, imports and blank lines
the ones before it added; instead a pass applies all of them that do not otherwise interact, as
one per pass would have: each name numbered past those taken before it, an import the ones before
it added not added again, definitions before one statement stacked in order. A pass that also
applies a fix without a chain applies one chained fix only, as every pass once did: the next pass
then sees what that fix changed. Whatever interacts in another way waits for the next pass.
"""

from __future__ import annotations

import ast
import bisect
import collections
import dataclasses
import difflib
import os
import warnings
from typing import Callable, Optional

from . import engine, index, source
from .finding import Fix
from .fixers.lambda_layer.render import next_free_name
from .names import KerasNames
from .source import split_lines

MAX_PASSES = 50  # each pass re-lints the file; a fix that must wait gets the next


@dataclasses.dataclass
class FixOutcome:
    text: str
    fixed: int = 0  # findings whose fix was applied
    problems: list = dataclasses.field(default_factory=list)  # one line each: fixes dropped and why
    findings: Optional[list] = None  # the findings of `text`, when the last pass linted it
    codes: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # of the findings fixed


def allowed(fix: Optional[Fix], unsafe: bool) -> bool:
    return fix is not None and (fix.safety == "safe" or unsafe)


def apply_once(text: str, findings: list, unsafe: bool, together: bool = True) -> tuple:
    """Apply every non-overlapping allowed fix once. Returns (new text, findings fixed).
    together=False: one chained fix per pass, as the loop once did (tests compare the two)."""
    offsets = _line_offsets(text)
    taken, chosen = _one_chained(findings, unsafe, offsets)
    if together and len(chosen) == 1 and chosen[0].fix.chain is not None:
        taken, chosen = _all_chained(findings, unsafe, offsets)
    newline = _newline_of(text)
    for start, end, replacement in sorted(taken, key=lambda s: (s[0], s[1]), reverse=True):
        text = text[:start] + replacement.replace("\n", newline) + text[end:]
    return text, chosen


def _spans(fix: Fix, offsets: list) -> list:
    return [(_offset(offsets, e.start), _offset(offsets, e.end), e.text) for e in fix.edits]


def _one_chained(findings: list, unsafe: bool, offsets: list) -> tuple:
    """Every allowed fix that overlaps none before it, of the chained ones the first only."""
    chosen, taken = [], []
    for finding in findings:
        if not allowed(finding.fix, unsafe):
            continue
        spans = _spans(finding.fix, offsets)
        if finding.fix.chain is not None:
            spans.append((0, 0, ""))  # overlaps the chained fix already chosen (and any insertion at the start)
        if any(_overlaps(span, other) for span in spans for other in taken):
            continue  # the next pass will see it again, against the updated text
        taken += spans
        chosen.append(finding)
    return taken, chosen


def _all_chained(findings: list, unsafe: bool, offsets: list) -> tuple:
    """The allowed chained fixes in order, each as it would be after those before it were applied
    and the file linted again, up to the first that interacts with them in another way."""
    chosen, taken = [], []
    given: set = set()  # the identifiers the chosen fixes added
    imported: set = set()  # the import edits they applied, as spans
    stacks: dict = {}  # insertion point -> index in `taken` of the definitions inserted there
    index: list = []  # the (start, end) of the spans in `taken`, in order: a file of thousands stays linear
    for finding in findings:
        fix = finding.fix
        if not allowed(fix, unsafe) or fix.chain is None:
            continue  # (a fix without a chain overlaps the first chained fix: see apply_once)
        chain = fix.chain
        name = chain.name
        if name in given:
            name = next_free_name(chain.base, lambda n: n in chain.taken or n in given)
        texts = [e.text for e in fix.edits]
        for at, spot in sorted(chain.spots, reverse=True):
            texts[at] = texts[at][:spot] + name + texts[at][spot + len(chain.name):]
        spans = [(start, end, texts[i]) for i, (start, end, _) in enumerate(_spans(fix, offsets))]
        imports = [spans[i] for i in chain.imports]
        lead_imports = [(_offset(offsets, e.start), _offset(offsets, e.end), e.text) for e in chain.lead_imports]
        point, _, text = spans[chain.insertion]
        stacked = point in stacks and all(span in imported for span in lead_imports)
        others = [s for i, s in enumerate(spans) if i not in chain.imports and i != chain.insertion]
        new_imports = [s for s in imports if s not in imported]
        if not stacked:
            others.append(spans[chain.insertion])
        if any(_overlaps_any(span, index) for span in others + new_imports):
            break  # the next pass, linted again, sees it and what follows as they are then
        if stacked:
            start, end, before = taken[stacks[point]]
            taken[stacks[point]] = (start, end, before + text[chain.lead:])
        else:
            stacks[point] = len(taken) + len(others) - 1
        taken += others + new_imports
        for start, end, _ in others + new_imports:
            bisect.insort(index, (start, end))
        imported.update(new_imports, lead_imports)
        given.update(chain.binds - {chain.name} | {name})
        if name != chain.name:
            fix = dataclasses.replace(fix, title=fix.title.replace(f"`{chain.name}`", f"`{name}`"))
            finding = dataclasses.replace(finding, fix=fix)
        chosen.append(finding)
    return taken, chosen


def _overlaps_any(span: tuple, index: list) -> bool:
    """Does `span` overlap a span of `index` (sorted, pairwise not overlapping)? Only the two that
    start before it can reach into it, then those that start inside it."""
    low = max(0, bisect.bisect_left(index, (span[0], -1)) - 2)
    high = bisect.bisect_right(index, (span[1], float("inf")))
    return any(_overlaps(span, other) for other in index[low:high])


def fix_text(text: str, lint: Callable[[str], list], unsafe: bool, together: bool = True,
             trees: Optional[dict] = None) -> FixOutcome:
    """Lint, fix, lint again, until no allowed fix is left (bounded). `lint` maps text to findings.
    `trees`, when given, gets text -> its `ast` for each text a pass made (it was parsed to check
    it): the lint of that text need not parse it again."""
    outcome = FixOutcome(text)
    for _ in range(MAX_PASSES):
        findings = lint(outcome.text)
        outcome.findings = findings
        candidate, chosen = apply_once(outcome.text, findings, unsafe, together)
        if not chosen:
            break
        problem, tree = _parse(candidate)
        if problem:
            codes = ", ".join(sorted({f.code for f in chosen}))
            outcome.problems.append(f"fix for {codes} dropped: its result would not parse ({problem})")
            break
        if trees is not None:
            trees.clear()
            trees[candidate] = tree
        outcome.text, outcome.fixed = candidate, outcome.fixed + len(chosen)
        outcome.codes.update(f.code for f in chosen)
        outcome.findings = None
    return outcome


def fix_source(src: source.SourceFile, settings, project, unsafe: bool) -> engine.FileResult:
    """Fix decoded text; the result holds the findings that remain and the fixed text."""

    trees: dict = {}  # the text the last pass made -> its ast (fix_text parsed it)

    def lint(text: str) -> list:
        fixed = dataclasses.replace(src, text=text)
        current = project
        tree = trees.get(text)
        if project is not None and text != src.text:  # the index must describe the text as it is now
            summary = _summary(fixed, tree)
            current = project.with_file(summary) if summary is not None else project
        result = engine.lint_source(fixed, settings, tree=tree, project=current)
        if result.errors:
            raise _LintFailed(result)
        return result.findings

    try:
        outcome = fix_text(src.text, lint, unsafe, trees=trees)
        remaining = outcome.findings if outcome.findings is not None else lint(outcome.text)
    except _LintFailed as failed:
        return failed.result
    result = engine.FileResult(src.path, remaining, outcome.problems, outcome.fixed)
    result.fixed_codes = dict(outcome.codes)
    result.fixed_text = outcome.text
    return result


def fix_path(path: str, settings, project, unsafe: bool, write: bool) -> engine.FileResult:
    """--fix (write=True) or --diff (write=False) for one file."""
    try:
        src = source.read(path)
    except (source.SourceError, OSError):
        return engine.lint_path(path, settings, project)  # reports it as lint would
    result = fix_source(src, settings, project, unsafe)
    if result.fixed_text is not None and result.fixed_text != src.text:
        if write:
            try:
                write_atomically(path, src.encode(result.fixed_text))
            except OSError as exc:
                result.errors.append(f"{path}: cannot write the fixed file: {exc.strerror or exc}")
        else:
            result.diff = unified_diff(path, src.text, result.fixed_text)
    result.fixed_text = None  # not sent back across processes
    return result


class _LintFailed(Exception):
    def __init__(self, result):
        super().__init__()
        self.result = result


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )


def write_atomically(path: str, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename over the original, keeping its mode:
    a reader (or a second keras-lint) sees the old file or the new one, never half of one. A
    symbolic link is written through, as ruff does: its target gets the new text, the link stays."""
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    mode = os.stat(path).st_mode
    import tempfile  # here: only a run that writes a fix needs it

    handle, temporary = tempfile.mkstemp(prefix=".keras-lint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _parse(text: str) -> tuple:
    """(None, the ast of text), or (why it does not parse, None)."""
    try:
        with warnings.catch_warnings():  # ("invalid escape sequence": the file's own, not the fix's)
            warnings.simplefilter("ignore")
            return None, ast.parse(text, type_comments=False)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        return getattr(exc, "msg", None) or str(exc) or type(exc).__name__, None


def _summary(src: source.SourceFile, tree: Optional[ast.Module]):
    """The index summary of the fixed text, from its ast when the pass parsed it already."""
    if tree is None:
        return index.summarise_source(src)
    try:
        return index.summarise(src.path, tree, KerasNames(tree, src.text), text=src.text)
    except (RecursionError, ValueError):
        return None


def _line_offsets(text: str) -> list:
    offsets, total = [0], 0
    for line in split_lines(text):
        total += len(line)
        offsets.append(total)
    return offsets


def _offset(offsets: list, position: tuple) -> int:
    line, column = position
    if line - 1 >= len(offsets):
        return offsets[-1]
    return min(offsets[line - 1] + column, offsets[-1])


def _overlaps(a: tuple, b: tuple) -> bool:
    # Two insertions at one point conflict too: their order would be arbitrary.
    return a[0] < b[1] and b[0] < a[1] or a[0] == a[1] == b[0] == b[1]


def _newline_of(text: str) -> str:
    for position, char in enumerate(text):
        if char == "\r":
            return "\r\n" if text[position + 1: position + 2] == "\n" else "\r"
        if char == "\n":
            return "\n"
    return "\n"
