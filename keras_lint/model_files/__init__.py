"""Preflight of saved model files (issue 23): read a `.keras`, `.h5` or SavedModel without Keras
(`read.py`), walk every object its config references (`walk.py`, `bytecode.py`), and predict what
`load_model` will do under the Keras that will load it (`judge.py`, `target.py`), as KL6nn checks
(`catalog.py`). The files are read, never extracted, imported or unmarshalled.

    loader = resolve_loader(project_root)
    for verdict in check_model_file("models/best.keras", loader, project_index): ...
"""

from __future__ import annotations

from .catalog import CHECKS, ModelFileCheck
from .judge import Loader, Verdict, judge
from .loaders import LoadCall, as_called, load_calls
from .read import H5_EXTRA_MESSAGE, MissingReader, ModelFile, is_keras_h5, is_model_path, read_model_file, sniff
from .target import resolve_loader

__all__ = [
    "CHECKS", "H5_EXTRA_MESSAGE", "LoadCall", "Loader", "as_called", "load_calls", "MissingReader", "ModelFile", "ModelFileCheck", "Verdict",
    "check_model_file", "is_keras_h5", "is_model_path", "judge", "read_model_file", "resolve_loader", "sniff",
]


def check_model_file(path: str, loader: Loader, project=None) -> list:
    """The Verdicts for one model file (MissingReader when its format needs an absent package)."""
    return judge(read_model_file(path), loader, project)
