"""Which Keras will load the model files: the one the project declares (keras_lint/dependencies),
else the one installed here (read from importlib.metadata, never imported), else the newest
Keras 3. The Loader says which, and why (the CLI prints it)."""

from __future__ import annotations

import os
from typing import Optional

from .. import dependencies
from .. import keras_api as K
from .judge import Loader


def _installed(distribution: str) -> Optional[str]:
    from importlib import metadata  # here: ~50 ms of imports a run without model files does not pay

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
    except Exception:  # a broken distribution's metadata: as if absent
        return None


def resolve_loader(root: Optional[str], warn=lambda message: None) -> Loader:
    legacy_switch = os.environ.get(K.LEGACY_SWITCH) in K.SWITCH_ON
    if root and dependencies.may_declare_keras(root):
        target = dependencies.declared_target(root, warn)
        if target.declared and target.lines:
            keras3 = target.line("keras3")
            if keras3 is not None:
                return Loader("keras3", keras3.versions[-1], f"declared: {target.reason}")
            newest = max(target.lines, key=lambda line: line.last)
            return Loader("tf_keras", newest.versions[-1], f"declared: {target.reason}")
    tf_keras = _installed("tf-keras") or _installed("tf_keras")
    if legacy_switch and tf_keras:
        return Loader("tf_keras", tf_keras, f"installed, {K.LEGACY_SWITCH}=1")
    keras = _installed("keras")
    if keras:
        return Loader("keras3" if keras.split(".")[0] >= "3" else "tf_keras", keras, "installed")
    if tf_keras:
        return Loader("tf_keras", tf_keras, "installed")
    return Loader("keras3", K.KERAS_VERSIONS[-1], "no Keras declared or installed: the newest")
