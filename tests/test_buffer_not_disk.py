"""The text the engine is given is the only text judged (issue 17): an editor's unsaved buffer on
stdin (`keras-lint --stdin-filename f.py -`, `flake8 --stdin-display-name f.py -`) is judged by
itself, never partly by the file saved on disk; other files are known by their summaries in the
project index, never re-read (the index is the only reader of files, so a --fix run judges a file
against the same project its other files were judged against)."""

import io
import subprocess
import sys
import types

import pytest

from keras_lint.cli import main

# `act` is registered under its name, though not as itself: only the key tells (the summary's
# custom_object_names lists the values registered, here none).
WITH_KEY = (
    "import keras\n\n\n"
    "def act(x):\n    return x\n\n\n"
    "keras.saving.get_custom_objects()['act'] = keras.layers.Activation(act)\n"
    "layer = keras.layers.Dense(3, activation=act)\n"
)
# ... registered as itself: the key and the value tell.
WITH_KEY_AND_VALUE = WITH_KEY.replace("keras.layers.Activation(act)\n", "act\n")
WITHOUT_KEY = (
    "import keras\n\n\n"
    "def act(x):\n    return x\n\n\n"
    "layer = keras.layers.Dense(3, activation=act)\n"
)
REGISTER = '@keras.saving.register_keras_serializable(package="p")\n'


def base_class(supplies_rate: bool) -> str:
    """A layer whose from_config supplies `rate` (or not)."""
    body = "config.setdefault('rate', 0.5)" if supplies_rate else "config.pop('junk', None)"
    return (
        "class Base(keras.layers.Layer):\n"
        f"    @classmethod\n    def from_config(cls, config):\n        {body}\n        return cls(**config)\n"
    )


# A subclass whose get_config leaves `rate` out: KL203 unless the base's from_config supplies it.
CHILD = (
    "class Child(Base):\n"
    "    def __init__(self, rate=0.5, **kwargs):\n        super().__init__(**kwargs)\n        self.rate = rate\n\n"
    "    def get_config(self):\n        return super().get_config()\n"
)
SUPPLIED, NOT_SUPPLIED = (
    "import keras\n\n\n" + REGISTER + base_class(supplies) + "\n\n" + REGISTER + CHILD for supplies in (True, False)
)


def cli_stdin(monkeypatch, capsys, path: str, buffer: str, *args) -> tuple:
    """keras-lint with `buffer` on stdin as `path`: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(buffer.encode())))
    code = main(["--no-cache", *args, "--stdin-filename", path, "-"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def flake8_stdin(path: str, buffer: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "KL", "--stdin-display-name", path, "-"],
        input=buffer, capture_output=True, text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


@pytest.fixture(params=["cli", "flake8"])
def lint_buffer(request, monkeypatch, capsys):
    """lint_buffer(path, text) -> the findings printed for `text` given on stdin as `path`."""
    if request.param == "cli":
        return lambda path, text: cli_stdin(monkeypatch, capsys, path, text)[1]
    return flake8_stdin


# -- a buffer on stdin against the file on disk ----------------------------------------------------


@pytest.mark.parametrize("buffer", [WITH_KEY, WITH_KEY_AND_VALUE])
def test_a_buffer_that_registers_the_function_is_not_judged_by_the_saved_file(project, lint_buffer, buffer):
    (project / "model.py").write_text(WITHOUT_KEY)
    assert "KL302" not in lint_buffer("model.py", buffer)


@pytest.mark.parametrize("saved", [WITH_KEY, WITH_KEY_AND_VALUE])
def test_a_buffer_that_no_longer_registers_the_function_is_reported(project, lint_buffer, saved):
    (project / "model.py").write_text(saved)
    out = lint_buffer("model.py", WITHOUT_KEY)
    assert "model.py:8:31: KL302" in out and "unregistered function `act`" in out


def test_the_saved_file_alone_is_judged_as_before(project, lint_buffer):
    """Without a buffer that differs, nothing changes: the same text on stdin and on disk."""
    (project / "model.py").write_text(WITHOUT_KEY)
    assert "model.py:8:31: KL302" in lint_buffer("model.py", WITHOUT_KEY)
    (project / "model.py").write_text(WITH_KEY)
    assert "KL302" not in lint_buffer("model.py", WITH_KEY)


def test_a_base_class_of_the_same_file_is_read_from_the_buffer(project, lint_buffer):
    """KL203 asks what an ancestor's from_config supplies (get_config_coverage): of an ancestor in
    the file being linted, the buffer's."""
    (project / "layers.py").write_text(SUPPLIED)
    out = lint_buffer("layers.py", NOT_SUPPLIED)
    assert "layers.py:18:5: KL203" in out and "`rate` (defaulted" in out
    (project / "layers.py").write_text(NOT_SUPPLIED)
    assert "KL203" not in lint_buffer("layers.py", SUPPLIED)


