"""`cst`: LibCST, loaded the first time one of its names is read.

Importing LibCST costs ~0.4 s, most of what `keras-lint one_file.py` takes, and a run whose files
hold nothing for LibCST (a warm cache, a file no rule's trigger or gate lets through) never needs
it. So every module of ours writes `from ..cst.lazy import cst` and reads `cst.X` inside
functions; module-level code (class bases, annotations evaluated at import) must not touch it.
"""

from __future__ import annotations

import importlib.util
import sys


def _on_first_use(name: str):
    """The module `name`, executed on first attribute access (importlib's own LazyLoader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


cst = _on_first_use("libcst")
