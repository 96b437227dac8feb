"""Issue 22, items 3-5: output a person can act on (`--output-format full`, `--show-fixes`, the
fixable summary, colour), severity, and adoption (`--add-noqa`, baselines, KL901 unused noqa)."""

import json
import os
import pty
import subprocess
import sys

import pytest
from conftest import BIN, NOTHING_DECLARED

from keras_lint import noqa
from keras_lint.cli import main
from keras_lint.engine.run import lint_source
from keras_lint.index.project_index import ProjectIndex
from keras_lint.index.summarise import summarise_source
from keras_lint.rules import CATALOG
from keras_lint.settings import Settings
from keras_lint.source import decode

LAMBDA = "import keras\nx = keras.layers.Lambda(lambda t: t * 2)\n"  # KL101, safe fix
SAVE_H5 = "import keras\nmodel = keras.Sequential([])\nmodel.save('m.h5')\n"  # KL402, unsafe fix
NO_SUPER = (  # KL205 (a warning) on line 8, with KL201 and KL207 (errors)
    "import keras\n"
    "class A(keras.layers.Layer):\n"
    "    def __init__(self, units, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.units = units\n"
    "    def build(self, shape):\n"
    "        self.w = self.add_weight(shape=(shape[-1], self.units))\n"
    "    def get_config(self):\n"
    "        return {'units': self.units}\n"
)
UNSAFE_LOAD = "import keras\nm = keras.models.load_model('m.keras', safe_mode=False)\n"  # KL501, security


def lint(*args, stdin=None, env=None):
    result = subprocess.run(
        [os.path.join(BIN, "keras-lint"), "--no-cache", *args], input=stdin, capture_output=True, text=True, env=env
    )
    return result.returncode, result.stdout, result.stderr


