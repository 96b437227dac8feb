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
# plain code). Checked by what gets imported, never by a stopwatch. LibCST counts as loaded when its
# package has run (it imports libcst.metadata); until then keras_lint.cst.lazy holds a stand-in.
LIBCST_LOADED = "libcst.metadata"

PLUGIN_PROBE = f"""
import ast, sys
from keras_lint.flake8_plugin import KerasLintChecker
text = sys.argv[1]
list(KerasLintChecker(ast.parse(text), text.splitlines(True), "x.py").run())
print(" ".join(sorted(m for m in ("keras_lint.engine", "{LIBCST_LOADED}") if m in sys.modules)))
"""


def test_the_flake8_plugin_loads_libcst_only_for_code_it_must_read():
    plain = subprocess.run([sys.executable, "-c", PLUGIN_PROBE, "import os\nx = lambda t: t\n"], capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == []  # never mentions Keras: not even the engine
    quiet = subprocess.run([sys.executable, "-c", PLUGIN_PROBE, "import keras\nx = keras.ops.ones((2,))\n"],
                           capture_output=True, text=True)
    assert quiet.stdout.split() == ["keras_lint.engine"]  # Keras, but nothing any rule's gate lets through
    lam = subprocess.run([sys.executable, "-c", PLUGIN_PROBE, "import keras\nkeras.layers.Lambda(lambda t: t)\n"],
                         capture_output=True, text=True)
    assert lam.stdout.split() == ["keras_lint.engine", LIBCST_LOADED]


CLI_PROBE = f"""
import sys
from keras_lint.cli import main
main(["-j", "1", "--exit-zero", *sys.argv[1:]])
print("libcst" if "{LIBCST_LOADED}" in sys.modules else "no libcst",
      "codemod" if "libcst.codemod" in sys.modules else "no codemod")
"""


def _probe(*args) -> list:
    result = subprocess.run([sys.executable, "-c", CLI_PROBE, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_a_file_with_nothing_for_libcst_and_a_warm_cache_never_load_it(tmp_path):
    (tmp_path / "setup.cfg").write_text("")
    plain = tmp_path / "train.py"
    plain.write_text("import keras\nmodel = keras.Sequential([keras.layers.Dense(2)])\nmodel.compile(loss='mse')\n")
    layer = tmp_path / "layer.py"
    layer.write_text("from keras import layers\n\n\nclass Scale(layers.Layer):\n    pass\n")
    assert _probe("--no-cache", str(plain))[-1] == "no libcst no codemod"
    cold = _probe(str(layer))
    assert "KL201" in cold[0] and cold[-1] == "libcst no codemod"
    warm = _probe(str(layer))  # the result comes from .keras_lint_cache
    assert warm[:-1] == cold[:-1] and warm[-1] == "no libcst no codemod"


def test_a_fix_that_adds_an_import_is_written_only_when_fixes_are_applied(tmp_path):
    """The import edit is LibCST's AddImportsVisitor (libcst.codemod, ~0.2-0.7 s to import): a run that
    only reports marks the finding fixable without computing it, and a new line of its own (nothing
    imported from that module yet) is written without it."""
    (tmp_path / "setup.cfg").write_text("")
    layer = tmp_path / "layer.py"
    layer.write_text("from keras import layers\n\n\nclass Scale(layers.Layer):\n    pass\n")
    report = _probe("--no-cache", str(layer))
    assert "KL201 [*]" in report[0] and report[-1] == "libcst no codemod", report
    fixed = _probe("--no-cache", "--fix", str(layer))
    assert fixed[-1] == "libcst no codemod", fixed
    assert layer.read_text().startswith("from keras import layers\nfrom keras.saving import register_keras_serializable\n")
    layer.write_text("from keras import layers\nfrom keras.saving import serialize_keras_object\n\n\n"
                     "class Scale(layers.Layer):\n    pass\n")
    fixed = _probe("--no-cache", "--fix", str(layer))  # merged into that import: LibCST writes it
    assert fixed[-1] == "libcst codemod", fixed
    assert layer.read_text().startswith(
        "from keras import layers\nfrom keras.saving import register_keras_serializable, serialize_keras_object\n")
