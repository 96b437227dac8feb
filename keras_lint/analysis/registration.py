"""Registration questions several rules ask: is a decorator `register_keras_serializable`, and could a
key a fix would register already be taken (two objects under one key load as the same one, KL208)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..index.model import FunctionInfo, Registration
from ..keras_api import REGISTER_KERAS_SERIALIZABLE

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule


def is_registration(names, decorator, line: int) -> bool:
    """Is this decorator expression (ast or its dotted name) `register_keras_serializable`, in any spelling?"""
    return names.is_keras(decorator, line, *REGISTER_KERAS_SERIALIZABLE)


def registration_key_may_be_taken(rule: Rule, name: str, line: int) -> bool:
    """Could another class or function of the project be registered under the key a fix would give
    the definition of `name` at `line` of this file (`package>name`) -- already, or by a fix of this
    same run (another unregistered custom object or function of that name)? Two registrations of one
    key make a saved model load the wrong object, silently (KL208)."""
    project = rule.context.project
    key = f"{rule.context.package}>{name}"
    here = (os.path.abspath(rule.context.path), line)
    for summary in project.summaries:
        for other in [*summary.classes, *summary.functions]:
            if (os.path.abspath(other.path), other.line) == here:
                continue  # the definition itself (the index may hold a file twice: as named and as found)
            if other.registration is None:
                # KL201 registers Keras classes, KL102/KL302 functions (which ones, the summary does
                # not say). By name alone: the package that file's fix would use is not known here.
                could_be_fixed = isinstance(other, FunctionInfo) or project.keras_kind(other) is not None
                if other.name == name and could_be_fixed:
                    return True
            elif _may_register(other.registration, other.name, key):
                return True
    return False


def _may_register(registration: Registration, default_name: str, key: str) -> bool:
    if not registration.called:
        return False  # a bare decorator registers nothing (KL209)
    if registration.package is None:  # a package or name we cannot read
        return registration.name in (None, key.split(">", 1)[1])
    return registration.key(default_name) == key

