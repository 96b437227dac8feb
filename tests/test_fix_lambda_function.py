"""KL102's fix for `Lambda(imported_function)`: a registered Layer subclass whose `call` calls it.

The proof (marked keras): every case is fixed by the CLI (`keras-lint --fix --unsafe-fixes`), then one
fresh process builds the original and the fixed model with the same weights, asserts equal outputs
and saves the fixed model; a second fresh process that only imports the fixed modules loads each
with the default safe_mode and no custom_objects and asserts the outputs are still the original's.
Two processes in all (each costs seconds of CPU to import TensorFlow), as in test_fix_lambda.py.
"""

import ast
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, FIXTURES
from test_fix_lambda import _BUILD_COMPARE_SAVE, _LOAD_COMPARE, run_child

from keras_lint import fixes
from keras_lint.engine.run import lint_source
from keras_lint.settings import Settings
from keras_lint.source import decode

KL102 = Path(FIXTURES) / "KL102"
# Fixtures with a safe fix; each name says what it shows.
SAFE_CASES = [
    "bad_fix_ops_max_arguments",  # keras.ops with arguments= and a tuple output_shape
    "bad_fix_gelu_sequential",  # keras.ops.gelu, which reloads as a different built-in; Sequential, name=
    "bad_fix_tf_math_function",  # tf.math under tf.keras, a multi-line call with arguments=
    "bad_keras_ops_sum",  # function= keyword, Lambda imported as `Lam`
    "bad_ops_gelu_silently_different",
    "bad_imported_preprocess_input",  # keras.applications' preprocess_input, tf.keras spelling
]
# A project function: its signature is unknown, so the fix is unsafe (Lambda would pass it `mask=`
# or `training=` if it named them).
HELPER = "kl102_scaling"
HELPER_TEXT = '"""A project function used by a Lambda."""\n\n\ndef scale(t, factor=1.0):\n    return t * factor + 1.0\n'
PROJECT_CASE = "model_with_project_function"
PROJECT_CASE_TEXT = f'''"""A Lambda wrapping a function of the project, imported from another module."""

import keras

from {HELPER} import scale


def build_model():
    inputs = keras.Input((4,))
    x = keras.layers.Dense(4)(inputs)
    return keras.Model(inputs, keras.layers.Lambda(scale, arguments={{"factor": 3.0}}, name="scaled")(x))
'''


def lint(text, path="case.py", select=("KL102",)):
    result = lint_source(decode(path, text.encode()), Settings(select=select))
    assert result.errors == []
    return result.findings


def fixed(text, path="case.py", unsafe=True):
    outcome = fixes.fix_text(text, lambda t: lint(t, path), unsafe=unsafe)
    assert outcome.problems == []
    return outcome.text


def keras_lint(*args, cwd):
    return subprocess.run([os.path.join(BIN, "keras-lint"), *args], cwd=cwd, capture_output=True, text=True)


# -- what gets a fix, and how safe ------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, safety, note",
    [
        ("import keras\nkeras.layers.Lambda(keras.ops.sum)\n", "safe", ""),
        ("import keras\nkeras.layers.Lambda(keras.ops.gelu)\n", "safe", ""),
        ("import tensorflow as tf\ntf.keras.layers.Lambda(tf.reduce_sum)\n", "safe", ""),
        ("from tensorflow.keras.applications.vgg16 import preprocess_input\n"
         "from tensorflow.keras import layers\nlayers.Lambda(preprocess_input)\n", "safe", ""),
        ("import keras\nfrom mylib import f\nkeras.layers.Lambda(f)\n", "unsafe", "signature is unknown"),
        ("import keras\nimport tensorflow as tf\nkeras.layers.Lambda(tf.keras.backend.in_train_phase)\n",
         "unsafe", "signature is unknown"),
        ("import keras\nkeras.layers.Lambda(keras.ops.sum, arguments={'axis': AXIS})\n", "unsafe",
         "`axis` must be JSON-able"),
        ("import keras\nkeras.layers.Lambda(keras.ops.dot_product_attention)\n", None, "passes `mask`/`training`"),
        ("import tensorflow as tf\ntf.keras.layers.Lambda(tf.boolean_mask)\n", None, "passes `mask`/`training`"),
        ("import keras\ndef f(x):\n    from keras import ops\n    return keras.layers.Lambda(ops.sum)(x)\n", None,
         "imported inside the function"),
        ("import keras\nkeras.layers.Lambda(keras.ops.sum, arguments={'keras': 1})\n", None, "`keras`"),
        ("import keras\nkeras.layers.Lambda(keras.ops.cast, arguments={'dtype': 'int8'})\n", None, "clash"),
        ("import keras\nkeras.layers.Lambda(keras.ops.sum, mask=compute_mask)\n", None, "`mask=` is not a lambda"),
        ("import keras\ndef build():\n    def f(t):\n        return t\n    return keras.layers.Lambda(f)\n", None, ""),
        ("import keras\nclass B:\n    def build(self):\n        return keras.layers.Lambda(self.f)\n", None, ""),
    ],
)
def test_safety_follows_what_is_known_of_the_function(code, safety, note):
    (finding,) = lint(code)
    assert (finding.fix.safety if finding.fix else None) == safety, finding.message
    assert note in finding.message
    if safety == "unsafe":
        assert "(unsafe fix: " in finding.message and note in finding.fix.title


