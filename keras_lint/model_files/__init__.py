"""Preflight of saved model files (issue 23): read a `.keras`, `.h5` or SavedModel without Keras
(`read.py`), walk every object its config references (`walk.py`, `bytecode.py`), and predict what
`load_model` will do under the Keras that will load it (`judge.py`, `target.py`), as the project's
`load_model` calls load it (`loaders.py`), as KL6nn checks (`catalog.py`). The files are read,
never extracted, imported or unmarshalled.

    loader = resolve_loader(project_root)
    for verdict in check_model_file("models/best.keras", loader, project_index): ...

Only the catalog is imported here (report.py and --select need it on every run); the rest, and
zipfile with it, loads when first asked for.
"""

from __future__ import annotations

from .catalog import CHECKS as CHECKS
from .catalog import ModelFileCheck as ModelFileCheck

_LAZY = {
    "judge": ("Loader", "Verdict", "judge_file"),
    "loaders": ("LoadCall", "as_called", "imported_files", "load_calls", "module_names"),
    "paths": ("MODEL_EXTENSIONS", "is_model_path", "sniff"),
    "read": ("H5_EXTRA_MESSAGE", "MissingReader", "ModelFile", "is_keras_h5", "read_model_file"),
    "target": ("resolve_loader",),
}
__all__ = ["CHECKS", "ModelFileCheck", "check_model_file", *(name for names in _LAZY.values() for name in names)]


def __getattr__(name: str):
    import importlib

    for module, names in _LAZY.items():
        if name in names:
            return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_model_file(path: str, loader, project=None) -> list:
    """The Verdicts for one model file (MissingReader when its format needs an absent package)."""
    from .judge import judge_file
    from .read import read_model_file

    return judge_file(read_model_file(path), loader, project)
