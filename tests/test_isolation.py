"""Linting never imports TensorFlow or Keras and never runs the code it reads."""

import subprocess
import sys

from conftest import FIXTURES

PROBE = """
import sys
from keras_lint.cli import main
main(["-j", "1", "--exit-zero", sys.argv[1]])
assert "tensorflow" not in sys.modules and "keras" not in sys.modules, "linting imported TensorFlow/Keras"
"""


def test_linting_the_fixtures_imports_neither_tensorflow_nor_keras():
    result = subprocess.run([sys.executable, "-c", PROBE, FIXTURES], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_linted_code_is_never_executed(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "evil.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nimport keras\nkeras.layers.Lambda(lambda t: t)\n"
    )
    result = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
