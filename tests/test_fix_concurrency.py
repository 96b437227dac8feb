"""Two `keras-lint --fix` processes on the same tree at once (two editors' save hooks, pre-commit in
two terminals): no file is left half-written or corrupted, no temporary file is left behind, and
the shared cache still answers correctly afterwards."""

import os
import shutil
import subprocess

from conftest import BIN

FIXABLE = (
    "import keras\n"
    "# model {n}\n"
    "x = keras.Input((4,))\n"
    "y = keras.layers.Lambda(lambda t: t * {n}, name='scaled_{n}')(x)\n"
    "z = keras.layers.Lambda(lambda t: t + 1)(y)\n"
)


def test_two_fix_runs_at_once_leave_every_file_whole(tmp_path):
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "setup.cfg").write_text("[metadata]\nname = sample\n")
    for n in range(40):
        (tree / "pkg" / f"m{n}.py").write_text(FIXABLE.format(n=n))
    (tree / "pkg" / "left.py").write_text("import keras\ny = keras.layers.Lambda(lambda t: t * factor)(x)\n")  # no fix
    alone = tmp_path / "alone"
    shutil.copytree(tree, alone)
    keras_lint = os.path.join(BIN, "keras-lint")
    subprocess.run([keras_lint, "--fix", "-j", "1", "pkg"], cwd=alone, capture_output=True, check=False)
    expected = {path.name: path.read_bytes() for path in (alone / "pkg").iterdir()}
    assert all(data != FIXABLE.format(n=0).encode() for data in expected.values())

    runs = [
        subprocess.Popen([keras_lint, "--fix", "-j", "1", "pkg"], cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode in (0, 1), err.decode()
        assert b"error" not in err, err.decode()

    assert sorted(os.listdir(tree / "pkg")) == sorted(expected)  # no .keras-lint-*.tmp left
    for name, data in expected.items():
        assert (tree / "pkg" / name).read_bytes() == data, name
    # The cache both runs wrote to is whole: a third run, served from it, agrees with a cold one.
    cached = subprocess.run([keras_lint, "pkg"], cwd=tree, capture_output=True, text=True)
    cold = subprocess.run([keras_lint, "--no-cache", "pkg"], cwd=tree, capture_output=True, text=True)
    assert (cached.returncode, cached.stdout, cached.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert cold.stdout.startswith(os.path.join("pkg", "left.py") + ":2:5: KL101 ") and cold.stdout.count("\n") == 1
