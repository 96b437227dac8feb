"""Keras name resolution: every import spelling reaches Keras; nothing unproven does."""

import ast

import pytest

from keras_lint import dependencies
from keras_lint.dependencies import judging
from keras_lint.keras_api import KERAS2_MODULES
from keras_lint.names import KerasNames, keras_path, path_matches


def resolve(code, dotted, line=None):
    tree = ast.parse(code)
    line = line or len(code.splitlines())
    return KerasNames(tree, code).keras(dotted, line)


@pytest.mark.parametrize(
    "code, dotted",
    [
        ("import keras", "keras.layers.Lambda"),
        ("import tensorflow as tf", "tf.keras.layers.Lambda"),
        ("from tensorflow import keras", "keras.layers.Lambda"),
        ("from tensorflow.keras import layers as L", "L.Lambda"),
        ("from keras.layers import Lambda as Lam", "Lam"),
        ("import tensorflow.keras.layers as kl", "kl.Lambda"),
        ("import tf_keras", "tf_keras.layers.Lambda"),
        ("from keras.src.layers.core.lambda_layer import Lambda", "Lambda"),
        ("from keras.layers.core import Lambda", "Lambda"),
        ("import tensorflow", "tensorflow.keras.layers.Lambda"),
        ("from tensorflow.python.keras.layers import Lambda", "Lambda"),
        ("try:\n    import tensorflow.keras as keras\nexcept ImportError:\n    import keras", "keras.layers.Lambda"),
        ("try:\n    from keras import layers\nexcept ImportError:\n    layers = None", "layers.Lambda"),
        ("from keras.layers import *", "Lambda"),
        ("import keras\nL = keras.layers", "L.Lambda"),
        ("import keras\nLam = keras.layers.Lambda", "Lam"),
        ("try:\n    from keras.layers import Lambda\nexcept ImportError:\n    from tf_keras.layers import Lambda", "Lambda"),
    ],
)
def test_spellings_of_keras_lambda_resolve(code, dotted):
    assert path_matches(resolve(code, dotted), "layers.Lambda")


def test_import_inside_a_function_counts_inside_it():
    code = "def build():\n    from keras import layers\n    return layers.Lambda\n"
    assert resolve(code, "layers.Lambda", 3) == "layers.Lambda"
    assert resolve(code + "x = 1\n", "layers.Lambda", 4) is None


@pytest.mark.parametrize(
    "code, dotted",
    [
        ("import tensorflow_probability as tfp", "tfp.layers.DistributionLambda"),
        ("class Lambda:\n    pass", "Lambda"),
        ("import mylib", "mylib.Lambda"),
        ("from keras.layers import Lambda\nclass Lambda:\n    pass", "Lambda"),
        ("from keras.layers import Lambda\nif x:\n    Lambda = make()", "Lambda"),
        ("from mylib import layers\nfrom keras.layers import *", "layers.Lambda"),
        ("from keras.layers import *\nfrom other import *", "Lambda"),
        ("try:\n    from keras.layers import Lambda\nexcept ImportError:\n    from mylib import Lambda", "Lambda"),
        ("try:\n    from keras.layers import Lambda\nexcept ImportError:\n    from keras.layers import Dense as Lambda", "Lambda"),
        ("", "Lambda"),
        ("import keras.layers as layers\ndef f(layers):\n    return layers.Lambda", "layers.Lambda"),
    ],
)
def test_what_is_not_provably_keras_is_not_keras(code, dotted):
    assert resolve(code, dotted) is None


def test_class_body_names_are_not_seen_by_methods():
    code = "import keras\nclass A:\n    keras = None\n    x = keras\n    def f(self):\n        return keras.layers\n"
    names = KerasNames(ast.parse(code), code)
    assert names.keras("keras.layers", 6) == "layers"


def test_global_statement_reaches_module_scope():
    code = "import keras\ndef f():\n    global keras\n    return keras.layers\n"
    assert resolve(code, "keras.layers", 4) == "layers"


@pytest.mark.parametrize(
    "qualified, path",
    [
        ("keras", ""),
        ("tensorflow.keras.layers.Dense", "layers.Dense"),
        ("keras.src.layers.core.dense.Dense", "layers.core.dense.Dense"),
        ("tf_keras.src.engine.base_layer.Layer", "engine.base_layer.Layer"),
        ("keras_hub.layers.X", None),
        ("tensorflow.nn.relu", None),
        (None, None),
    ],
)
def test_keras_path_folds_spellings(qualified, path):
    assert keras_path(qualified) == path