def on_a_terminal(*args, env=None) -> str:
    """keras-lint's stdout when stdout is a terminal (a pseudo-terminal)."""
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(
        [os.path.join(BIN, "keras-lint"), "--no-cache", *args], stdout=child_fd, stderr=subprocess.PIPE, env=env
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(main_fd)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def environment(**changes):
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env.update(changes)
    return env


# -- item 3: output --------------------------------------------------------------------------------


def test_full_format_shows_severity_first_sentence_source_caret_help_and_fix(project):
    (project / "m.py").write_text("import keras\ndef build():\n\tx = keras.layers.Lambda(lambda t: t * 2)\n")
    code, out, _ = lint("--output-format", "full", "m.py")
    assert code == 1
    assert out == (
        "error[KL101]: Lambda layer wraps a Python lambda: Keras 3 refuses to load it unless safe_mode=False\n"
        " --> m.py:3:6\n"
        "  |\n"
        "3 |     x = keras.layers.Lambda(lambda t: t * 2)\n"  # the tab shown as 4 columns ...
        "  |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"  # ... and the carets under the call
        "  |\n"
        f"  = help: {CATALOG['KL101'].help}\n"
        "  = fix: [*] rewrite the Lambda as the registered Layer subclass `Scale` (--fix)\n"
        "\n"
    )


def test_full_format_carets_count_wide_characters_twice(project):
    (project / "m.py").write_text("import keras\nmodel = keras.Sequential([]); model.save('模型.h5')\n")
    out = lint("--output-format", "full", "m.py")[1]
    source, carets = [line for line in out.splitlines() if line.startswith(("2 |", "  |  "))][:2]
    assert source == "2 | model = keras.Sequential([]); model.save('模型.h5')"
    assert carets == "  | " + " " * 30 + "^" * (len("model.save('模型.h5')") + 2)


def test_concise_is_todays_line_and_the_default_when_not_on_a_terminal(project):
    (project / "m.py").write_text(LAMBDA)
    piped = lint("m.py")
    assert piped == lint("--output-format", "concise", "m.py") == lint("--format", "text", "m.py")
    assert piped[1] == "m.py:2:5: KL101 [*] Lambda layer wraps a Python lambda: Keras 3 refuses to load it unless " \
        "safe_mode=False; use a registered Layer subclass\n"


def test_full_and_coloured_on_a_terminal_but_never_with_no_color(project):
    (project / "m.py").write_text(LAMBDA)
    coloured = on_a_terminal("m.py", env=environment())
    assert "\x1b[1;31merror[KL101]\x1b[0m: Lambda layer wraps a Python lambda" in coloured
    plain = on_a_terminal("m.py", env=environment(NO_COLOR="1"))
    assert "\x1b" not in plain and plain.startswith("error[KL101]: Lambda layer wraps")
    # asked for, concise stays one plain line on a terminal too
    assert on_a_terminal("--output-format", "concise", "m.py", env=environment()).startswith("m.py:2:5: KL101 [*] ")
    # piped, full has no colour
    assert "\x1b" not in lint("--output-format", "full", "m.py", env=environment())[1]


def test_summary_counts_what_fix_and_unsafe_fixes_would_fix(project):
    (project / "a.py").write_text(LAMBDA)
    (project / "b.py").write_text(SAVE_H5)
    err = lint(".")[2]
    assert err == "Found 2 findings in 2 files.\n1 fixable with --fix (1 more with --unsafe-fixes).\n" + NOTHING_DECLARED
    assert lint("--unsafe-fixes", ".")[2].endswith("2 fixable with --fix --unsafe-fixes.\n" + NOTHING_DECLARED)
    (project / "b.py").write_text("import keras\n")
    assert lint(".")[2].endswith("\n1 fixable with --fix.\n" + NOTHING_DECLARED)


def test_show_fixes_lists_the_fixes_applied_per_file(project):
    (project / "a.py").write_text(LAMBDA + "y = keras.layers.Lambda(lambda t: t + 1)\n")
    (project / "b.py").write_text(SAVE_H5)
    code, out, err = lint("--diff", "--show-fixes", "--unsafe-fixes", ".")
    assert code == 1 and out.startswith("--- a/a.py")
    assert err.startswith(
        "Fixes --fix would apply:\n"
        "- a.py:\n    2 × KL101 (lambda-layer-python-lambda)\n"
        "- b.py:\n    1 × KL402 (legacy-save-format)\n"
        "Would fix 3 findings.\n"
    )
    code, out, err = lint("--fix", "--show-fixes", ".")  # safe fixes only: b.py's is unsafe
    assert err.startswith("Fixes applied:\n- a.py:\n    2 × KL101 (lambda-layer-python-lambda)\nFixed 2 findings.\n")
    assert "1 fixable with --fix" not in err and err.endswith("0 fixable with --fix (1 more with --unsafe-fixes).\n" + NOTHING_DECLARED)
    assert lint("--fix", "--show-fixes", "a.py")[2].startswith("No fixes applied.\n")


# -- item 4: severity ------------------------------------------------------------------------------


def test_severity_in_json_sarif_and_github(project):
    (project / "m.py").write_text(NO_SUPER)
    (project / "u.py").write_text(UNSAFE_LOAD)
    records = json.loads(lint("--format", "json", ".")[1])
    assert {(r["code"], r["severity"]) for r in records} >= {("KL205", "warning"), ("KL201", "error"), ("KL501", "security")}
    document = json.loads(lint("--format", "sarif", ".")[1])
    levels = {r["ruleId"]: r["level"] for r in document["runs"][0]["results"]}
    assert levels["KL205"] == "warning" and levels["KL201"] == "error" and levels["KL501"] == "error"
    rules = {r["id"]: r for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["KL205"]["defaultConfiguration"]["level"] == "warning"
    assert rules["KL501"]["properties"]["tags"] == ["security"] and rules["KL501"]["properties"]["severity"] == "security"
    github = lint("--format", "github", ".")[1].splitlines()
    assert any(line.startswith("::warning title=keras-lint (KL205 ") for line in github)
    assert any(line.startswith("::error title=keras-lint (KL201 ") for line in github)
    full = lint("--output-format", "full", ".")[1]
    assert "warning[KL205]: " in full and "security[KL501]: " in full


def test_severity_selects_findings_from_the_command_line_and_the_config(project):
    (project / "m.py").write_text(NO_SUPER)
    (project / "u.py").write_text(UNSAFE_LOAD)

    def codes(*args):
        return sorted({line.split()[1] for line in lint(*args, ".")[1].splitlines()})

    assert codes() == ["KL201", "KL205", "KL207", "KL501"]
    assert codes("--severity", "warning") == ["KL205"]
    assert codes("--severity", "error,security") == ["KL201", "KL207", "KL501"]
    assert codes("--severity", "security", "--select", "KL2") == []  # both must hold
    (project / "setup.cfg").write_text("[keras-lint]\nseverity = security\n")
    assert codes() == ["KL501"]
    assert codes("--severity", "warning") == ["KL205"]  # the command line wins


def test_a_bad_severity_is_a_usage_or_configuration_error(project):
    code, out, err = lint("--severity", "fatal", ".")
    assert code == 2 and out == "" and "expected severities among error, warning, security, got fatal" in err
    (project / "setup.cfg").write_text("[keras-lint]\nseverity = error, critical\n")
    code, _, err = lint(".")
    assert code == 2 and err.startswith("keras-lint: error: setup.cfg:2: keras-lint option 'severity': expected")


def test_list_rules_shows_each_severity(capsys):
    assert main(["--list-rules"]) == 0
    for line in capsys.readouterr().out.splitlines():
        assert CATALOG[line.split()[0]].severity in line.split()


# -- item 5: --add-noqa -------------------------------------------------------------------------------


def test_add_noqa_merges_with_other_tools_codes_keeps_comments_and_is_idempotent(project):
    (project / "m.py").write_text(
        "import keras\n"
        "a = keras.layers.Lambda(lambda t: t)  # noqa: E501\n"
        "b = keras.layers.Lambda(lambda t: t)  # keep this\n"
        "c = keras.layers.Lambda(lambda t: t)   \n"
        "d = keras.layers.Lambda(lambda t: t)  # noqa:E501,W291\n"
        "e = keras.layers.Lambda(lambda t: t)  # noqa\n"
    )
    code, out, err = lint("--add-noqa", ".")
    assert (code, out, err) == (0, "", "Added 4 noqa directives.\n")
    assert (project / "m.py").read_text() == (
        "import keras\n"
        "a = keras.layers.Lambda(lambda t: t)  # noqa: E501, KL101\n"
        "b = keras.layers.Lambda(lambda t: t)  # keep this  # noqa: KL101\n"
        "c = keras.layers.Lambda(lambda t: t)  # noqa: KL101\n"
        "d = keras.layers.Lambda(lambda t: t)  # noqa:E501,W291,KL101\n"
        "e = keras.layers.Lambda(lambda t: t)  # noqa\n"
    )
    assert lint("--add-noqa", ".")[2] == "Added 0 noqa directives.\n"
    assert lint(".")[0] == 0
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "KL", "m.py"], capture_output=True, text=True)
    assert (flake8.returncode, flake8.stdout) == (0, "")  # flake8 reads them the same way


