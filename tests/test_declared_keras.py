"""The Keras a project declares (issue 18): its dependency files decide whether a file reaching Keras
as `tf.keras` or as `keras` is judged as Keras 2 or 3 (api.declared_keras, dependencies/), the run
says what it assumed, and --target-keras still decides when given."""

import json
import subprocess
import sys

import pytest

from keras_lint import api
from keras_lint.cli import main

SAVES_H5 = (
    "import tensorflow as tf\n\n"
    "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
    'model.save_weights("w.h5")\n'
    'model.save("m.h5")\n'
)
IMPORTS_KERAS = SAVES_H5.replace("import tensorflow as tf\n", "import keras\n").replace("tf.keras", "keras")


@pytest.fixture(autouse=True)
def fresh_declarations(monkeypatch):
    monkeypatch.setattr(api, "_DECLARED", {})  # one entry per root and process: each test is a new project


def lint(project, monkeypatch, capsys, *args) -> tuple:
    monkeypatch.chdir(project)
    code = main(["--no-cache", "-j", "1", *args, "."])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def make(tmp_path, code: str, **files) -> object:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "train.py").write_text(code)
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text)
    return tmp_path


def test_a_project_pinned_to_tensorflow_2_15_gets_no_keras3_only_finding(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, SAVES_H5, requirements__txt="tensorflow==2.15.*\n")
    code, out, err = lint(project, monkeypatch, capsys)
    assert (code, out) == (0, "")
    assert "Judged against the Keras the project declares: tf.keras 2.15, from requirements.txt:1: tensorflow==2.15.*" in err


def test_the_same_project_declaring_nothing_is_judged_as_keras3(tmp_path, monkeypatch, capsys):
    code, out, err = lint(make(tmp_path, SAVES_H5), monkeypatch, capsys)
    assert code == 1 and out.count("KL402") == 2
    assert err == (  # nothing declared: the run says what it assumed (and what --fix can do, issue 22)
        "Found 2 findings in 1 file.\n0 fixable with --fix (2 more with --unsafe-fixes).\n"
        "Judged against Keras 3.15 (tf_keras 2.21 where a file spells Keras 2): nothing declared (--target-keras to change).\n"
    )


def test_tensorflow_2_16_or_later_is_keras3(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, SAVES_H5, requirements__txt="tensorflow>=2.16\n")
    code, out, err = lint(project, monkeypatch, capsys)
    assert out.count("KL402") == 2 and "Keras 3.0" in err


def test_a_range_across_keras_2_and_3_is_judged_as_keras3_as_before(tmp_path, monkeypatch, capsys):
    """tensorflow>=2.10 runs tf.keras 2.10-2.15 and Keras 3: a failure of Keras 3 happens in some
    version of the range, so its findings stay."""
    project = make(tmp_path, SAVES_H5, requirements__txt="tensorflow>=2.10\n")
    code, out, _ = lint(project, monkeypatch, capsys)
    assert out.count("KL402") == 2


def test_keras_below_3_makes_the_keras_package_keras2(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, IMPORTS_KERAS, requirements__txt="keras<3\ntensorflow<2.16\n")
    code, out, err = lint(project, monkeypatch, capsys)
    assert (code, out) == (0, "")


def test_a_file_importing_keras_stays_keras3_where_only_tf_keras_is_declared(tmp_path, monkeypatch, capsys):
    """tf-keras (or the legacy switch) turns `tf.keras` into Keras 2; `import keras` is still Keras 3."""
    project = make(tmp_path, IMPORTS_KERAS, requirements__txt="tensorflow>=2.16\ntf-keras\n")
    assert lint(project, monkeypatch, capsys)[1].count("KL402") == 2
    (project / "train.py").write_text(SAVES_H5)
    assert lint(project, monkeypatch, capsys)[1] == ""


def test_target_keras_overrides_what_the_project_declares(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, SAVES_H5, requirements__txt="tensorflow==2.15.*\n")
    code, out, err = lint(project, monkeypatch, capsys, "--target-keras", "3")
    assert out.count("KL402") == 2 and err.splitlines()[-1] == "Judged against Keras 3.15, from target-keras 3."


