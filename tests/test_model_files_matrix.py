"""The preflight's predictions against real loads (issue 23): every model file built here -- by
Keras 3.15.1 and by tf_keras 2.21, in fresh processes, plus files crafted from them (truncated,
misnamed, bytecode from Python 3.10, a module gadget, a registered name on a built-in) -- is loaded
by a fresh Keras 3 process and a fresh tf_keras process, with compile on and off (and safe_mode off
for the Lambda files), and each outcome must be what keras-lint predicts for that loader: a load
fails exactly when some verdict says it fails. The files are built once per session; each loader
runs all its loads in one process.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

pytestmark = pytest.mark.keras

from keras_lint.model_files import CHECKS, Loader, check_model_file
from keras_roundtrip import run_python, tf_keras_env
from model_file_builders import BUILD, LOAD, MYLIB


def _module_names(code: str) -> frozenset:
    """The names a script binds at module level: what tf_keras's rebuilt lambdas see of `__main__`."""
    import ast

    names = set()
    for node in ast.parse(code).body:
        for inner in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else [node]:
            if isinstance(inner, (ast.FunctionDef, ast.ClassDef)):
                names.add(inner.name)
            elif isinstance(inner, ast.alias):
                names.add((inner.asname or inner.name).split(".")[0])
            elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                names.add(inner.id)
    return frozenset(names)


# The loading processes have none of keras_hub / keras_cv / keras_nlp (asserted in model_folder).
KERAS3 = Loader("keras3", "3.15.1", "test", libraries=frozenset())
TF_KERAS = Loader("tf_keras", "2.21.0", "test", main_globals=_module_names(LOAD))
# `lambda t: t * 2.0` marshalled by CPython 3.10.13 (base64(marshal.dumps(f.__code__)), as Keras writes it).
PY310_LAMBDA = ("4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7nAAAAAAAAAECpACkB2gF0cgIAAAByAgAAANoI"
                "PHN0cmluZz7aCDxsYW1iZGE+AwAAAHMCAAAACAA=")
# Checks the matrix cannot show by a load: a hostile archive is never loaded (tests/test_model_files.py);
# KL633 needs an older Keras (test_predictions_agree_under_an_older_keras_3), KL634 an older TensorFlow
# (test_functional_under_keras_before_2_4).
NOT_LOADED = {"KL603", "KL633", "KL634"}


