"""KL101's fix: `Lambda(lambda ...)` rewritten into a registered Layer subclass.

The proof (marked keras): for every fixable KL101 fixture, one fresh process builds the original and
the fixed model with the same weights, asserts equal outputs on the same input, and saves the fixed
model; a second fresh process that only imports the fixed modules loads each with the default
safe_mode and no custom_objects and asserts the outputs are still the original's. Two processes in
all, whatever the number of fixtures (each costs seconds of CPU to import TensorFlow).
"""

import ast
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, FIXTURES
from keras_roundtrip import run_python

from keras_lint import fixes
from keras_lint.engine.run import lint_source
from keras_lint.settings import Settings
from keras_lint.source import decode

KL101 = Path(FIXTURES) / "KL101"
# Fixable fixtures of different shapes; each name says what it shows.
PROOF_CASES = [
    "bad_positional_lambda",  # an inline literal, name= kept
    "bad_function_keyword_lambda",  # function= keyword, a multi-line call with a comment
    "bad_lambda_global_constant",  # a module constant, Lambda imported as `Lam`, output_shape tuple
    "bad_sequential_lambda_tf_ops",  # Sequential, tf.keras spelling, tf ops
    "bad_fix_several_inputs",  # lambda pair: pair[0] * pair[1]
    "bad_fix_arguments",  # arguments={...}
    "bad_fix_default_arguments",  # lambda defaults: a literal and a module constant
    "bad_fix_output_shape_function",  # output_shape=lambda
    "bad_fix_mask",  # mask=lambda, used by the pooling after it
    "bad_fix_keras_ops_tuple_constant",  # keras.ops and np globals, a tuple constant
    "bad_fix_enclosing_variable",  # an enclosing function's parameter and local (unsafe fix)
    "bad_fix_training_argument",  # lambda t, training=None
    "bad_fix_two_lambdas_tf_keras",  # two Lambdas in one function, tf.keras Functional
    "bad_fix_sequential_keywords",  # Sequential, name= and dtype= kept, unpacked constants (unsafe)
]
RESULT_MARK = "@@fix_lambda@@ "


def lint(text, path="case.py", select=("KL101",)):
    result = lint_source(decode(path, text.encode()), Settings(select=select))
    assert result.errors == []
    return result.findings


def fixed(text, path="case.py", unsafe=True):
    outcome = fixes.fix_text(text, lambda t: lint(t, path), unsafe=unsafe)
    assert outcome.problems == []
    return outcome.text


def only_finding(text):
    (finding,) = lint(text)
    return finding


# -- what gets a fix, and how safe ------------------------------------------------------------------

HEAD = "import keras\nfrom keras import layers\n"


@pytest.mark.parametrize(
    "body, safety",
    [
        ("SCALE = 2.0\ny = layers.Lambda(lambda t: t * SCALE)(x)\n", "safe"),
        ("AXES = [1, 2]\ny = layers.Lambda(lambda t: keras.ops.sum(t, axis=AXES))(x)\n", "safe"),
        ("y = layers.Lambda(lambda t, k: t * k, arguments={'k': (1, 2)})(x)\n", "safe"),
        ("def f(x):\n    s = 'same'\n    return layers.Lambda(lambda t: keras.ops.pad(t, [[0, 1]], s))(x)\n", "safe"),
        ("def f(x, k):\n    return layers.Lambda(lambda t: t * k)(x)\n", "unsafe"),
        ("def f(x, k):\n    return layers.Lambda(lambda t, a: t * a, arguments={'a': k})(x)\n", "unsafe"),
        ("from cfg import K\ny = layers.Lambda(lambda t, a: t * a, arguments={'a': K})(x)\n", "unsafe"),
        ("SCALE = compute()\ny = layers.Lambda(lambda t: t * SCALE)(x)\n", "unsafe"),
    ],
)
def test_safety_follows_what_the_captured_values_are(body, safety):
    finding = only_finding(HEAD + body)
    assert finding.fix is not None and finding.fix.safety == safety, finding.message
    if safety == "unsafe":
        assert "must be JSON-able for get_config to save it" in finding.message
        assert "must be JSON-able" in finding.fix.title