def test_add_noqa_keeps_encoding_line_endings_and_puts_the_comment_where_it_can_stand(project):
    text = (
        "# -*- coding: latin-1 -*-\r\n"
        "import keras\r\n"
        "name = 'café'\r\n"
        "model = keras.Sequential([])\r\n"
        "model.save('''out/\r\n"  # the finding's line ends inside a string ...
        "m.h5''')\r\n"  # ... so the comment goes after it
        "y = keras.layers.Lambda(lambda t: t) \\\r\n"  # after a backslash no comment can stand
        "    if name else None\r\n"
    )
    (project / "m.py").write_bytes(text.encode("latin-1"))
    assert lint("--add-noqa", "m.py")[2] == "Added 2 noqa directives.\n"
    assert (project / "m.py").read_bytes() == text.replace(
        "m.h5''')\r\n", "m.h5''')  # noqa: KL402\r\n"
    ).replace("None\r\n", "None  # noqa: KL101\r\n").encode("latin-1")
    assert lint("m.py")[0] == 0


def test_add_noqa_refuses_stdin_and_fix(project):
    assert lint("--add-noqa", "-", stdin=LAMBDA)[0] == 2
    code, _, err = lint("--add-noqa", "--fix", ".")
    assert code == 2 and "--add-noqa cannot be combined with --fix" in err


# -- item 5: baselines -------------------------------------------------------------------------------


