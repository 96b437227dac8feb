"""Which files at a project root can declare the Keras it runs, and whether any of them is worth
reading: without `packaging` (about 50 ms of imports), which most projects -- whose files never
name TensorFlow or Keras -- then never load. files.py reads what these name."""

from __future__ import annotations

import os
import re

REQUIREMENT_FILE = re.compile(r"(requirements.*\.(txt|in)|constraints.*\.txt)$", re.I)
ENVIRONMENT_FILE = re.compile(r"environment.*\.ya?ml")
MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "tox.ini")
SWITCH_FILES = (".env", ".envrc", "tox.ini", "pytest.ini", "pyproject.toml", "setup.cfg", "Dockerfile",
                ".gitlab-ci.yml")
REQUIREMENTS_FOLDER = "requirements"
WORKFLOWS_FOLDER = os.path.join(".github", "workflows")
# What makes a file worth reading: a name of TensorFlow or Keras (not our own [tool.keras-lint]), the
# legacy switch, or a requirements file's `-r`/`-c` include (which may name them elsewhere).
_KERAS_WORDS = re.compile(rb"tensorflow|tf[-_]nightly|TF_USE_LEGACY_KERAS|keras(?![-_]lint)|^\s*-[rc]\s", re.I | re.M)


def source_paths(root: str) -> list:
    """Every file at `root` the readers of files.py may read (includes aside)."""
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    found = [
        name for name in names
        if REQUIREMENT_FILE.match(name) or ENVIRONMENT_FILE.fullmatch(name) or name in MANIFESTS or name in SWITCH_FILES
    ]
    for folder, suffixes in ((REQUIREMENTS_FOLDER, (".txt", ".in")), (WORKFLOWS_FOLDER, (".yml", ".yaml"))):
        try:
            found += [os.path.join(folder, n) for n in sorted(os.listdir(os.path.join(root, folder))) if n.endswith(suffixes)]
        except OSError:
            pass
    return [os.path.join(root, name) for name in found]


def may_declare_keras(root: str) -> bool:
    """Could the project at `root` declare which Keras it runs? False: reading would find nothing."""
    for path in source_paths(root):
        try:
            with open(path, "rb") as handle:
                if _KERAS_WORDS.search(handle.read(2_000_000)):
                    return True
        except OSError:
            continue
    return False