@pytest.mark.parametrize(
    "body, reason",
    [
        # (in a builder class: inside a Keras layer's own code the Lambda is a sub-layer, not reported)
        ("class M:\n    def head(self, x):\n        return layers.Lambda(lambda t: self.k)(x)\n", "self"),
        ("def f(x):\n    d = layers.Dense(2)\n    return layers.Lambda(lambda t: d(t))(x)\n", "`layers.Dense`"),
        ("def f(x):\n    h = layers.Dense(2)(x)\n    return layers.Lambda(lambda t: t * h)(x)\n", "a layer call"),
        ("def f():\n    i = keras.Input((4,))\n    return layers.Lambda(lambda t: t * i)(i)\n", "`keras.Input`"),
        ("def f(x):\n    for i in range(3):\n        x = layers.Lambda(lambda t: t * i)(x)\n    return x\n", "loop"),
        ("def f(x):\n    return [layers.Lambda(lambda t: t * i)(x) for i in range(3)]\n", "comprehension"),
        ("y = layers.Lambda(lambda t: t * nowhere)(x)\n", "cannot tell what `nowhere` is"),
        ("def f(x):\n    y = layers.Lambda(lambda t: t * k)(x)\n    k = 2\n    return y\n", "assigned after"),
        ("y = layers.Lambda(lambda *ts: ts[0])(x)\n", "*args"),
        ("y = layers.Lambda(lambda t, k: t * k)(x)\n", "`k` gets no value"),
        ("y = layers.Lambda(lambda t, name: t, arguments={'name': 'n'})(x)\n", "clash"),
        ("N = 1\ndef bump():\n    global N\n    N += 1\ny = layers.Lambda(lambda t: t * N)(x)\n", "global"),
        ("double = lambda t: t * 2\ny = layers.Lambda(double)(x)\n", "lambda expression is rewritten"),
    ],
)
def test_no_fix_where_it_could_change_the_model_and_the_message_says_why(body, reason):
    finding = only_finding(HEAD + body)
    assert finding.fix is None
    assert "no automatic fix: " in finding.message and reason in finding.message


def test_several_inputs_arguments_and_defaults_become_constructor_arguments():
    text = HEAD + (
        "OFFSET = 1.5\n"
        "y = layers.Lambda(\n"
        "    lambda pair, k, o=OFFSET, p=2: pair[0] * k + o ** p, arguments={'k': 3}, name='mix'\n"
        ")([a, b])\n"
    )
    result = fixed(text)
    assert "class Mix(layers.Layer):\n    def __init__(self, k, o, p=2, **kwargs):\n" in result
    assert "    def call(self, pair):\n        return pair[0] * self.k + self.o ** self.p\n" in result
    assert "'k': self.k, 'o': self.o, 'p': self.p" in result  # the file's quote
    assert "y = Mix(\n    k=3, o=OFFSET, name='mix'\n)([a, b])\n" in result


def test_mask_training_and_output_shape_become_methods():
    text = HEAD + (
        "y = layers.Lambda(lambda t, mask, training: t, output_shape=lambda s: s, mask=lambda i, m: m)(x)\n"
        "z = layers.Lambda(lambda t: t[:, :2], output_shape=(2,))(x)\n"
    )
    result = fixed(text)
    assert "    def call(self, t, mask=None, training=None):\n        return t\n" in result
    assert "    def compute_output_shape(self, s):\n        return s\n" in result
    assert "    def compute_mask(self, i, m=None):\n        return m\n" in result
    assert "        return (first[0], 2)\n" in result
    assert "output_shape=" not in result.split("\ny = ")[1] and "mask=" not in result.split("\ny = ")[1]


def test_class_names_come_from_name_target_or_function_and_never_clash():
    text = HEAD + (
        "class Scaled:\n    pass\n"
        "def build_model(x):\n"
        "    x = layers.Lambda(lambda t: t, name='scaled')(x)\n"
        "    normalized = layers.Lambda(lambda t: t)(x)\n"
        "    return layers.Lambda(lambda t: t)(normalized)\n"
    )
    result = fixed(text)
    assert "class Scaled2(" in result and "class Normalized(" in result and "class BuildModelLambda(" in result
    assert "Scaled2(name='scaled')(x)" in result


