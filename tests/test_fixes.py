"""The fix guarantees: the result parses, a second --fix changes nothing, the finding is gone, and
nothing outside the edited spans changes (comments, blank lines, quotes, cookie, BOM, CRLF)."""

import os
import shutil
import subprocess

import pytest
from conftest import BIN, FIXTURES
from keras_roundtrip import load_in_fresh_process, save_in_fresh_process

from keras_lint import fixes
from keras_lint.finding import Edit, Finding, Fix

BODY = (
    "import keras  # the model's imports\n"
    "\n"
    "\n"
    "def double(t):\n"
    "    return t * 2  # 'single' and \"double\" quotes stay\n"
    "\n"
    "x = keras.layers.Lambda(double)\n"
)
FIXED_DEF = '@keras.saving.register_keras_serializable(package="m")\ndef double(t):\n'


def run(*args, cwd, stdin=None):
    result = subprocess.run([os.path.join(BIN, "keras-lint"), *args], cwd=cwd, input=stdin, capture_output=True)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.mark.parametrize(
    "name, encode",
    [
        ("plain", lambda text: text.encode()),
        ("crlf", lambda text: text.replace("\n", "\r\n").encode()),
        ("bom", lambda text: b"\xef\xbb\xbf" + text.encode()),
        ("latin-1 cookie", lambda text: ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + text).encode("latin-1")),
    ],
)
def test_fix_changes_only_the_edited_span_and_is_idempotent(project, name, encode):
    original = encode(BODY)
    path = project / "m.py"
    path.write_bytes(original)
    os.chmod(path, 0o640)
    code, out, err = run("--fix", "m.py", cwd=project)
    assert (code, out) == (0, ""), err
    assert "Fixed 1 finding." in err
    fixed = path.read_bytes()
    assert fixed == encode(BODY.replace("def double(t):\n", FIXED_DEF))
    assert oct(os.stat(path).st_mode & 0o777) == "0o640"
    assert run("--fix", "m.py", cwd=project)[0] == 0 and path.read_bytes() == fixed  # idempotent
    assert run("m.py", cwd=project)[0] == 0  # the finding is gone
    assert not [p for p in os.listdir(project) if p.startswith(".keras-lint-")]  # no temporary left


def test_diff_writes_nothing_and_exits_1(project):
    (project / "m.py").write_text(BODY)
    code, out, err = run("--diff", "m.py", cwd=project)
    assert code == 1
    assert out.splitlines()[:2] == ["--- a/m.py", "+++ b/m.py"]
    assert '+@keras.saving.register_keras_serializable(package="m")' in out
    assert (project / "m.py").read_text() == BODY
    assert "Would fix 1 finding." in err
    (project / "m.py").write_text(BODY.replace("def double", "@keras.saving.register_keras_serializable()\ndef double"))
    assert run("--diff", "m.py", cwd=project)[:2] == (0, "")


def test_fix_on_stdin_writes_source_to_stdout_findings_to_stderr(project):
    source = BODY + "y = keras.layers.Lambda(lambda t: t * factor)\n"  # `factor` unknown: no fix
    code, out, err = run("--fix", "--stdin-filename", "m.py", "-", cwd=project, stdin=source.encode())
    assert code == 1
    assert out == source.replace("def double(t):\n", FIXED_DEF)
    assert "m.py:9:5: KL101" in err


def test_import_is_added_when_the_file_has_no_keras_module_name(project):
    source = '"""Doc."""\nfrom keras.layers import Lambda\n\ndef f(t):\n    return t\n\nLambda(f)\n'
    (project / "m.py").write_text(source)
    assert run("--fix", "m.py", cwd=project)[0] == 0
    assert (project / "m.py").read_text() == (
        '"""Doc."""\nfrom keras.layers import Lambda\nfrom keras.saving import register_keras_serializable\n\n'
        '@register_keras_serializable(package="m")\ndef f(t):\n    return t\n\nLambda(f)\n'
    )


def test_fix_package_comes_from_config(project):
    (project / "setup.cfg").write_text("[keras-lint]\npackage = my_models\n")
    (project / "m.py").write_text(BODY)
    run("--fix", "m.py", cwd=project)
    assert '@keras.saving.register_keras_serializable(package="my_models")' in (project / "m.py").read_text()


def finding(line, fix):
    return Finding("m.py", line, 1, "KL999", "test", fix=fix)


def test_a_fix_whose_result_would_not_parse_is_dropped():
    broken = Fix("safe", (Edit((1, 0), (1, 0), "def (:\n"),))
    outcome = fixes.fix_text("x = 1\n", lambda text: [finding(1, broken)], unsafe=False)
    assert outcome.text == "x = 1\n" and outcome.fixed == 0
    assert outcome.problems == ["fix for KL999 dropped: its result would not parse (invalid syntax)"]


def test_overlapping_fixes_are_applied_in_later_passes_and_passes_are_bounded():
    def lint(text):  # every pass reports two fixes that both insert at the start until 3 lines exist
        count = text.count("\n")
        if count >= 3:
            return []
        edit = Fix("safe", (Edit((1, 0), (1, 0), f"a{count} = 1\n"),))
        return [finding(1, edit), finding(1, edit)]

    outcome = fixes.fix_text("", lint, unsafe=False)
    assert outcome.text == "a2 = 1\na1 = 1\na0 = 1\n" and outcome.fixed == 3

    forever = fixes.fix_text("", lambda text: [finding(1, Fix("safe", (Edit((1, 0), (1, 0), "x = 1\n"),)))], False)
    assert forever.fixed == fixes.MAX_PASSES


