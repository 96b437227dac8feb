"""Which files to lint: the paths given, with folders walked for `*.py`.

Walking skips what is never project source (__pycache__, build, dist, node_modules, site-packages,
hidden folders such as .git, .tox, .eggs, .venv or .cache, any virtualenv -- a folder holding
`pyvenv.cfg`) and the configured `exclude` / `extend-exclude` globs. As in flake8,
`exclude`/`extend-exclude` also apply to files named on the command line (pre-commit names every
file); the built-in skips apply only while walking.
"""

from __future__ import annotations

import os
from typing import Callable, Iterator, Optional

from .settings import DEFAULT_EXCLUDE, Settings, matches_path


def discover(
    paths, settings: Settings, on_error: Callable[[str], None], on_warning: Optional[Callable[[str], None]] = None,
    on_folder: Optional[Callable[[str, list], None]] = None,
) -> Iterator[str]:
    """Yield files to lint, in a stable order; report each unusable path through `on_error` and go on.
    A file reached twice (`a.py ./a.py`, or named and inside a folder named) is yielded once, under
    the first spelling met. A link to nothing met while walking (an editor's lock file `.#name.py`)
    is skipped, told to `on_warning`; named on the command line, it is an error. `on_folder` is
    told each folder walked and the names of its entries, as read (the flake8 plugin's records)."""
    seen = set()
    for path in _discover(paths, settings, on_error, on_warning or (lambda message: None), on_folder):
        key = path if path == "-" else os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            yield path


def _discover(paths, settings: Settings, on_error: Callable[[str], None], on_warning: Callable[[str], None],
              on_folder=None) -> Iterator[str]:
    user_globs = tuple(p for p in settings.exclude if p not in DEFAULT_EXCLUDE) + settings.extend_exclude
    walk_globs = settings.exclude + settings.extend_exclude

    def excluded(path: str, globs, walking: bool = False) -> bool:
        return any(matches_path(path, glob, settings.root, walking) for glob in globs)

    for path in paths:
        if path == "-":
            yield path
        elif os.path.isdir(path):
            if not excluded(path, user_globs):  # a named folder: only the user's globs can exclude it
                yield from _walk(path, lambda p: excluded(p, walk_globs, walking=True), on_error, on_warning, on_folder)
        elif os.path.isfile(path):
            if not excluded(path, user_globs):
                yield path
        elif os.path.lexists(path):
            on_error(f"{path}: not a regular file or folder (a broken link?)")
        else:
            on_error(f"{path}: no such file or folder")


def _walk(
    top: str, excluded: Callable[[str], bool], on_error: Callable[[str], None], on_warning: Callable[[str], None],
    on_folder=None,
) -> Iterator[str]:
    def complain(exc: OSError) -> None:
        on_error(f"{os.path.normpath(exc.filename)}: cannot read folder: {exc.strerror}")  # as files are named

    for folder, subfolders, filenames in os.walk(top, onerror=complain):  # never follows folder links
        if on_folder is not None:
            on_folder(folder, subfolders + filenames)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and not excluded(os.path.join(folder, name))
            and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.normpath(os.path.join(folder, name))  # "./a.py" -> "a.py"
                if excluded(path):
                    continue
                exists = os.path.exists(path)
                if exists and not os.path.isfile(path):  # a FIFO: reading it would wait forever
                    on_error(f"{path}: not a regular file")
                elif not exists and (target := _dangling_link_target(path)) is not None:  # an editor's lock file
                    on_warning(f"{path}: skipped: a broken symbolic link (to {target})")
                else:  # a looping link: reading it says why
                    yield path


def _dangling_link_target(path: str) -> Optional[str]:
    """What a symbolic link (or a chain of them) whose end does not exist points to; None for
    anything else, a link loop included."""
    try:
        os.stat(path)
    except FileNotFoundError:
        try:
            return os.readlink(path)
        except OSError:  # not a link (or gone meanwhile)
            return None
    except OSError:
        return None
    return None
