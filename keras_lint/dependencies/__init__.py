"""Which Keras a project runs, read from the dependency files at its root (issue 18): `sources.py`
(which files, and whether any is worth reading), `files.py` (the readers), `target.py` (the
resolution into a KerasTarget). Only `sources` is imported here: the rest, and `packaging` with it,
loads when first asked for (`dependencies.declared_target`, ...)."""

from .sources import may_declare_keras as may_declare_keras  # the cheap question, without packaging

_IN_TARGET = ("Declaration", "KerasLine", "KerasTarget", "declared_target", "package_of", "parse_target", "resolve")


def __getattr__(name: str):
    if name in _IN_TARGET:
        from . import target

        return getattr(target, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
