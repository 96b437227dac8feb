"""Run the rules over one file.

Cost is the design constraint here: LibCST parses ~9x slower than Python's `ast`. So every file
gets the cheap `ast.parse` (it proves the file is Python and yields its imports), and LibCST sees
only the top-level statements the gate lets through -- each parsed on its own, its line numbers
shifted back into the file.
What LibCST sees is decided in gate.py. Where each node is comes from cst/positions.py, and the
rules are walked over the nodes by cst/walk.py: LibCST's PositionProvider and `visit_batched` do
the same, at several times the cost.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Optional

from .. import noqa, source
from ..cst import positions, walk
from ..cst.lazy import cst
from ..dependencies import judging
from ..finding import Finding
from ..index.modules import module_name
from ..index.project_index import ProjectIndex
from ..index.summarise import summarise
from ..keras_api import DEFAULT_REGISTRATION_PACKAGE
from ..names import KerasNames
from ..rules import ALL_RULES, CATALOG, known_prefix
from ..rules.base import FileContext, visitor_class
from ..settings import Settings
from .gate import StatementGate, cleared_by_index, might_matter, statement_spans


@dataclasses.dataclass
class FileResult:
    path: str
    findings: list
    errors: list = dataclasses.field(default_factory=list)  # internal errors: one line each
    fixed: int = 0  # with --fix / --diff: fixes applied
    diff: str = ""  # with --diff: what --fix would change
    fixed_text: Optional[str] = None  # with --fix on stdin: the fixed source
    fixed_codes: dict = dataclasses.field(default_factory=dict)  # with --fix / --diff: code -> findings fixed


def lint_path(path: str, settings: Settings, project: Optional[ProjectIndex] = None) -> FileResult:
    """Read, decode and lint one file. Never raises for anything the file contains."""
    try:
        src = source.read(path)
    except source.SourceError as exc:
        return FileResult(path, unparsable(path, settings, exc))
    except OSError as exc:
        return FileResult(path, [], [f"{path}: cannot read file: {exc.strerror or exc}"])
    return lint_source(src, settings, project=project)


def lint_source(
    src: source.SourceFile,
    settings: Settings,
    tree: Optional[ast.Module] = None,
    inline_noqa: bool = True,
    project: Optional[ProjectIndex] = None,
    gate: bool = True,
    names: Optional[KerasNames] = None,
) -> FileResult:
    """Lint decoded text. `tree` may be given when the caller already parsed it (flake8 does), and
    with it its `names` (KerasNames(tree, text)) when the caller already made them;
    without a `project` index the file is judged on its own (what flake8 and stdin can prove).
    `gate=False` hands every custom-object class to its rules (tests prove the gate changes nothing)."""
    try:
        rules = [
            rule
            for code, rule in ALL_RULES.items()
            if (rule.triggers or rule.looks_at_custom_objects) and settings.enabled(code, src.path)
        ]
        if tree is None and gate and project is not None and cleared_by_index(src, rules, project):
            return FileResult(src.path, _unused_noqa(src, settings, [], inline_noqa, project is None))
        if tree is None:
            tree = source.parse(src)
        if not might_matter(src.text, rules, judged_alone=project is None):
            return FileResult(src.path, _unused_noqa(src, settings, [], inline_noqa, project is None))
        lines = src.lines
        raw = _run_rules(src, tree, lines, rules, settings, project, gate, names)
        findings = noqa.filter_findings(raw, src.text, lines, inline=inline_noqa)
        findings += _unused_noqa(src, settings, raw, inline_noqa, project is None)
        return FileResult(src.path, sorted(set(findings)))
    except source.SourceError as exc:
        return FileResult(src.path, unparsable(src.path, settings, exc))
    except RecursionError:
        error = source.SourceError("cannot parse file: too deeply nested")
        return FileResult(src.path, unparsable(src.path, settings, error))
    except Exception as exc:  # a bug of ours: say where, keep going with the other files
        return FileResult(src.path, [], [f"{src.path}: internal error: {type(exc).__name__}: {exc}"])


def points_for(names: KerasNames, settings: Settings) -> tuple:
    """The points of the Keras range a file is judged at (dependencies/judging.py): the target
    given, else declared, read for how the file reaches Keras (names.keras_spelling)."""
    spelling, keras2_only = names.keras_spelling()
    facts = sorted({fact for code, rule in ALL_RULES.items() if settings.enabled(code) for fact in rule.versioned_facts})
    return judging.points(settings.target_keras or settings.declared_target, spelling, keras2_only, facts)


def _unused_noqa(src: source.SourceFile, settings: Settings, raw: list, inline_noqa: bool, alone: bool) -> list:
    """KL901 (issue 22), when selected: the `# noqa: KL...` codes that `raw`, every finding before
    noqa, leaves unused; they pass through noqa like any finding. A file judged `alone` (without its
    project) does not judge the codes of rules that need the project: they may be needed there."""
    if not settings.enabled("KL901", src.path) or "noqa" not in src.text.lower():
        return []
    lines = src.lines

    def enabled(prefix: str) -> bool:
        codes = [code for code in CATALOG if code.startswith(prefix) and settings.enabled(code, src.path)]
        if alone and any(getattr(CATALOG[code], "looks_at_custom_objects", False) or getattr(CATALOG[code], "needs_project", False) for code in codes):
            return False
        return bool(codes)

    unused = noqa.unused(raw, src.text, lines, src.path, enabled, known_prefix)
    return noqa.filter_findings(unused, src.text, lines, inline=inline_noqa)


def _run_rules(
    src: source.SourceFile,
    tree: ast.Module,
    lines: list,
    rules: list,
    settings: Settings,
    project: Optional[ProjectIndex],
    gate: bool = True,
    names: Optional[KerasNames] = None,
) -> list:
    """The findings of every point of the file's Keras range (dependencies/judging.py): a finding
    made at some points only says at which; one made at all of them is as the newest made it; one
    whose message differs between points says each message with the versions it holds for."""
    if names is None:
        names = KerasNames(tree, src.text)
    points = points_for(names, settings)
    if project is None:
        project = ProjectIndex([summarise(src.path, tree, names, text=src.text)], settings.register_decorators)
    if len(points) == 1:
        return [dataclasses.replace(f, target=points[0].label) for f in
                _run_rules_over([(points[0], rules)], src, tree, names, lines, rules, settings, project, gate)[0]]
    by_point: dict = {}  # (line, col, code) -> {point: finding}
    planned = _planned(points, rules)
    for line in dict.fromkeys(point.line for point, _, _ in planned):  # one LibCST parse per Keras line
        runs = [(point, due, covered) for point, due, covered in planned if point.line == line]
        results = _run_rules_over([(point, due) for point, due, _ in runs], src, tree, names, lines, rules, settings,
                                  project, gate)
        for (_, _, covered), found in zip(runs, results):
            for finding in found:
                # KL001 (a statement LibCST cannot parse) stands for every point
                for judged in points if finding.code == "KL001" else covered.get(finding.code, points):
                    by_point.setdefault((finding.line, finding.col, finding.code), {})[judged] = finding
    made = {key: sorted(found.items(), key=lambda item: points.index(item[0])) for key, found in by_point.items()}
    findings = []
    for found in made.values():
        point, finding = found[-1]
        label = judging.label_of([p for p, _ in found])
        by_message: dict = {}  # the versions that say each message, oldest first
        for p, f in found:
            by_message.setdefault(f.message, []).append(p)
        if len(by_message) > 1:  # the same finding, said differently where the versions differ
            message = "; ".join(f"on {judging.label_of(ps)}: {m}" for m, ps in by_message.items())
            finding = dataclasses.replace(finding, message=message)
        elif len(found) < len(points):
            finding = dataclasses.replace(finding, message=f"on {label}: {finding.message}")
        findings.append(dataclasses.replace(finding, target=label))
    return findings


def _runs(points: tuple, rules: list) -> list:
    """Each rule runs once per run of consecutive points of one Keras line on which the versioned
    facts it consults (Rule.versioned_facts) hold alike, at a point spanning that run (judged at its
    newest version): a rule consulting none runs once per line, not once per point. Returns
    [(point to run at, the rules due there, {code: the points each of their findings stands for})]."""
    runs: dict = {}  # (first, last) index of a run -> [rules]
    for rule in rules:
        def signature(point):
            return point.line, tuple(point.holds(fact) for fact in rule.versioned_facts)
        first = 0
        for index, point in enumerate(points):
            if index + 1 == len(points) or signature(points[index + 1]) != signature(point):
                runs.setdefault((first, index), []).append(rule)
                first = index + 1
    planned = []
    for (first, last), due in sorted(runs.items(), key=lambda item: (item[0][1], item[0][0])):
        span = points[first:last + 1]
        point = span[0] if len(span) == 1 else judging.JudgingPoint(span[0].line, tuple(v for p in span for v in p.versions))
        planned.append((point, due, {rule.code: span for rule in due}))
    return planned


_PLANNED: dict = {}  # (planner, points, rules) -> its plan: the same few for every file of a run


def _planned(points: tuple, rules: list) -> list:
    """_runs(points, rules), worked out once per process for each (points, rules)."""
    key = (_runs, points, tuple(rules))  # (the planner in the key: tests put another in its place)
    if key not in _PLANNED:
        _PLANNED[key] = _runs(points, rules)
    return _PLANNED[key]


def _run_rules_over(
    runs: list,
    src: source.SourceFile,
    tree: ast.Module,
    names: KerasNames,
    lines: list,
    rules: list,
    settings: Settings,
    project: ProjectIndex,
    gate: bool,
) -> list:
    """The findings of each (point, rules) of `runs` (points of one Keras line), in order: each
    statement is gated, parsed by LibCST and walked once, for the rules of every run (in the order
    of `rules`), each run's rules visiting it with that run's context; what a rule works out alike
    at every point it works out once per statement (Rule.once, `shared`). A statement LibCST
    cannot parse is one KL001, in the first run's findings."""
    module = module_name(src.path) if src.named else ""
    # `package=` of the registrations fixes add: the setting, else the top-level package, else (a
    # buffer with no module) register_keras_serializable's own default.
    package = settings.package or module.split(".")[0] or DEFAULT_REGISTRATION_PACKAGE
    results: list = [[] for _ in runs]
    shared: dict = {}  # Rule.once: what holds at every point, worked out once per statement
    contexts = [FileContext(src.path, names, point, project, found, tree=tree, lines=lines, package=package,
                            module=module, line_length=settings.line_length, shared=shared)
                for (point, _), found in zip(runs, results)]
    due = [set(run_rules) for _, run_rules in runs]
    union = [rule for rule in rules if any(rule in d for d in due)]
    visitors: list = [{} for _ in runs]  # per run: rule -> its visitor for this file, made when a statement first wants it
    statement_gate = StatementGate(union, contexts[-1], gate)
    for first, last, statements in statement_spans(tree):
        wanted, text, line_map = statement_gate.statement(first, last, statements)
        if not wanted:
            continue
        try:
            parsed = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            results[0].append(
                Finding(src.path, exc.raw_line + first - 1, exc.raw_column + 1, "KL001",
                        f"cannot parse statement with LibCST: {exc.message}")
            )
            continue
        # one walk for the rules of every run, each visitor with its run's context
        batch, contexts_now = [], []
        for context, mine, made in zip(contexts, due, visitors):
            mine_now = [rule for rule in union if rule in wanted and rule in mine]
            if not mine_now:
                continue
            context.line_offset = first - 1
            context.line_map = line_map
            for rule in mine_now:
                if rule not in made:
                    made[rule] = visitor_class(rule)(context)
            batch += [made[rule] for rule in mine_now]
            contexts_now.append(context)
        if not batch:
            continue
        before = [len(context.findings) for context in contexts_now]
        try:
            spans = positions.spans(parsed)
            for context in contexts_now:
                context.spans = spans
            walk.visit_batched(parsed, batch)
            shared.clear()  # (keyed by the ids of this statement's nodes)
        except RecursionError:  # LibCST recurses per nesting level (15,000 concatenated strings): this statement only
            # as when each run walked in turn, the first stopping the others: only the first run says so
            for context, count in zip(contexts_now[1:], before[1:]):
                del context.findings[count:]
            contexts_now[0].findings.append(Finding(src.path, first, 1, "KL001", "cannot check statement: too deeply nested for LibCST"))
            shared.clear()
    return results


def unparsable(path: str, settings: Settings, error: source.SourceError) -> list:
    if not settings.enabled("KL001", path):
        return []
    return [Finding(path, error.line, error.col, "KL001", str(error))]
