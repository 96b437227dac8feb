"""The flake8 plugin's per-file records (keras_lint/editor_cache.py, issue 21 item 5): a call with
nothing changed answers from its record without loading the engine, and any change its answer rests
on -- the text, a file of the project it depends on, a new file, the configuration, flake8's
--keras-target -- is a miss whose answer is the CLI's."""

import os
import subprocess
import sys
import time

import pytest

from keras_lint import editor_cache, index

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# flake8 as an editor runs it, telling afterwards whether keras-lint's engine was loaded (a miss).
FLAKE8 = ("import sys; from flake8.main.cli import main; code = main(); "
          "sys.stderr.write('ENGINE=%s\\n' % ('keras_lint.engine' in sys.modules)); sys.exit(code)")
BASE = "import keras\n\n\nclass Base(keras.layers.Layer):\n    pass\n"
BLOCK = (
    "import keras\n\nfrom pkg.base import Base\n\n\n"
    "class Scale(Base):\n    def __init__(self, factor, **kwargs):\n        super().__init__(**kwargs)\n"
    "        self.factor = factor\n"
)
PLAIN_BASE = "class Base:\n    pass\n"  # no Keras layer: Scale is no layer either
REGISTERED = (
    "import keras\n\n\n@keras.saving.register_keras_serializable(package='pkg')\nclass Scale(keras.layers.Layer):\n"
    "    def get_config(self):\n        return super().get_config()\n"
)


def age(folder) -> None:
    """Every file and folder of the project last changed a minute ago: no entry is "racy"."""
    past = time.time() - 60
    for where, folders, names in os.walk(folder):
        for name in folders + names:
            os.utime(os.path.join(where, name), (past, past))
    os.utime(folder, (past, past))


def flake8(project, path, *options, stdin=None) -> tuple:
    """(the findings' `line:col: code` strings, whether the engine was loaded)."""
    args = [sys.executable, "-c", FLAKE8, "--select", "KL", "-j", "1", *options]
    args += ["--stdin-display-name", path, "-"] if stdin is not None else [path]
    env = dict(os.environ, PYTHONPATH=REPO)
    result = subprocess.run(args, cwd=project, capture_output=True, text=True, input=stdin, env=env)
    engine = [line for line in result.stderr.splitlines() if line.startswith("ENGINE=")]
    assert engine, result.stderr
    found = [":".join(line.split(":")[1:3]) + ":" + line.split(": ", 1)[1].split(" ")[0] for line in result.stdout.splitlines()]
    return found, engine[0] == "ENGINE=True"


def cli(project, path) -> list:
    args = [sys.executable, "-m", "keras_lint", "--no-cache", "--output-format", "concise", "--exit-zero", path]
    result = subprocess.run(args, cwd=project, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=REPO))
    return [":".join(line.split(":")[1:3]) + ":" + line.split(": ", 1)[1].split(" ")[0] for line in result.stdout.splitlines()]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "base.py").write_text(BASE)
    (tmp_path / "pkg" / "blocks.py").write_text(BLOCK)
    age(tmp_path)
    return tmp_path


BLOCKS = os.path.join("pkg", "blocks.py")


def warm(project, path=BLOCKS, *options) -> list:
    """Lint twice: the first call is a miss (it writes the record), the second answers from it."""
    first, engine = flake8(project, path, *options)
    assert engine
    second, engine = flake8(project, path, *options)
    assert not engine and second == first
    return first


def test_a_second_call_answers_from_the_record_without_the_engine_on_file_and_on_stdin(project):
    found = warm(project)
    assert [f.split(":")[2] for f in found] == ["KL201"] and found == cli(project, BLOCKS)
    assert flake8(project, BLOCKS, stdin=BLOCK) == (found, False)  # the editor's form, the same text
    assert os.listdir(project / ".keras_lint_cache" / "flake8")


def test_a_changed_text_is_a_miss(project):
    warm(project)
    edited = BLOCK.replace("class Scale(Base):", "class Scale:")
    found, engine = flake8(project, BLOCKS, stdin=edited)  # the buffer, not the file on disk
    assert engine and found == []