def test_fix_on_stdin_fixes_the_buffer_as_it_is(project, monkeypatch, capsys):
    """--fix on stdin writes the fixed buffer to stdout: a fix the saved file's registration would
    have hidden is made, and one it would have asked for is not."""
    (project / "model.py").write_text(WITH_KEY)
    code, out, err = cli_stdin(monkeypatch, capsys, "model.py", WITHOUT_KEY, "--fix")
    registered = WITHOUT_KEY.replace("def act", REGISTER.replace('"p"', '"model"') + "def act")
    assert out == registered and code == 0, err
    (project / "model.py").write_text(WITHOUT_KEY)
    code, out, err = cli_stdin(monkeypatch, capsys, "model.py", WITH_KEY, "--fix")
    assert out == WITH_KEY and code == 0, err
    assert (project / "model.py").read_text() == WITHOUT_KEY  # stdin never writes the file


# -- other files: their summaries ------------------------------------------------------------------


def run(capsys, *args) -> str:
    main(["--no-cache", "-j", "1", *args])
    return capsys.readouterr().out


def test_a_fix_run_judges_a_file_against_the_project_as_indexed(project, capsys):
    """The base's file is fixed (registered: its lines move) before the subclass's file is linted;
    the subclass is still judged by the base's summary, so the --fix run reports what a run after
    it reports (reading the fixed base from disk, the class was no longer where the index put it,
    and the finding went unreported)."""
    (project / "a.py").write_text("import keras\n\n\n" + base_class(False))  # unregistered: KL201 fixes it
    (project / "b.py").write_text("import keras\n\nfrom a import Base\n\n\n" + REGISTER + CHILD)
    assert "a.py:4:1: KL201" in run(capsys, ".")
    fixed = run(capsys, "--fix", ".")
    assert (project / "a.py").read_text().count("register_keras_serializable") == 1
    after = run(capsys, ".")
    assert "b.py:12:5: KL203" in after and "`rate` (defaulted" in after
    assert fixed == after


A_FUNCTIONS = (
    "import keras\n\n\n"
    "def plain(x):\n    return x\n\n\n"
    + REGISTER + "def registered(x):\n    return x\n\n\n"
    "def export(path):\n    def wrap(symbol):\n        keras.saving.register_keras_serializable(package='p')(symbol)\n"
    "        return symbol\n    return wrap\n\n\n"
    "@export('p.exported')\ndef exported(x):\n    return x\n\n\n"
    "def noop(f):\n    return f\n\n\n"
    "@noop\ndef wrapped(x):\n    return x\n\n\n"
    "from mylib import unknown\n\n\n"
    "@unknown\ndef foreign(x):\n    return x\n\n\n"
    "def factory(scale):\n    def inner(x):\n        return x * scale\n    return inner\n\n\n"
    "def lambda_factory(scale):\n    return lambda x: x * scale\n\n\n"
    "class Decorator:\n    def __call__(self, x):\n        return x\n"
)


@pytest.mark.parametrize(
    "use, expected",
    [
        ("activation=plain", "KL302"),
        ("activation=registered", None),
        ("activation=exported", None),  # a project decorator whose body registers
        ("activation=wrapped", "KL302"),  # a project decorator that does not
        ("activation=foreign", None),  # a decorator from elsewhere: not judged
        ("activation=factory(2)", "KL301"),
        ("activation=lambda_factory(2)", "KL301"),
        ("activation=Decorator", None),  # a class, not a def
    ],
)
def test_a_function_of_another_file_is_judged_by_its_summary(project, capsys, use, expected):
    (project / "a.py").write_text(A_FUNCTIONS)
    names = use.split("=")[1].split("(")[0]
    (project / "b.py").write_text(f"import keras\n\nfrom a import {names}\n\nlayer = keras.layers.Dense(3, {use})\n")
    out = run(capsys, "--select", "KL301,KL302", "b.py")
    if expected is None:
        assert out == ""
    else:
        assert out.startswith("b.py:5:") and expected in out, out


