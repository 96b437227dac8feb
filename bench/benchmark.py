"""How fast is keras-lint on real Keras code, next to baselines timed in the same run?

    .venv/bin/python bench/benchmark.py [--corpus DIR] [--quick [N]] [--repeat R] [--json PATH]

The default corpus is the source of the `keras` and `keras-hub` wheels, fetched once with pip
into bench/.cache/ (git-ignored). Every figure is wall time, the best of R runs. See README.md.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import glob
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

import libcst

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import many_lambdas  # noqa: E402  (bench/many_lambdas.py, beside this file)

CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".cache")
BIN = os.path.dirname(sys.executable)  # the venv's keras-lint and flake8, not whatever is on PATH
FLAKE8, KERAS_LINT = os.path.join(BIN, "flake8"), os.path.join(BIN, "keras-lint")
WITHOUT_KL = ("import sys, flake8.plugins.finder as f; find = f.find_plugins; "  # flake8 with KL not loaded
              "f.find_plugins = lambda *a: [p for p in find(*a) if p.entry_point.name != 'KL']; "
              "from flake8.main.cli import main; sys.exit(main())")
WHEELS = {"keras": "keras-[0-9]*.whl", "keras_hub": "keras_hub-[0-9]*.whl"}
# The speed issue's own figures, on its machine, for 111k lines of Keras code: seconds per line of
# the three baselines this benchmark also runs. Their ratio to this run's says how much slower this
# machine is, for the one target in seconds (one small file), not in ratios.
REFERENCE_SECONDS_PER_LINE = {"ast.parse (in-process)": 0.45 / 111_000, "libcst.parse_module": 4.2 / 111_000,
                              "flake8 E9,F, KL unloaded": 7.9 / 111_000}


def default_corpus() -> str:
    """Download the wheels (unless already there) and unpack each into src/<name>/."""
    dl, src = os.path.join(CACHE, "dl"), os.path.join(CACHE, "src")
    if not all(glob.glob(os.path.join(dl, pattern)) for pattern in WHEELS.values()):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", dl, "keras", "keras-hub"],
                       check=True)
    for name, pattern in WHEELS.items():
        target = os.path.join(src, name)
        if not os.path.isdir(target):
            wheel = sorted(glob.glob(os.path.join(dl, pattern)))[-1]
            with zipfile.ZipFile(wheel) as archive:  # unpack beside, then rename: no half-unpacked corpus
                archive.extractall(target + ".tmp")
            os.replace(target + ".tmp", target)
    return src


def python_files(top: str) -> list:
    return sorted(os.path.join(d, f) for d, _, names in os.walk(top) for f in names if f.endswith(".py"))


def copy_into(folder: str, files: list, top: str) -> str:
    """Copy files (keeping their paths below `top`) into a fresh folder that is a project of its own."""
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    open(os.path.join(folder, "setup.cfg"), "w").close()
    for path in files:
        copy = os.path.join(folder, os.path.relpath(path, top))
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        shutil.copyfile(path, copy)
    return folder


def declared_corpus(top: str, spec: str) -> str:
    """The corpus copied into its own project whose requirements.txt declares `spec`."""
    folder = copy_into(os.path.join(CACHE, "declared"), python_files(top), top)
    with open(os.path.join(folder, "requirements.txt"), "w") as handle:
        handle.write(spec + "\n")
    return folder


def quick_corpus(top: str, count: int) -> str:
    """The first `count` files in their own folder, so every tool is still given one folder."""
    return copy_into(os.path.join(CACHE, "quick"), python_files(top)[:count], top)


def plain_corpus(max_lines: int = 100_000) -> str:
    """Standard-library modules that never spell "keras" or "tensorflow", about `max_lines` lines:
    the code on which the flake8 plugin should cost (almost) nothing."""
    top = os.path.dirname(os.__file__)
    chosen, total = [], 0
    for path in python_files(top):
        if "site-packages" in path or "/test" in path:
            continue
        with open(path, "rb") as handle:
            data = handle.read()
        if b"keras" in data or b"tensorflow" in data:
            continue
        chosen.append(path)
        total += data.count(b"\n")
        if total >= max_lines:
            break
    return copy_into(os.path.join(CACHE, "plain"), chosen, top)


def model_files(folder: str) -> dict:
    """A 1 GB `.keras` and a 100 MB `.h5` as Keras writes them (issue 23), made once: config.json
    and metadata.json beside a 1 GB ZIP_STORED weights member (zeros: the preflight never reads it);
    an HDF5 file with Keras's root attributes and 100 MB of weights. {name: path}; no h5 without h5py."""
    os.makedirs(folder, exist_ok=True)
    config = {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
              "config": {"name": "big", "layers": [
                  {"module": "keras.layers", "class_name": "Dense", "config": {"name": f"dense_{i}", "units": 1024,
                   "activation": "relu"}, "registered_name": None} for i in range(200)]}}
    made = {}
    big = os.path.join(folder, "big_1gb.keras")
    if not os.path.exists(big):
        with zipfile.ZipFile(big + ".tmp", "w") as archive:
            archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "2026-12-07@00:00:00"}))
            archive.writestr("config.json", json.dumps(config))
            chunk = bytes(16 * 1024 * 1024)
            with archive.open("model.weights.h5", "w", force_zip64=True) as member:
                for _ in range(64):
                    member.write(chunk)
        os.replace(big + ".tmp", big)
    made["check a 1 GB .keras"] = big
    try:
        import h5py
        import numpy
    except ImportError:
        return made
    h5 = os.path.join(folder, "big_100mb.h5")
    if not os.path.exists(h5):
        with h5py.File(h5 + ".tmp", "w") as handle:
            handle.attrs["model_config"] = json.dumps({"class_name": "Functional", "config": config["config"]}).encode()
            handle.attrs["training_config"] = json.dumps({"loss": "mean_squared_error", "metrics": ["mae"]}).encode()
            handle.attrs["keras_version"] = b"3.15.1"
            handle.attrs["backend"] = b"tensorflow"
            handle.create_dataset("model_weights/dense/kernel", data=numpy.zeros(100 * 1024 * 1024 // 4, "float32"))
        os.replace(h5 + ".tmp", h5)
    made["check a 100 MB .h5"] = h5
    return made


def model_file_rows(repeat: int) -> list:
    """Each big model file checked in-process (reading, walking, judging: what its size could cost),
    then by the CLI (plus Python's start and keras-lint's imports, as pre-commit pays them), beside
    the CLI on a one-line .py file. The folder is a project of its own (setup.cfg), as a repo's
    `models/` would be in its repo."""
    from keras_lint import api

    folder = os.path.join(CACHE, "models")
    paths = model_files(folder)
    open(os.path.join(folder, "setup.cfg"), "a").close()
    tiny = os.path.join(folder, "tiny.py")
    with open(tiny, "w") as handle:
        handle.write("import keras\n")
    settings = api.make_settings([folder], select=["KL6"])
    rows = []
    for name, path in paths.items():
        # (the Keras that will load the file is resolved in each run: importlib.metadata, the project's files)
        walls, cpus, (findings, errors, _) = best_of(max(3, repeat), lambda: api.check_model_files([path], settings, use_cache=False))
        assert not errors, errors
        rows.append((f"{name}, in-process", walls, cpus))
        rows.append((f"{name}, CLI", *best_of(max(3, repeat), keras_lint("--no-cache", "--select", "KL6", path))[:2]))
    rows.append(("keras-lint one-line .py, CLI", *best_of(max(3, repeat), keras_lint("--no-cache", tiny))[:2]))
    for name, walls, cpus in rows:
        print(f"{name:36s} wall {min(walls):.3f} s  cpu {min(cpus):.3f} s")
    return rows


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (and theirs): what other load can't inflate."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def best_of(repeat: int, work) -> tuple:
    """(every run's wall seconds, every run's CPU seconds, the last run's result)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), cpu_seconds()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return walls, cpus, result


def parse_all(parse, sources: dict) -> list:
    """Parse every file; return the ones that failed (so a floor is never quietly partial)."""
    failed = []
    for path, data in sources.items():
        try:
            parse(data)
        except Exception as exc:  # SyntaxError, libcst.ParserSyntaxError, ...
            failed.append(f"{path}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    return failed


def run(command: list) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True)


def keras_lint(*args: str):
    """Run keras-lint; exit code 1 only means findings, 2 means it failed: stop and show why."""
    def work():
        proc = run([KERAS_LINT, *args])
        if proc.returncode not in (0, 1):
            sys.exit(f"keras-lint {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
        return proc
    return work


def rate(lines_per_second: float) -> str:
    return f"{lines_per_second / 1000:.0f}k" if lines_per_second >= 10_000 else f"{lines_per_second:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", metavar="DIR", help="benchmark this folder instead of keras + keras-hub")
    parser.add_argument("--quick", metavar="N", type=int, nargs="?", const=100, help="only the first N files (100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (3)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures here")
    parser.add_argument("--model-files", action="store_true", help="only the model-file rows (issue 23)")
    parser.add_argument("--declared", metavar="SPEC", help="also lint a copy of the corpus whose requirements.txt "
                        "says SPEC (`tensorflow>=2.4,<2.16`): what judging a declared Keras range costs (issue 18)")
    parser.add_argument("--editor", action="store_true", help="only the flake8 one-file rows, cold and warm (issue 21)")
    args = parser.parse_args()
    if args.model_files:
        model_file_rows(args.repeat)
        return

    # keras-lint as a user has it: `pip install` writes its bytecode, an editable install never does
    # (and PYTHONDONTWRITEBYTECODE may forbid Python to): ~0.25 s of every start-up otherwise.
    compileall.compile_dir(os.path.dirname(importlib.util.find_spec("keras_lint").origin), quiet=1)
    corpus = os.path.abspath(args.corpus or default_corpus())
    if args.quick:
        corpus = quick_corpus(corpus, args.quick)
    # The corpus is a project of its own: keras-lint indexes (and caches) from the nearest folder
    # with setup.cfg/pyproject.toml/.git, which would otherwise be this repository.
    marker = os.path.join(corpus, "setup.cfg")
    if not any(os.path.exists(os.path.join(corpus, m)) for m in ("setup.cfg", "pyproject.toml", ".git")):
        open(marker, "w").close()
    shutil.rmtree(os.path.join(corpus, ".keras_lint_cache"), ignore_errors=True)
    sources = {}
    for path in python_files(corpus):
        with open(path, "rb") as handle:  # bytes: both parsers honour coding cookies themselves
            sources[path] = handle.read()
    line_counts = {path: len(data.splitlines()) for path, data in sources.items()}
    lines = sum(line_counts.values())
    small = min(sources, key=lambda p: (abs(line_counts[p] - 50), p))  # one ~50-line file
    jobs = os.cpu_count() or 1
    print(f"corpus: {corpus}\n{len(sources)} files, {lines} lines; {jobs} CPUs; best of {args.repeat}\n")

    rows, problems, out = [], [], {}

    # The baseline is flake8 as a user without keras-lint has it: our plugin unloaded (flake8 runs
    # every installed plugin whatever --select says).
    def measure(name: str, work, vs: str = "flake8 E9,F, KL unloaded", n_lines: int = lines, short: bool = False):
        # A short measurement is at least the best of 3: one run of it varies by 10 % and more.
        runs, cpus, result = best_of(max(3, args.repeat) if short else args.repeat, work)
        rows.append({"name": name, "seconds": min(runs), "cpu_seconds": min(cpus), "runs": runs, "cpu_runs": cpus,
                     "lines": n_lines, "vs": vs})
        print(f"  measured {name:28s} wall " + " ".join(f"{t:.2f}" for t in runs)
              + "  cpu " + " ".join(f"{t:.2f}" for t in cpus), flush=True)
        return result

    def measure_in_turn(works: dict, rounds: int, vs: str = "flake8 E9,F, KL unloaded", n_lines: int = lines) -> dict:
        """Run each work once per round, in turn, for `rounds` rounds; a row each, as `measure`
        writes it (the best run counts). Returns each work's last result."""
        walls: dict = {name: [] for name in works}
        cpus: dict = {name: [] for name in works}
        results: dict = {}
        for _ in range(rounds):
            for name, work in works.items():
                wall, cpu, results[name] = best_of(1, work)
                walls[name] += wall
                cpus[name] += cpu
                print(f"  ran      {name:28s} wall {wall[0]:.2f}  cpu {cpu[0]:.2f}", flush=True)
        for name in works:
            rows.append({"name": name, "seconds": min(walls[name]), "cpu_seconds": min(cpus[name]),
                         "runs": walls[name], "cpu_runs": cpus[name], "lines": n_lines, "vs": vs, "in_turn": True})
        return results

    # The editor's call (issue 21 item 5): flake8 --select KL on the one file inside the corpus, and
    # on stdin as editors call it, the plugin answering from its record in .keras_lint_cache/flake8/
    # (the cold run before each round removes the records and writes them again), beside flake8
    # with KL unloaded on the same file. Target: warm at most 1.2x the baseline.
    def flake8_one(command: tuple = (FLAKE8,), stdin: bool = False, cold: bool = False):
        def work():
            if cold:
                shutil.rmtree(os.path.join(corpus, ".keras_lint_cache", "flake8"), ignore_errors=True)
            args = [*command, "--select", "KL", *(["--stdin-display-name", small, "-"] if stdin else [small])]
            with open(small, "rb") as handle:
                return subprocess.run(args, capture_output=True, stdin=handle if stdin else subprocess.DEVNULL)
        return work

    out.update(measure_in_turn({"flake8 KL one file, KL unloaded": flake8_one((sys.executable, "-c", WITHOUT_KL)),
                                "flake8 KL one file, cold": flake8_one(cold=True),
                                "flake8 KL one file, warm": flake8_one(),
                                "flake8 KL stdin one file, warm": flake8_one(stdin=True)},
                               max(10, args.repeat), vs="flake8 KL one file, KL unloaded", n_lines=line_counts[small]))
    if out["flake8 KL one file, warm"].stdout != out["flake8 KL one file, cold"].stdout:
        problems.append("flake8 KL one file: the warm answer differs from the cold one")
    if args.editor:
        for row in rows:
            ratio = statistics.median(r / b for r, b in zip(row["cpu_runs"], rows[0]["cpu_runs"]))
            print(f"{row['name']:32s} wall {row['seconds']:.3f} s  cpu {row['cpu_seconds']:.3f} s (best);"
                  f" cpu round by round, median ratio to the baseline {ratio:.2f}x")
        print("problems: " + ("none" if not problems else "; ".join(problems)))
        return
    # Floors: the parse alone, in-process, files already in memory.
    problems += measure("ast.parse (in-process)", lambda: parse_all(ast.parse, sources))
    problems += measure("libcst.parse_module", lambda: parse_all(libcst.parse_module, sources))

    # flake8 exits 1 when it reports anything; its stderr is empty unless something broke.
    def flake8(select: str, *paths: str, command: tuple = (FLAKE8,)):
        def work():
            proc = run([*command, "--select", select, "-j", "1", *(paths or [corpus])])
            problems.extend(f"flake8 --select {select}: {line}" for line in proc.stderr.splitlines())
            return proc
        return work

    # One small file: mostly process start and imports, which is what an editor or pre-commit pays.
    # The whole corpus is its project here, indexed first.
    measure("keras-lint one file", keras_lint("--no-cache", small), vs="flake8 E9,F one file", n_lines=line_counts[small])
    # The same file alone in a project of its own: what `keras-lint one_small_file.py` costs where
    # the project is small; beside flake8 on it, and what no run that hands a file to LibCST can go
    # below: starting Python and importing LibCST. A third of a second each, so that a slow moment of
    # the machine weighs on one run in many: 10 rounds at least, the three in turn.
    alone = os.path.join(copy_into(os.path.join(CACHE, "alone"), [small], corpus), os.path.relpath(small, corpus))
    measure_in_turn({"flake8 E9,F one file": flake8("E9,F", small),
                     "python -c 'import libcst'": lambda: run([sys.executable, "-c", "import libcst"]),
                     "keras-lint one file, alone": keras_lint("--no-cache", alone)},
                    max(10, args.repeat), vs="flake8 E9,F one file", n_lines=line_counts[small])
    # The runs over the whole corpus go in rounds, each run once per round in turn: on this shared
    # machine a slow minute then slows all of them alike, and their ratios hold better than those of
    # runs minutes apart. flake8 runs every installed plugin whatever --select says (it skips only
    # off_by_default ones), so "flake8 E9,F" includes our plugin; the baseline of every ratio unloads it.
    out.update(measure_in_turn({
        "flake8 E9,F, KL unloaded": flake8("E9,F", command=(sys.executable, "-c", WITHOUT_KL)),
        "flake8 E9,F": flake8("E9,F"),
        "flake8 E9,F,KL": flake8("E9,F,KL"),
        "keras-lint -j1": keras_lint("--no-cache", "-j", "1", corpus),
        f"keras-lint -j{jobs}": keras_lint("--no-cache", "-j", str(jobs), corpus),
        **({"keras-lint -j1, declared": keras_lint("--no-cache", "-j", "1", declared_corpus(corpus, args.declared))}
           if args.declared else {}),
    }, args.repeat))
    if args.declared:
        cpu = {r["name"]: r["cpu_seconds"] for r in rows}
        added = cpu["keras-lint -j1, declared"] / cpu["keras-lint -j1"] - 1
        print(f"  declaring {args.declared}: CPU {added:+.1%} over keras-lint -j1 (best runs)")
    out["j1"], out["jN"] = out["keras-lint -j1"], out[f"keras-lint -j{jobs}"]
    # Warm: a run that fills .keras_lint_cache (not timed), then runs that find everything in it.
    keras_lint("-j", "1", corpus)()
    out["warm"] = measure("keras-lint -j1, warm cache", keras_lint("-j", "1", corpus), vs="keras-lint -j1", short=True)
    measure("keras-lint one file, warm", keras_lint(small), vs="flake8 E9,F one file", n_lines=line_counts[small],
            short=True)
    # The fix loop: a file with 300 Lambdas in ~2,100 lines (bench/many_lambdas.py), its --diff beside
    # a lint of it; the rewrites go in one pass, so the fix costs about two lint runs (target < 2 s).
    many = os.path.join(copy_into(os.path.join(CACHE, "many_lambdas"), [], corpus), "many_lambdas.py")
    with open(many, "w") as handle:
        handle.write(many_lambdas.write(300))
    many_lines = len(many_lambdas.write(300).splitlines())
    out.update(measure_in_turn({"keras-lint 300 Lambdas": keras_lint("--no-cache", many),
                                "--fix --diff 300 Lambdas": keras_lint("--no-cache", "--fix", "--unsafe-fixes", "--diff",
                                                                       many)},
                               args.repeat, vs="keras-lint 300 Lambdas", n_lines=many_lines))
    if "Would fix 300 findings" not in out["--fix --diff 300 Lambdas"].stderr:
        problems.append("--fix --diff 300 Lambdas: " + out["--fix --diff 300 Lambdas"].stderr.strip()[-200:])
    # Code that never mentions Keras (standard-library modules): the plugin should cost ~nothing there.
    # Its cost is ~0.1 s in ~27 s, below this machine's run-to-run noise: at least 5 rounds.
    plain = plain_corpus()
    plain_lines = sum(len(open(p, "rb").read().splitlines()) for p in python_files(plain))
    measure_in_turn({"flake8 E9,F, plain, KL unloaded": flake8("E9,F", plain, command=(sys.executable, "-c", WITHOUT_KL)),
                     "flake8 E9,F, plain": flake8("E9,F", plain)},
                    max(5, args.repeat), vs="flake8 E9,F, plain, KL unloaded", n_lines=plain_lines)

    findings = out["j1"].stdout.splitlines()
    flake8_kl = [line for line in out["flake8 E9,F,KL"].stdout.splitlines() if ": KL" in line]
    same = out["j1"].stdout == out["jN"].stdout == out["warm"].stdout
    problems += [f"keras-lint: {line}" for line in out["j1"].stderr.splitlines() if "error" in line]

    seconds = {row["name"]: row["seconds"] for row in rows}
    cpu = {row["name"]: row["cpu_seconds"] for row in rows}
    print(f"\n{'measurement':28s} {'wall s':>8s} {'cpu s':>8s} {'lines/s':>9s}  ratio (wall / baseline wall)")
    for row in rows:
        row["lines_per_second"] = row["lines"] / row["seconds"]
        row["ratio"] = row["seconds"] / seconds[row["vs"]]
        print(f"{row['name']:28s} {row['seconds']:8.3f} {row['cpu_seconds']:8.3f} {rate(row['lines_per_second']):>9s}"
              f"  {row['ratio']:5.2f}x {row['vs']}")
    plugin = seconds["flake8 E9,F"] - seconds["flake8 E9,F, KL unloaded"]
    print(f"\nflake8 plugin overhead (E9,F - E9,F with KL unloaded): {plugin:+.3f} s;"
          f" E9,F,KL - E9,F: {seconds['flake8 E9,F,KL'] - seconds['flake8 E9,F']:+.3f} s")
    plain_plugin = seconds["flake8 E9,F, plain"] / seconds["flake8 E9,F, plain, KL unloaded"] - 1
    # CPU time too: on a shared virtual machine, time stolen by other guests lands in wall time only.
    plain_plugin_cpu = cpu["flake8 E9,F, plain"] / cpu["flake8 E9,F, plain, KL unloaded"] - 1
    plugin_cpu = cpu["flake8 E9,F"] / cpu["flake8 E9,F, KL unloaded"] - 1
    print(f"flake8 plugin overhead on code that never mentions Keras ({plain_lines} stdlib lines): {plain_plugin:+.1%}"
          f" wall, {plain_plugin_cpu:+.1%} cpu; on the Keras corpus: {plugin_cpu:+.1%} cpu")
    # The best of each row may come from different rounds; a run's ratio to the baseline of its own
    # round does not: their median across rounds is the steadier figure on a shared machine.
    by_name = {row["name"]: row for row in rows}
    paired = {
        row["name"]: statistics.median(run / base for run, base in zip(row["runs"], by_name[row["vs"]]["runs"]))
        for row in rows if row.get("in_turn") and row["vs"] != row["name"]
    }
    print("round by round, the median ratio to that round's baseline run: "
          + ", ".join(f"{name} {ratio:.2f}x" for name, ratio in paired.items()))
    print(f"one file: {os.path.relpath(small, corpus)} ({line_counts[small]} lines)")
    slower = {name: seconds[name] / lines / per_line for name, per_line in REFERENCE_SECONDS_PER_LINE.items()}
    factor = sorted(slower.values())[1]  # the median of the three
    print("this machine against the speed issue's: " + ", ".join(f"{name} {x:.1f}x" for name, x in slower.items())
          + f" slower; one file alone, {seconds['keras-lint one file, alone']:.2f} s here, is"
          f" {seconds['keras-lint one file, alone'] / factor:.2f} s at the median ({factor:.1f}x)")
    print(f"keras-lint findings: {len(findings)} (flake8 --select KL: {len(flake8_kl)}); "
          f"{out['j1'].stderr.strip().splitlines()[-1]}")
    print(f"same findings -j1 / -j{jobs} / warm cache: {'yes' if same else 'no'}")
    problems = list(dict.fromkeys(problems))  # each repeat reports the same ones again
    print("problems: " + ("none" if not problems else "\n  " + "\n  ".join(problems)))

    if args.json:
        figures = {"corpus": corpus, "files": len(sources), "lines": lines, "cpus": jobs, "repeat": args.repeat,
                   "small_file": small, "rows": rows, "plugin_overhead_seconds": plugin,
                   "plugin_overhead_on_plain_code": plain_plugin, "plugin_overhead_on_plain_code_cpu": plain_plugin_cpu,
                   "plugin_overhead_cpu": plugin_cpu, "slower_than_reference": slower, "median_paired_ratio": paired,
                   "findings": len(findings), "flake8_kl_findings": len(flake8_kl), "same_findings": same,
                   "problems": problems}
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main()
