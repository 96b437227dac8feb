"""Run the rules over one file.

Cost is the design constraint here: LibCST parses ~9x slower than Python's `ast`. So every file
gets the cheap `ast.parse` (it proves the file is Python and yields its imports), and LibCST sees
only the top-level statements whose text contains a trigger of some enabled rule -- each parsed on
its own, its line numbers shifted back into the file. Most statements of most files never reach
LibCST.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper

from . import noqa, source
from .finding import Finding
from .names import KerasNames
from .project import ProjectIndex, module_name, summarise
from .rules import ALL_RULES
from .rules.base import FileContext
from .settings import Settings


@dataclasses.dataclass
class FileResult:
    path: str
    findings: list
    errors: list = dataclasses.field(default_factory=list)  # internal errors: one line each
    fixed: int = 0  # with --fix / --diff: fixes applied
    diff: str = ""  # with --diff: what --fix would change
    fixed_text: Optional[str] = None  # with --fix on stdin: the fixed source


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
) -> FileResult:
    """Lint decoded text. `tree` may be given when the caller already parsed it (flake8 does);
    without a `project` index the file is judged on its own (what flake8 and stdin can prove).
    `gate=False` hands every custom-object class to its rules (tests prove the gate changes nothing)."""
    try:
        rules = [
            rule
            for code, rule in ALL_RULES.items()
            if (rule.triggers or rule.looks_at_custom_objects) and settings.enabled(code, src.path)
        ]
        if tree is None:
            tree = source.parse(src)
        if project is None and "keras" not in src.text and "tensorflow" not in src.text:
            # Judged alone (flake8, stdin), a file that never spells "keras" or "tensorflow" cannot
            # import Keras (every import path of it does): nothing to do, whatever else it holds.
            return FileResult(src.path, [])
        might_matter = any(t in src.text for rule in rules for t in rule.triggers) or (
            "class" in src.text and any(rule.looks_at_custom_objects for rule in rules)
        )
        if not might_matter:
            return FileResult(src.path, [])
        lines = src.lines
        findings = _run_rules(src, tree, lines, rules, settings, project, gate)
        findings = noqa.filter_findings(findings, src.text, lines, inline=inline_noqa)
        return FileResult(src.path, sorted(set(findings)))
    except source.SourceError as exc:
        return FileResult(src.path, unparsable(src.path, settings, exc))
    except RecursionError:
        error = source.SourceError("cannot parse file: too deeply nested")
        return FileResult(src.path, unparsable(src.path, settings, error))
    except Exception as exc:  # a bug of ours: say where, keep going with the other files
        return FileResult(src.path, [], [f"{src.path}: internal error: {type(exc).__name__}: {exc}"])


def _run_rules(
    src: source.SourceFile,
    tree: ast.Module,
    lines: list,
    rules: list,
    settings: Settings,
    project: Optional[ProjectIndex],
    gate: bool = True,
) -> list:
    names = KerasNames(tree, src.text)
    major = settings.target_keras or (2 if names.looks_like_keras2() else 3)
    if project is None:
        project = ProjectIndex([summarise(src.path, tree, names)], settings.register_decorators)
    findings: list = []
    module = module_name(src.path)
    package = settings.package or module.split(".")[0]
    context = FileContext(src.path, names, major, project, findings, tree=tree, lines=lines, package=package, module=module)
    visitors = [rule(context) for rule in rules]
    # A statement may spell a trigger through a local alias (`from keras.layers import Lambda as Lam`).
    triggers = {rule: tuple(rule.triggers) + tuple(names.aliases_of(rule.triggers)) for rule in rules}
    # Custom-object classes of this file, each with the rules the index cannot clear of it.
    suspects = [
        (info.line, [rule for rule in rules if rule.looks_at_custom_objects and (not gate or rule.might_report(info, project))])
        for info in project.classes_in(src.path)
        if project.keras_kind(info) is not None
    ]
    for first, last, statements in _statement_spans(tree):
        text = "".join(lines[first - 1: last])
        suspected = {rule for line, suspecting in suspects if first <= line <= last for rule in suspecting}
        wanted = [
            rule
            for rule in rules
            if rule in suspected
            or (
                any(t in text for t in triggers[rule])
                and (not gate or any(rule.might_report_statement(stmt, context) for stmt in statements))
            )
        ]
        if not wanted:
            continue
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            findings.append(
                Finding(src.path, exc.raw_line + first - 1, exc.raw_column + 1, "KL001",
                        f"cannot parse statement with LibCST: {exc.message}")
            )
            continue
        context.line_offset = first - 1
        MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([v for v in visitors if type(v) in wanted])
    return findings


def _statement_spans(tree: ast.Module):
    """(first, last, statements) of each top-level statement, decorators included; statements that
    share a line (`a = 1; b = 2`) are merged so that every span starts at the beginning of a line."""
    spans: list = []
    for stmt in tree.body:
        first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])
        last = stmt.end_lineno or stmt.lineno
        if spans and first <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(last, spans[-1][1]), spans[-1][2] + [stmt])
        else:
            spans.append((first, last, [stmt]))
    return spans


def summarise_path(path: str) -> Optional[object]:
    """The project-index summary of one file, or None when it cannot be read or parsed."""
    try:
        src = source.read(path)
        tree = source.parse(src)
        return summarise(path, tree, KerasNames(tree, src.text))
    except (source.SourceError, OSError, RecursionError, ValueError):
        return None


def unparsable(path: str, settings: Settings, error: source.SourceError) -> list:
    if not settings.enabled("KL001", path):
        return []
    return [Finding(path, error.line, error.col, "KL001", str(error))]

