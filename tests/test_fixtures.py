"""The bundled fixtures report exactly the lines marked `# expect: KLnnn`, through the CLI and flake8."""

import os
import re
import subprocess
import sys

import pytest
from conftest import BIN, FIXTURES, ROOT
from conftest import FIXTURE_FILES as FILES

EXPECT = re.compile(r"#\s*expect:\s*(KL\d{3}(?:\s*,\s*KL\d{3})*)")


def expected(path):
    found = set()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            match = EXPECT.search(line)
            if match:
                found |= {(number, code.strip()) for code in match.group(1).split(",")}
    return found


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT)


def reported(stdout, path):
    rows = set()
    for line in stdout.splitlines():
        file, number, _col, rest = line.split(":", 3)
        assert os.path.samefile(file, path)
        rows.add((int(number), rest.split()[0]))
    return rows


def test_there_are_fixtures_for_every_rule_that_looks_at_code():
    from keras_lint.rules import ALL_RULES

    for code, rule in ALL_RULES.items():
        if rule.triggers or rule.looks_at_custom_objects:
            marked = [p for p in FILES if any(c == code for _, c in expected(p))]
            clean = [p for p in FILES if os.path.basename(p).startswith("good_") and f"{os.sep}{code}{os.sep}" in p]
            assert marked, f"no fixture triggers {code}"
            assert clean, f"no near-miss fixture for {code}"


@pytest.fixture(scope="module")
def cli_output():
    """One CLI run over every fixture (a process per fixture would cost minutes of start-up):
    each file is still judged with its project, as when named alone."""
    result = run(os.path.join(BIN, "keras-lint"), "-j", "1", *FILES)
    assert result.returncode == 1, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def flake8_output():
    return run(sys.executable, "-m", "flake8", "-j", "1", "--select", "KL", *FILES).stdout


def lines_about(stdout, path):
    return [line for line in stdout.splitlines() if os.path.samefile(line.split(":", 1)[0], path)]


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, FIXTURES) for p in FILES])
def test_cli_reports_exactly_the_marked_lines(path, cli_output):
    assert reported("\n".join(lines_about(cli_output, path)), path) == expected(path)


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, FIXTURES) for p in FILES])
def test_flake8_reports_what_the_cli_reports(path, cli_output, flake8_output):
    # The same lines, but for the CLI's fix marks ([*] / [~]), which flake8 does not print.
    cli_lines = [re.sub(r": (KL\d{3}) \[[*~]\] ", r": \1 ", line) for line in lines_about(cli_output, path)]
    assert lines_about(flake8_output, path) == cli_lines


def test_exit_code_of_one_fixture_alone():
    bad = next(p for p in FILES if expected(p))
    good = next(p for p in FILES if not expected(p))
    assert run(os.path.join(BIN, "keras-lint"), bad).returncode == 1
    assert run(os.path.join(BIN, "keras-lint"), good).returncode == 0
