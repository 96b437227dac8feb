"""The one data type every stage shares: a finding at a place in a file."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int  # 1-based
    col: int  # 1-based, in characters (what flake8 displays)
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0

    def as_text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
