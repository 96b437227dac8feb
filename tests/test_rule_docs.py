"""Every rule documents itself in ruff's fixed sections, and --explain prints it."""

import re

import pytest

from keras_lint.cli import main
from keras_lint.model_files import CHECKS as MODEL_FILE_CHECKS
from keras_lint.rules import ALL_RULES
from keras_lint.rules.base import DOC_SECTIONS


@pytest.mark.parametrize("code", list(ALL_RULES))
def test_rule_has_every_doc_section(code):
    rule = ALL_RULES[code]
    doc = rule.documentation()
    for section in DOC_SECTIONS:
        assert section in doc, f"{code} lacks {section!r}"
    assert re.fullmatch(r"KL\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary and rule.fix in (None, "safe", "unsafe")


@pytest.mark.parametrize("code", list(ALL_RULES))
def test_explain_prints_the_documentation(code, capsys):
    assert main(["--explain", code.lower()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{code} {ALL_RULES[code].name}")
    assert "## Why is this bad?" in out and "## Fix safety" in out


def test_explain_unknown_code_is_a_usage_error(capsys):
    assert main(["--explain", "KL999"]) == 2
    assert "unknown rule code 'KL999'" in capsys.readouterr().err


def test_list_rules_lists_every_code(capsys):
    assert main(["--list-rules"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == list(ALL_RULES) + list(MODEL_FILE_CHECKS)  # KL6nn: model files


def test_module_file_names_match_codes():
    for code, rule in ALL_RULES.items():
        assert rule.__module__.rsplit(".", 1)[-1].startswith(code.lower() + "_")
