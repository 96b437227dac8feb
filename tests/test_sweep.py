"""keras-lint over the whole Python standard library and every `.py` file of the test environment's
site-packages (TensorFlow and Keras included), all rules on: no internal error, and every file
reported unparsable is one Python itself refuses (KL001), nothing else.

The two trees are linked into an empty project, so that the project indexed is what is named: the
standard library may sit inside a bigger tree (pyenv's is a git checkout of every Python version).
"""

import os
import re
import subprocess
import sysconfig
import warnings

import pytest
from conftest import BIN

FINDING = re.compile(r"(?P<path>[^:]+):\d+:\d+: (?P<code>KL\d{3}) \S")


def python_refuses(path: str) -> bool:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):  # ValueError: NUL bytes; SyntaxError covers decoding errors
        return True
    return False


@pytest.mark.slow
def test_the_standard_library_and_site_packages(project):
    paths = sysconfig.get_paths()
    os.symlink(paths["stdlib"], project / "stdlib")
    os.symlink(paths["purelib"], project / "site-packages")
    result = subprocess.run(
        [os.path.join(BIN, "keras-lint"), "--no-cache", "--exit-zero", "stdlib", "site-packages"],
        capture_output=True, text=True, timeout=1500,
    )
    assert result.returncode == 0, result.stderr[-3000:]  # 2 would mean an internal or read error
    summary = re.match(
        r"Found (\d+) findings? in (\d+) files\.\n(\d+ fixable with --fix[^\n]*\n)?(Judged against [^\n]*\n)?\Z", result.stderr
    )
    assert summary, result.stderr[-3000:]
    assert int(summary[2]) > 5000  # both trees were walked (site-packages is skipped only inside them)
    findings = [FINDING.match(line) for line in result.stdout.splitlines()]
    assert all(findings), [line for line, m in zip(result.stdout.splitlines(), findings) if not m][:5]
    unparsable = sorted({m["path"] for m in findings if m["code"] == "KL001"})
    assert unparsable, "the standard library's test data holds files Python refuses"
    assert [path for path in unparsable if not python_refuses(path)] == []
