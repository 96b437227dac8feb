"""The engine skips custom-object classes a rule's `might_report` clears from the index alone. That
gate is only for speed: with it and without it, every fixture and every rule example must give the
same findings (a gate that says False too often would hide true findings)."""

import glob
import os

import pytest
from conftest import FIXTURES

from keras_lint import engine, source
from keras_lint.cst.lazy import cst as lazy_libcst
from keras_lint.index import ProjectIndex, summarise, summarise_path
from keras_lint.rules import ALL_RULES
from keras_lint.settings import Settings

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
    summaries = [summarise_path(path) for path in FIXTURE_FILES]
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
    project = ProjectIndex([summarise("scale.py", tree)])
    info = project.classes_in("scale.py")[0]
    assert [code for code, rule in ALL_RULES.items() if rule.looks_at_custom_objects and rule.might_report(info, project)] == []


TEST_CLASS = (
    "import keras\n"
    "class SaveTest:\n"
    "    def test_save(self, model):\n"
    "        model.save('model.h5')  # KL402\n"
    "\n"
    "    def test_other(self):\n"
    "        text = '''Lambda in a string\n"
    "        spanning lines'''\n"
    "        return [x for x in range(3)]\n"
    "\n"
    "    @staticmethod\n"
    "    def test_lambda(x):\n"
    "        # a comment\n"
    "        x.save('lambda.h5')  # KL402, after the dropped lines\n"
    "        return keras.layers.Lambda(lambda t: t)(x)\n"
)


def test_libcst_sees_only_the_methods_a_rule_reads(monkeypatch):
    """KL402 runs on the class for `.save(`: of the class, LibCST gets `test_save` whole and the other
    body replaced by one `pass` line (its other lines dropped), and each finding keeps its line and
    column, also after the dropped lines. The class's last method stays whole: a finding on the class
    spans to its last line."""
    parsed = []
    parse = lazy_libcst.parse_module
    monkeypatch.setattr(lazy_libcst, "parse_module", lambda text: parsed.append(text) or parse(text))
    findings = engine.lint_source(source.decode("t.py", TEST_CLASS.encode()), Settings(select=("KL402",))).findings
    assert [(f.code, f.line, f.col) for f in findings] == [("KL402", 4, 9), ("KL402", 14, 9)]
    (text,) = parsed
    lines = TEST_CLASS.splitlines(keepends=True)
    blanked_other = ["        pass\n"]  # for its three lines, the string's second line too
    assert text.splitlines(keepends=True) == [*lines[1:6], *blanked_other, *lines[9:]]


def test_blanking_changes_no_finding_of_a_class_read_by_several_rules():
    settings = Settings(select=("KL101", "KL402"))
    gated, ungated = both_ways(source.decode("t.py", TEST_CLASS.encode()), settings)
    assert gated == ungated and [(f.code, f.line) for f in gated] == [("KL402", 4), ("KL402", 14), ("KL101", 15)]


SCALE_LOSING_FACTOR = (
    "import keras\n"
    "class Scale(keras.layers.Layer):\n"
    "    def __init__(self, factor=2.0, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.factor = factor\n"
    "    def call(self, x):\n"
    "        return x * self.factor\n"
    "    def get_config(self):\n"
    "        return super().get_config()\n"
)


@pytest.mark.parametrize("elsewhere, fixed", [("", True), ("        self.factor = 1.0\n", False)])
def test_a_store_in_a_method_libcst_never_sees_still_blocks_the_fix(elsewhere, fixed):
    """KL203 reads only __init__, get_config and from_config, so `call` reaches LibCST blanked; the
    fix (`"factor": self.factor`) must still know that `call` assigns `self.factor` too, since the
    attribute then may not hold the argument. The index counts the stores of every method."""
    text = SCALE_LOSING_FACTOR.replace("        return x * self.factor\n", elsewhere + "        return x * self.factor\n")
    src = source.decode("scale.py", text.encode())
    project = ProjectIndex([summarise("scale.py", source.parse(src))])
    gated, ungated = both_ways(src, Settings(select=("KL203",)), project)
    assert gated == ungated and [f.code for f in gated] == ["KL203"]
    assert (gated[0].fix is not None) is fixed


def _every_rule_at_every_point(points, rules):
    return [(point, list(rules), {rule.code: [point] for rule in rules}) for point in points]


def _shown(finding):
    """All a finding says, its fix's edits included (an ImportEdit as the edit it makes)."""
    fix = finding.fix and (finding.fix.safety, finding.fix.title,
                           [(e.start, e.end, e.text) for e in finding.fix.edits])
    return finding.line, finding.col, finding.end_line, finding.end_col, finding.code, finding.target, finding.message, fix


@pytest.mark.parametrize("target", ["2.4-2.15", "2.10-3"])
def test_running_a_rule_once_per_run_of_its_facts_changes_no_finding(target, fixtures_index, monkeypatch):
    """Issue 18's cost: over a range, each rule runs once per run of consecutive points on which the
    facts it consults hold alike (engine.run._runs), not at every point; the runs of one Keras line
    share one walk of each statement, and what a rule works out alike at every point it works out
    once (Rule.once). Every fixture gives the same findings (where, which rule, for which versions,
    the message, the fix) as running every rule at every point, each working out everything."""
    from keras_lint.dependencies.target import parse_target
    from keras_lint.engine import run
    from keras_lint.rules.base import Rule

    settings = Settings(target_keras=parse_target(target))
    planned = {path: engine.lint_source(source.read(path), settings, project=fixtures_index).findings for path in FIXTURE_FILES}
    monkeypatch.setattr(run, "_runs", _every_rule_at_every_point)
    monkeypatch.setattr(Rule, "once", lambda self, node, what, compute: compute())
    for path in FIXTURE_FILES:
        naive = engine.lint_source(source.read(path), settings, project=fixtures_index).findings
        assert [_shown(f) for f in planned[path]] == [_shown(f) for f in naive], path


def test_a_rule_consulting_no_fact_runs_once_per_keras_line():
    from keras_lint.dependencies import judging
    from keras_lint.dependencies.target import parse_target
    from keras_lint.engine import run

    facts = sorted({fact for rule in ALL_RULES.values() for fact in rule.versioned_facts})
    points = judging.points(parse_target("2.4-2.15"), "tf.keras", facts=facts)
    assert len(points) == 4  # cut at 2.10/2.11, 2.11/2.12 and 2.12/2.13
    planned = run._runs(points, list(ALL_RULES.values()))
    runs_of = {code: [point.label for point, due, _ in planned if rule in due] for code, rule in ALL_RULES.items()}
    assert runs_of["KL203"] == ["tf.keras 2.4–2.15"]  # no versioned fact
    assert runs_of["KL202"] == ["tf.keras 2.4–2.10", "tf.keras 2.11", "tf.keras 2.12–2.15"]
