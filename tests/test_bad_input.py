"""Bad input: each problem is one clear line naming its path, the run goes on, the exit code tells
(README: 0 no findings, 1 findings, 2 a path that cannot be read), and nothing is written.

Syntax errors, undecodable bytes, coding cookies, NUL bytes, empty files, a missing path, BOM and
CRLF are in test_cli.py; configuration mistakes and an unknown --select code in test_config.py and
test_cli.py. This file holds the rest of the robustness issue's list.
"""

import os
import pathlib
import re
import shutil
import subprocess

from conftest import BIN, NOTHING_DECLARED

from keras_lint import engine, files, source
from keras_lint.cli import main
from keras_lint.index import summarise_path
from keras_lint.settings import Settings

LAMBDA = "import keras\nx = keras.layers.Lambda(lambda t: t * factor)\n"  # `factor` unknown: no fix offered
FINDING = "KL101 Lambda layer wraps a Python lambda"
CACHE = ".keras_lint_cache"  # written at the project root by design; a run writes nothing else
SUMMARY = re.compile(
    r"((Would fix|Fixed) \d+ findings?\.\n)?Found \d+ findings?( remaining)? in \d+ files?\.\n"
    r"(\d+ fixable with --fix( --unsafe-fixes| \(\d+ more with --unsafe-fixes\))?\.\n)?"  # issue 22
    r"(Judged against .*\n)?\Z"  # issue 18
)


def lint(*args, prefix=(), timeout=120):
    result = subprocess.run(
        [*prefix, os.path.join(BIN, "keras-lint"), *args], capture_output=True, text=True, timeout=timeout
    )
    return result.returncode, result.stdout, result.stderr


def error_lines(err):
    """The error lines of stderr (all but the summary), each checked to be one problem naming a path."""
    errors = [line for line in err.splitlines(keepends=True) if line.startswith("keras-lint: error: ")]
    assert SUMMARY.match(err[len("".join(errors)):]), err  # errors first, then only the summary
    for line in errors:
        assert re.match(r"keras-lint: error: [^:\n]+: \S[^\n]*\n\Z", line), line
    return [line.rstrip("\n") for line in errors]


def test_binary_files_named_py_are_one_kl001_line_each(project):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00>\x00\x01\x00\x00\x00" * 32  # ASCII and NULs only
    (project / "image.py").write_bytes(png)
    (project / "program.py").write_bytes(elf)
    (project / "utf16.py").write_bytes("x = 1\n".encode("utf-16"))  # BOM \xff\xfe, NUL after each char
    (project / "good.py").write_text(LAMBDA)
    code, out, err = lint(".")
    assert code == 1 and error_lines(err) == [] and out.startswith("good.py:2:5: " + FINDING)
    assert out.splitlines()[1:] == [
        "image.py:1:1: KL001 cannot decode file as utf-8: invalid start byte at byte 0",
        "program.py:1:1: KL001 cannot parse file: source code string cannot contain null bytes",
        "utf16.py:1:1: KL001 cannot decode file as utf-8: invalid start byte at byte 0",
    ]
    assert err == "Found 4 findings in 4 files.\n" + NOTHING_DECLARED


def test_a_10_mb_file_finishes_and_reports_its_finding(project):
    comment = "# " + "a long comment line, as generated code has many of " * 2 + "\n"
    block = comment * 99 + "value = {'key': [1, 2, 3]}\n"  # a statement every 100 lines keeps it Python
    blocks = 10 * 1024 * 1024 // len(block) + 1
    (project / "big.py").write_text("import keras\n" + block * blocks + LAMBDA.split("\n")[1] + "\n")
    assert (project / "big.py").stat().st_size > 10 * 1024 * 1024
    code, out, err = lint("big.py")
    assert code == 1 and err == "Found 1 finding in 1 file.\n" + NOTHING_DECLARED
    assert out.startswith(f"big.py:{1 + 100 * blocks + 1}:5: {FINDING}")


