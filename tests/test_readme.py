"""The README's rule table is the catalog, and its quick start is what CI runs."""

import os
import re

from conftest import ROOT

from keras_lint.model_files import CHECKS as MODEL_FILE_CHECKS
from keras_lint.rules import CATALOG as ALL_RULES  # every code: the rules, KL6nn and KL901


def readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        return handle.read()


def test_rule_table_lists_every_rule_with_its_name_severity_and_fixability():
    rows = re.findall(
        r"^\| (KL\d{3}) \| ([a-z0-9-]+) \| ([a-z]+) \| .* \| (no|safe|unsafe|yes)[^|]* \|$", readme(), re.M
    )
    assert [(code, name, level) for code, name, level, _ in rows] == [
        (code, rule.name, rule.severity) for code, rule in ALL_RULES.items() if code not in MODEL_FILE_CHECKS
    ]
    for code, _, _, fixable in rows:
        assert (fixable == "no") == (ALL_RULES[code].fix is None), code


def test_model_file_table_lists_every_check_with_its_name_and_severity():
    rows = re.findall(r"^\| (KL6\d{2}) \| ([a-z0-9-]+) \| ([a-z]+) \| [^|]+ \|$", readme(), re.M)
    assert rows == [(code, check.name, check.severity) for code, check in MODEL_FILE_CHECKS.items()]


def test_ci_runs_the_readme_test_command():
    quick_start = readme().split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in quick_start.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as handle:
        assert commands[1] in handle.read()
