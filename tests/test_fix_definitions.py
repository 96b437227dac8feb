"""The fixes of the custom-object definition rules (KL201, KL204, KL205, KL207) through the CLI:
each is applied exactly where it belongs and nothing else in the file changes, a second --fix
changes nothing, and the finding is gone. The `keras` tests prove against real Keras that the
fixed class round-trips where the original failed (one save and one load process per fixed file)."""

import json
import os
import shutil
import subprocess
import zipfile

import pytest
from conftest import BIN, FIXTURES
from keras_roundtrip import MODEL_FILE, load_in_fresh_process, save_in_fresh_process


def run(*args, cwd):
    result = subprocess.run([os.path.join(BIN, "keras-lint"), "--no-cache", *args], cwd=cwd, capture_output=True)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def fix_and_check(folder, name, before, after, select, unsafe=False):
    """--fix turns `before` into exactly `after`; fixing again changes nothing; a fresh lint is clean."""
    path = folder / name
    path.write_bytes(before.encode())
    flags = ["--fix", *(["--unsafe-fixes"] if unsafe else []), "--select", select]
    code, out, err = run(*flags, name, cwd=folder)
    assert path.read_bytes().decode() == after, err
    assert (code, out) == (0, ""), out + err
    assert run(*flags, name, cwd=folder)[0] == 0 and path.read_bytes().decode() == after  # idempotent
    assert run("--select", select, name, cwd=folder)[:2] == (0, "")  # the finding is gone


# -- KL201: the registration decorator, and its import ----------------------------------------------

KL201_BEFORE = (
    '"""Blocks."""\n'
    "from keras import layers  # the layers\n"
    "\n"
    "\n"
    "class Shift(layers.Layer):  # 'single' and \"double\" quotes stay\n"
    "    def call(self, x):\n"
    "        return x + 1\n"
)


def test_kl201_fix_adds_the_decorator_and_its_import(project):
    after = KL201_BEFORE.replace(
        "# the layers\n", "# the layers\nfrom keras.saving import register_keras_serializable\n"
    ).replace("class Shift", '@register_keras_serializable(package="blocks")\nclass Shift')
    fix_and_check(project, "blocks.py", KL201_BEFORE, after, "KL201")


@pytest.mark.parametrize(
    "head, new_head",
    [
        # after the docstring and imports, before the comment that belongs to the code
        ('"""Blocks."""\nfrom keras.layers import Layer\n# the layer\n',
         '"""Blocks."""\nfrom keras.layers import Layer\nfrom keras.saving import register_keras_serializable\n# the layer\n'),
        # first in a `from keras.saving import ...` already there, its comment kept
        ("from keras.layers import Layer\nfrom keras.saving import load_model  # to check\n",
         "from keras.layers import Layer\nfrom keras.saving import register_keras_serializable, load_model  # to check\n"),
        # the file starts with code: at the very top
        ("SCALE = 2\nfrom keras.layers import Layer\n",
         "from keras.saving import register_keras_serializable\nSCALE = 2\nfrom keras.layers import Layer\n"),
    ],
)
def test_kl201_fix_puts_the_import_in_the_leading_block(project, head, new_head):
    body = "class Shift(Layer):\n    def call(self, x):\n        return x + 1\n"
    after = new_head + '@register_keras_serializable(package="blocks")\n' + body
    fix_and_check(project, "blocks.py", head + body, after, "KL201")


def test_kl201_fix_takes_the_package_from_config(project):
    (project / "setup.cfg").write_text("[keras-lint]\npackage = my_models\n")
    before = "import keras\n\n\nclass Shift(keras.layers.Layer):\n    pass\n"
    after = before.replace("class Shift", '@keras.saving.register_keras_serializable(package="my_models")\nclass Shift')
    fix_and_check(project, "blocks.py", before, after, "KL201")


def test_kl201_no_fix_when_another_module_of_the_package_has_a_class_of_that_name(project):
    (project / "setup.cfg").write_text("[keras-lint]\npackage = my_models\n")
    before = "import keras\n\n\nclass Shift(keras.layers.Layer):\n    pass\n"
    (project / "other.py").write_text(before)
    (project / "blocks.py").write_text(before)
    code, out, err = run("--fix", "--select", "KL201", "blocks.py", cwd=project)
    assert code == 1 and "KL201 Keras layer `Shift`" in out  # reported, without the [*] of a fix
    assert (project / "blocks.py").read_text() == before


