import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")
BIN = os.path.dirname(sys.executable)  # console scripts of the environment running the tests


def pytest_configure(config):
    config.addinivalue_line("markers", "keras: builds, saves and loads real Keras models in fresh processes")
    config.addinivalue_line("markers", "slow: builds tool environments (pre-commit) or walks large trees")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder (with its own setup.cfg so no outer config leaks in), as the cwd."""
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = sample\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path