CROSS_FILE_KL203 = {
    # an ancestor's get_config adding keys the index cannot list (ConfigInfo.dynamic_keys)
    "dynamic keys": (
        REGISTER + "class Base(keras.layers.Layer):\n    def __init__(self, **kwargs):\n"
        "        super().__init__()\n        self._extra = dict(kwargs)\n\n"
        "    def get_config(self):\n        config = {'name': self.name}\n"
        "        for key, value in self._extra.items():\n            config[key] = value\n        return config\n",
        "class Child(Base):\n    def __init__(self, rate=0.5, **kwargs):\n        super().__init__(rate=rate, **kwargs)\n"
        "        self.rate = rate\n\n    def get_config(self):\n        return super().get_config()\n",
        None,
    ),
    "no dynamic keys": (
        REGISTER + "class Base(keras.layers.Layer):\n    def __init__(self, **kwargs):\n"
        "        super().__init__()\n        self._extra = dict(kwargs)\n\n"
        "    def get_config(self):\n        return {'name': self.name}\n",
        "class Child(Base):\n    def __init__(self, rate=0.5, **kwargs):\n        super().__init__(rate=rate, **kwargs)\n"
        "        self.rate = rate\n\n    def get_config(self):\n        return super().get_config()\n",
        "`rate`",
    ),
    # the owner of `__init__` in another file defaults the argument to None and restores assets
    # (Param.default_is_none)
    "none default": (
        REGISTER + "class Base(keras.layers.Layer):\n    def __init__(self, vocabulary=None, lowercase=True, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.vocabulary, self.lowercase = vocabulary, lowercase\n\n"
        "    def load_assets(self, dir_path):\n        self.vocabulary = []\n",
        "class Child(Base):\n    def get_config(self):\n        return {'lowercase': self.lowercase}\n",
        None,
    ),
    "tuple default": (
        REGISTER + "class Base(keras.layers.Layer):\n    def __init__(self, vocabulary=(), lowercase=True, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.vocabulary, self.lowercase = vocabulary, lowercase\n\n"
        "    def load_assets(self, dir_path):\n        self.vocabulary = []\n",
        "class Child(Base):\n    def get_config(self):\n        return {'lowercase': self.lowercase}\n",
        "`vocabulary`",
    ),
    # the nearest ancestor's from_config in another file (ClassInfo.from_config_words)
    "from_config supplies": (REGISTER + base_class(True), CHILD, None),
    "from_config does not supply": (REGISTER + base_class(False), CHILD, "`rate`"),
}


@pytest.mark.parametrize("case", list(CROSS_FILE_KL203))
def test_an_ancestor_in_another_file_is_judged_by_its_summary(project, capsys, case):
    base, child, expected = CROSS_FILE_KL203[case]
    (project / "a.py").write_text("import keras\n\n\n" + base)
    (project / "b.py").write_text("import keras\n\nfrom a import Base\n\n\n" + REGISTER + child)
    out = run(capsys, "--select", "KL203", "b.py")
    assert (expected in out and out.startswith("b.py:")) if expected else out == "", out


# A base class of this file whose subclasses in another file supply an argument
# (InitInfo.valued_keywords, init_call_args).
CONV = (
    "import keras\n\n\n" + REGISTER + "class Conv(keras.layers.Layer):\n"
    "    def __init__(self, rank, filters, **kwargs):\n        super().__init__(**kwargs)\n"
    "        self.rank, self.filters = rank, filters\n\n"
    "    def get_config(self):\n        return {**super().get_config(), 'filters': self.filters}\n"
)


@pytest.mark.parametrize(
    "call, expected",
    [
        ("super().__init__(rank=2, filters=filters, **kwargs)", None),
        ("super().__init__(2, filters, **kwargs)", None),
        ("Conv.__init__(self, 2, filters, **kwargs)", None),
        ("super().__init__(*args, **kwargs)", "`rank`"),
    ],
)
def test_subclasses_in_another_file_are_judged_by_their_summaries(project, capsys, call, expected):
    (project / "conv.py").write_text(CONV)
    signature = "*args, **kwargs" if "*args" in call else "filters, **kwargs"
    (project / "conv2d.py").write_text(
        "import keras\n\nfrom conv import Conv\n\n\n" + REGISTER
        + f"class Conv2D(Conv):\n    def __init__(self, {signature}):\n        {call}\n"
    )
    out = run(capsys, "--select", "KL203", "conv.py")
    assert (expected in out and out.startswith("conv.py:")) if expected else out == "", out