def test_a_changed_file_it_depends_on_is_a_miss(project):
    warm(project)
    (project / "pkg" / "base.py").write_text(PLAIN_BASE)  # just now: a "racy" entry, kept by its content
    found, engine = flake8(project, BLOCKS)
    assert engine and found == [] == cli(project, BLOCKS)
    assert flake8(project, BLOCKS) == ([], False)
    (project / "pkg" / "base.py").write_text(BASE.replace("pass", "rate = 1"))
    found, engine = flake8(project, BLOCKS)
    assert engine and [f.split(":")[2] for f in found] == ["KL201"]


def test_a_file_added_to_the_project_is_a_miss(project):
    """Another file registering the same key makes KL208 a finding in a file that did not change."""
    (project / "pkg" / "blocks.py").write_text(REGISTERED)
    age(project)
    assert warm(project) == cli(project, BLOCKS) == []
    (project / "pkg" / "a_more").mkdir()
    (project / "pkg" / "a_more" / "again.py").write_text(REGISTERED)
    found, engine = flake8(project, BLOCKS)
    assert engine and found == cli(project, BLOCKS) and [f.split(":")[2] for f in found] == ["KL208"]


def test_a_file_added_in_a_folder_without_python_files_is_a_miss(project):
    (project / "pkg" / "blocks.py").write_text(REGISTERED)
    (project / "pkg" / "a_data").mkdir()
    age(project)
    assert warm(project) == []
    (project / "pkg" / "a_data" / "again.py").write_text(REGISTERED)
    found, engine = flake8(project, BLOCKS)
    assert engine and [f.split(":")[2] for f in found] == ["KL208"]


def test_a_changed_configuration_is_a_miss(project):
    assert [f.split(":")[2] for f in warm(project)] == ["KL201"]
    (project / "setup.cfg").write_text("[keras-lint]\nignore = KL201\n")
    found, engine = flake8(project, BLOCKS)
    assert engine
    # flake8 selects, not keras-lint's ignore: the plugin still reports it (as before this cache).
    assert [f.split(":")[2] for f in found] == ["KL201"]
    (project / "setup.cfg").write_text("[keras-lint]\nregister-decorators = pkg.base.Base\nignore = [\n")
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "KL", BLOCKS], cwd=project, capture_output=True,
                            text=True, env=dict(os.environ, PYTHONPATH=REPO))
    assert result.returncode != 0 and "keras-lint: error" in result.stderr  # an error is never answered from a record


def test_a_configuration_file_appearing_above_is_a_miss(project):
    warm(project)
    (project / "pkg" / "pyproject.toml").write_text("[tool.keras-lint]\ntarget-keras = 2\n")
    found, engine = flake8(project, BLOCKS)
    assert engine


def test_flake8s_keras_target_is_part_of_the_key(project):
    warm(project)
    found, engine = flake8(project, BLOCKS, "--keras-target", "2.10")
    assert engine
    assert flake8(project, BLOCKS, "--keras-target", "2.10") == (found, False)


def test_a_racy_file_is_judged_by_its_content(tmp_path):
    """A file changed within the same clock tick as the snapshot, its size and mtime kept, still
    does not match: its content hash was kept instead of trusting its stat."""
    path = str(tmp_path / "a.py")
    with open(path, "w") as handle:
        handle.write("x = 1\n")
    stat = os.stat(path)
    snap = editor_cache.Snapshot()
    snap.add_file(path)
    assert snap.entries[os.path.abspath(path)][2] is not None and snap.valid()
    with open(path, "w") as handle:
        handle.write("x = 2\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == stat.st_mtime_ns
    assert not snap.valid()


def test_the_root_is_the_index_root(tmp_path):
    """The records are found by the very question the index is built from (roots.project_root)."""
    assert editor_cache.project_root is index.project_root
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "setup.cfg").write_text("")
    for path in (tmp_path / "a" / "b" / "x.py", tmp_path / "a" / "x.py"):
        assert index.project_root(str(path)) == str(tmp_path / "a")