def _json_line(stdout: str, mark: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith(mark):
            return json.loads(line[len(mark):])
    raise AssertionError(f"no {mark} line in the child's output:\n{stdout[-3000:]}")


def _rewrite_config(source: str, target: str, change) -> None:
    """Copy a .keras archive, its config.json changed by `change(config)` (members stay ZIP_STORED)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "config.json":
                config = json.loads(data)
                change(config)
                data = json.dumps(config).encode()
            new.writestr(info, data)


def _craft(folder: str) -> None:
    def at(name):
        return os.path.join(folder, name)

    data = open(at("k3_builtin.keras"), "rb").read()
    open(at("x_truncated.keras"), "wb").write(data[: len(data) * 6 // 10])
    open(at("x_lfs_pointer.keras"), "w").write("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 12\n")
    shutil.copy(at("k3_builtin.h5"), at("x_h5_named.keras"))
    shutil.copy(at("k3_builtin.keras"), at("x_zip_named.h5"))

    def py310(config):
        config["config"]["layers"][1]["config"]["function"]["config"]["code"] = PY310_LAMBDA

    _rewrite_config(at("k3_lambda.keras"), at("x_py310_lambda.keras"), py310)

    def gadget(config):
        dense = config["config"]["layers"][1]["config"]
        dense["kernel_initializer"] = {"module": "os", "class_name": "getcwd", "config": {}, "registered_name": None}

    _rewrite_config(at("k3_builtin.keras"), at("x_os_gadget.keras"), gadget)

    def substitution(config):
        config["config"]["layers"][0]["registered_name"] = "mylib>Evil"

    _rewrite_config(at("k3_builtin.keras"), at("x_builtin_registered_name.keras"), substitution)

    def keras_hub(config):  # a keras_hub layer, as keras_hub saves it, where keras_hub is not installed
        dense = config["config"]["layers"][1]
        dense.update(module="keras_hub.src.layers.modeling.transformer_encoder", class_name="TransformerEncoder",
                     registered_name="keras_hub>TransformerEncoder")

    _rewrite_config(at("k3_builtin.keras"), at("x_keras_hub_layer.keras"), keras_hub)

    def tfsm_missing(config):  # the TFSMLayer's SavedModel not shipped with the file
        config["config"]["layers"][1]["config"]["filepath"] = "exports/missing"

    _rewrite_config(at("k3_tfsm.keras"), at("x_tfsm_missing.keras"), tfsm_missing)


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model_files")
    (folder / "mylib").mkdir()
    (folder / "mylib" / "__init__.py").write_text("")
    (folder / "mylib" / "layers.py").write_text(MYLIB)
    # A script file, not `python -c`: Keras reads a compile lambda's source through inspect.
    (folder / "build_models.py").write_text(BUILD)
    run = "import runpy; runpy.run_path('build_models.py', run_name='__main__')"
    built = {}
    for env in ({}, tf_keras_env()):
        result = run_python(run, cwd=folder, env={**env, "PYTHONPATH": str(folder)})
        built.update(_json_line(result.stdout, "@@built@@ "))
    assert {name: error for name, error in built.items() if error} == {}
    import importlib.util

    assert [importlib.util.find_spec(root) for root in ("keras_hub", "keras_cv", "keras_nlp")] == [None] * 3
    _craft(str(folder))
    return str(folder)


def _files(folder: str) -> list:
    return sorted(name for name in os.listdir(folder) if name not in ("mylib", "build_models.py", "__pycache__", "exports"))


def _jobs(folder: str) -> list:
    jobs = [(name, compile_, True) for name in _files(folder) for compile_ in (True, False)]
    jobs += [(name, True, False) for name in _files(folder)
             if ("lambda" in name or "tfsm" in name or "vocab" in name) and "suspicious" not in name]
    return jobs


@pytest.fixture(scope="session")
def real_loads(model_folder):
    """{(loader line, file, compile, safe_mode): the error, or None}: one process per loader."""
    outcomes = {}
    jobs = _jobs(model_folder)
    for line, env in (("keras3", {}), ("tf_keras", tf_keras_env())):
        # tf_keras_env may set PYTHONPATH; the loader needs nothing of the folder (mylib is never imported)
        result = run_python(LOAD, json.dumps(jobs), cwd=model_folder, env={**env} or {"KERAS_BACKEND": "tensorflow"})
        for key, error in _json_line(result.stdout, "@@loaded@@ ").items():
            name, compile_, safe_mode = key.split("|")
            outcomes[(line, name, compile_ == "True", safe_mode == "True")] = error
    return outcomes


def test_every_prediction_agrees_with_a_real_load(model_folder, real_loads):
    wrong, seen = [], set()
    for (line, name, compile_, safe_mode), error in sorted(real_loads.items(), key=str):
        base = KERAS3 if line == "keras3" else TF_KERAS
        loader = dataclasses.replace(base, compile=compile_, safe_mode=safe_mode)
        verdicts = check_model_file(os.path.join(model_folder, name), loader)
        seen |= {v.code for v in verdicts}
        predicted = any(v.fails for v in verdicts)
        if predicted != (error is not None):
            wrong.append(f"{line} {name} compile={compile_} safe_mode={safe_mode}: predicted "
                         f"{'failure' if predicted else 'load'} {[(v.code, v.where) for v in verdicts]}, real: {error or 'loaded'}")
    assert len(real_loads) >= 250
    assert wrong == []
    assert set(CHECKS) - NOT_LOADED - seen == set()  # every check is proven by a load


def test_the_findings_name_the_cause_and_where(model_folder):
    verdicts = check_model_file(os.path.join(model_folder, "k3_nested_unreg.keras"), KERAS3)
    assert [(v.code, v.where) for v in verdicts] == [("KL610", "config.layers[1].config.layers[2]")]
    assert "UnregLayer" in verdicts[0].message and "custom_objects" in verdicts[0].message
    wrapped = check_model_file(os.path.join(model_folder, "k3_wrapped_unreg.keras"), KERAS3)
    assert [(v.code, v.where) for v in wrapped] == [("KL610", "config.layers[1].config.layer")]
    compile_only = check_model_file(os.path.join(model_folder, "k3_loss_unreg.keras"), KERAS3)
    assert [(v.code, v.where) for v in compile_only] == [("KL611", "compile_config.loss")]
    assert "compile=False" in compile_only[0].message
    h5 = check_model_file(os.path.join(model_folder, "tk_lambda.h5"), TF_KERAS)
    assert [(v.code, v.where, v.fails) for v in h5] == [("KL623", "model_config.config.layers[1].config.function", False)]


# -- an older Keras 3 ----------------------------------------------------------------------------------

OLDER_KERAS = "3.6.0"


@pytest.fixture(scope="session")
def older_keras(tmp_path_factory):
    """A folder holding Keras 3.6.0 (`pip install --no-deps --target DIR keras==3.6.0`):
    KERAS_LINT_KERAS_3_6 when set, else installed here (it needs the package index)."""
    given = os.environ.get("KERAS_LINT_KERAS_3_6")
    if given and os.path.isdir(os.path.join(given, "keras")):
        return given
    folder = str(tmp_path_factory.mktemp("keras-3.6"))
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", folder,
                             f"keras=={OLDER_KERAS}"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"cannot install keras=={OLDER_KERAS} (set KERAS_LINT_KERAS_3_6 to a folder holding it):\n{result.stderr}")
    return folder


def test_predictions_agree_under_an_older_keras_3(model_folder, older_keras):
    """Every file of the matrix -- Keras 3.15.1's, tf_keras 2.21's and the crafted ones -- loaded by
    Keras 3.6.0 (TensorFlow backend): every Dense and Embedding of a Keras 3.15 file fails on
    `quantization_config` (KL633), an unregistered class loads by importing its module (the
    loader's folder holds mylib), an HDF5 Lambda runs with no safe_mode check, a lambda reading
    globals fails (KL626); a tf_keras file meets what it meets under 3.15 (KL630). (The research saw
    a nested tf_keras HDF5 model hang under 3.6; a load that hangs is killed after LOAD_TIMEOUT and
    counts as a failure.)"""
    jobs = _jobs(model_folder)
    result = run_python(LOAD, json.dumps(jobs), cwd=model_folder,
                        env={"PYTHONPATH": older_keras, "KERAS_BACKEND": "tensorflow"})
    loaded = _json_line(result.stdout, "@@loaded@@ ")
    assert "quantization_config" in loaded["k3_builtin.keras|True|True"]
    loader = Loader("keras3", OLDER_KERAS, "test", libraries=frozenset())
    wrong, seen = [], set()
    for key, error in sorted(loaded.items()):
        name, compile_, safe_mode = key.split("|")
        judged = dataclasses.replace(loader, compile=compile_ == "True", safe_mode=safe_mode == "True")
        verdicts = check_model_file(os.path.join(model_folder, name), judged)
        seen |= {v.code for v in verdicts}
        if any(v.fails for v in verdicts) != (error is not None):
            wrong.append(f"{key}: predicted {[(v.code, v.fails) for v in verdicts]}, real: {error or 'loaded'}")
    assert len(loaded) == len(jobs)
    assert wrong == []
    assert {"KL633", "KL610", "KL613", "KL614", "KL615", "KL623", "KL626"} <= seen


# -- registrations the loading code imports ----------------------------------------------------------

SERVE = {
    # file loaded -> the loading script: it imports a project module, but not the one registering mylib>RegLayer
    "missing.keras": "import keras\nimport mylib.other\nmodel = keras.models.load_model('missing.keras')\n",
    # through the project's imports: serving.py imports mylib.layers
    "through.keras": "import keras\nfrom serving import prepare\nmodel = keras.models.load_model('through.keras')\n",
    "direct.keras": "import keras\n\ndef main():\n    from mylib import layers\n    return keras.models.load_model('direct.keras')\n\nmain()\n",
}


def test_a_registration_counts_only_where_the_loading_code_imports_it(model_folder, tmp_path, monkeypatch, capsys):
    """k3_registered.keras needs `mylib>RegLayer`, which mylib/layers.py registers. A loading script
    that never imports mylib.layers fails for real, and keras-lint says so at its load_model call;
    one that imports it (itself, inside a function, or through another project module) loads."""
    from keras_lint.cli import main

    project = tmp_path / "project"
    shutil.copytree(os.path.join(model_folder, "mylib"), project / "mylib")
    (project / "mylib" / "other.py").write_text("HELLO = 1\n")
    (project / "serving.py").write_text("import mylib.layers\n\ndef prepare():\n    return None\n")
    (project / "setup.cfg").write_text("[metadata]\nname = served\n")
    real = {}
    for name, script in SERVE.items():
        shutil.copy(os.path.join(model_folder, "k3_registered.keras"), project / name)
        (project / f"serve_{name.split('.')[0]}.py").write_text(script)
        result = run_python(script, cwd=project, env={"KERAS_BACKEND": "tensorflow", "PYTHONPATH": str(project)})
        real[name] = result.returncode == 0
    assert real == {"missing.keras": False, "through.keras": True, "direct.keras": True}
    monkeypatch.chdir(project)
    for name, loads in real.items():
        assert main(["--no-cache", "--select", "KL6", "--model-loader", "keras==3.15.1", name]) == (0 if loads else 1)
        out = capsys.readouterr().out.splitlines()
        if not loads:
            assert [line.split()[0] + " " + line.split()[1] for line in out] == [
                f"{name}:1:1: KL610", f"serve_{name.split('.')[0]}.py:3:9: KL610"]
            assert "registered as `mylib>RegLayer` at mylib/layers.py:" in out[0]
            assert "in `mylib.layers`, which the loading code (serve_missing.py:3) does not import" in out[0]
    # no load_model call names the file: a key the project registers counts as found (the loader is unknown)
    os.remove(project / "serve_missing.py")
    assert main(["--no-cache", "--select", "KL6", "missing.keras"]) == 0


# -- Keras before 2.4 (KL634) ---------------------------------------------------------------------------

OLD_BUILD = r"""
import json
from tensorflow import keras
def functional(*layers):
    inputs = keras.Input(shape=(4,))
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)
for name, model in (("functional", functional(keras.layers.Dense(3))),
                    ("seq_nested", keras.Sequential([keras.Input(shape=(4,)), functional(keras.layers.Dense(4))])),
                    ("sequential", keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)]))):
    model.compile(optimizer="adam", loss="mean_squared_error")
    model.save(f"tf210_{name}.h5")
