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


def _libraries() -> frozenset:
    """The model libraries Keras imports by module path (keras_hub, ...) installed here."""
    return frozenset(root for root, names in K.MODEL_LIBRARY_DISTRIBUTIONS.items() if any(_installed(n) for n in names))


def resolve_loader(root: Optional[str], warn=lambda message: None) -> Loader:
    legacy_switch = os.environ.get(K.LEGACY_SWITCH) in K.SWITCH_ON
    if root and dependencies.may_declare_keras(root):
        target = dependencies.declared_target(root, warn)
        if target.declared and target.lines:
            keras3 = target.line("keras3")
            if keras3 is not None:
                return Loader("keras3", keras3.versions[-1], f"declared: {target.reason}")
            newest = max(target.lines, key=lambda line: line.last)
            return Loader("tf_keras", newest.versions[-1], f"declared: {target.reason}", tensorflow=newest.name == "tf.keras")
    tf_keras = _installed("tf-keras") or _installed("tf_keras")
    if legacy_switch and tf_keras:
        return Loader("tf_keras", tf_keras, f"installed, {K.LEGACY_SWITCH}=1")
    keras = _installed("keras")
    if keras:
        return Loader("keras3" if keras.split(".")[0] >= "3" else "tf_keras", keras, "installed", libraries=_libraries())
    if tf_keras:
        return Loader("tf_keras", tf_keras, "installed")
    return Loader("keras3", K.KERAS_VERSIONS[-1], "no Keras declared or installed: the newest")


# -- --model-loader: the loader chosen on the command line ---------------------------------------------

LOADER_CHOICES = {"keras": "keras3", "keras3": "keras3", "tf_keras": "tf_keras", "tf-keras": "tf_keras"}


def loader_from_option(text: str) -> Loader:
    """`keras`, `tf_keras`, or either with `==VERSION` (`keras==3.6.0`, `keras==2.3` for a Keras 2), or
    `tensorflow==VERSION` before 2.16 (the tf.keras it bundles):
    the Loader the command line names. Without a version: the installed one of that line, else its
    newest release. ValueError on anything else."""
    name, _, version = text.strip().partition("==")
    version = version.strip()
    if name.strip().lower() == "tensorflow":  # tensorflow==2.2: the tf.keras it bundles (before Keras 3)
        if not all(part.isdigit() for part in version.split(".")[:2]) or len(version.split(".")) < 2:
            raise ValueError(f"expected tensorflow==VERSION such as tensorflow==2.2, got {text!r}")
        first_keras3 = tuple(int(part) for part in K.FIRST_TF_WITH_KERAS3.split("."))
        if tuple(int(part) for part in version.split(".")[:2]) >= first_keras3:
            raise ValueError(f"TensorFlow {version} loads with Keras 3: give --model-loader keras")
        return Loader("tf_keras", version, "--model-loader", tensorflow=True)
    line = LOADER_CHOICES.get(name.strip().lower())
    if line is None or (_ and not version):
        raise ValueError(f"expected keras or tf_keras, optionally with ==VERSION (keras==3.6.0), got {text!r}")
    if version:
        parts = version.split(".")
        if not all(part.isdigit() for part in parts[:2]):
            raise ValueError(f"expected a version such as 3.6 or 3.6.0, got {version!r}")
        major = int(parts[0])
        if line == "tf_keras" and major >= 3:
            raise ValueError(f"{name.strip()} {version}: tf_keras is Keras 2 (2.x); Keras 3 is `keras==3.x`")
        # `keras==2.3`: a Keras 2 (standalone or TensorFlow's tf.keras), judged as the Keras 2 line.
        return Loader("keras3" if major >= 3 else "tf_keras", version, "--model-loader")
    if line == "keras3":
        installed = _installed("keras")
        if installed and installed.split(".")[0].isdigit() and int(installed.split(".")[0]) >= 3:
            return Loader(line, installed, "--model-loader, installed", libraries=_libraries())
        return Loader(line, K.KERAS_VERSIONS[-1], "--model-loader, not installed: the newest")
    installed = _installed("tf-keras") or _installed("tf_keras")
    if installed:
        return Loader(line, installed, "--model-loader, installed")
    return Loader(line, K.TF_KERAS_VERSIONS[-1], "--model-loader, not installed: the newest")