def test_a_lambda_passed_by_keyword_or_as_a_dict_value_is_named_after_it():
    # (issue 22) Thirteen Lambdas given to a model builder were `Slice` ... `Slice13`.
    text = HEAD + (
        "def build(make, x):\n"
        "    a = make(backbone=layers.Lambda(lambda inputs: inputs['shared']))\n"
        "    b = make(backbone=layers.Lambda(lambda inputs: inputs['shared']), tower=layers.Lambda(lambda t: t[0])(x))\n"
        "    return make(encoders={'control_encoder': layers.Lambda(lambda inputs: inputs['control'])})\n"
    )
    result = fixed(text)
    assert "a = make(backbone=Backbone())\n" in result
    assert "b = make(backbone=Backbone2(), tower=Tower()(x))\n" in result
    assert "make(encoders={'control_encoder': ControlEncoder()})\n" in result
    # `name=` comes before the keyword (as does an assignment target)
    result = fixed(HEAD + "y = f(tower=layers.Lambda(lambda t: t[0], name='first')(x))\nz = f(tower=layers.Lambda(lambda t: t[1]))\n")
    assert "y = f(tower=First(name='first')(x))\n" in result and "z = f(tower=Tower())\n" in result


def test_rewrites_in_different_statements_get_distinct_names():
    # Both are named after what they compute, `Shift`: the second is numbered past the first.
    result = fixed(HEAD + "a = layers.Lambda(lambda t: t + 1)(x)\nb = layers.Lambda(lambda t: t - 2)(x)\n")
    assert "a = Shift()(x)\n" in result and "b = Shift2()(x)\n" in result
    assert result.count("class Shift") == 2


def test_the_unsafe_fix_needs_unsafe_fixes():
    text = HEAD + "def f(x, k):\n    return layers.Lambda(lambda t: t * k)(x)\n"
    assert fixed(text, unsafe=False) == text
    assert "class Scale(layers.Layer):" in fixed(text)


def test_globals_stay_globals_and_constants_are_renamed_lower_case():
    text = HEAD + "import numpy as np\nSCALE = 2.0\ny = layers.Lambda(lambda t: np.abs(t) * SCALE + len('ab'))(x)\n"
    result = fixed(text)
    assert "return np.abs(t) * self.scale + len('ab')\n" in result
    assert "self.scale = scale\n" in result and "Sum(SCALE)(x)" in result


def test_a_tuple_is_turned_back_into_a_tuple_after_loading():
    result = fixed(HEAD + "SHAPE = (2, 2)\ny = layers.Lambda(lambda t: keras.ops.reshape(t, (-1,) + SHAPE))(x)\n")
    assert "        self.shape = tuple(shape)\n" in result
    assert '"shape": self.shape' in result


def test_fixed_fixtures_lint_clean_under_every_rule():
    for name in PROOF_CASES:
        result = fixed((KL101 / f"{name}.py").read_text(), path=f"{name}.py")
        assert ast.parse(result)
        assert lint(result, f"{name}.py", select=("KL",)) == [], name


def test_crlf_and_comments_outside_the_edits_stay():
    text = HEAD + "# keep me\nSCALE = 2  # and me\n\n\n"
    text += "y = layers.Lambda(  # the layer\n    lambda t: t * SCALE,\n)(x)\n"
    result = fixed(text.replace("\n", "\r\n"))
    assert "\n" not in result.replace("\r\n", "")
    assert "# keep me\r\nSCALE = 2  # and me\r\n" in result
    assert "y = Scale(  # the layer\r\n    SCALE,\r\n)(x)\r\n" in result


