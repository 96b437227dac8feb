"""Every rule documents itself in ruff's fixed sections, and --explain prints it."""

import re

import pytest

from keras_lint.cli import main
from keras_lint.finding import SEVERITIES
from keras_lint.rules import CATALOG as ALL_RULES  # every code: the rules and KL901
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


@pytest.mark.parametrize("code", list(ALL_RULES))
def test_every_code_declares_its_severity_and_a_help_line(code, capsys):
    rule = ALL_RULES[code]
    assert "severity" in vars(rule) and rule.severity in SEVERITIES, code  # its own, not inherited
    assert "help" in vars(rule) and rule.help and "\n" not in rule.help, code
    assert main(["--explain", code]) == 0
    out = capsys.readouterr().out
    assert f"\nSeverity: {rule.severity}\nHelp: {rule.help}\n" in out


def test_security_is_what_the_security_rules_say():
    assert sorted(code for code, rule in ALL_RULES.items() if rule.severity == "security") == [
        "KL501", "KL502", "KL603", "KL623", "KL624", "KL640", "KL641"]


def test_explain_unknown_code_is_a_usage_error(capsys):
    assert main(["--explain", "KL999"]) == 2
    assert "unknown rule code 'KL999'" in capsys.readouterr().err


def test_list_rules_lists_every_code(capsys):
    assert main(["--list-rules"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == list(ALL_RULES)


def test_module_file_names_match_codes():
    from keras_lint.rules import ALL_RULES as RULES  # (KL901 is no rule module: noqa.py checks it)

    for code, rule in RULES.items():
        assert rule.__module__.rsplit(".", 1)[-1].startswith(code.lower() + "_")