def test_baseline_hides_recorded_findings_and_follows_them_when_lines_move(project):
    (project / "m.py").write_text(LAMBDA + "y = keras.layers.Lambda(lambda t: t + 1)\n")
    code, out, err = lint("--write-baseline", "baseline.json", ".")
    assert (code, out, err) == (0, "", "Recorded 2 findings in baseline.json.\n")
    document = json.loads((project / "baseline.json").read_text())
    assert document["version"] == 1 and document["tool"] == "keras-lint"
    assert [(f["path"], f["code"], f["line"]) for f in document["findings"]] == [("m.py", "KL101", 2), ("m.py", "KL101", 3)]
    assert lint("--baseline", "baseline.json", ".") == (0, "", "Found 0 findings in 1 file.\n2 more recorded in baseline.json not shown.\n")
    # lines added above, one re-indented, one changed, one new: the changed and the new are reported
    (project / "m.py").write_text(
        "import keras\n\n\n"
        "if True:\n"
        "    x  =  keras.layers.Lambda(lambda t: t * 2)\n"
        "y = keras.layers.Lambda(lambda t: t + 2)\n"
        "z = keras.layers.Lambda(lambda t: t * 2)\n"
    )
    code, out, _ = lint("--baseline", "baseline.json", ".")
    assert code == 1 and [line.split(": ")[0] for line in out.splitlines()] == ["m.py:6:5", "m.py:7:5"]


def test_baseline_paths_are_relative_to_the_baseline_file(project):
    (project / "src").mkdir()
    (project / "src" / "m.py").write_text(LAMBDA)
    (project / "ci").mkdir()
    assert lint("--write-baseline", "ci/kl.json", "src")[0] == 0
    assert json.loads((project / "ci" / "kl.json").read_text())["findings"][0]["path"] == "../src/m.py"
    os.chdir(project / "src")
    assert lint("--baseline", "../ci/kl.json", "m.py")[:2] == (0, "")


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read baseline"),
        ("not json", "not a keras-lint baseline (not JSON"),
        ('{"version": 1, "findings": []}', 'not a keras-lint baseline (no "tool"'),
        ('{"version": 7, "tool": "keras-lint", "findings": []}', "baseline version 7, this keras-lint reads version 1"),
        ('{"version": 1, "tool": "keras-lint", "findings": [{"path": "m.py"}]}', "finding 0 lacks"),
    ],
)
def test_a_bad_baseline_is_one_error_line_and_exit_2(project, content, message):
    (project / "m.py").write_text(LAMBDA)
    if content is not None:
        (project / "kl.json").write_text(content)
    code, out, err = lint("--baseline", "kl.json", ".")
    assert code == 2 and out == "" and err.startswith("keras-lint: error: kl.json: ") and message in err
    assert err.count("\n") == 1


# -- item 5: KL901, unused noqa ---------------------------------------------------------------------


def kl901(text, *select, alone=False):
    """KL901's findings on `text`, judged with its project in view (a project of this one file), as
    the CLI judges a file, or `alone`, as unnamed stdin is."""
    settings = Settings(select=select or ("KL", "KL901"))
    src = decode("m.py", text.encode())
    summary = summarise_source(src)
    project = None if alone or summary is None else ProjectIndex([summary])
    return [(f.line, f.col, f.message) for f in lint_source(src, settings, project=project).findings if f.code == "KL901"]


def test_unused_noqa_is_off_by_default_and_on_when_selected(project):
    text = "import keras\nx = keras.layers.Dense(3)  # noqa: KL101\n"
    assert kl901(text, "KL") == [] and kl901(text, "ALL") == []
    assert kl901(text) == [(2, 28, "unused `noqa` code KL101: nothing on this line reports it")]
    (project / "m.py").write_text(text)
    assert lint(".")[0] == 0
    assert lint("--extend-select", "KL901", ".")[1] == "m.py:2:28: KL901 [*] unused `noqa` code KL101: nothing on this line reports it\n"


