"""The engine skips custom-object classes a rule's `might_report` clears from the index alone. That
gate is only for speed: with it and without it, every fixture and every rule example must give the
same findings (a gate that says False too often would hide true findings)."""

import glob
import os

import pytest

from keras_lint import engine, source
from keras_lint.project import ProjectIndex
from keras_lint.rules import ALL_RULES
from keras_lint.settings import Settings

from conftest import FIXTURES

FIXTURE_FILES = sorted(glob.glob(os.path.join(FIXTURES, "KL*", "*.py")))
EXAMPLES = [
    (code, text)
    for code, rule in ALL_RULES.items()
    for text in [*rule.VALID, *(case.code for case in rule.INVALID)]
]


def both_ways(src, settings, project=None):
    gated = engine.lint_source(src, settings, project=project)
    ungated = engine.lint_source(src, settings, project=project, gate=False)
    assert gated.errors == ungated.errors == []
    return gated.findings, ungated.findings


@pytest.fixture(scope="module")
def fixtures_index():
    summaries = [engine.summarise_path(path) for path in FIXTURE_FILES]
    return ProjectIndex([s for s in summaries if s is not None])


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: os.path.relpath(p, FIXTURES))
def test_gate_changes_no_fixture_finding(path, fixtures_index):
    gated, ungated = both_ways(source.read(path), Settings(), fixtures_index)
    assert gated == ungated


def test_gate_changes_no_rule_example_finding():
    differing = []
    for code, text in EXAMPLES:
        gated, ungated = both_ways(source.decode("example.py", text.encode()), Settings(select=(code,)))
        if gated != ungated:
            differing.append((code, text, gated, ungated))
    assert differing == []


def test_gate_clears_a_class_that_is_fine():
    # The point of the gate: a registered layer with a complete config reaches no custom-object rule.
    text = (
        "import keras\n"
        "@keras.saving.register_keras_serializable(package='p')\n"
        "class Scale(keras.layers.Layer):\n"
        "    def __init__(self, factor=2.0, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        "        self.factor = factor\n"
        "    def get_config(self):\n"
        "        return {**super().get_config(), 'factor': self.factor}\n"
    )
    tree = source.parse(source.decode("scale.py", text.encode()))
    project = ProjectIndex([engine.summarise("scale.py", tree)])
    info = project.classes_in("scale.py")[0]
    assert [code for code, rule in ALL_RULES.items() if rule.looks_at_custom_objects and rule.might_report(info, project)] == []