def test_kl201_fixes_every_class_of_a_file_in_one_run(project):
    before = "from keras import layers\n\n\nclass A(layers.Layer):\n    pass\n\n\nclass B(layers.Layer):\n    pass\n"
    after = (
        "from keras import layers\nfrom keras.saving import register_keras_serializable\n\n\n"
        '@register_keras_serializable(package="m")\nclass A(layers.Layer):\n    pass\n\n\n'
        '@register_keras_serializable(package="m")\nclass B(layers.Layer):\n    pass\n'
    )
    fix_and_check(project, "m.py", before, after, "KL201")


# -- KL204: accept **kwargs and hand them on --------------------------------------------------------

KL204_BEFORE = (
    "import keras\n"
    "\n"
    "\n"
    "@keras.saving.register_keras_serializable(package='m')\n"
    "class Shift(keras.layers.Layer):\n"
    "    def __init__(\n"
    "        self,\n"
    "        shift,  # how far\n"
    "        name=None,\n"
    "    ):\n"
    "        super().__init__(\n"
    "            name=name,\n"
    "        )\n"
    "        self.shift = shift\n"
    "\n"
    "    def get_config(self):\n"
    "        return {**super().get_config(), 'shift': self.shift}\n"
)
KL204_AFTER = KL204_BEFORE.replace(
    "        name=None,\n    ):", "        name=None,\n        **kwargs,\n    ):"
).replace("            name=name,\n        )", "            name=name,\n            **kwargs,\n        )")


def test_kl204_fix_adds_kwargs_in_the_layout_of_the_def_and_the_call(project):
    fix_and_check(project, "m.py", KL204_BEFORE, KL204_AFTER, "KL204")


def test_kl204_fix_keeps_crlf_line_endings(project):
    fix_and_check(project, "m.py", KL204_BEFORE.replace("\n", "\r\n"), KL204_AFTER.replace("\n", "\r\n"), "KL204")


KL204_SWALLOWED = (
    "import keras\n"
    "\n"
    "\n"
    "class Shift(keras.layers.Layer):\n"
    "    def __init__(self, shift, **options):\n"
    "        super(Shift, self).__init__()\n"
    "        self.shift = shift\n"
    "\n"
    "    def get_config(self):\n"
    "        return {**super().get_config(), \"shift\": self.shift}\n"
)


def test_kl204_handing_on_swallowed_kwargs_needs_unsafe_fixes(project):
    path = project / "m.py"
    path.write_text(KL204_SWALLOWED)
    code, out, err = run("--fix", "--select", "KL204", "m.py", cwd=project)
    assert code == 1 and "KL204 [~]" in out and path.read_text() == KL204_SWALLOWED
    after = KL204_SWALLOWED.replace("super(Shift, self).__init__()", "super(Shift, self).__init__(**options)")
    fix_and_check(project, "m.py", KL204_SWALLOWED, after, "KL204", unsafe=True)


# -- KL205: build on super().get_config() (and accept what it adds) ---------------------------------

KL205_BEFORE = (
    "import keras\n"
    "\n"
    "\n"
    "class Scale(keras.layers.Layer):\n"
    "    def __init__(self, factor):\n"
    "        super().__init__()\n"
    "        self.factor = factor\n"
    "\n"
    "    def build(self, input_shape):\n"
    "        self.gain = self.add_weight(name='gain', shape=(input_shape[-1],))\n"
    "\n"
    "    def get_config(self):\n"
    "        config = {\n"
    "            'factor': self.factor,  # the only argument\n"
    "        }\n"
    "        return config\n"
)


def test_kl205_fix_builds_on_super_and_lets_init_take_what_it_adds(project):
    after = (
        KL205_BEFORE.replace("(self, factor)", "(self, factor, **kwargs)")
        .replace("super().__init__()", "super().__init__(**kwargs)")
        .replace("config = {\n", "config = {\n            **super().get_config(),\n")
    )
    path = project / "m.py"
    path.write_text(KL205_BEFORE)
    assert run("--fix", "--select", "KL205", "m.py", cwd=project)[0] == 1  # unsafe: not without the flag
    assert path.read_text() == KL205_BEFORE
    fix_and_check(project, "m.py", KL205_BEFORE, after, "KL205", unsafe=True)
    assert run("--select", "KL204", "m.py", cwd=project)[:2] == (0, "")  # and KL204 has nothing to say


