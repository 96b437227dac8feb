"""Where a project starts, which of its files settings are read from, and where keras-lint keeps what
it remembers there. Standard library only:
the flake8 plugin's record lookup (editor_cache) asks this before anything heavier is imported."""

from __future__ import annotations

import os

FOLDER = ".keras_lint_cache"  # the cache folder at the project root (cache.py, editor_cache.py)
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")
# Where keras-lint's own settings are read, in that order in a folder (config.py).
CONFIG_FILES = ("pyproject.toml", "setup.cfg", "tox.ini")
# Where the line length ruff or black use is read, in that order in a folder (config.formatter_line_length),
# with the tables that may set it.
FORMATTER_FILES = {"ruff.toml": ((),), ".ruff.toml": ((),), "pyproject.toml": (("tool", "ruff"), ("tool", "black"))}


def is_marked_root(folder: str) -> bool:
    return any(os.path.exists(os.path.join(folder, marker)) for marker in PROJECT_MARKERS)


def project_root(path: str) -> str:
    """The folder the project is indexed from: the nearest one at or above `path` holding
    pyproject.toml, setup.cfg or .git; the path's own folder when there is none."""
    start = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    folder = start
    while True:
        if is_marked_root(folder):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent
