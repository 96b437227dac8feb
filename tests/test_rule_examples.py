"""Every rule's own VALID and INVALID examples are tests (as in Fixit)."""

import pytest

from keras_lint import fixes
from keras_lint.engine.run import lint_source
from keras_lint.rules import ALL_RULES
from keras_lint.settings import Settings
from keras_lint.source import decode

VALID = [(code, i, text) for code, rule in ALL_RULES.items() for i, text in enumerate(rule.VALID)]
INVALID = [(code, i, case) for code, rule in ALL_RULES.items() for i, case in enumerate(rule.INVALID)]


def lint(text, code):
    result = lint_source(decode("example.py", text.encode()), Settings(select=(code,)))
    assert result.errors == []
    return result.findings


@pytest.mark.parametrize("code, index, text", VALID, ids=[f"{c}-valid-{i}" for c, i, _ in VALID])
def test_valid_example_is_silent(code, index, text):
    assert lint(text, code) == []


@pytest.mark.parametrize("code, index, case", INVALID, ids=[f"{c}-invalid-{i}" for c, i, _ in INVALID])
def test_invalid_example_is_reported(code, index, case):
    findings = lint(case.code, code)
    assert [(f.code, f.line, f.col) for f in findings] == [(code, case.line, case.col)]
    assert case.message_contains in findings[0].message
    fix = findings[0].fix
    if case.fixed is None:
        assert fix is None, f"{code} offers a fix here: give the example its `fixed` text"
        return
    assert fix is not None, f"{code} offers no fix for this example"
    fixed = fixes.fix_text(case.code, lambda text: lint(text, code), unsafe=fix.safety == "unsafe")
    assert fixed.problems == [] and fixed.text == case.fixed
    assert lint(fixed.text, code) == []  # the finding is gone
    assert fixes.fix_text(fixed.text, lambda text: lint(text, code), unsafe=True).text == fixed.text  # idempotent


def test_every_rule_has_examples_both_ways():
    for code, rule in ALL_RULES.items():
        assert rule.VALID and rule.INVALID, code
