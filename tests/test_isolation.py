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


# What start-up costs is kept off paths that do not need it (issue 6: one small file, the plugin on
# plain code). Checked by what gets imported, never by a stopwatch.
PLUGIN_PROBE = """
import ast, sys
from keras_lint.flake8_plugin import KerasLintChecker
text = sys.argv[1]
list(KerasLintChecker(ast.parse(text), text.splitlines(True), "x.py").run())
print(" ".join(sorted(m for m in ("libcst", "keras_lint.engine", "keras_lint.rules") if m in sys.modules)))
"""


def test_the_flake8_plugin_loads_no_libcst_for_code_that_never_mentions_keras():
    plain = subprocess.run([sys.executable, "-c", PLUGIN_PROBE, "import os\nx = lambda t: t\n"], capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == []
    keras = subprocess.run([sys.executable, "-c", PLUGIN_PROBE, "import keras\nkeras.layers.Lambda(lambda t: t)\n"],
                           capture_output=True, text=True)
    assert keras.stdout.split() == ["keras_lint.engine", "keras_lint.rules", "libcst"]


FIX_PROBE = """
import sys
from keras_lint.cli import main
main(["-j", "1", "--no-cache", "--exit-zero", *sys.argv[1:]])
print("codemod" if "libcst.codemod" in sys.modules else "no codemod")
"""


def test_a_fix_that_adds_an_import_is_written_only_when_fixes_are_applied(tmp_path):
    """The import edit is LibCST's AddImportsVisitor (libcst.codemod, ~0.7 s to import): a run that
    only reports marks the finding fixable without computing it."""
    (tmp_path / "setup.cfg").write_text("")
    layer = tmp_path / "layer.py"
    layer.write_text("from keras import layers\n\n\nclass Scale(layers.Layer):\n    pass\n")
    report = subprocess.run([sys.executable, "-c", FIX_PROBE, str(layer)], capture_output=True, text=True)
    assert "KL201 [*]" in report.stdout and report.stdout.splitlines()[-1] == "no codemod", report.stdout + report.stderr
    fixed = subprocess.run([sys.executable, "-c", FIX_PROBE, "--fix", str(layer)], capture_output=True, text=True)
    assert fixed.stdout.splitlines()[-1] == "codemod", fixed.stdout + fixed.stderr
    assert layer.read_text().startswith("from keras import layers\nfrom keras.saving import register_keras_serializable\n")
