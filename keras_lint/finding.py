"""The data every stage shares: a finding at a place in a file, and the fix a rule may attach to it."""

from __future__ import annotations

import ast
import dataclasses
import os
from typing import Optional


@dataclasses.dataclass(frozen=True)
class Edit:
    """Replace the text from `start` to `end` with `text`. Positions are (line, column): line from 1,
    column in characters from 0. An insertion has start == end. Write "\n" for new lines: the file's
    own line ending is used when the edit is applied."""

    start: tuple
    end: tuple
    text: str


@dataclasses.dataclass
class ImportEdit:
    """An Edit (same `start`, `end`, `text`) that adds `from module import name`, written by LibCST's
    own AddImportsVisitor run on the file's leading block `old` (its docstring and imports): merged
    into a `from module import ...` already there, else after the block's imports -- always above
    the code that will use it. Trimmed to the changed text. Computed on first use: libcst.codemod
    pulls in libcst.matchers (~0.7 s to import), and a run that only reports never applies it."""

    old: str
    module: str
    name: str
    latest_line: int  # it starts on this line or above (the line after the block): known without computing it
    first_party: tuple = ()  # the project's own top-level packages: a new line goes above their imports, as isort's

    def __post_init__(self):
        self._edit: Optional[Edit] = None

    @property
    def start(self) -> tuple:
        return self.edit().start

    @property
    def end(self) -> tuple:
        return self.edit().end

    @property
    def text(self) -> str:
        return self.edit().text

    def edit(self) -> Edit:
        if self._edit is None:
            old = self.old
            new = import_line_added(old, self.module, self.name)
            if new is None:
                new = import_added_by_libcst(old, self.module, self.name)
            if old and not old.endswith("\n"):  # a last line without its line break: the break stays there
                old += "\n"
            if not new.endswith("\n"):  # (LibCST ends an empty or unterminated module without one)
                new += "\n"
            new = _above_first_party(old, new, self.module, self.name, self.first_party)
            prefix = len(os.path.commonprefix([old, new]))
            suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
            self._edit = Edit(_position(old, prefix), _position(old, len(old) - suffix), new[prefix: len(new) - suffix])
        return self._edit


def import_added_by_libcst(old: str, module: str, name: str) -> str:
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, module, name)
    return AddImportsVisitor(context).transform_module(cst.parse_module(old)).code


def import_line_added(old: str, module: str, name: str) -> Optional[str]:
    """What LibCST's AddImportsVisitor makes of the leading block `old`, in the one case that needs
    no LibCST (importing libcst.codemod costs more than linting a large file): nothing imports from
    `module` yet, so `from module import name` goes on a line of its own after the block's last
    import, else after its docstring. None for anything else (the caller asks LibCST): a block
    with `;`, a line break other than "\n", a first statement that is not one plain string or an
    import, an import from `module` already (LibCST leaves relative imports alone: it has no package to resolve them by)."""
    if ";" in old or "\r" in old:
        return None
    try:
        body = ast.parse(old).body
    except (SyntaxError, ValueError):
        return None
    if not body:
        return None
    first = body[0]
    if isinstance(first, ast.Expr):
        if not (isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)) or not _one_string(
                old, first):
            return None
        imports = body[1:]
    else:
        imports = body
    for statement in imports:
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            return None
        if isinstance(statement, ast.ImportFrom) and not statement.level and statement.module == module:
            return None
    last = body[-1]
    cut = -1
    for _ in range(last.end_lineno or last.lineno):  # the end of the last statement's line
        cut = old.find("\n", cut + 1)
        if cut < 0:
            return old + f"\nfrom {module} import {name}\n"
    return old[: cut + 1] + f"from {module} import {name}\n" + old[cut + 1:]


