"""Every front end gives the same answer (issue 21): the CLI on a file, the CLI on stdin, the flake8
plugin on a file and on stdin (an editor's buffer) all judge a file with its project in view."""

import ast
import io
import os
import subprocess
import sys
import types

import pytest
from conftest import FIXTURE_FILES

from keras_lint import api, index
from keras_lint.cli import main
from keras_lint.flake8_plugin import KerasLintChecker

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(monkeypatch, capsys, *args, stdin=None) -> list:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(stdin.encode())))
    main(["--no-cache", "-j", "1", "--exit-zero", *args])
    out = capsys.readouterr().out
    return sorted(finding(line) for line in out.splitlines() if line)


def finding(line: str) -> tuple:
    """(path, line, column, code) of a `path:line:col: KLnnn ...` line."""
    where, code = line.split(" ")[:2]
    path, row, column = where.rstrip(":").rsplit(":", 2)
    return os.path.normpath(path), int(row), int(column), code


def plugin(path: str, text: str) -> list:
    """The plugin as flake8 runs it, in this process: its tree, its lines, its file name (the display
    name, for a buffer on stdin)."""
    checker = KerasLintChecker(ast.parse(text), text.splitlines(keepends=True), path)
    return sorted((os.path.normpath(path), row, column + 1, message.split(" ")[0]) for row, column, message, _ in checker.run())


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: os.path.relpath(p, REPO))
def test_every_fixture_gets_the_same_findings_from_every_front_end(path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    path = os.path.relpath(path, REPO)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    on_file = cli(monkeypatch, capsys, path)
    on_stdin = cli(monkeypatch, capsys, "--stdin-filename", path, "-", stdin=text)
    assert on_stdin == on_file
    assert plugin(path, text) == on_file


def test_flake8_itself_on_files_and_on_stdin_agrees_with_the_cli(monkeypatch, capsys):
    """The same, through flake8's own processes: the fixtures of the rules whose findings depend on
    other files or on the project (a base class, a registration, a load elsewhere)."""
    monkeypatch.chdir(REPO)
    paths = sorted(os.path.relpath(p, REPO) for p in FIXTURE_FILES if os.sep + "KL2" in p or os.sep + "KL4" in p)
    expected = cli(monkeypatch, capsys, *paths)
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "KL", "-j", "1", *paths], capture_output=True, text=True)
    assert sorted(finding(line) for line in flake8.stdout.splitlines()) == expected
    for path in [p for p in paths if any(f[0] == p for f in expected)][:4]:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        flake8 = subprocess.run(
            [sys.executable, "-m", "flake8", "--select", "KL", "--stdin-display-name", path, "-"],
            input=text, capture_output=True, text=True,
        )
        assert sorted(finding(line) for line in flake8.stdout.splitlines()) == [f for f in expected if f[0] == path]


BASE = "import keras\n\n\nclass Base(keras.layers.Layer):\n    pass\n"
BLOCK = (
    "import keras\n\nfrom pkg.base import Base\n\n\n"
    "class Scale(Base):\n    def __init__(self, factor, **kwargs):\n        super().__init__(**kwargs)\n"
    "        self.factor = factor\n"
)


def small_project(tmp_path):
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "base.py").write_text(BASE)
    (tmp_path / "pkg" / "blocks.py").write_text(BLOCK)
    return tmp_path


def test_the_plugin_builds_the_index_once_per_process(tmp_path, monkeypatch):
    project = small_project(tmp_path)
    monkeypatch.chdir(project)
    summarised = []
    real = index.summarise_path
    monkeypatch.setattr(index, "summarise_path", lambda path: summarised.append(path) or real(path))
    assert [f[3] for f in plugin("pkg/blocks.py", BLOCK)] == ["KL201"]  # the base lives in pkg/base.py
    assert [f[3] for f in plugin("pkg/base.py", BASE)] == ["KL201"]
    assert sorted(os.path.basename(p) for p in summarised) == ["__init__.py", "base.py", "blocks.py"]


def test_a_project_over_the_editor_bound_is_judged_file_by_file_and_says_so_once(tmp_path, monkeypatch, capsys):
    project = small_project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr(api, "EDITOR_MAX_PROJECT_FILES", 2)
    assert plugin("pkg/blocks.py", BLOCK) == []  # alone, the base is unresolved: silent
    assert plugin("pkg/base.py", BASE) != []
    warnings = [line for line in capsys.readouterr().err.splitlines() if "more than 2 files" in line]
    assert len(warnings) == 1 and "each file is judged on its own" in warnings[0]
    # The CLI has no such bound: on stdin, as on the file, it judges the file with the project in view.
    assert [f[3] for f in cli(monkeypatch, capsys, "--stdin-filename", "pkg/blocks.py", "-", stdin=BLOCK)] == ["KL201"]


@pytest.mark.parametrize(
    "importing",
    [
        "from .base import Base\n",  # relative
        "from pkg.base import Base\n",  # absolute, from the folder holding the package
        "from .middle import Base\n",  # through a project module that never spells Keras either
    ],
)
def test_a_file_that_never_spells_keras_is_judged_by_its_project_bases(tmp_path, monkeypatch, capsys, importing):
    """The plugin skipped any text without "keras"/"tensorflow" before looking at the project: a
    subclass of another file's layer got nothing from flake8 and a KL201 from the CLI."""
    project = small_project(tmp_path)
    (project / "pkg" / "middle.py").write_text("from .base import Base\n\n__all__ = ['Base']\n")
    text = importing + "\n\nclass Sub(Base):\n    def call(self, x):\n        return x\n"
    (project / "pkg" / "sub.py").write_text(text)
    monkeypatch.chdir(project)
    path = os.path.join("pkg", "sub.py")
    on_file = cli(monkeypatch, capsys, path)
    assert [f[3] for f in on_file] == ["KL201"]
    assert cli(monkeypatch, capsys, "--stdin-filename", path, "-", stdin=text) == on_file
    assert plugin(path, text) == on_file


def test_a_file_importing_no_keras_module_of_its_project_costs_the_plugin_no_engine(tmp_path):
    """The cheap question (index/modules.reaches_keras_through_project) answers before the engine
    and its rules are imported."""
    project = small_project(tmp_path)
    (project / "pkg" / "util.py").write_text("def double(x):\n    return 2 * x\n")
    (project / "pkg" / "plain.py").write_text("import os\n\nfrom .util import double\n\n\nclass Plain:\n    pass\n")
    check = (
        "import ast, sys; from keras_lint.flake8_plugin import KerasLintChecker; "
        "text = open('pkg/plain.py').read(); "
        "print(list(KerasLintChecker(ast.parse(text), text.splitlines(True), 'pkg/plain.py').run()), "
        "'keras_lint.engine' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=project, check=True)
    assert result.stdout.strip() == "[] False"
