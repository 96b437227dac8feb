"""The small front-end defects of issue 21 (item 4): each test failed before its fix."""

import json
import os
import subprocess

from conftest import BIN, NOTHING_DECLARED

LAMBDA = "import keras\nx = keras.layers.Lambda(lambda t: t * factor)\n"  # `factor` unknown: no fix offered
FIXABLE = "import keras\ny = keras.layers.Lambda(lambda t: t * 2)\n"  # a safe fix


def lint(*args, stdin=None):
    result = subprocess.run([os.path.join(BIN, "keras-lint"), *args], input=stdin, capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def test_statistics_keep_json_and_sarif_output_valid_and_go_to_stderr(project):
    (project / "bad.py").write_text(LAMBDA)
    for form in ("json", "sarif"):
        code, out, err = lint("--format", form, "--statistics", "bad.py")
        assert code == 1
        json.loads(out)  # stdout is the document and nothing else
        assert "    1  KL101  lambda-layer-python-lambda" in err, form
    code, out, err = lint("--statistics", "bad.py")  # text: the table follows the findings, as in flake8
    assert out.splitlines()[-1].split()[:2] == ["1", "KL101"]
    code, out, err = lint("--fix", "--statistics", "-", stdin=FIXABLE + LAMBDA.replace("import keras\n", ""))
    assert "KL101" not in out and compile(out, "stdin", "exec")  # stdout is the fixed source alone
    assert "    1  KL101" in err


def test_stdin_filename_without_dash_reads_stdin_as_ruff_does(project):
    """ruff's convention: `--stdin-filename` always reads stdin; it was ignored here, and the
    current folder linted instead."""
    (project / "other.py").write_text(LAMBDA)
    code, out, err = lint("--stdin-filename", "src/model.py", stdin=LAMBDA)
    assert code == 1 and out.startswith("src/model.py:2:5: KL101 ") and out.count("\n") == 1
    assert err == "Found 1 finding in 1 file.\n" + NOTHING_DECLARED
    code, out, err = lint("--stdin-filename", "src/model.py", "other.py", stdin="x = 1\n")  # a path beside it: ruff warns
    assert (code, out) == (0, "")
    assert err == (
        "keras-lint: warning: ignoring other.py in favor of standard input (--stdin-filename without -)\n"
        "Found 0 findings in 1 file.\n"
    )


def test_an_empty_select_is_a_usage_error(project):
    (project / "bad.py").write_text(LAMBDA)
    for option in ("--select=", "--select= , "):
        code, out, err = lint(option, "bad.py")
        assert (code, out) == (2, ""), option
        assert err == "keras-lint: error: argument --select: no rule code given (--select KL selects them all)\n"
    assert lint("--ignore=", "bad.py")[0] == 1  # ignoring nothing is fine: `--ignore=$CODES` with none


def test_a_file_named_twice_is_linted_and_reported_once_under_its_first_spelling(project):
    (project / "pkg").mkdir()
    (project / "pkg" / "m.py").write_text(LAMBDA)
    (project / "a.py").write_text(LAMBDA)
    code, out, err = lint("a.py", "./a.py", os.path.abspath("a.py"), "pkg", "pkg/../pkg/m.py", ".")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == ["a.py", os.path.join("pkg", "m.py")]
    assert err == "Found 2 findings in 2 files.\n" + NOTHING_DECLARED
    code, out, err = lint("./a.py", "a.py")
    assert out.startswith("./a.py:2:5: ") and out.count("\n") == 1 and err == "Found 1 finding in 1 file.\n" + NOTHING_DECLARED


def test_fix_writes_through_a_symlink_to_its_target_and_keeps_the_link(project):
    (project / "src").mkdir()
    (project / "src" / "real.py").write_text(FIXABLE)
    os.symlink(os.path.join("src", "real.py"), project / "link.py")
    os.symlink("link.py", project / "chain.py")  # a link to a link
    code, out, err = lint("--fix", "chain.py")
    assert code == 0 and err.startswith("Fixed 1 finding."), err
    assert os.readlink(project / "chain.py") == "link.py" and os.readlink(project / "link.py") == os.path.join("src", "real.py")
    fixed = (project / "src" / "real.py").read_text()
    assert fixed != FIXABLE and "register_keras_serializable" in fixed
    assert [p.name for p in (project / "src").iterdir()] == ["real.py"]  # no temporary file left beside it


def test_a_dangling_symlink_met_while_walking_is_skipped_with_a_warning(project):
    """Emacs keeps a lock file `.#name.py` -> `user@host.pid:time` beside a file being edited."""
    (project / "pkg").mkdir()
    (project / "pkg" / "model.py").write_text(LAMBDA)
    os.symlink("user@host.1234:1700000000", project / "pkg" / ".#model.py")
    code, out, err = lint(".")
    assert code == 1 and out.startswith("pkg/model.py:2:5: KL101 ") and out.count("\n") == 1
    assert err == (
        "keras-lint: warning: pkg/.#model.py: skipped: a broken symbolic link (to user@host.1234:1700000000)\n"
        "Found 1 finding in 1 file.\n" + NOTHING_DECLARED
    )
    assert lint("pkg/model.py")[2] == "Found 1 finding in 1 file.\n" + NOTHING_DECLARED  # the project index walks past it quietly
    code, out, err = lint("pkg/.#model.py")  # named on the command line, it is still an error
    assert code == 2 and "keras-lint: error: pkg/.#model.py: not a regular file or folder (a broken link?)\n" in err


def test_fix_on_unnamed_stdin_registers_under_the_package_setting_or_keras_default(project):
    """Nothing names the module of an unnamed buffer: `package="stdin"` named a package that is not
    there. The `package` setting wins; without it, Keras's own default package, "Custom"."""
    unregistered = "import keras\nclass Scale(keras.layers.Layer):\n    def call(self, x):\n        return x\n"  # KL201
    code, out, err = lint("--fix", "-", stdin=unregistered)
    assert code == 0 and '@keras.saving.register_keras_serializable(package="Custom")\nclass Scale' in out
    (project / "setup.cfg").write_text("[keras-lint]\npackage = my_project\n")
    code, out, err = lint("--fix", "-", stdin=unregistered)
    assert code == 0 and '@keras.saving.register_keras_serializable(package="my_project")\nclass Scale' in out
    (project / "setup.cfg").write_text("[metadata]\nname = sample\n")
    code, out, err = lint("--fix", "--stdin-filename", "model.py", "-", stdin=unregistered)  # named: its module, as before
    assert code == 0 and '@keras.saving.register_keras_serializable(package="model")\nclass Scale' in out


def test_the_lambda_rewrite_on_unnamed_stdin_registers_under_keras_default_package(project):
    """The Lambda rewrite took `package=` from the module name, "stdin" for an unnamed buffer: the
    engine now knows such a buffer has no module (SourceFile.named)."""
    code, out, err = lint("--fix", "-", stdin="import keras\n\nlayer = keras.layers.Lambda(lambda x: x + 1)\n")
    assert code == 0 and '@keras.saving.register_keras_serializable(package="Custom")\nclass ' in out
    assert "stdin" not in out


def test_statistics_count_safe_fixes_as_fixable_and_unsafe_ones_apart(project):
    (project / "s.py").write_text(
        "import keras\nscale = compute()\n"
        "a = keras.layers.Lambda(lambda t: t * 2)\n"  # a safe fix
        "b = keras.layers.Lambda(lambda t: t * scale)\n"  # unsafe: `scale` may not be JSON-able
        "c = keras.layers.Lambda(lambda t: t * factor)\n"  # no fix
    )
    out = lint("--statistics", "s.py")[1]
    assert out.splitlines()[-1].split() == [
        "3", "KL101", "lambda-layer-python-lambda", "fixable:", "1", "(+1", "with", "--unsafe-fixes)",
    ]


def test_list_rules_says_safe_unsafe_where_the_readme_and_the_rules_examples_do(capsys):
    """`--list-rules` said `fix:safe` for rules whose fix is safe only in some cases. Its label must
    agree with the README's table and with the fixes the rule's own INVALID examples get."""
    import re

    from conftest import ROOT

    from keras_lint.cli import main
    from keras_lint.engine.run import lint_source
    from keras_lint.rules import ALL_RULES
    from keras_lint.settings import Settings
    from keras_lint.source import decode

    assert main(["--list-rules"]) == 0
    listed = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()}
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        table = dict(re.findall(r"^\| (KL\d{3}) \| [a-z0-9-]+ \| .* \| ([^|]*?) \|$", handle.read(), re.M))
    readme = {"no": "-", "safe": "safe", "unsafe": "unsafe", "safe / unsafe": "safe/unsafe"}
    for code, rule in ALL_RULES.items():
        assert listed[code] == "fix:" + readme[table[code]], code
        seen = set()
        for case in rule.INVALID:
            for finding in lint_source(decode("example.py", case.code.encode()), Settings(select=(code,))).findings:
                seen |= {finding.fix.safety} if finding.fix else set()
        assert listed[code] == "fix:" + ("/".join(sorted(seen)) or "-"), code
