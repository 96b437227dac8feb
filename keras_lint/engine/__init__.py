"""Run the rules over one file: `run.py` reads and lints it, `gate.py` decides what LibCST sees."""

from .run import FileResult, lint_path, lint_source, points_for, unparsable

__all__ = ["FileResult", "lint_path", "lint_source", "points_for", "unparsable"]