def _one_string(old: str, statement: ast.Expr) -> bool:
    """Is the docstring one string literal (LibCST's SimpleString), not several written side by side?"""
    import io
    import tokenize

    segment = ast.get_source_segment(old, statement) or ""
    try:
        kinds = [t.type for t in tokenize.generate_tokens(io.StringIO(segment).readline)]
    except (tokenize.TokenError, SyntaxError):
        return False
    return kinds.count(tokenize.STRING) == 1 and not any(
        k not in (tokenize.STRING, tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT) for k in kinds)


def _above_first_party(old: str, new: str, module: str, name: str, first_party: tuple) -> str:
    """When LibCST added `from module import name` as a line of its own after the block's last
    import and that import is the project's own (first-party, or relative), the line goes after
    the last import of another package instead: with the third-party ones, as isort groups them."""
    line = f"from {module} import {name}\n"
    try:
        imports = [s for s in ast.parse(old).body if isinstance(s, (ast.Import, ast.ImportFrom))]
    except SyntaxError:
        return new
    if not imports or old.count("\n") + 1 != new.count("\n") or line not in new:
        return new

    def own(statement) -> bool:
        if isinstance(statement, ast.ImportFrom):
            return bool(statement.level) or (statement.module or "").split(".")[0] in first_party
        return any(alias.name.split(".")[0] in first_party for alias in statement.names)

    others = [s for s in imports if not own(s)]
    if not own(imports[-1]) or not others or new.replace(line, "", 1) != old:
        return new
    lines = old.splitlines(keepends=True)
    after = others[-1].end_lineno or others[-1].lineno
    return "".join(lines[:after]) + line + "".join(lines[after:])


def _position(text: str, offset: int) -> tuple:
    """(line from 1, column from 0) of an offset into text whose lines end in "\n"."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1)


@dataclasses.dataclass(frozen=True)
class Chain:
    """What lets fixes that each add a named definition before a statement (KL101's Lambda rewrite)
    apply together in one pass, as they would one per pass with the file linted again in between
    (fixes.py): the name numbered past the names taken before it, imports added once, definitions
    inserted at one point one after another. Edits are referred to by their index in Fix.edits."""

    name: str  # the name the fix gives its definition: free in the file as it was linted
    base: str  # the name it was numbered from: base, base2, base3, ...
    taken: frozenset  # the file's identifiers that start with `base`
    binds: frozenset  # the identifiers the fix adds to the file (`name` among them)
    spots: tuple  # (edit index, offset in its text) of each place `name` is written
    insertion: int  # the edit inserting the definition
    lead: int  # the length of that edit's text before the definition: imports that start on its line, blank lines
    lead_imports: tuple = ()  # those imports (ImportEdits)
    imports: tuple = ()  # indexes of the edits that only add imports


@dataclasses.dataclass(frozen=True)
class Fix:
    safety: str  # "safe": computes the same, and what failed now saves/loads; "unsafe": could change behaviour
    edits: tuple
    title: str = ""
    chain: Optional[Chain] = None


# What a finding means for the model (issue 22), as each rule declares it: "error", the save or the
# load fails; "warning", it works but a value silently changes (or the format is legacy);
# "security", loading can run code.
SEVERITIES = ("error", "warning", "security")

# How a finding shows it can be fixed (as ruff does): [*] by --fix, [~] only with --unsafe-fixes.
FIX_MARKS = {"safe": "[*] ", "unsafe": "[~] "}


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int  # 1-based
    col: int  # 1-based, in characters (what flake8 displays)
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0
    fix: Optional[Fix] = dataclasses.field(default=None, compare=False)
    target: str = dataclasses.field(default="", compare=False)  # the Keras it was judged at: "tf.keras 2.4–2.10"

    def __post_init__(self):
        # A finding is one line, whatever its message quotes (code over several lines, a string
        # literal holding a line break): `path:line:col: KLnnn message` must stay parseable.
        lines = self.message.splitlines()
        if len(lines) > 1:
            object.__setattr__(self, "message", " ".join(part.strip() for part in lines))

    def code_and_message(self) -> str:
        mark = FIX_MARKS[self.fix.safety] if self.fix else ""
        return f"{self.code} {mark}{self.message}"

    def as_text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code_and_message()}"
