"""The hooks in .pre-commit-hooks.yaml, run for real with `pre-commit try-repo` on this checkout.

try-repo clones the project (with a shadow commit of any uncommitted changes to *tracked* files)
and pip-installs it into a fresh hook environment, so these tests need PyPI and take a while.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")

pytestmark = pytest.mark.slow  # registered in tests/conftest.py

LAMBDA_MODEL = "import keras\n\nmodel = keras.Sequential([keras.layers.Lambda(lambda t: t * 2)])\n"
DENSE_MODEL = "import keras\n\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])\n"


@pytest.fixture(scope="session")
def env(tmp_path_factory):
    tracked = subprocess.run(["git", "ls-files", ".pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.stdout.strip(), "try-repo only sees tracked files: git add .pre-commit-hooks.yaml"
    # Drop what git exports while running hooks (e.g. when pytest runs from a git hook): it would
    # point our git and pre-commit calls at the wrong repository.
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    return env


def try_repo(hook_id, source, tmp_path, env, files=None):
    """Run `pre-commit try-repo ROOT hook_id --all-files` in a new git repo holding model.py (and
    `files`: {name: bytes})."""
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.name", "keras-lint tests")
    git("config", "user.email", "tests@example.invalid")
    (repo / "model.py").write_text(source)
    git("add", "model.py")
    for name, data in (files or {}).items():
        (repo / name).write_bytes(data)
        git("add", name)
    command = [str(PRE_COMMIT), "try-repo", str(ROOT), hook_id, "--all-files", "--color", "never"]
    result = subprocess.run(
        command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900
    )
    return result.returncode, result.stdout


def test_check_hook_fails_on_lambda_layer(tmp_path, env):
    code, output = try_repo("keras-lint", LAMBDA_MODEL, tmp_path, env)
    assert code != 0, output
    assert "model.py:3:27: KL101 " in output, output


def test_check_hook_passes_on_clean_model(tmp_path, env):
    code, output = try_repo("keras-lint", DENSE_MODEL, tmp_path, env)
    assert code == 0, output
    # "Passed", not "(no files to check)Skipped", which also exits 0
    assert re.search(r"^keras-lint\.+Passed$", output, re.MULTILINE), output


def test_fix_hook_rewrites_what_it_can_and_reports_the_rest(tmp_path, env):
    fixable_and_not = LAMBDA_MODEL + "other = keras.layers.Lambda(lambda t: t * factor)\n"  # `factor`: unknown
    code, output = try_repo("keras-lint-fix", fixable_and_not, tmp_path, env)
    assert code != 0, output
    assert re.search(r"^keras-lint \(fix\)\.+Failed$", output, re.MULTILINE), output
    assert "files were modified by this hook" in output, output
    fixed = (tmp_path / "repo" / "model.py").read_text()
    assert "lambda t: t * 2" not in fixed and "class " in fixed and "register_keras_serializable" in fixed
    assert re.search(r"model\.py:\d+:\d+: KL101 Lambda layer wraps a Python lambda", output), output  # unfixable


def _keras_archive(layer_module: str, class_name: str, registered_name) -> bytes:
    """A .keras archive as Keras writes it (config.json, metadata.json), holding one layer."""
    import io
    import json
    import zipfile

    config = {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
              "config": {"layers": [{"module": layer_module, "class_name": class_name, "config": {"name": "layer"},
                                     "registered_name": registered_name}]}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        archive.writestr("config.json", json.dumps(config))
    return buffer.getvalue()


def test_model_files_hook_checks_the_model_files_only(tmp_path, env):
    files = {"bad.keras": _keras_archive("mylib.layers", "Scale", "Scale"),
             "good.keras": _keras_archive("keras.layers", "Dense", None)}
    code, output = try_repo("keras-lint-model-files", LAMBDA_MODEL, tmp_path, env, files)
    assert code != 0, output
    assert "bad.keras:1:1: KL610 config.layers[0]: class `Scale`, saved unregistered" in output, output
    assert "good.keras" not in output and "model.py" not in output, output  # files: \.(keras|h5|hdf5)$
