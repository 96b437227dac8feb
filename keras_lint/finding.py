"""The data every stage shares: a finding at a place in a file, and the fix a rule may attach to it."""

from __future__ import annotations

import dataclasses
from typing import Optional


@dataclasses.dataclass(frozen=True)
class Edit:
    """Replace the text from `start` to `end` with `text`. Positions are (line, column): line from 1,
    column in characters from 0. An insertion has start == end. Write "\n" for new lines: the file's
    own line ending is used when the edit is applied."""

    start: tuple
    end: tuple
    text: str


@dataclasses.dataclass(frozen=True)
class Fix:
    safety: str  # "safe": computes the same, and what failed now saves/loads; "unsafe": could change behaviour
    edits: tuple
    title: str = ""


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

    def code_and_message(self) -> str:
        mark = FIX_MARKS[self.fix.safety] if self.fix else ""
        return f"{self.code} {mark}{self.message}"

    def as_text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code_and_message()}"
