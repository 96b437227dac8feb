"""What every rule is: a LibCST visitor that carries its own code, documentation and examples.

As in Fixit, a rule's VALID and INVALID examples double as its tests (tests/test_rule_examples.py)
and are written as indented triple-quoted blocks (see `example_text`), and as in ruff, its
docstring has fixed sections that `keras-lint --explain` prints.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import os
import textwrap
from typing import ClassVar, Optional

from ..cst.lazy import cst
from ..cst.nodes import with_libcst_base
from ..dependencies.judging import JudgingPoint
from ..finding import Edit, Finding, Fix
from ..index.model import ClassInfo
from ..index.modules import qualify
from ..index.project_index import ProjectIndex
from ..names import KerasNames

_VISITOR_METHODS: dict = {}  # rule class -> names of its visit_*/leave_* methods

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety")


def example_text(text: str) -> str:
    """An example's code as a rule writes it. A text that starts with a newline is a block -- a
    triple-quoted string opened at the end of a line, its lines indented with the code around it --
    and is read without that newline, dedented (as in Fixit); any other text is the code as it is."""
    return textwrap.dedent(text[1:]) if text.startswith("\n") else text


@dataclasses.dataclass
class Invalid:
    """An example a rule must report: `code` and the 1-based line/column of the finding. `fixed`:
    the whole text after `--fix` (with `--unsafe-fixes` when the fix is unsafe); None: no fix."""

    code: str
    line: int = 1
    col: int = 1
    message_contains: str = ""
    fixed: Optional[str] = None

    def __post_init__(self):
        self.code = example_text(self.code)
        if self.fixed is not None:
            self.fixed = example_text(self.fixed)


@dataclasses.dataclass
class FileContext:
    """What rules know about the file being linted."""

    path: str
    names: KerasNames
    keras: JudgingPoint  # the Keras line and versions the file is judged at (the engine may run several)
    project: ProjectIndex  # the whole project under the CLI; only this file under flake8
    findings: list = dataclasses.field(default_factory=list)
    line_offset: int = 0  # the engine parses one statement at a time; this maps its lines to the file's
    line_map: Optional[list] = None  # ... or this, the file line of each line, when method bodies were dropped
    spans: dict = dataclasses.field(default_factory=dict)  # id(node) -> its span in that statement (cst/positions.py)
    tree: Optional[ast.Module] = None  # the whole file, for fixes that add imports
    lines: list = dataclasses.field(default_factory=list)  # the file's lines, for fixes that match indentation
    package: Optional[str] = None  # `package` for registration fixes (config), else derived from the path
    module: str = ""  # the file's dotted module name, for project-absolute names
    line_length: int = 88  # of the code fixes write (Settings.line_length)
    # What rules work out about the statement being walked that holds at every point of the range
    # (Rule.once): one dict for the contexts of all the file's points, emptied after each statement.
    shared: dict = dataclasses.field(default_factory=dict)

    @property
    def keras_major(self) -> int:
        """2 or 3: the Keras the file is judged against at this point."""
        return self.keras.major


class Rule:
    """A rule's class holds what the engine asks before LibCST is loaded (code, triggers, gates);
    the engine runs it as a LibCST visitor through `visitor_class`, which adds LibCST's
    BatchableCSTVisitor to it (so that importing the rules does not load LibCST)."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""  # kebab-case, names the bad pattern
    summary: ClassVar[str] = ""  # one line, for --list-rules and the README table
    severity: ClassVar[str] = ""  # one of finding.SEVERITIES; every rule declares its own
    help: ClassVar[str] = ""  # what to do, one short line: the `help:` line of `--output-format full`
    # Text a statement must contain for the rule to look at it at all: the engine parses only the
    # statements some enabled rule's trigger appears in. Empty: the rule never runs on statements.
    triggers: ClassVar[tuple] = ()
    # True: the rule also looks at every class the project index proves to be a Keras custom object.
    looks_at_custom_objects: ClassVar[bool] = False
    # The methods of a custom-object class the rule reads when it judges the class; None: all of them.
    # The engine blanks the bodies of the class's other methods before LibCST parses it (a rule that
    # runs on a statement for its triggers sees the methods whose text holds a trigger).
    reads_methods: ClassVar[Optional[frozenset]] = None
    # True: the rule asks the project index about other files (the CLI builds it only for such rules).
    needs_project: ClassVar[bool] = False
    fix: ClassVar[Optional[str]] = None  # None, "safe" or "unsafe"
    # The keras_api.VERSIONED_FACTS the rule asks `context.keras.holds(...)`: a file whose Keras
    # range spans a change of one of them is judged on each side of it (dependencies/judging.py).
    versioned_facts: ClassVar[tuple] = ()
    VALID: ClassVar[list] = []
    INVALID: ClassVar[list] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "VALID" in cls.__dict__:
            cls.VALID = [example_text(text) for text in cls.VALID]

    def __init__(self, context: FileContext):
        super().__init__()
        self.context = context

    def get_visitors(self) -> dict:
        # LibCST finds a visitor's methods with inspect.getmembers on every traversal; once per class is enough.
        names = _VISITOR_METHODS.get(type(self))
        if names is None:
            names = _VISITOR_METHODS[type(self)] = tuple(super().get_visitors())
        return {name: getattr(self, name) for name in names}

    def once(self, node: cst.CSTNode, what: str, compute):
        """`compute()`, worked out once for `node` of the statement being walked whatever the point
        (issue 18's cost: over a range the rule runs once per run of points, on the same nodes): for
        what does not depend on the point's facts (nor reports: only one point's visitor computes
        it). Keyed by the rule, `what`, the node and the Keras line (messages name it);
        tests/test_engine_gate.py checks every fixture against running without it."""
        key = (self.code, what, id(node), self.context.keras.line)
        found = self.context.shared.get(key)
        if found is None:
            found = self.context.shared[key] = (compute(),)
        return found[0]

    @classmethod
    def might_report(cls, info: ClassInfo, project: ProjectIndex) -> bool:
        """For rules that look at custom objects: a cheap necessary condition, read off the index
        alone. False proves the rule has nothing to say about the class, so the engine need not hand
        its statement to LibCST (most classes of a well-kept project are fine: this is where the
        time goes). It may say True too often, never False too often (tests/test_engine_gate.py)."""
        return True

    @classmethod
    def might_report_statement(cls, statement: ast.stmt, context: "FileContext") -> bool:
        """For rules with triggers: a cheap necessary condition on a top-level statement whose text
        holds a trigger, read off its `ast` (and the index). False: the engine does not run the rule
        on it. Same contract as `might_report`."""
        return True

    @property
    def names(self) -> KerasNames:
        return self.context.names

    def line_of(self, node: cst.CSTNode) -> int:
        """The file line a node starts on (for asking `names` what a name means there)."""
        return self.file_line(self.context.spans[id(node)][0][0])

    def file_line(self, line: int) -> int:
        """The file line of a line of the statement LibCST parsed."""
        return self.context.line_map[line - 1] if self.context.line_map else line + self.context.line_offset

    def qualified(self, dotted_text: Optional[str], line: int) -> Optional[str]:
        """Project-absolute qualified name (`pkg.mod.Name`), as the project index names things."""
        return qualify(self.names, self.context.module, self.context.path.endswith("__init__.py"), dotted_text, line)

    def custom_object(self, node: cst.ClassDef) -> Optional[ClassInfo]:
        """The index's summary of a class, if it is provably a Keras custom object."""
        info = self.context.project.class_at(self.context.path, self.line_of(node))
        if info is None or self.context.project.keras_kind(info) is None:
            return None
        return info

    def report(self, node: cst.CSTNode, message: str, fix: Optional[Fix] = None) -> None:
        start, end = self.span(node)
        self.context.findings.append(
            Finding(self.context.path, start[0], start[1] + 1, self.code, message, end[0], end[1] + 1, fix)
        )

    def place(self, path: str, line: int = 0) -> str:
        """Where another site of the project is, as a message says it: "line 12 of this file" (or
        "this file" without a line), else "`train.py:30`" relative to the working folder."""
        if os.path.abspath(path) == os.path.abspath(self.context.path):
            return f"line {line} of this file" if line else "this file"
        return f"`{os.path.relpath(path)}{f':{line}' if line else ''}`"

    def span(self, node: cst.CSTNode) -> tuple:
        """((line, column), (line, column)) of a node in the file, columns from 0."""
        (start_line, start_column), (end_line, end_column) = self.context.spans[id(node)]
        return (self.file_line(start_line), start_column), (self.file_line(end_line), end_column)

    def replace(self, node: cst.CSTNode, code: str) -> Edit:
        start, end = self.span(node)
        return Edit(start, end, code)

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


def visitor_class(rule: type) -> type:
    """The rule as a LibCST batchable visitor (positions come from the context, not from LibCST's
    metadata: see cst/positions.py)."""
    return with_libcst_base(rule, "BatchableCSTVisitor")