def test_split_lines_is_pythons_on_every_line_break():
    # The fast path (str.splitlines) must not break where Python does not (\x0c, \x1c, \u2028, ...).
    for text in ["", "a", "a\n", "a\r\nb\rc\n", "\r\r\n\n", "a\x0cb\x1cc\u2028d\x85e\n", "x = '\u2029'\r\ny\r"]:
        expected = [line for line in re.split(r"(?<=\n)|(?<=\r)(?!\n)", text) if line]
        assert source.split_lines(text) == expected


def test_symlink_loops_end_the_walk_without_a_crash(project):
    pkg = project / "pkg"
    pkg.mkdir()
    (pkg / "model.py").write_text(LAMBDA)
    os.symlink(".", pkg / "a")  # pkg/a -> pkg
    os.symlink(os.path.join("..", "pkg"), pkg / "b")  # pkg/b -> ../pkg
    os.symlink("self.py", pkg / "self.py")  # a link to itself
    os.symlink("two.py", pkg / "one.py")
    os.symlink("one.py", pkg / "two.py")
    code, out, err = lint(".")
    assert code == 2  # the looping files cannot be read; the folder links are not followed
    assert [line.split(": ")[0] for line in out.splitlines()] == ["pkg/model.py:2:5"]
    assert error_lines(err) == [
        f"keras-lint: error: pkg/{name}.py: cannot read file: Too many levels of symbolic links"
        for name in ("one", "self", "two")
    ]
    assert err.endswith("Found 1 finding in 4 files.\n" + NOTHING_DECLARED)
    # Named on the command line, the folder link is walked once, and the self-link is one line.
    code, out, err = lint("pkg/a", "pkg/self.py", "pkg/model.py")
    assert code == 2 and [line.split(":")[0] for line in out.splitlines()] == ["pkg/a/model.py", "pkg/model.py"]
    assert "keras-lint: error: pkg/self.py: not a regular file or folder (a broken link?)" in error_lines(err)


def test_a_fifo_named_py_in_a_walked_folder_is_one_line_not_a_hang(project):
    os.mkfifo(project / "pipe.py")
    (project / "good.py").write_text(LAMBDA)
    code, out, err = lint(".", timeout=60)
    assert code == 2 and out.startswith("good.py:2:5: " + FINDING)
    assert error_lines(err) == ["keras-lint: error: pipe.py: not a regular file"]
    code, out, err = lint("good.py", timeout=60)  # the project index walks past it too
    assert code == 1 and out.startswith("good.py:2:5: ")


def test_a_folder_and_a_file_without_read_permission(project):
    (project / "locked").mkdir()
    (project / "locked" / "hidden.py").write_text(LAMBDA)
    (project / "secret.py").write_text(LAMBDA)
    (project / "good.py").write_text(LAMBDA)
    os.chmod(project / "locked", 0)
    os.chmod(project / "secret.py", 0)
    try:
        prefix = ()
        if os.access(project / "locked", os.R_OK):  # root: the permission bits do not bind it
            setpriv = shutil.which("setpriv")
            if setpriv is None:  # root without a way to give up its override reads them: say so
                code, out, err = lint(".")
                assert code == 1 and error_lines(err) == []
                assert [line.split(":")[0] for line in out.splitlines()] == ["good.py", "locked/hidden.py", "secret.py"]
                return
            # Run as root without the capabilities that override permissions: the bits bind it then.
            drop = "-dac_override,-dac_read_search"
            prefix = (setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}")
        code, out, err = lint(".", prefix=prefix)
        assert code == 2
        assert [line.split(":")[0] for line in out.splitlines()] == ["good.py"]
        assert error_lines(err) == [
            "keras-lint: error: locked: cannot read folder: Permission denied",
            "keras-lint: error: secret.py: cannot read file: Permission denied",
        ]
    finally:
        os.chmod(project / "locked", 0o755)
        os.chmod(project / "secret.py", 0o644)


def test_a_path_that_does_not_exist_is_one_line_and_exit_2(project):
    (project / "good.py").write_text(LAMBDA)
    code, out, err = lint("missing.py", "good.py", "no/such/folder")
    assert code == 2 and out.startswith("good.py:2:5: " + FINDING)
    assert error_lines(err) == [
        "keras-lint: error: missing.py: no such file or folder",
        "keras-lint: error: no/such/folder: no such file or folder",
    ]
    assert lint("--exit-zero", "missing.py", "good.py")[0] == 2  # --exit-zero turns only findings into 0
    code, out, err = lint("missing.py")
    assert (code, out) == (2, "")
    assert err == "keras-lint: error: missing.py: no such file or folder\nFound 0 findings in 0 files.\n"