def _major(code: str, target=None) -> set:
    """The Keras majors a file is judged at (names.keras_spelling read through dependencies/judging)."""
    spelling, keras2_only = KerasNames(ast.parse(code), code).keras_spelling()
    return {point.major for point in judging.points(target, spelling, keras2_only)}


def test_keras2_is_recognised_from_imports():
    assert _major("import tf_keras") == {2}
    assert _major("from keras.engine import base_layer") == {2}
    assert _major("import keras") == {3}


@pytest.mark.parametrize("module", ["keras.utils.generic_utils", "keras.layers.merge", "keras.layers.core",
                                    "keras.utils.np_utils", "keras.backend.tensorflow_backend"])
def test_a_module_keras_3_no_longer_has_makes_the_file_keras2(module):
    """Recall triage: Keras-2-era code (`from keras.utils.generic_utils import get_custom_objects`)
    cannot run on Keras 3 (each import raises ModuleNotFoundError under Keras 3.15.1)."""
    assert _major(f"from {module} import x\nimport keras\n") == {2}
    assert _major("from keras.layers import merge_x\n") == {3}  # a name, not the module


@pytest.mark.keras
def test_the_keras2_only_modules_are_missing_from_the_installed_keras_3():
    """keras_api.KERAS2_MODULES's `keras.*` entries: each import raises under Keras 3 (the fact the
    Keras-2 judgement of a file importing one rests on)."""
    import importlib

    import keras

    assert keras.__version__.startswith("3.")
    for module in (m for m in KERAS2_MODULES if m.startswith("keras.")):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(module)


def test_keras_core_is_keras_3_under_another_name():
    """`import keras_core as keras` (the Keras 3 preview): its names are Keras's, judged as Keras 3."""
    code = "import keras_core as keras\nfrom keras_core.layers import Dense\n"
    names = KerasNames(ast.parse(code), code)
    assert names.keras("keras.layers.Layer", 2) == "layers.Layer"
    assert names.keras("Dense", 2) == "layers.Dense"
    assert _major(code) == {3}


@pytest.mark.parametrize(
    "code, keras2",
    [
        ('import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport tensorflow as tf\n', True),
        ('from os import environ\nenviron["TF_USE_LEGACY_KERAS"] = "true"\nfrom tensorflow import keras\n', True),
        ('import os\nos.environ.setdefault("TF_USE_LEGACY_KERAS", "1")\nimport tensorflow as tf\n', True),
        ('import os\nos.environ.update({"TF_USE_LEGACY_KERAS": "True"})\nimport tensorflow as tf\n', True),
        ('import os\nos.environ.update(TF_USE_LEGACY_KERAS="1")\nimport tensorflow as tf\n', True),
        ('import os\nos.putenv("TF_USE_LEGACY_KERAS", "1")\nimport tensorflow as tf\n', True),
        # switched off, only read, or `import keras` (the keras package, Keras 3 whatever the switch)
        ('import os\nos.environ["TF_USE_LEGACY_KERAS"] = "0"\nimport tensorflow as tf\n', False),
        ('import os\nlegacy = os.environ.get("TF_USE_LEGACY_KERAS") == "1"\nimport tensorflow as tf\n', False),
        ('import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport keras\n', False),
        ("import tensorflow as tf\n", False),
    ],
)
def test_keras2_is_recognised_from_tensorflows_legacy_switch(code, keras2):
    assert _major(code) == ({2} if keras2 else {3})


def test_a_project_that_declares_tf_keras_makes_tf_keras_spellings_keras2(tmp_path):
    (tmp_path / "requirements.txt").write_text("tensorflow>=2.16\ntf-keras\n")
    target = dependencies.declared_target(str(tmp_path))
    assert _major("import tensorflow as tf\n", target) == {2}
    assert _major("import tensorflow as tf\nimport keras\n", target) == {3}


@pytest.mark.parametrize(
    "code",
    [
        "from .pkg import tools\ntools = tools.tools\nx = tools.Lambda\n",  # a name rebound to its own attribute
        "try:\n    a = b\nexcept ImportError:\n    a = c\nb = a\nc = a\nx = a.Lambda\n",  # aliases in a cycle
    ],
)
def test_self_referring_aliases_resolve_to_nothing_without_recursing(code):
    """Found by the site-packages sweep (urllib3 and six rebind `six = six.moves`-style names): the
    followed aliases were forgotten at each step, and resolution recursed until Python stopped it."""
    assert resolve(code, "x", code.count("\n")) is None
    assert resolve(code, code.splitlines()[-1].split(" = ")[1], code.count("\n")) is None
