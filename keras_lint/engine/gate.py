"""The gate: what of a file LibCST parses and which rules see it. LibCST parses ~9x slower than
`ast`, so every question here is answered from the text, the `ast` and the project index, cheapest
first; each may let too much through, never too little (tests/test_engine_gate.py lints every
fixture and rule example with and without the gate and compares):

1. `might_matter`: a file judged without its project (unnamed stdin, flake8 in a project over its
   bound) whose text never spells Keras, or any file with no enabled rule's trigger word and no
   `class`, is not looked at any further.
2. `cleared_by_index` (CLI): no enabled rule's trigger word is in the text and the index clears
   every custom-object class of the file (`Rule.might_report`): the file is not parsed again.
3. Per top-level statement (`StatementGate.statement`), a rule runs on it when
   - its text holds one of the rule's `triggers`, or a local alias of one (`Lambda as Lam`), and
     `Rule.might_report_statement` on its `ast` does not rule it out; or
   - it holds a custom-object class the index does not clear for the rule (`looks_at_custom_objects`).
   Statements no rule wants never reach LibCST.
4. Of a class, LibCST sees only the methods some wanted rule reads (`Rule.reads_methods`, or whose
   text holds a trigger): the others' bodies become `pass`, every line and column kept in place.
"""

from __future__ import annotations

import ast
import os
from typing import Optional

from .. import source
from ..index.project_index import ProjectIndex


class StatementGate:
    """For one file: which rules each top-level statement goes to, and the text LibCST parses.
    `gate=False` lets every rule see every statement with a trigger and every custom-object class
    (what the tests compare the gate against)."""

    def __init__(self, rules: list, context, gate: bool = True):
        self.rules = rules
        self.context = context
        self.gate = gate
        names, project = context.names, context.project
        # A statement may spell a trigger through a local alias (`from keras.layers import Lambda as Lam`).
        self.triggers = {rule: tuple(rule.triggers) + tuple(names.aliases_of(rule.triggers)) for rule in rules}
        # Custom-object classes of this file, each with the rules the index cannot clear of it.
        self.suspects = [
            (info.line, [rule for rule in rules if rule.looks_at_custom_objects and (not gate or rule.might_report(info, project))])
            for info in project.classes_in(context.path)
            if project.keras_kind(info) is not None
        ]

    def statement(self, first: int, last: int, statements: list) -> tuple:
        """(the rules that want the statement, the text LibCST parses, the file line of each of its
        lines or None when they are the file's lines from `first` on)."""
        lines = self.context.lines
        text = "".join(lines[first - 1: last])
        suspected = {rule for line, suspecting in self.suspects if first <= line <= last for rule in suspecting}
        wanted = [
            rule
            for rule in self.rules
            if rule in suspected
            or (
                any(t in text for t in self.triggers[rule])
                and (not self.gate or any(rule.might_report_statement(stmt, self.context) for stmt in statements))
            )
        ]
        line_map = None
        if wanted and self.gate and len(statements) == 1 and isinstance(statements[0], ast.ClassDef):
            text, line_map = _blank_unread_methods(statements[0], lines, first, wanted, suspected, self.triggers) or (text, None)
        return wanted, text, line_map


def might_matter(text: str, rules: list, judged_alone: bool) -> bool:
    """Could any enabled rule report in this text at all? Judged without its project, a file that
    never spells Keras cannot be proved to use it."""
    if judged_alone and not source.may_use_keras(text):
        return False
    return any(t in text for rule in rules for t in rule.triggers) or (
        "class" in text and any(rule.looks_at_custom_objects for rule in rules)
    )


def cleared_by_index(src: source.SourceFile, rules: list, project: ProjectIndex) -> bool:
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




def statement_spans(tree: ast.Module):
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