def test_a_file_deleted_during_the_run(project, monkeypatch, capsys):
    (project / "gone.py").write_text(LAMBDA)
    (project / "good.py").write_text(LAMBDA)
    result = engine.lint_path("missing.py", Settings())
    assert result.findings == [] and result.errors == ["missing.py: cannot read file: No such file or directory"]
    assert summarise_path("missing.py") is None

    discover = files.discover

    def discover_then_delete(paths, settings, on_error, on_warning=None, on_folder=None):  # the file goes between listing and reading
        found = list(discover(paths, settings, on_error, on_warning, on_folder))
        if (project / "gone.py").exists():
            (project / "gone.py").unlink()
        return iter(found)

    monkeypatch.setattr(files, "discover", discover_then_delete)
    for args in (["-j", "1", "."], ["-j", "1", "--fix", "."], ["-j", "1", "--diff", "."]):
        (project / "gone.py").write_text(LAMBDA)
        code = main(args)
        out, err = capsys.readouterr()
        assert code == 2, args
        assert [line.split(":")[0] for line in out.splitlines()] == (["good.py"] if "--diff" not in args else [])
        assert error_lines(err) == ["keras-lint: error: gone.py: cannot read file: No such file or directory"]


def _snapshot(root):
    """Mode, mtime and bytes of everything under root but the cache folder (its own business)."""
    state = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != CACHE]
        for name in subfolders + names:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            data = pathlib.Path(path).read_bytes() if os.path.isfile(path) and not os.path.islink(path) else None
            state[path] = (info.st_mode, info.st_mtime_ns, data)
    return state


def test_nothing_is_written(project):
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "model.py").write_text(LAMBDA)
    (project / "pkg" / "named.py").write_text("import keras\ndef f(t):\n    return t\ny = keras.layers.Lambda(f)\n")
    (project / "crlf.py").write_bytes(LAMBDA.replace("\n", "\r\n").encode())
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + LAMBDA.encode())
    (project / "syntax.py").write_text("def f(:\n")
    (project / "binary.py").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    for i in range(12):  # enough files for the process pool
        (project / f"m{i:02d}.py").write_text(LAMBDA)
    before = _snapshot(project)
    for args in (["-j", "1"], ["-j", "2", "--format", "json"], ["--diff", "--statistics"]):
        code, out, err = lint(*args, ".")
        assert code == 1 and out, args
        assert _snapshot(project) == before, args


def test_pythons_syntax_warnings_are_not_printed(project):
    """`1if x else 0` and `"\\d"` are valid Python that Python's parser warns about on stderr; the
    stdlib sweep printed dozens such lines between ours. They are not findings and not our errors."""
    (project / "warned.py").write_text('import keras\nx = 1if keras else 0\npattern = "\\d+"\n')
    code, out, err = lint(".")
    assert (code, out, err) == (0, "", "Found 0 findings in 1 file.\n")


def test_a_statement_too_deep_for_libcst_is_one_kl001_and_the_rest_is_checked(project):
    """pydoc_data/topics.py (the stdlib sweep) holds one dict of 15,000 concatenated strings: Python
    parses it, LibCST's position pass recurses past Python's limit. That statement gets one KL001;
    the file's other statements are still checked."""
    deep = "z = keras.layers.Lambda(lambda t: t)(\n" + "    'a'\n" * 2000 + ")\n"
    (project / "deep.py").write_text(LAMBDA + deep + "w = keras.layers.Lambda(lambda t: t * 2)\n")
    code, out, err = lint(".")
    assert code == 1 and error_lines(err) == []
    assert [line.split(" ", 2)[:2] for line in out.splitlines()] == [
        ["deep.py:2:5:", "KL101"], ["deep.py:3:1:", "KL001"], ["deep.py:2005:5:", "KL101"],
    ]
    assert "deep.py:3:1: KL001 cannot check statement: too deeply nested for LibCST" in out
