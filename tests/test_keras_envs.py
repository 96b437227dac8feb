"""keras_envs.py, the maker of the old-TensorFlow interpreters: a test environment that cannot be
made fails the asking test with one clear line (never a skip), and one that is ready is not made
again."""

import json

import keras_envs
import pytest


@pytest.fixture
def envs(tmp_path, monkeypatch):
    monkeypatch.setenv(keras_envs.ROOT_VARIABLE, str(tmp_path))
    return tmp_path


def test_a_missing_python_fails_the_test(envs, monkeypatch):
    monkeypatch.setitem(keras_envs.ENVS, "ancient", ("2.1", ()))
    with pytest.raises(pytest.fail.Exception, match="no Python 2.1 found"):
        keras_envs.env_python("ancient")


def test_a_ready_environment_is_used_as_it_is(envs, monkeypatch):
    monkeypatch.setitem(keras_envs.ENVS, "made", ("3.11", ("anything==1",)))
    home = envs / "made"
    home.mkdir()
    (home / ".ready").write_text(json.dumps({"python": "3.11", "requirements": ["anything==1"]}))
    assert keras_envs.env_python("made") == home / "bin" / "python"


def test_a_changed_recipe_makes_the_environment_anew_and_a_failed_install_fails_the_test(envs, monkeypatch):
    """The marker holds the recipe: an environment made for other requirements is not reused. Here the
    new recipe cannot install (a wheel that is not there: no network needed), which fails the test
    with pip's log, and leaves no marker."""
    wheel = envs / "no-such-dist-1.0-py3-none-any.whl"
    monkeypatch.setitem(keras_envs.ENVS, "changed", ("3.11", (str(wheel),)))
    home = envs / "changed"
    home.mkdir()
    (home / ".ready").write_text(json.dumps({"python": "3.11", "requirements": ["old==1"]}))
    with pytest.raises(pytest.fail.Exception, match="could not create test environment changed") as failed:
        keras_envs.env_python("changed")
    assert wheel.name in str(failed.value)  # the tail of pip's log
    assert not (home / ".ready").exists()