def test_kl204_and_kl205_fixes_compose_on_one_class(project):
    before = KL204_SWALLOWED.replace(
        '{**super().get_config(), "shift": self.shift}', '{"shift": self.shift}'
    ).replace("self.shift = shift\n", "self.shift = shift\n        self.dense = keras.layers.Dense(2)\n")
    after = before.replace("super(Shift, self).__init__()", "super(Shift, self).__init__(**options)").replace(
        '{"shift": self.shift}', '{**super().get_config(), "shift": self.shift}'
    )
    (project / "m.py").write_text(before)
    code, out, _ = run("--select", "KL204,KL205", "m.py", cwd=project)
    assert code == 1 and "KL204 [~]" in out and "KL205 [~]" in out
    fix_and_check(project, "m.py", before, after, "KL204,KL205", unsafe=True)


# -- KL207: name the weight after its attribute -----------------------------------------------------

KL207_BEFORE = (
    "import keras\n"
    "\n"
    "\n"
    "class Affine(keras.layers.Layer):\n"
    "    def build(self, input_shape):\n"
    "        self.kernel = self.add_weight(\n"
    "            shape=(input_shape[-1], 3), initializer=\"glorot_uniform\"\n"
    "        )\n"
    "        self.bias = self.add_weight(shape=(3,), name=None)  # no name yet\n"
    "\n"
    "    def call(self, x):\n"
    "        return keras.ops.matmul(x, self.kernel) + self.bias\n"
)


def test_kl207_fix_names_each_weight_after_its_attribute(project):
    after = KL207_BEFORE.replace('"glorot_uniform"\n', '"glorot_uniform", name="kernel"\n')
    after = after.replace("name=None", 'name="bias"')
    path = project / "m.py"
    path.write_text(KL207_BEFORE)
    assert run("--fix", "--select", "KL207", "m.py", cwd=project)[0] == 1  # unsafe: not without the flag
    assert path.read_text() == KL207_BEFORE
    fix_and_check(project, "m.py", KL207_BEFORE, after, "KL207", unsafe=True)


# -- against real Keras ----------------------------------------------------------------------------


def fixed_copy(tmp_path, code, fixture, unsafe=False):
    """The fixture copied into a fresh project and fixed there with --fix (--unsafe-fixes)."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "setup.cfg").write_text("")
    shutil.copy(os.path.join(FIXTURES, code, fixture), folder / "model_code.py")
    flags = ["--fix", *(["--unsafe-fixes"] if unsafe else []), "--select", code]
    result = run(*flags, "model_code.py", cwd=folder)
    assert result[:2] == (0, ""), result
    assert "Fixed 1 finding." in result[2]
    return folder / "model_code.py"


def round_trip(tmp_path, path):
    workdir = tmp_path / "work"
    saved = save_in_fresh_process(path, workdir)
    assert saved.ok, f"saving failed at {saved.stage}:\n{saved.error}"
    return workdir, load_in_fresh_process(workdir, import_fixture=True)


# tests/test_keras_proof_registration.py shows these fail to load: "Could not locate class"
@pytest.mark.keras
@pytest.mark.parametrize("fixture", ["bad_unregistered_layer.py", "bad_unregistered_dense_subclass.py"])
def test_the_kl201_fix_makes_the_model_load(tmp_path, fixture):
    fixed = fixed_copy(tmp_path, "KL201", fixture)
    assert "register_keras_serializable(package=\"model_code\")" in fixed.read_text()
    _, loaded = round_trip(tmp_path, fixed)
    assert loaded.ok and loaded.equal, loaded.error


# tests/test_keras_proof_init.py shows these fail to load: "unexpected keyword argument 'name'"
@pytest.mark.keras
@pytest.mark.parametrize("fixture", ["bad_no_kwargs_super_config.py", "bad_loss_no_kwargs.py"])
def test_the_kl204_fix_makes_the_model_load(tmp_path, fixture):
    fixed = fixed_copy(tmp_path, "KL204", fixture)
    assert "**kwargs" in fixed.read_text()
    _, loaded = round_trip(tmp_path, fixed)
    assert loaded.ok and loaded.equal, loaded.error


# tests/test_keras_proof_init.py shows the layer loads renamed, trainable again, in float32
@pytest.mark.keras
def test_the_kl205_fix_saves_name_trainable_and_dtype(tmp_path):
    fixed = fixed_copy(tmp_path, "KL205", "bad_layer_config_without_super.py", unsafe=True)
    workdir, loaded = round_trip(tmp_path, fixed)
    assert loaded.ok and loaded.equal, loaded.error
    with zipfile.ZipFile(workdir / MODEL_FILE) as archive:
        text = archive.read("config.json").decode()
    layers = json.loads(text)["config"]["layers"]
    (config,) = [layer["config"] for layer in layers if layer["class_name"] == "ScaleConfigWithoutSuper"]
    assert config["name"] == "frozen_scale" and config["trainable"] is False
    assert "float64" in json.dumps(config["dtype"])