def test_cli_fixes_two_lambdas_in_one_function(project):
    path = project / "model.py"
    path.write_text(
        "import keras\n\n\n"
        "def build_model(x):\n"
        "    x = keras.layers.Lambda(lambda t: t + 1.0)(x)\n"
        "    return keras.layers.Lambda(lambda t: t + 2.0)(x)\n"
    )
    keras_lint = os.path.join(BIN, "keras-lint")
    result = subprocess.run([keras_lint, "--fix", "model.py"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fixed 2 findings." in result.stderr
    text = path.read_text()
    tree = ast.parse(text)
    classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    assert classes == ["Shift", "Shift2"]
    assert "    x = Shift()(x)\n    return Shift2()(x)\n" in text
    assert text.count('@keras.saving.register_keras_serializable(package="model")') == 2
    again = subprocess.run([keras_lint, "--fix", "model.py"], cwd=project, capture_output=True, text=True)
    assert again.returncode == 0 and path.read_text() == text  # idempotent


# -- the proof against real Keras ---------------------------------------------------------------------

_PRELUDE = r"""
import importlib.util, json, sys
import numpy as np

ARGS = json.loads(sys.argv[1])

def import_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

def outputs_of(model, x):
    import keras
    return [keras.ops.convert_to_numpy(y) for y in keras.tree.flatten(model(x))]

def equal(a, b):
    return len(a) == len(b) and all(
        x.shape == y.shape and np.allclose(x, y, atol=1e-5, equal_nan=True) for x, y in zip(a, b)
    )

def error(exc):
    return f"{type(exc).__name__}: {exc}"
"""

_BUILD_COMPARE_SAVE = r"""
results = {}
for case in ARGS["cases"]:
    name = case["name"]
    try:
        original = import_module(case["original"], f"original_{name}").build_model()
        rewritten = import_module(case["fixed"], name).build_model()
        rewritten.set_weights(original.get_weights())
        x = np.random.default_rng(1234).normal(size=(2, 4)).astype("float32")
        expected = outputs_of(original, x)
        results[name] = {"equal": equal(expected, outputs_of(rewritten, x))}
        rewritten.save(f"{ARGS['workdir']}/{name}.keras")
        np.save(f"{ARGS['workdir']}/{name}.input.npy", x)
        np.savez(f"{ARGS['workdir']}/{name}.outputs.npz", *expected)
    except Exception as exc:
        results[name] = {"error": error(exc)}
print(ARGS["mark"] + json.dumps(results), flush=True)
"""

_LOAD_COMPARE = r"""
results = {}
for case in ARGS["cases"]:
    name = case["name"]
    try:
        import_module(case["fixed"], name)  # only the fixed module: its registrations
        import keras
        model = keras.saving.load_model(f"{ARGS['workdir']}/{name}.keras")  # default safe_mode, no custom_objects
        saved = np.load(f"{ARGS['workdir']}/{name}.outputs.npz")
        expected = [saved[f"arr_{i}"] for i in range(len(saved.files))]
        results[name] = {"equal": equal(expected, outputs_of(model, np.load(f"{ARGS['workdir']}/{name}.input.npy")))}
    except Exception as exc:
        results[name] = {"error": error(exc)}
print(ARGS["mark"] + json.dumps(results), flush=True)
"""


def run_child(code, cases, workdir):
    args = json.dumps({"cases": cases, "workdir": str(workdir), "mark": RESULT_MARK})
    proc = run_python(_PRELUDE + code, args, cwd=workdir, timeout=900)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    assert len(lines) == 1, f"child exited with {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(lines[0][len(RESULT_MARK):])


@pytest.mark.keras
def test_fixed_models_compute_the_same_and_load_without_custom_objects(tmp_path):
    assert len(PROOF_CASES) >= 12
    cases = []
    for name in PROOF_CASES:
        original = tmp_path / f"{name}_original.py"
        original.write_text((KL101 / f"{name}.py").read_text())
        rewritten = tmp_path / f"{name}.py"
        # Linted under its own name, so each fixed module registers under its own package.
        rewritten.write_text(fixed(original.read_text(), path=f"{name}.py"))
        assert "register_keras_serializable" in rewritten.read_text(), name
        cases.append({"name": name, "original": str(original), "fixed": str(rewritten)})
    workdir = tmp_path / "work"
    workdir.mkdir()
    built = run_child(_BUILD_COMPARE_SAVE, cases, workdir)
    assert {name: result for name, result in built.items() if result != {"equal": True}} == {}
    loaded = run_child(_LOAD_COMPARE, cases, workdir)
    assert {name: result for name, result in loaded.items() if result != {"equal": True}} == {}
    assert list(built) == list(loaded) == PROOF_CASES
