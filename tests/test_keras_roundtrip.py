"""The harness the Keras proofs stand on: a child forked from the fork server (keras_roundtrip.py)
must behave as `python -c` in a new interpreter would, and a proof must come out the same either way.
"""

import re
import subprocess
from pathlib import Path

import pytest
from keras_roundtrip import load_in_fresh_process, run_python, save_in_fresh_process

pytestmark = pytest.mark.keras
KL201 = Path(__file__).resolve().parent.parent / "fixtures" / "KL201"

REGISTER = """
import keras
@keras.saving.register_keras_serializable(package="harness")
class Leaked(keras.layers.Layer):
    pass
import sys
sys.modules["harness_marker"] = sys
"""
LOOK = """
import sys, keras
print(keras.saving.get_registered_object("harness>Leaked"), "harness_marker" in sys.modules)
"""


def test_nothing_a_child_registers_or_imports_reaches_the_next_child():
    assert run_python(REGISTER).returncode == 0
    looked = run_python(LOOK)
    assert (looked.returncode, looked.stdout) == (0, "None False\n"), looked.stderr


def test_a_child_runs_as_python_c_in_its_folder(tmp_path):
    (tmp_path / "sibling.py").write_text("VALUE = 7\n")
    code = "import os, sys, sibling\nprint(__name__, sys.argv, os.getcwd(), sibling.VALUE)\n"
    child = run_python(code, "first", "second", cwd=tmp_path)
    assert child.stdout == f"__main__ ['-c', 'first', 'second'] {tmp_path} 7\n", child.stderr


def test_exit_codes_errors_and_timeouts_are_those_of_a_process():
    assert run_python("import sys\nsys.exit(3)").returncode == 3
    failed = run_python("raise ValueError('from the child')")
    assert failed.returncode == 1 and "ValueError: from the child" in failed.stderr
    with pytest.raises(subprocess.TimeoutExpired):
        run_python("import time\ntime.sleep(60)", timeout=1)
    assert run_python("print('after the timeout')").stdout == "after the timeout\n"  # a new server


def test_a_child_sees_the_environment_of_the_moment(monkeypatch):
    run_python("pass")  # a server started before the change
    monkeypatch.setenv("HARNESS_CHECK", "changed")
    child = run_python("import os\nprint(os.environ.get('HARNESS_CHECK'))")
    assert child.stdout == "changed\n", child.stderr


def test_a_child_with_its_own_environment_is_a_new_interpreter():
    child = run_python("import sys\nprint('keras' in sys.modules)", env={"HARNESS_CHECK": "1"})
    assert child.stdout == "False\n", child.stderr


@pytest.mark.parametrize(
    "fixture",
    [KL201 / "bad_unregistered_layer.py", KL201 / "good_project_register_decorator.py"],
    ids=lambda path: path.stem,
)
def test_a_proof_comes_out_the_same_forked_and_fresh(fixture, tmp_path, monkeypatch):
    def outcome(workdir):
        saved = save_in_fresh_process(fixture, workdir)
        loaded = load_in_fresh_process(workdir, import_fixture=True)
        error = re.sub(r"'shared_object_id': \d+", "'shared_object_id': ID", loaded.error)  # a memory address
        return saved.ok, loaded.ok, loaded.stage, loaded.error_type, error, loaded.equal

    forked = outcome(tmp_path / "forked")
    monkeypatch.setenv("KERAS_ROUNDTRIP_FRESH", "1")
    assert outcome(tmp_path / "fresh") == forked
    # the unregistered class cannot be located, even with its module imported; the registered one loads
    assert forked[1:4] == ((True, "compare", None) if "good" in fixture.stem else (False, "load", "TypeError")), forked