def test_the_legacy_switch_in_ci_configuration_makes_tf_keras_keras2(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, SAVES_H5, requirements__txt="tensorflow>=2.16\n")
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / ".github" / "workflows" / "ci.yml").write_text("env:\n  TF_USE_LEGACY_KERAS: 1\n")
    assert lint(project, monkeypatch, capsys)[1] == ""


def test_a_broken_requirement_is_one_warning_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, SAVES_H5, requirements__txt="tensorflow=>2.4\ntensorflow==2.15.*\n")
    code, out, err = lint(project, monkeypatch, capsys)
    assert (code, out) == (0, "")
    warnings = [line for line in err.splitlines() if line.startswith("keras-lint: warning:")]
    assert len(warnings) == 1 and "requirements.txt:1" in warnings[0]


def test_a_project_whose_files_never_name_keras_does_not_load_packaging(tmp_path):
    """Reading declarations costs `packaging`'s imports (~50 ms) only where some file names Keras."""
    (tmp_path / "setup.cfg").write_text("[options]\ninstall_requires =\n    numpy\n")
    (tmp_path / "requirements.txt").write_text("numpy\n")
    check = (
        "import sys; from keras_lint import api; "
        f"print(api.declared_keras({str(tmp_path)!r}), 'packaging' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "None False"
    (tmp_path / "requirements.txt").write_text("tensorflow==2.12\n")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert "tf.keras 2.12" in result.stdout and result.stdout.strip().endswith("True")


def test_keras_lint_s_own_configuration_is_no_reason_to_read_dependencies(tmp_path):
    """`[tool.keras-lint]` spells "keras" too: it alone does not make a project's files worth parsing."""
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["numpy"]\n\n[tool.keras-lint]\nselect = ["KL"]\n')
    check = f"import sys; from keras_lint import api; print(api.declared_keras({str(tmp_path)!r}), 'packaging' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "None False"


def test_a_requirements_file_that_only_includes_another_is_followed(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, SAVES_H5, requirements__txt="-r deps/tf.txt\n")
    (project / "deps").mkdir()
    (project / "deps" / "tf.txt").write_text("tensorflow==2.15.*\n")
    code, out, err = lint(project, monkeypatch, capsys)
    assert (code, out) == (0, "") and "deps/tf.txt:1: tensorflow==2.15.*" in err


WINDOW_SAVED_TO_H5 = (
    "import tensorflow as tf\n\n\n"
    "class Window(tf.keras.layers.Layer):\n"
    "    def __init__(self, units, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.units = units\n\n"
    "    def call(self, x):\n"
    "        return x * self.units\n\n\n"
    "model = tf.keras.Sequential([tf.keras.Input((3,)), Window(2)])\n"
    'model.save("m.h5")\n'
)


def _kl202(out: str) -> list:
    return [line for line in out.splitlines() if " KL202 " in line]


def test_tensorflow_2_10_reports_a_layer_with_arguments_and_no_get_config_saved_to_h5(tmp_path, monkeypatch, capsys):
    """Issue 18's first 'done when': tf.keras <= 2.10 raises NotImplementedError at the .h5 save
    (proven in tests/test_versioned_facts.py); TensorFlow 2.16 records the argument itself."""
    project = make(tmp_path, WINDOW_SAVED_TO_H5, requirements__txt="tensorflow==2.10.1\n")
    found = _kl202(lint(project, monkeypatch, capsys)[1])
    assert found == [
        "train.py:4:1: KL202 `Window` takes `units` in __init__ and has no get_config; on tf.keras ≤ 2.10, saving a "
        "model holding it to .h5 (as line 14 of this file does) raises `NotImplementedError: Layer Window has arguments in "
        "`__init__` and therefore must override `get_config()``; add get_config returning them"
    ]
    (project / "requirements.txt").write_text("tensorflow>=2.16\n")
    monkeypatch.setattr(api, "_DECLARED", {})
    assert _kl202(lint(project, monkeypatch, capsys)[1]) == []


def test_a_finding_in_part_of_the_range_says_where_and_json_carries_the_target(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, WINDOW_SAVED_TO_H5, requirements__txt="tensorflow>=2.4,<2.16\n")
    found = _kl202(lint(project, monkeypatch, capsys)[1])
    assert len(found) == 1 and "KL202 on tf.keras 2.4–2.10: `Window` takes `units`" in found[0]
    monkeypatch.setattr(api, "_DECLARED", {})
    records = json.loads(lint(project, monkeypatch, capsys, "--format", "json")[1])
    # KL201 only where the .h5 save does not raise first (tf.keras <= 2.10 refuses the argument)
    assert {r["code"]: r["target"] for r in records} == {"KL201": "tf.keras 2.11–2.15", "KL202": "tf.keras 2.4–2.10"}


def test_a_layer_saved_only_as_a_savedmodel_directory_is_not_reported_on_tensorflow_2_10(tmp_path, monkeypatch, capsys):
    code = WINDOW_SAVED_TO_H5.replace('model.save("m.h5")', 'model.save("saved_model_dir")')
    project = make(tmp_path, code, requirements__txt="tensorflow==2.10.1\n")
    assert _kl202(lint(project, monkeypatch, capsys)[1]) == []


# Issue 18 triage (alibi-detect): whether a `.h5` save can hold the class is asked per class.
WINDOW_NESTED = WINDOW_SAVED_TO_H5.replace(
    "model = tf.keras.Sequential([tf.keras.Input((3,)), Window(2)])\n",
    "class Block(tf.keras.layers.Layer):\n"
    "    def __init__(self, units, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.units = units\n"
    "        self.window = Window(units)\n\n"
    "    def call(self, x):\n"
    "        return self.window(x)\n\n"
    "    def get_config(self):\n"
    "        return {**super().get_config(), 'units': self.units}\n\n\n"
    "class Pair(tf.keras.Model):\n"
    "    def __init__(self, first, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.first = first\n\n"
    "    def call(self, x):\n"
    "        return self.first(x)\n\n\n"
    "def build():\n"
    "    window = Window(3)\n"
    "    return Pair(window)\n\n\n"
    "model = tf.keras.Sequential([tf.keras.Input((3,)), Block(2)])\n",
)


def test_a_layer_built_only_inside_other_project_layers_is_not_reported_on_tensorflow_2_10(tmp_path, monkeypatch, capsys):
    """A `.h5` save calls get_config of the graph's layers, not of those a layer builds itself or a
    Model subclass is handed (fact h5_skips_tracked_sublayers, probed in every interpreter; measured
    by hand on TF 2.10.1 for the Model subclass): `Window` is only ever part of `Block` or `Pair`."""
    project = make(tmp_path, WINDOW_NESTED, requirements__txt="tensorflow==2.10.1\n")
    found = _kl202(lint(project, monkeypatch, capsys)[1])
    assert found and not any("`Window`" in line for line in found)  # `Pair` keeps its own finding
    # one build in a saved model's graph (not handed to a project class) makes it reportable again
    (project / "train.py").write_text(
        WINDOW_NESTED + "graph = tf.keras.Sequential([tf.keras.Input((3,)), Window(4)])\ngraph.save('g.h5')\n"
    )
    monkeypatch.setattr(api, "_DECLARED", {})
    found = _kl202(lint(project, monkeypatch, capsys)[1])
    assert any("`Window` takes `units`" in line and "(as line 43 of this file does)" in line for line in found)


@pytest.mark.parametrize(
    "container",
    [
        # an RNN serializes its cell (measured, TF 2.10.1: the .h5 save raises for the cell)
        "class Block(tf.keras.layers.RNN):\n"
        "    def __init__(self, units, **kwargs):\n"
        "        super().__init__(Window(units), **kwargs)\n",
        # a Functional subclass without get_config serializes its graph (measured, TF 2.10.1)
        "class Block(tf.keras.Model):\n"
        "    def __init__(self, units, **kwargs):\n"
        "        inputs = tf.keras.Input((3,))\n"
        "        super().__init__(inputs=inputs, outputs=Window(units)(inputs), **kwargs)\n",
    ],
)
def test_a_layer_built_inside_a_container_that_serializes_it_is_reported(tmp_path, monkeypatch, capsys, container):
    code = WINDOW_SAVED_TO_H5.replace(
        "model = tf.keras.Sequential([tf.keras.Input((3,)), Window(2)])\n",
        container + "\n\nmodel = tf.keras.Sequential([tf.keras.Input((3,)), Block(2)])\n",
    )
    project = make(tmp_path, code, requirements__txt="tensorflow==2.10.1\n")
    found = _kl202(lint(project, monkeypatch, capsys)[1])
    assert any("`Window` takes `units`" in line for line in found)


def test_a_layer_no_h5_save_can_hold_is_not_reported_and_an_unshown_save_is_named(tmp_path, monkeypatch, capsys):
    """The project saves to .h5 only a model it shows holds no `Window` (its SavedModel holds one):
    nothing to report. A `.h5` save of a model the file does not build (`self.model.save(...)`)
    may hold it: reported, naming that save."""
    code = WINDOW_SAVED_TO_H5.replace(
        'model.save("m.h5")\n',
        'model.save("saved_model_dir")\n'
        "other = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])\n"
        'other.save("other.h5")\n',
    )
    project = make(tmp_path, code, requirements__txt="tensorflow==2.10.1\n")
    assert _kl202(lint(project, monkeypatch, capsys)[1]) == []
    (project / "trainer.py").write_text(
        "class Trainer:\n    def __init__(self, model):\n        self.model = model\n\n"
        "    def keep(self):\n        self.model.save('best.h5')\n"
    )
    monkeypatch.setattr(api, "_DECLARED", {})
    found = _kl202(lint(project, monkeypatch, capsys)[1])
    assert len(found) == 1 and "saving a model holding it to .h5 (`trainer.py` saves to .h5 a model it does not build there)" in found[0]


def test_keyword_only_arguments_are_not_what_tensorflow_2_10_looks_at(tmp_path, monkeypatch, capsys):
    code = WINDOW_SAVED_TO_H5.replace("def __init__(self, units, **kwargs)", "def __init__(self, *, units=2, **kwargs)")
    project = make(tmp_path, code, requirements__txt="tensorflow==2.10.1\n")
    assert _kl202(lint(project, monkeypatch, capsys)[1]) == []


@pytest.mark.parametrize(
    "given, judged",
    [
        ("2.10", "Judged against tf.keras 2.10, from target-keras 2.10."),
        ("2.4-2.15", "Judged against tf.keras 2.4–2.15, from target-keras 2.4-2.15."),
        ("3.6", "Judged against Keras 3.6, from target-keras 3.6."),
        (">=2.4,<2.11", "Judged against tf.keras 2.4–2.10, from target-keras >=2.4,<2.11."),
    ],
)
def test_target_keras_takes_a_version_or_a_range(tmp_path, monkeypatch, capsys, given, judged):
    project = make(tmp_path, WINDOW_SAVED_TO_H5)
    code, out, err = lint(project, monkeypatch, capsys, "--target-keras", given)
    assert err.splitlines()[-1] == judged
    assert bool(_kl202(out)) is (given in ("2.10", "2.4-2.15", ">=2.4,<2.11"))


def test_a_target_keras_no_version_matches_is_a_usage_error(tmp_path, monkeypatch, capsys):
    code, out, err = lint(make(tmp_path, WINDOW_SAVED_TO_H5), monkeypatch, capsys, "--target-keras", "4.1")
    assert code == 2 and out == ""
    assert err.startswith("keras-lint: error: --target-keras: ") and "4.1" in err and err.count("\n") == 1


def test_show_settings_says_what_each_file_is_judged_at(tmp_path, monkeypatch, capsys):
    project = make(tmp_path, WINDOW_SAVED_TO_H5, requirements__txt="tensorflow>=2.4,<2.16\n")
    (project / "serve.py").write_text("import keras\n")
    code, out, err = lint(project, monkeypatch, capsys, "--show-settings")
    assert code == 0 and err == ""
    assert "target-keras: auto: the project declares tf.keras 2.4–2.15, from requirements.txt:1: tensorflow>=2.4,<2.16" in out
    # cut where a fact an enabled rule consults changes: KL202's at 2.10/2.11, KL204's and KL502's
    # safe_mode at 2.11/2.12, KL502's `.keras` zip at 2.12/2.13
    assert "train.py: tf.keras 2.4–2.15 (reaches Keras as tf.keras; judged at tf.keras 2.4–2.10 (as 2.10), " \
        "tf.keras 2.11 (as 2.11), tf.keras 2.12 (as 2.12), tf.keras 2.13–2.15 (as 2.15))" in out.splitlines()
    assert any(line.startswith("serve.py: tf.keras 2.4–2.15 (reaches Keras as keras") for line in out.splitlines())


def test_kl201_is_not_reported_where_tensorflow_2_10_cannot_save_the_layer_to_h5_at_all(tmp_path, monkeypatch, capsys):
    """Triage (delft, tensorflow==2.9.3): KL201 claimed "a `.h5` model using it fails to load"
    for a layer whose `.h5` save raises first on tf.keras <= 2.10 (and a SavedModel revives it)."""
    code = WINDOW_SAVED_TO_H5.replace('model.save("m.h5")\n', "")
    project = make(tmp_path, code, requirements__txt="tensorflow==2.9.3\n")
    assert lint(project, monkeypatch, capsys)[1] == ""
    (project / "requirements.txt").write_text("tensorflow==2.11.*\n")  # automatic config: loads need the class
    monkeypatch.setattr(api, "_DECLARED", {})
    assert [line.split()[1] for line in lint(project, monkeypatch, capsys)[1].splitlines()] == ["KL201"]


REVERB = (
    "import tensorflow as tf\n\n\n"
    "class Reverb(tf.keras.layers.Layer):\n"
    '    def __init__(self, trainable=False, reverb_length=48, add_dry=True, name="reverb"):\n'
    "        super().__init__(name=name, trainable=trainable)\n"
    "        self.reverb_length = reverb_length\n"
    "        self.add_dry = add_dry\n\n"
    "    def call(self, x):\n"
    "        return x * 2.0\n"
)


@pytest.mark.parametrize("declared, reported", [("tensorflow<=2.11\n", True), ("tensorflow==2.12.*\n", False),
                                                ("tensorflow==2.15.*\n", False)])
def test_kl204_on_tensorflow_2_11_whose_automatic_config_hands_dtype_back_to_init(
    tmp_path, monkeypatch, capsys, declared, reported
):
    """Triage (ddsp, tensorflow<=2.11): on TF 2.11.1 the .h5 load raises `TypeError: Reverb.__init__()
    got an unexpected keyword argument 'dtype'`; TF 2.12.1 loads it (keras_api.VERSIONED_FACTS)."""
    out = lint(make(tmp_path, REVERB, requirements__txt=declared), monkeypatch, capsys)[1]
    found = [line for line in out.splitlines() if " KL204 " in line]
    assert bool(found) is reported
    if reported:
        assert "KL204 [*] on tf.keras 2.11: `__init__` does not accept `**kwargs`" in found[0]
        assert "unexpected keyword argument 'dtype'\" (tf.keras 2.11;" in found[0]


def test_kl502_on_tensorflow_before_2_12_says_there_is_no_safe_mode_at_all(tmp_path, monkeypatch, capsys):
    """Triage (alibi-detect): "has ignored `safe_mode`" was wrong before tf.keras 2.12, which has
    no safe_mode (versioned fact safe_mode_argument); nor is `.keras` a way out before 2.13."""
    code = 'import tensorflow as tf\n\nmodel = tf.keras.models.load_model("m.h5")\n'
    out = lint(make(tmp_path, code, requirements__txt="tensorflow==2.8.*\n"), monkeypatch, capsys)[1]
    assert out == (
        "train.py:3:9: KL502 `load_model` reads `m.h5` with the HDF5 loader, which before tf.keras 2.12 has no `safe_mode` "
        "check at all: a Lambda layer in the file runs its stored bytecode; load only files you made (a `.keras` "
        "path is HDF5 too before tf.keras 2.13)\n"
    )
    (tmp_path / "requirements.txt").write_text("tensorflow==2.15.*\n")
    monkeypatch.setattr(api, "_DECLARED", {})
    assert "has ignored `safe_mode`" in lint(tmp_path, monkeypatch, capsys)[1]


def test_kl101_mentions_keras_files_refusing_a_lambda_only_where_they_do(tmp_path, monkeypatch, capsys):
    """Triage (deepcell, tensorflow~=2.8.0): "`.keras` files refuse it" is false before tf.keras 2.13,
    which writes `.keras` as HDF5 with the bytecode (versioned fact safe_mode_refuses_lambda)."""
    code = "import tensorflow as tf\n\nlayer = tf.keras.layers.Lambda(lambda t: t * 2)\n"
    out = lint(make(tmp_path, code, requirements__txt="tensorflow~=2.8.0\n"), monkeypatch, capsys)[1]
    assert "KL101" in out and "`.keras` files refuse it" not in out
    (tmp_path / "requirements.txt").write_text("tensorflow==2.15.*\n")
    monkeypatch.setattr(api, "_DECLARED", {})
    assert "`.keras` files refuse it" in lint(tmp_path, monkeypatch, capsys)[1]


def test_kl301_quotes_the_error_of_the_keras_judged_at(tmp_path, monkeypatch, capsys):
    """Triage (deepcell, tensorflow~=2.8.0): KL301 quoted Keras 3's "Could not locate function"."""
    code = (
        "import tensorflow as tf\n\n\ndef make_loss(w):\n    def weighted(y_true, y_pred):\n"
        "        return w * tf.reduce_mean(y_true - y_pred)\n    return weighted\n\n\n"
        'model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\nmodel.compile(optimizer="adam", loss=make_loss(2.0))\n'
    )
    out = lint(make(tmp_path, code, requirements__txt="tensorflow~=2.8.0\n"), monkeypatch, capsys)[1]
    assert "the load fails (\"Unknown loss function: 'weighted'\")" in out
    (tmp_path / "requirements.txt").write_text("tensorflow>=2.16\n")
    monkeypatch.setattr(api, "_DECLARED", {})
    assert "the load fails (\"Could not locate function 'weighted'\")" in lint(tmp_path, monkeypatch, capsys)[1]


def test_a_layer_checkpointed_to_h5_through_a_built_path_is_seen_on_tensorflow_2_2(tmp_path, monkeypatch, capsys):
    """Recall triage (a repository's train.py on TF 2.2): the `.hdf5` name is built with `+`, and
    ModelCheckpoint saves the whole model there, which tf.keras <= 2.10 refuses for `Window`."""
    code = WINDOW_SAVED_TO_H5.replace(
        'model.save("m.h5")',
        'ckpt = tf.keras.callbacks.ModelCheckpoint(filepath=args.model + ".hdf5", save_best_only=True)',
    )
    project = make(tmp_path, code, requirements__txt="tensorflow==2.2.0\n")
    assert len(_kl202(lint(project, monkeypatch, capsys)[1])) == 1


def test_a_finding_said_differently_across_the_range_says_each_with_its_versions(tmp_path, monkeypatch, capsys):
    """Keras 3.0-3.7 refuse an `.h5` ModelCheckpoint path, 3.8 on write legacy HDF5 (keras_api
    `checkpoint_accepts_h5`): one finding that says both, each with where it holds."""
    project = make(tmp_path, 'import keras\n\ncb = keras.callbacks.ModelCheckpoint("best.h5")\n',
                   requirements__txt="keras>=3.0\n")
    found = [line for line in lint(project, monkeypatch, capsys)[1].splitlines() if " KL402 " in line]
    assert len(found) == 1
    assert "KL402 [~] on Keras 3.0–3.7: Keras 3 before 3.8 refuses an `.h5` `ModelCheckpoint` path" in found[0]
    assert "; on Keras 3.8–3.15: Keras 3 writes `.h5` in the legacy HDF5 format" in found[0]


WIDEN_SAVED_TO_H5 = (
    "import tensorflow as tf\n\n\n"
    "class Widen(tf.keras.Model):\n"
    "    def __init__(self, units, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.dense = tf.keras.layers.Dense(units)\n\n"
    "    def call(self, x):\n"
    "        return self.dense(x)\n\n\n"
    "inputs = tf.keras.Input((4,))\n"
    "model = tf.keras.Model(inputs, Widen(5)(inputs))\n"
    'model.save("m.h5")\n'
)


@pytest.mark.parametrize("declared", ["tensorflow==2.11.*\n", "tensorflow<=2.11\n"])
def test_a_model_subclass_tensorflow_before_2_12_saves_with_an_empty_config_is_kl202_not_kl201(
    tmp_path, monkeypatch, capsys, declared
):
    """Triage (alibi-detect, ddsp): KL201 said registering the class makes a `.h5` model holding it
    load, but tf.keras 2.9 to 2.11 save an empty config for a Model subclass without get_config
    (registered or not, load_model raises "Unable to revive model from config"; versioned fact
    model_auto_config, proven by tests/version_probes/model_auto_config.py); KL202 says so."""
    out = lint(make(tmp_path, WIDEN_SAVED_TO_H5, requirements__txt=declared), monkeypatch, capsys)[1]
    assert out == (
        "train.py:4:1: KL202 Keras 2: `keras.Model` subclass `Widen` takes `units` in __init__ and has no get_config; "
        "on tf.keras before 2.12, saving a model holding it to .h5 (as line 15 of this file does) keeps no config for it "
        "(2.9 to 2.11 store an empty one, 2.8 and earlier raise NotImplementedError at the save), so load_model fails "
        "`TypeError: Unable to revive model from config`; add get_config returning them\n"
    )


def test_from_tensorflow_2_12_a_model_subclass_is_auto_configured_and_needs_only_registering(
    tmp_path, monkeypatch, capsys
):
    project = make(tmp_path, WIDEN_SAVED_TO_H5, requirements__txt="tensorflow>=2.10,<2.16\n")
    records = json.loads(lint(project, monkeypatch, capsys, "--format", "json")[1])
    assert {r["code"]: r["target"] for r in records} == {"KL201": "tf.keras 2.12–2.15", "KL202": "tf.keras 2.10–2.11"}
    assert next(r for r in records if r["code"] == "KL201")["message"].startswith("on tf.keras 2.12–2.15: ")


def test_a_model_subclass_saved_only_as_a_savedmodel_is_not_told_about_h5_configs(tmp_path, monkeypatch, capsys):
    code = WIDEN_SAVED_TO_H5.replace('model.save("m.h5")', 'model.save("saved_model_dir")')
    assert lint(make(tmp_path, code, requirements__txt="tensorflow==2.11.*\n"), monkeypatch, capsys)[1] == ""


def test_a_model_subclass_holding_a_layer_says_which_tf_keras_saves_an_empty_config(tmp_path, monkeypatch, capsys):
    """A Model subclass given a layer (not a plain value) on tf.keras 2.15: the message says which
    tf.keras saves an empty config for it and which raise at the save instead (versioned fact
    model_subclass_h5_save_raises: TF 2.8.4 raises, 2.9.3 saves, measured by hand on every minor 2.2-2.9;
    proven in tf.keras 2.8 and 2.10 by tests/test_versioned_facts.py)."""
    code = WIDEN_SAVED_TO_H5.replace("units, **kwargs", "inner, **kwargs").replace(
        "self.dense = tf.keras.layers.Dense(units)", "self.inner = inner").replace(
        "self.dense(x)", "self.inner(x)").replace("Widen(5)", "Widen(tf.keras.layers.Dense(3))")
    out = lint(make(tmp_path, code, requirements__txt="tensorflow==2.15.*\n"), monkeypatch, capsys)[1]
    assert "which is not a plain value: tf.keras (2.9 on; 2.8 and earlier raise NotImplementedError at the save " \
           "instead) saves an empty config" in out


MULTI_BACKEND = (
    "import keras\n\n\n"
    "def double(x):\n"
    "    return x * 2\n\n\n"
    "class Window(keras.layers.Layer):\n"
    "    def __init__(self, units, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.units = units\n\n"
    "    def call(self, x):\n"
    "        return x * self.units\n\n\n"
    "model = keras.Sequential([keras.layers.Dense(4, activation=double, input_shape=(4,)),\n"
    "                          keras.layers.Lambda(lambda t: t * 2), Window(2)])\n"
    'model.save("m.h5")\n'
    'model.save_weights("w.h5")\n'
    'model.save("m.keras")\n'
    'keras.callbacks.ModelCheckpoint("ckpt")\n'
    'keras.models.load_model("m.h5", custom_objects={"Window": Window, "double": double}, safe_mode=False)\n'
)


def test_standalone_keras_before_2_4_is_judged_as_multi_backend_keras(tmp_path, monkeypatch, capsys):
    """Issue 18: `keras<2.4` is multi-backend Keras (measured on Keras 2.3.1, TensorFlow 2.1.4 backend,
    Python 3.7: keras_api.VERSIONED_FACTS): no registration API, no safe_mode, no automatic config
    (Layer.get_config carries name, trainable and dtype only), `.h5` whatever the path."""
    code, out, err = lint(make(tmp_path, MULTI_BACKEND, requirements__txt="keras==2.2.4\n"), monkeypatch, capsys)
    assert err.splitlines()[-1] == (
        "Judged against the Keras the project declares: multi-backend Keras 2.2, from requirements.txt:1: "
        "keras==2.2.4 (--target-keras to change)."
    )
    codes = [line.split()[1] for line in out.splitlines()]
    # nothing to register with: no KL201/KL302; no Keras 3 path rules (save_weights, .keras, ModelCheckpoint)
    assert codes == ["KL202", "KL101", "KL501", "KL502"], out
    kl202, kl101, kl501, _ = out.splitlines()
    assert "on multi-backend Keras, Layer.get_config carries only name, trainable and dtype" in kl202
    assert "`TypeError: __init__() missing 1 required positional argument: 'units'`" in kl202
    assert "[*]" not in kl101 and "registered" not in kl101 and "`.keras` files refuse" not in kl101
    assert "raises `TypeError: load_model() got an unexpected keyword argument 'safe_mode'`" in kl501
    (tmp_path / "requirements.txt").write_text("keras<2.4\n")
    monkeypatch.setattr(api, "_DECLARED", {})
    assert "multi-backend Keras 2.0–2.3, from requirements.txt:1: keras<2.4" in lint(tmp_path, monkeypatch, capsys)[2]


def test_safe_mode_false_before_tensorflow_2_12_is_a_type_error_not_a_security_hole(tmp_path, monkeypatch, capsys):
    """tf.keras 2.10 and 2.11 have no safe_mode (versioned fact safe_mode_argument, measured): the call
    raises TypeError; from 2.12 `safe_mode=False` is KL501's security finding."""
    code = 'import tensorflow as tf\n\nm = tf.keras.models.load_model("m.keras", safe_mode=False)\n'
    out = lint(make(tmp_path, code, requirements__txt="tensorflow>=2.10,<2.12\n"), monkeypatch, capsys)[1]
    assert out.startswith(
        "train.py:3:5: KL501 `load_model` takes no `safe_mode` on tf.keras before 2.12, which has no safe mode: the "
        "call raises `TypeError: load_model() got an unexpected keyword argument 'safe_mode'`"
    )
    (tmp_path / "requirements.txt").write_text("tensorflow==2.12.*\n")
    monkeypatch.setattr(api, "_DECLARED", {})
    assert "KL501 `safe_mode=False` turns Keras's safe mode off" in lint(tmp_path, monkeypatch, capsys)[1]
