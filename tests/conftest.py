import glob
import os
import sys

import pytest
from keras_roundtrip import save_in_fresh_process

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")
BIN = os.path.dirname(sys.executable)  # console scripts of the environment running the tests
FIXTURE_FILES = sorted(glob.glob(os.path.join(FIXTURES, "**", "*.py"), recursive=True))


def examples_libcst_parses() -> list:
    """The code of every rule's VALID and INVALID examples and expected fixes, but those LibCST
    cannot parse (KL001's: files that are not Python)."""
    import libcst

    from keras_lint.rules import ALL_RULES

    codes = [example if isinstance(example, str) else example.code
             for rule in ALL_RULES.values() for example in [*rule.VALID, *rule.INVALID]]
    codes += [example.fixed for rule in ALL_RULES.values() for example in rule.INVALID if example.fixed]
    parsed = []
    for code in codes:
        try:
            libcst.parse_module(code)
        except libcst.ParserSyntaxError:
            continue
        parsed.append(code)
    assert len(parsed) > 100
    return parsed


def pytest_configure(config):
    config.addinivalue_line("markers", "keras: builds, saves and loads real Keras models in fresh processes")
    config.addinivalue_line("markers", "slow: builds tool environments (pre-commit) or walks large trees")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder (with its own setup.cfg so no outer config leaks in), as the cwd."""
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = sample\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_new_project(folder, monkeypatch, capsys, files: dict, code: str) -> list:
    """The `code` findings keras-lint's CLI, run in-process, reports on a project made of `files`
    ({name: text}, with an empty setup.cfg) in `folder`, its declared Keras read afresh (api keeps one
    answer per root and process)."""
    from keras_lint import api
    from keras_lint.cli import main

    (folder / "setup.cfg").write_text("")
    for name, text in files.items():
        (folder / name).write_text(text)
    monkeypatch.setattr(api, "_DECLARED", {})
    monkeypatch.chdir(folder)
    main(["--no-cache", "-j", "1", "."])
    return [line for line in capsys.readouterr().out.splitlines() if f" {code} " in line]


@pytest.fixture(scope="session")
def saved(tmp_path_factory):
    """saved(path) -> the workdir holding the fixture's model, saved in a fresh process on first use
    (once per test process, whichever proof module asks first)."""
    workdirs = {}

    def save(path):
        if path not in workdirs:
            workdir = tmp_path_factory.mktemp(path.stem)
            outcome = save_in_fresh_process(path, workdir)
            assert outcome.ok, f"saving {path.name} failed at {outcome.stage}:\n{outcome.error}"
            workdirs[path] = workdir
        return workdirs[path]

    return save

# The line a run with findings ends with when the project declares no Keras (report.judged_against).
NOTHING_DECLARED = (
    "Judged against Keras 3.15 (tf_keras 2.21 where a file spells Keras 2): nothing declared (--target-keras to change).\n"
)