def test_unsafe_fixes_need_the_flag():
    unsafe = Fix("unsafe", (Edit((1, 0), (1, 1), "y"),))
    once = [True]

    def lint(text):
        return [finding(1, unsafe)] if text == "x = 1\n" else []

    assert fixes.fix_text("x = 1\n", lint, unsafe=False).text == "x = 1\n"
    assert fixes.fix_text("x = 1\n", lint, unsafe=True).text == "y = 1\n"
    assert once


@pytest.mark.keras
def test_the_kl102_fix_makes_the_model_load(tmp_path):
    """The fixed fixture saves and loads in a fresh process that only imports it (no custom_objects)."""
    bad = os.path.join(FIXTURES, "KL102", "bad_unregistered_module_function.py")
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "setup.cfg").write_text("")
    shutil.copy(bad, folder / "model_code.py")
    assert run("--fix", "--select", "KL102", "model_code.py", cwd=folder)[0] == 0
    fixed = (folder / "model_code.py").read_text()
    assert '@keras.saving.register_keras_serializable(package="model_code")' in fixed
    workdir = tmp_path / "work"
    workdir.mkdir()
    assert save_in_fresh_process(folder / "model_code.py", workdir).ok
    loaded = load_in_fresh_process(workdir, import_fixture=True)
    assert loaded.ok and loaded.equal, loaded.error


def test_fixes_in_two_files_of_one_package_never_register_one_name_twice(project):
    """Two modules rewritten in one run: the new classes are registered under each file's module
    name, and a function defined in both files is not registered (`pkg>double` twice: on load both
    would become the last one registered, KL208)."""
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    body = (
        "import keras\n\n\ndef double(t):\n    return t * 2\n\n\n"
        "a = keras.layers.Lambda(lambda t: t + 1, name='logits')\n"
        "b = keras.layers.Lambda(double)\n"
    )
    for name in ("one", "two"):
        (project / "pkg" / f"{name}.py").write_text(body)
    code, out, err = run("--fix", "pkg", cwd=project)
    assert code == 1 and "Fixed 2 findings." in err, err
    for name in ("one", "two"):
        fixed = (project / "pkg" / f"{name}.py").read_text()
        assert f"@keras.saving.register_keras_serializable(package='pkg.{name}')\nclass Logits(" in fixed
        assert f"pkg/{name}.py:15:5: KL102 " in out  # `double` stays unregistered: no fix offered
    assert run("--select", "KL208", "pkg", cwd=project)[:2] == (0, "")


def test_no_fix_registers_under_a_key_another_file_already_registers(project):
    """`pkg/two.py` registers `twice` under the key `pkg>double` (`name="double"`): registering
    `double` of `pkg/one.py` too would make both load as the last one registered (KL208). The same
    check guards every registration fix: a class (KL201), a Lambda's function (KL102), a compile
    function (KL302)."""
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "two.py").write_text(
        "import keras\n\n\n"
        '@keras.saving.register_keras_serializable(package="pkg", name="double")\n'
        "def twice(t):\n    return t * 2\n\n\n"
        '@keras.saving.register_keras_serializable(package="pkg", name="Scale")\n'
        "class Other(keras.layers.Layer):\n    pass\n"
    )
    one = (
        "import keras\n\n\ndef double(t):\n    return t * 2\n\n\n"
        "class Scale(keras.layers.Layer):\n    pass\n\n\n"
        "model = keras.Sequential([keras.layers.Lambda(double)])\n"
        "model.compile(loss=double)\n"
    )
    (project / "pkg" / "one.py").write_text(one)
    code, out, _ = run("--fix", "pkg", cwd=project)
    assert code == 1
    assert [line.split(" ")[:2] for line in out.splitlines()] == [
        ["pkg/one.py:8:1:", "KL201"], ["pkg/one.py:12:27:", "KL102"], ["pkg/one.py:13:15:", "KL302"]
    ], out
    assert "[*]" not in out  # none is offered a fix
    assert (project / "pkg" / "one.py").read_text() == one
    # without `pkg/two.py`, each is fixable
    (project / "pkg" / "two.py").unlink()
    assert run("--fix", "pkg", cwd=project)[0] == 0
    assert (project / "pkg" / "one.py").read_text().count('@keras.saving.register_keras_serializable(package="pkg")') == 2


def test_an_added_import_goes_above_the_code_that_uses_it(project):
    """The file imports more below its first class: the registration's import goes in the leading
    import block (written by LibCST's AddImportsVisitor), not after the last import, where the
    decorator would run before the name exists (NameError on import)."""
    source = 'from keras import layers\n\n\nclass A(layers.Layer):\n    pass\n\n\nimport numpy as np\n'
    (project / "late.py").write_text(source)
    assert run("--fix", "late.py", cwd=project)[0] == 0
    assert (project / "late.py").read_text() == source.replace(
        "from keras import layers\n",
        "from keras import layers\nfrom keras.saving import register_keras_serializable\n",
    ).replace("class A", '@register_keras_serializable(package="late")\nclass A')