print("@@built@@ " + json.dumps(keras.__version__))
"""
OLD_LOAD = r"""
import json, sys
import tensorflow as tf
out = {}
for path, compile_ in json.loads(sys.argv[1]):
    try:
        tf.keras.models.load_model(path, compile=compile_)
        out[f"{path}|{compile_}"] = None
    except Exception as exc:
        out[f"{path}|{compile_}"] = f"{type(exc).__name__}: {exc}"[:300]
print("@@loaded@@ " + json.dumps(out))
"""


def test_functional_under_keras_before_2_4(tmp_path, pytestconfig):
    """Files TensorFlow 2.10 saves, loaded by TensorFlow 2.2.3 (tf.keras 2.3.0-tf, no `Functional`)
    and 2.3.4 (which bundles Keras 2.4.0): the prediction agrees with each load. TF 2.2 also fails to
    compile a newer file's training config (KeyError 'sample_weight_mode'), which keras-lint does not
    model: the compile=True loads are asserted only for the files holding a Functional."""
    from keras_envs import env_python

    built = subprocess.run([str(env_python("tf210", pytestconfig)), "-c", OLD_BUILD], cwd=tmp_path,
                           capture_output=True, text=True, timeout=600)
    assert _json_line(built.stdout, "@@built@@ ").startswith("2.10"), built.stderr[-2000:]
    files = sorted(name for name in os.listdir(tmp_path) if name.endswith(".h5"))
    jobs = [(name, compile_) for name in files for compile_ in (True, False)]
    wrong, seen = [], set()
    for env, version in (("tf22", "2.2"), ("tf23", "2.3")):
        done = subprocess.run([str(env_python(env, pytestconfig)), "-c", OLD_LOAD, json.dumps(jobs)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        loaded = _json_line(done.stdout, "@@loaded@@ ")
        assert len(loaded) == len(jobs)
        for key, error in sorted(loaded.items()):
            name, compile_ = key.split("|")
            if env == "tf22" and compile_ == "True" and name == "tf210_sequential.h5":
                assert "sample_weight_mode" in error  # the unmodelled training-config failure
                continue
            loader = Loader("tf_keras", version, "test", compile=compile_ == "True", tensorflow=True)
            verdicts = check_model_file(os.path.join(tmp_path, name), loader)
            seen |= {v.code for v in verdicts}
            if any(v.fails for v in verdicts) != (error is not None):
                wrong.append(f"TF {version} {key}: predicted {[(v.code, v.where) for v in verdicts]}, real: {error or 'loaded'}")
            if error:
                assert "Unknown layer: Functional" in error
    assert wrong == []
    assert seen == {"KL634"}
