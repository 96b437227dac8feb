"""The fixes of KL202, KL203, KL206, KL302 and KL402 through the CLI: applied, nothing else in the
file changed, a second --fix changes nothing, the finding is gone; unsafe ones only with
--unsafe-fixes. And against real Keras: the fixed bad fixtures of KL202, KL203 and KL206 round-trip,
and what was silently lost is now in the saved file."""

import json
import os
import shutil
import subprocess
import zipfile

import pytest
from conftest import BIN, FIXTURES
from keras_roundtrip import MODEL_FILE, load_in_fresh_process, save_in_fresh_process


def run(*args, cwd):
    result = subprocess.run([os.path.join(BIN, "keras-lint"), *args], cwd=cwd, capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def fix_and_check(project, code, before, after, unsafe=False, newline="\n"):
    """--fix (with --unsafe-fixes when `unsafe`) turns `before` into `after`; without the flag an
    unsafe fix is not applied; fixing again changes nothing and finds nothing."""
    path = project / "m.py"
    path.write_bytes(before.replace("\n", newline).encode())
    if unsafe:
        assert run("--fix", "--select", code, "m.py", cwd=project)[0] == 1
        assert path.read_bytes() == before.replace("\n", newline).encode(), "an unsafe fix was applied without the flag"
    flags = ["--fix", "--unsafe-fixes"] if unsafe else ["--fix"]
    status, out, err = run(*flags, "--select", code, "m.py", cwd=project)
    assert (status, out) == (0, ""), out + err
    assert "Fixed 1 finding." in err
    fixed = path.read_bytes()
    assert fixed == after.replace("\n", newline).encode()
    # fixing again changes nothing, and exits 0: no finding is left
    assert run(*flags, "--select", code, "m.py", cwd=project)[0] == 0 and path.read_bytes() == fixed


KL202_BEFORE = (
    "import keras  # models\n"
    "\n"
    "\n"
    "class ScaledDense(keras.layers.Dense):\n"
    "\tdef __init__(self, units, scale=1.0, **kwargs):\n"
    "\t\tsuper().__init__(units, **kwargs)\n"
    "\t\tself.scale = scale\n"
    "\t\t# the rest is Dense's\n"
    "\n"
    "\tdef call(self, x):\n"
    "\t\treturn super().call(x) * self.scale  # 'single' quotes stay\n"
)
KL202_METHOD = "\n\tdef get_config(self):\n\t\treturn {**super().get_config(), \"scale\": self.scale}\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_kl202_adds_get_config_after_init_in_the_files_own_indentation(project, newline):
    after = KL202_BEFORE.replace("\t\t# the rest is Dense's\n", "\t\t# the rest is Dense's\n" + KL202_METHOD)
    fix_and_check(project, "KL202", KL202_BEFORE, after, newline=newline)


def test_kl202_model_subclass_at_the_end_of_the_file(project):
    before = (
        "import keras\n\n\nclass Net(keras.Model):\n    def __init__(self, units=3, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n        self.dense = keras.layers.Dense(units)"
    )
    after = before + '\n\n    def get_config(self):\n        return {**super().get_config(), "units": self.units}\n'  # E301
    fix_and_check(project, "KL202", before, after)


def test_kl202_argument_stored_under_another_name_is_an_unsafe_fix(project):
    before = (
        "import keras\n\n\nclass ScaledDense(keras.layers.Dense):\n"
        "    def __init__(self, units, scale=1.0, **kwargs):\n        super().__init__(units, **kwargs)\n"
        "        self._scale = scale\n"
    )
    after = before + '\n    def get_config(self):\n        return {**super().get_config(), "scale": self._scale}\n'
    fix_and_check(project, "KL202", before, after, unsafe=True)


KL203_BEFORE = (
    "import keras\n"
    "\n"
    "\n"
    "class Scale(keras.layers.Layer):\n"
    "    def __init__(self, units, factor=1.0, **kwargs):  # factor: how much\n"
    "        super().__init__(**kwargs)\n"
    "        self.units = units\n"
    "        self.factor = factor\n"
    "\n"
    "    def get_config(self):\n"
    "        config = super().get_config()\n"
    "        config.update({\n"
    "            'units': self.units,  # width\n"
    "        })\n"
    "        return config\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_kl203_adds_the_key_to_the_update_dict(project, newline):
    after = KL203_BEFORE.replace("  # width\n", "  # width\n            'factor': self.factor,\n")
    fix_and_check(project, "KL203", KL203_BEFORE, after, newline=newline)


def test_kl203_wraps_a_returned_super_config(project):
    before = KL203_BEFORE.replace(
        "        config = super().get_config()\n        config.update({\n            'units': self.units,  # width\n"
        "        })\n        return config\n",
        "        return super().get_config()\n",
    )
    after = before.replace(
        "return super().get_config()", "return {**super().get_config(), \"units\": self.units, \"factor\": self.factor}"
    )
    # unsafe: nothing shows that the required `units` is a plain value (no annotation, no call site)
    fix_and_check(project, "KL203", before, after, unsafe=True)


KL206_BEFORE = (
    "import keras\n"
    "\n"
    "\n"
    "class Gate(keras.layers.Layer):\n"
    "    def __init__(self, branch, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.branch = branch\n"
    "\n"
    "    def call(self, x):\n"
    "        return x + self.branch(x)\n"
    "\n"
    "    def get_config(self):\n"
    "        return {**super().get_config(), 'branch': {}}\n"
    "\n"
    "\n"
    "gate = Gate(keras.layers.Dense(4))\n"
)
KL206_FROM_CONFIG = (
    "\n"
    "    @classmethod\n"
    "    def from_config(cls, config):\n"
    "        config = dict(config)\n"
    "        config['branch'] = keras.layers.deserialize(config['branch'])\n"
    "        return cls(**config)\n"
)


def test_kl206_adds_from_config_when_get_config_serializes(project):
    before = KL206_BEFORE.replace("{}}", "keras.layers.serialize(self.branch)}")
    after = before.replace("(self.branch)}\n", "(self.branch)}\n" + KL206_FROM_CONFIG)
    fix_and_check(project, "KL206", before, after)


def test_kl206_serializes_a_raw_layer_unsafely(project):
    before = KL206_BEFORE.replace("{}}", "self.branch}")
    after = before.replace("self.branch}\n", "keras.layers.serialize(self.branch)}\n" + KL206_FROM_CONFIG)
    fix_and_check(project, "KL206", before, after, unsafe=True)


def test_kl302_registers_the_function(project):
    before = (
        "import tensorflow as tf\n\n\ndef soft_dice(y_true, y_pred):  # a loss\n    return y_pred\n\n\n"
        "model.compile(optimizer='adam', loss=soft_dice)\n"
    )
    # the file's quote
    after = before.replace("def soft_dice", "@tf.keras.utils.register_keras_serializable(package='m')\ndef soft_dice")
    fix_and_check(project, "KL302", before, after)


def test_kl402_drops_an_agreeing_save_format(project):
    before = "import keras\n\nmodel.save('out/m.keras', save_format='keras')  # final\n"
    fix_and_check(project, "KL402", before, before.replace(", save_format='keras'", ""))


def test_kl402_renames_a_legacy_extension_unsafely(project):
    before = "import keras\n\nmodel.save_weights(f'{run}/weights.h5')\nmodel.save(f'{run}/model.hdf5')\n"
    path = project / "m.py"
    path.write_text(before)
    status, _, err = run("--fix", "--unsafe-fixes", "--select", "KL402", "m.py", cwd=project)
    assert status == 0 and "Fixed 2 findings." in err
    assert path.read_text() == before.replace("weights.h5", "weights.weights.h5").replace(".hdf5", ".keras")


# -- real Keras ------------------------------------------------------------------------------------

# The bad fixtures whose findings have a fix (the others have none), and for the silent kind, the
# value each class was built with that its saved config must now hold.
FIXED = {
    "KL202/bad_dense_subclass_extra_argument.py": ("ScaledOutputDense", "scale", 3.0),
    "KL202/bad_dense_subclass_required_argument.py": None,
    "KL202/bad_model_subclass_default_recorded.py": ("DefaultUnitsNet", "units", 5),
    "KL202/bad_model_subclass_required_argument.py": None,
    "KL203/bad_child_leaves_out_argument.py": ("BiasedChildLayer", "bias", 1.5),
    "KL203/bad_defaulted_argument_left_out.py": ("DefaultedFactorLayer", "factor", 2.5),
    "KL203/bad_required_argument_left_out.py": None,
    "KL206/bad_model_subclass_backbone.py": None,
    "KL206/bad_raw_inner_layer.py": None,
    "KL206/bad_serialized_without_from_config.py": None,
}

# One model holding every fixed fixture's model: one save and one load instead of one each.
COMBINED = '''
import importlib.util
import os
import sys

import keras

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {names!r}


def _load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


MODULES = [_load(name) for name in NAMES]


def build_model():
    inputs = keras.Input((4,))
    return keras.Model(inputs, [module.build_model()(inputs) for module in MODULES])
'''


def stored_configs(workdir, cls_name):
    with zipfile.ZipFile(workdir / MODEL_FILE) as archive:
        stack, found = [json.loads(archive.read("config.json"))], []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("class_name") == cls_name and isinstance(node.get("config"), dict):
                found.append(node["config"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


@pytest.mark.keras
def test_fixed_fixtures_save_and_load_with_equal_outputs(tmp_path):
    """The KL202/KL203/KL206 bad fixtures fail to save or load, or silently restore a default
    (tests/test_keras_proof_config.py, test_keras_proof_nested.py); after --fix they round-trip
    with equal outputs, loaded in a fresh process that only imports the code."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "setup.cfg").write_text("")
    names = []
    for relative in FIXED:
        name = relative.replace("/", "_").lower()[: -len(".py")]
        shutil.copy(os.path.join(FIXTURES, relative), folder / f"{name}.py")
        names.append(name)
    files = [f"{name}.py" for name in names]
    status, out, err = run("--fix", "--unsafe-fixes", "--select", "KL202,KL203,KL206", *files, cwd=folder)
    assert status == 0, out + err
    assert f"Fixed {len(FIXED)} findings." in err
    (folder / "combined.py").write_text(COMBINED.format(names=names))

    workdir = tmp_path / "work"
    saved = save_in_fresh_process(folder / "combined.py", workdir)
    assert saved.ok, f"saving failed at {saved.stage}:\n{saved.error}"
    loaded = load_in_fresh_process(workdir, import_fixture=True)
    assert loaded.ok and loaded.equal, loaded.error
    for silent in filter(None, FIXED.values()):
        cls_name, key, built_with = silent
        assert [config.get(key) for config in stored_configs(workdir, cls_name)] == [built_with], cls_name
