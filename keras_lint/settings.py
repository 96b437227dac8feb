"""What a run is asked to do: which rules, for which files, against which Keras.

Plain data; `config.py` fills it from files and the command line, the engine reads it.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from typing import Optional

DEFAULT_EXCLUDE = (".git", "__pycache__", "build", "dist", ".tox", ".eggs", "node_modules", ".venv", "venv", "site-packages")

# Codes that run only when selected by a prefix of their own (as ruff's preview rules): KL901, the
# unused `# noqa` check (noqa.py), which is about the comments, not about the model.
OFF_BY_DEFAULT = ("KL901",)


@dataclasses.dataclass
class Settings:
    select: tuple = ("KL",)
    extend_select: tuple = ()
    ignore: tuple = ()
    per_file_ignores: tuple = ()  # ((glob, (code prefixes...)), ...)
    exclude: tuple = DEFAULT_EXCLUDE
    extend_exclude: tuple = ()
    # The Keras to judge against: given (--target-keras, `target-keras`), else what the project's
    # dependency files declare (api.declared_keras), else nothing (None: the newest Keras 3, or the
    # newest tf_keras for a file that spells Keras 2). Both are dependencies.KerasTarget values.
    target_keras: Optional[object] = None
    declared_target: Optional[object] = None
    register_decorators: tuple = ()  # project decorators that register what they decorate (KL201)
    package: Optional[str] = None  # `package=` of the registrations fixes add; default: top-level package
    root: str = "."  # folder relative paths in per-file-ignores and excludes are matched against
    # -- issue 22: severity selection and rules off by default --
    severity: tuple = ()  # the severities to report ("error", "warning", "security"); empty: all
    skipped_codes: frozenset = frozenset()  # codes whose severity is not chosen (api.make_settings fills it)
    line_length: int = 88  # of the code fixes write: the project's black/ruff line-length (config.formatter_line_length)

    def enabled(self, code: str, path: Optional[str] = None) -> bool:
        """Ruff's rule: the most specific matching prefix decides; on a tie, ignore wins. A code off by
        default (OFF_BY_DEFAULT) needs a prefix of its own (`KL9`, `KL901`): `KL` or `ALL` is not one."""
        if code in self.skipped_codes:
            return False
        chosen = _longest_prefix(code, self.select + self.extend_select)
        if code in OFF_BY_DEFAULT and chosen <= len("KL") + 1:
            return False
        ignored = _longest_prefix(code, self.ignore + self._file_ignores(path))
        return chosen > ignored

    def _file_ignores(self, path: Optional[str]) -> tuple:
        if not path or not self.per_file_ignores:
            return ()
        codes: tuple = ()
        for pattern, prefixes in self.per_file_ignores:
            if matches_path(path, pattern, self.root):
                codes += tuple(prefixes)
        return codes


def _longest_prefix(code: str, prefixes) -> int:
    best = 0
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 1)
        elif code.startswith(prefix):
            best = max(best, len(prefix) + 1)
    return best


def matches_path(path: str, pattern: str, root: str = ".", walking: bool = False) -> bool:
    """flake8/ruff-style path globs: a bare name matches any path component or the basename (while
    walking, the basename only: the folders above were judged on the way down, or named by the
    user), a pattern with a slash matches the path relative to the config's folder."""
    norm = os.path.normpath(path)
    pattern = pattern.rstrip("/")
    if "/" not in pattern and walking:  # checked for every folder and file walked: keep it cheap
        return fnmatch.fnmatchcase(os.path.basename(norm), pattern)
    try:
        relative = os.path.relpath(os.path.abspath(norm), os.path.abspath(root))
    except ValueError:  # another drive on Windows
        relative = norm
    relative = relative.replace(os.sep, "/")
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in relative.split("/")) or fnmatch.fnmatchcase(
            os.path.basename(norm), pattern
        )
    return fnmatch.fnmatchcase(relative, pattern.lstrip("./")) or fnmatch.fnmatchcase(relative, pattern + "/*")