def test_unused_noqa_judges_only_codes_of_rules_that_run_and_real_comments():
    lambda_line = "x = keras.layers.Lambda(lambda t: t)"
    assert kl901(f"import keras\n{lambda_line}  # noqa: KL101, E501\n") == []  # used; E501 is not ours
    assert kl901(f"import keras\n{lambda_line}  # noqa: KL1\n") == []  # a prefix that suppresses it
    assert kl901(f"import keras\n{lambda_line}  # noqa\n") == []  # a bare noqa: other tools' too
    # a noqa after a multi-line string covers the lines of the string (flake8's logical line) ...
    assert kl901('import keras\nx = keras.layers.Lambda(lambda t: """\n""")  # noqa: KL101\n') == []
    # ... but not the lines above it inside brackets: there it is unused (flake8 would report KL101)
    assert kl901("import keras\nx = keras.layers.Lambda(\n    lambda t: t,\n)  # noqa: KL101\n") == [
        (4, 4, "unused `noqa` code KL101: nothing on this line reports it")
    ]
    assert kl901("import keras\nx = 1  # noqa: KL201\n", "KL1", "KL901") == []  # KL201 does not run
    assert kl901("import keras\ns = '# noqa: KL101'\n") == []  # inside a string: no comment
    assert kl901("import keras\nx = 1  # noqa: KL999\n") == [(2, 8, "unused `noqa` code KL999: KL999 is no keras-lint code")]
    assert kl901("import keras\nx = (  # noqa: KL101\n") == []  # the file does not parse (KL001): not judged


def test_unused_noqa_fix_removes_only_the_unused_codes(project):
    (project / "m.py").write_text(
        "import keras\n"
        "a = keras.layers.Dense(3)  # noqa: KL101\n"
        "b = keras.layers.Dense(3)  # noqa: E501, KL101 why\n"
        "c = keras.layers.Dense(3)  # type: ignore  # noqa: KL102\n"
        "d = keras.layers.Lambda(lambda t: t)  # noqa: KL101, KL203\n"
    )
    assert lint("--extend-select", "KL901", "--fix", ".")[0] == 0
    assert (project / "m.py").read_text() == (
        "import keras\n"
        "a = keras.layers.Dense(3)\n"
        "b = keras.layers.Dense(3)  # noqa: E501 why\n"
        "c = keras.layers.Dense(3)  # type: ignore\n"
        "d = keras.layers.Lambda(lambda t: t)  # noqa: KL101\n"
    )


def test_unused_noqa_examples_document_it():
    rule = noqa.UnusedNoqa
    for text in rule.VALID:
        assert kl901(text) == []
    for text, line, col, fixed in rule.INVALID:
        assert [(row, column) for row, column, _ in kl901(text)] == [(line, col)]


def test_flake8_reports_unused_noqa_where_keras_lint_config_selects_it(project):
    (project / "m.py").write_text("import keras\nx = keras.layers.Dense(3)  # noqa: KL101\n")
    run = [sys.executable, "-m", "flake8", "--select", "KL", "m.py"]
    assert subprocess.run(run, capture_output=True, text=True).stdout == ""
    (project / "setup.cfg").write_text("[keras-lint]\nextend-select = KL901\n")
    out = subprocess.run(run, capture_output=True, text=True).stdout
    assert out == "m.py:2:28: KL901 unused `noqa` code KL101: nothing on this line reports it\n"
    assert lint(".")[1] == "m.py:2:28: KL901 [*] unused `noqa` code KL101: nothing on this line reports it\n"


def test_unused_noqa_leaves_project_rules_alone_where_a_file_is_judged_without_its_project(project):
    text = "import keras\n@keras.saving.register_keras_serializable()\nclass A(keras.layers.Layer):  # noqa: KL201\n    pass\n"
    assert kl901(text, alone=True) == []  # alone (unnamed stdin, flake8 on a very large project): KL201 may need it
    assert kl901(text) == [(3, 31, "unused `noqa` code KL201: nothing on this line reports it")]
    (project / "m.py").write_text(text)
    assert lint("--extend-select", "KL901", ".")[1].startswith("m.py:3:31: KL901 [*] unused `noqa` code KL201")


@pytest.mark.parametrize(
    "message, first",
    [
        ("A: b; c", "A: b"),
        ("Keras fails. Then more", "Keras fails"),
        ("`a; b` and (c; d) stay; rest", "`a; b` and (c; d) stay"),
        ('quotes "x. Y" stay. Rest', 'quotes "x. Y" stay'),
        ("keras.layers.Dense is fine. e.g. lower", "keras.layers.Dense is fine. e.g. lower"),
    ],
)
def test_first_sentence_stops_at_the_first_break_outside_quotes_and_brackets(message, first):
    from keras_lint.report import first_sentence

    assert first_sentence(message) == first
