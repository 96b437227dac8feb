"""Run the rules over one file.

Cost is the design constraint here: LibCST parses ~9x slower than Python's `ast`. So every file
gets the cheap `ast.parse` (it proves the file is Python and yields its imports), and LibCST sees
only the top-level statements whose text contains a trigger of some enabled rule -- each parsed on
its own, its line numbers shifted back into the file. Most statements of most files never reach
LibCST. Of a class, LibCST sees only the methods some rule reads: the bodies of the others are
blanked (`pass` and empty lines), so every line and column it reports stays where it was.
Where each node is comes from rules/positions.py, and the rules are walked over the nodes by
rules/walk.py: LibCST's PositionProvider and `visit_batched` do the same, at several times the cost.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from typing import Optional

from .. import noqa, source
from ..cst import positions, walk
from ..cst.lazy import cst
from ..finding import Finding
from ..index.modules import module_name
from ..index.project_index import ProjectIndex
from ..index.summarise import summarise
from ..names import KerasNames
from ..rules import ALL_RULES
from ..rules.base import FileContext, visitor_class
from ..settings import Settings


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
        if tree is None and gate and project is not None and _cleared_by_index(src, rules, project):
            return FileResult(src.path, [])
        if tree is None:
            tree = source.parse(src)
        if project is None and not source.may_use_keras(src.text):
            return FileResult(src.path, [])  # judged alone (flake8, stdin): nothing to do
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


def _cleared_by_index(src: source.SourceFile, rules: list, project: ProjectIndex) -> bool:
    """True when the project index (which parsed this file already) proves no rule can report in it:
    no enabled rule's trigger word appears in its text (an alias is imported by that word too), and
    the index clears each of its custom-object classes for each rule. Most files of a project are
    such files; they need not be parsed a second time."""
    if os.path.abspath(src.path) not in project.paths:
        return False
    if any(word in src.text for rule in rules for word in rule.triggers):
        return False
    class_rules = [rule for rule in rules if rule.looks_at_custom_objects]
    return not any(
        rule.might_report(info, project)
        for info in project.classes_in(src.path)
        if project.keras_kind(info) is not None
        for rule in class_rules
    )


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
    major = settings.target_keras or (2 if names.looks_like_keras2(settings.tf_keras_project) else 3)
    if project is None:
        project = ProjectIndex([summarise(src.path, tree, names, text=src.text)], settings.register_decorators)
    findings: list = []
    module = module_name(src.path)
    package = settings.package or module.split(".")[0]
    context = FileContext(src.path, names, major, project, findings, tree=tree, lines=lines, package=package, module=module)
    visitors: dict = {}  # rule -> its visitor for this file, made when a statement first wants it
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
        line_map = None
        if gate and len(statements) == 1 and isinstance(statements[0], ast.ClassDef):
            text, line_map = _blank_unread_methods(statements[0], lines, first, wanted, suspected, triggers) or (text, None)
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            findings.append(
                Finding(src.path, exc.raw_line + first - 1, exc.raw_column + 1, "KL001",
                        f"cannot parse statement with LibCST: {exc.message}")
            )
            continue
        context.line_offset = first - 1
        context.line_map = line_map
        try:
            for rule in wanted:
                if rule not in visitors:
                    visitors[rule] = visitor_class(rule)(context)
            context.spans = positions.spans(module)
            walk.visit_batched(module, [visitors[rule] for rule in rules if rule in wanted])
        except RecursionError:  # LibCST recurses per nesting level (15,000 concatenated strings): this statement only
            findings.append(Finding(src.path, first, 1, "KL001", "cannot check statement: too deeply nested for LibCST"))
    return findings


def _blank_unread_methods(
    node: ast.ClassDef, lines: list, first: int, wanted: list, suspected: set, triggers: dict
) -> Optional[tuple]:
    """(the class's text with the body of every method no wanted rule reads replaced by one `pass`
    line, the file line of each line of that text); None when every method is read. A rule judging
    the class reads its `reads_methods`; a rule run for its triggers reads the methods whose text
    holds one. (Blank lines kept in place of a body cost LibCST as much as code: they are dropped.)"""
    read: set = set()
    for rule in wanted:
        if rule in suspected:
            if rule.reads_methods is None:
                return None
            read |= rule.reads_methods
    words = tuple(word for rule in wanted if rule.triggers for word in triggers[rule])
    text = lines[first - 1: node.end_lineno]
    dropped: set = set()
    for method in node.body[:-1]:  # the last statement ends the class: a finding on the class spans to it
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method.name in read:
            continue
        body_first = min([method.body[0].lineno] + [d.lineno for d in getattr(method.body[0], "decorator_list", ())])
        opening = lines[body_first - 1]
        if body_first <= method.lineno or opening[: method.body[0].col_offset].strip():
            continue  # the body shares a line with the signature: leave it whole
        start = min([method.lineno] + [d.lineno for d in method.decorator_list])
        if any(word in line for word in words for line in lines[start - 1: method.end_lineno]):
            continue
        indent = opening[: len(opening) - len(opening.lstrip(" \t"))]
        text[body_first - first] = indent + "pass" + opening[len(opening.rstrip("\r\n")):]
        dropped.update(range(body_first + 1, method.end_lineno + 1))
    if not dropped:
        return None
    kept = [number for number in range(first, node.end_lineno + 1) if number not in dropped]
    return "".join(text[number - first] for number in kept), kept


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


def unparsable(path: str, settings: Settings, error: source.SourceError) -> list:
    if not settings.enabled("KL001", path):
        return []
    return [Finding(path, error.line, error.col, "KL001", str(error))]