def test_the_module_level_def_is_still_registered_not_wrapped():
    (finding,) = lint("import keras\ndef f(t):\n    return t\nkeras.layers.Lambda(f)\n")
    assert finding.fix.safety == "safe" and finding.fix.title == "register `f`"


def test_the_unsafe_fix_needs_unsafe_fixes():
    text = "import keras\nfrom mylib import f\ny = keras.layers.Lambda(f, name='scaled')(x)\n"
    assert fixed(text, unsafe=False) == text
    assert "class Scaled(keras.layers.Layer):\n    def call(self, inputs):\n        return f(inputs)\n" in fixed(text)


def test_mask_lambda_and_output_shape_function_become_methods():
    text = "import keras\ndef shape(s):\n    return s\n"
    text += "y = keras.layers.Lambda(keras.ops.abs, output_shape=shape, mask=lambda i, m: m)(x)\n"
    result = fixed(text)
    assert "    def call(self, inputs):\n        return keras.ops.abs(inputs)\n" in result
    assert "    def compute_output_shape(self, input_shape):\n        return shape(input_shape)\n" in result
    assert "    def compute_mask(self, i, m=None):\n        return m\n" in result
    assert "y = Abs()(x)\n" in result


def test_fixed_fixtures_lint_clean_under_every_rule():
    for name in SAFE_CASES:
        result = fixed((KL102 / f"{name}.py").read_text(), path=f"{name}.py", unsafe=False)
        assert ast.parse(result)
        assert "keras.layers.Lambda(" not in result and "register_keras_serializable" in result, name
        assert lint(result, f"{name}.py", select=("KL",)) == [], name


# -- the CLI ----------------------------------------------------------------------------------------


def test_cli_fix_parses_is_idempotent_and_the_findings_are_gone(project):
    names = [name for name in SAFE_CASES if name.startswith("bad_fix_")]
    for name in names:
        shutil.copy(KL102 / f"{name}.py", project / f"{name}.py")
    (project / f"{HELPER}.py").write_text(HELPER_TEXT)
    (project / f"{PROJECT_CASE}.py").write_text(PROJECT_CASE_TEXT)
    files = [f"{name}.py" for name in names] + [f"{PROJECT_CASE}.py"]

    result = keras_lint("--fix", *files, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr  # the unsafe fix waits for --unsafe-fixes
    assert f"Fixed {len(names)} findings." in result.stderr
    assert (project / f"{PROJECT_CASE}.py").read_text() == PROJECT_CASE_TEXT
    assert "[~]" in result.stdout and "signature is unknown" in result.stdout

    result = keras_lint("--fix", "--unsafe-fixes", *files, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    texts = {name: (project / name).read_text() for name in files}
    for text in texts.values():
        ast.parse(text)
    assert '@keras.saving.register_keras_serializable(package="model_with_project_function")' in texts[files[-1]]
    assert "        return scale(inputs, factor=self.factor)\n" in texts[files[-1]]

    again = keras_lint("--fix", "--unsafe-fixes", *files, cwd=project)
    assert again.returncode == 0 and {name: (project / name).read_text() for name in files} == texts  # idempotent
    assert keras_lint("--select", "KL102", *files, cwd=project).returncode == 0


# -- the proof against real Keras ---------------------------------------------------------------------


@pytest.mark.keras
def test_fixed_models_compute_the_same_and_load_without_custom_objects(tmp_path):
    folder = tmp_path / "src"  # the project the CLI fixes: the fixed modules and the helper they import
    folder.mkdir()
    (folder / "setup.cfg").write_text("[metadata]\nname = sample\n")
    (folder / f"{HELPER}.py").write_text(HELPER_TEXT)
    originals = {name: (KL102 / f"{name}.py").read_text() for name in SAFE_CASES}
    originals[PROJECT_CASE] = PROJECT_CASE_TEXT
    cases = []
    for name, text in originals.items():
        original, rewritten = folder / f"{name}_original.py", folder / f"{name}.py"
        original.write_text(text)
        rewritten.write_text(text)
        cases.append({"name": name, "original": str(original), "fixed": str(rewritten)})
    result = keras_lint("--fix", "--unsafe-fixes", "--select", "KL102", *(f"{n}.py" for n in originals), cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in originals:
        text = (folder / f"{name}.py").read_text()
        assert f'register_keras_serializable(package="{name}")' in text and "Lambda(" not in text, name

    # The children run in `folder`, so `import kl102_scaling` finds the helper, as the project would.
    built = run_child(_BUILD_COMPARE_SAVE, cases, folder)
    assert {name: result for name, result in built.items() if result != {"equal": True}} == {}
    loaded = run_child(_LOAD_COMPARE, cases, folder)
    assert {name: result for name, result in loaded.items() if result != {"equal": True}} == {}
    assert list(built) == list(loaded) == list(originals)
