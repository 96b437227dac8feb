"""The rule catalog: every module in this package named `klNNN_*.py` holds exactly one rule.

Adding a rule is adding a file; nothing else needs to be told about it.
"""

from __future__ import annotations

import importlib
import pkgutil
import types

from ..model_files import CHECKS as MODEL_FILE_CHECKS
from ..noqa import UnusedNoqa
from .base import Rule


def _discover() -> dict:
    rules = {}
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("kl"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        found = [
            obj
            for obj in vars(loaded).values()
            # (modules first: asking the not-yet-loaded `cst` what it is would load LibCST)
            if not isinstance(obj, types.ModuleType)
            and isinstance(obj, type)
            and issubclass(obj, Rule)
            and obj is not Rule
            and obj.__module__ == loaded.__name__
        ]
        assert len(found) == 1, f"{module.name} must define exactly one rule"
        rules[found[0].code] = found[0]
    return dict(sorted(rules.items()))


ALL_RULES: dict = _discover()  # code -> rule class, sorted by code
# Every code keras-lint reports, documented alike (--list-rules, --explain, the README table): the
# rules; KL901, unused `# noqa` codes, which noqa.py checks (it reads comments, not the code's
# syntax tree: not a rule the engine walks over LibCST); and the model-file checks KL6nn, which
# judge saved files, not source (model_files/catalog.py).
CATALOG: dict = dict(sorted({**ALL_RULES, **MODEL_FILE_CHECKS, UnusedNoqa.code: UnusedNoqa}.items()))


def known_prefix(prefix: str) -> bool:
    """Is `prefix` something --select/--ignore can mean ("KL", "KL1", "KL101", "ALL")?"""
    return prefix == "ALL" or any(code.startswith(prefix) for code in CATALOG)
