"""How precise is keras-lint on real Keras code nobody here wrote? Count findings, sample them for review.

    .venv/bin/python bench/triage.py [--packages P ...] [--corpus-root DIR] [--select CODES] [-j N]
                                     [--sample K] [--seed S]

Each package is fetched once with `pip download --no-deps` into bench/.cache/triage/dl/ and unpacked
into bench/.cache/triage/src/<name>/ (git-ignored). See README.md.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, ".cache", "triage")
KERAS_LINT = os.path.join(os.path.dirname(sys.executable), "keras-lint")  # the venv's, not whatever is on PATH
PACKAGES = ["keras", "keras-hub", "tf-keras", "tensorflow-addons", "tf-models-official"]


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    print("$", shlex.join(command), flush=True)
    return subprocess.run(command, **kwargs)


def normalised(name: str) -> str:
    """`tf-models-official` and `TF_Models.Official` both become `tf_models_official`: how wheels spell it."""
    return re.sub(r"[-_.]+", "_", name).lower()


def archive_of(name: str, folder: str):
    """The newest wheel or sdist of `name` in `folder` (wheels first), or None."""
    if not os.path.isdir(folder):
        return None
    found = [f for f in sorted(os.listdir(folder)) if re.match(name + r"_\d", normalised(f))]  # name-version...
    wheels = [f for f in found if f.endswith(".whl")]
    sdists = [f for f in found if f.endswith((".tar.gz", ".zip"))]
    return os.path.join(folder, (wheels or sdists)[-1]) if wheels or sdists else None


def unpack(archive: str, target: str) -> None:
    """Unpack beside the target, then rename: never a half-unpacked tree. An sdist's one top folder
    (name-version/) is dropped, so that the tree's root is the project's root."""
    partial = target + ".tmp"
    shutil.rmtree(partial, ignore_errors=True)  # left by an interrupted run
    if archive.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(partial)
    else:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # no links or paths out of the folder
        with tarfile.open(archive) as opened:
            opened.extractall(partial, **safe)
    entries = os.listdir(partial)
    top = os.path.join(partial, entries[0]) if len(entries) == 1 and not archive.endswith(".whl") else partial
    os.replace(top, target)
    if top != partial:
        os.rmdir(partial)


def fetch(packages: list) -> list:
    """Download (unless already there) and unpack each package; the unpacked trees' paths."""
    dl, src = os.path.join(CACHE, "dl"), os.path.join(CACHE, "src")
    trees = []
    for package in packages:
        name = normalised(package)
        target = os.path.join(src, name)
        if not os.path.isdir(target):
            if archive_of(name, dl) is None:
                run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", dl, package])
            archive = archive_of(name, dl)
            if archive is None:
                print(f"skipped {package}: pip downloaded nothing", file=sys.stderr)
                continue
            os.makedirs(src, exist_ok=True)
            unpack(archive, target)
        trees.append(target)
    return trees


def lint(tree: str, select: str, jobs: int) -> list:
    """keras-lint's findings on one tree (dicts, as its JSON format gives them)."""
    # keras-lint indexes the whole project a linted folder belongs to (to judge a class with its bases
    # in view), and a project's root is the nearest folder with pyproject.toml, setup.cfg or .git. A
    # wheel has none of them, so without this file the trees under bench/.cache/ would belong to this
    # repository (its setup.cfg), and every tree would be indexed with all the others and keras-lint.
    marker = os.path.join(tree, "setup.cfg")
    if not os.path.exists(marker):
        open(marker, "w").close()
    command = [KERAS_LINT, "--select", select, "--format", "json", "-j", str(jobs), tree]
    done = run(command, capture_output=True, text=True)
    if done.stderr.strip():
        print(done.stderr.rstrip(), file=sys.stderr)
    if done.returncode not in (0, 1):  # 1: there are findings; 2: keras-lint itself failed
        print(f"keras-lint exited {done.returncode} on {tree}: no findings counted", file=sys.stderr)
        return []
    return json.loads(done.stdout or "[]")


def show_table(counts: dict) -> None:
    """Findings per rule (rows) and tree (columns)."""
    codes = sorted({code for per_code in counts.values() for code in per_code})
    widths = [max(len(tree), 5) + 2 for tree in counts]
    print("\n" + "rule".ljust(7) + "".join(t.rjust(w) for t, w in zip(counts, widths)) + "total".rjust(8))
    for code in codes + ["total"]:
        row = [sum(c.values()) if code == "total" else c.get(code, 0) for c in counts.values()]
        print(code.ljust(7) + "".join(str(n).rjust(w) for n, w in zip(row, widths)) + str(sum(row)).rjust(8))


def show_sample(findings: list, k: int, seed: int, context: int) -> None:
    """K findings per rule, picked at random (fixed seed: the same picks every run), with source around each."""
    by_code = collections.defaultdict(list)
    for finding in findings:
        by_code[finding["code"]].append(finding)
    rng = random.Random(seed)
    for code in sorted(by_code):
        picked = rng.sample(by_code[code], min(k, len(by_code[code])))
        print(f"\n=== {code}: {len(picked)} of {len(by_code[code])} ===")
        for f in sorted(picked, key=lambda f: (f["path"], f["line"])):
            print(f"\n{f['path']}:{f['line']}:{f['column']}: {code} {f['message']}")
            with open(f["path"], encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
            for number in range(max(1, f["line"] - context), min(len(lines), f["line"] + context) + 1):
                print(f"{'>' if number == f['line'] else ' '}{number:6} | {lines[number - 1]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", nargs="+", help=f"pip packages to fetch and lint (default: {' '.join(PACKAGES)})")
    parser.add_argument("--corpus-root", metavar="DIR",
                        help="lint the unpacked trees in DIR (each subfolder one tree) instead of downloading")
    parser.add_argument("--select", default="KL", help="code prefixes, passed to keras-lint (default: every rule)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="keras-lint worker processes")
    parser.add_argument("--sample", type=int, default=0, metavar="K", help="print K findings per rule for review")
    parser.add_argument("--seed", type=int, default=0, help="random seed of --sample")
    parser.add_argument("--context", type=int, default=1, help="source lines shown either side of a sampled finding")
    args = parser.parse_args()

    if args.corpus_root:
        wanted = {normalised(p) for p in args.packages or []}  # no --packages: every subfolder
        trees = [os.path.join(args.corpus_root, d) for d in sorted(os.listdir(args.corpus_root))
                 if os.path.isdir(os.path.join(args.corpus_root, d)) and (not wanted or normalised(d) in wanted)]
    else:
        trees = fetch(args.packages or PACKAGES)

    os.makedirs(CACHE, exist_ok=True)
    counts, everything = {}, []
    for tree in trees:
        name = os.path.basename(os.path.abspath(tree))
        findings = lint(os.path.abspath(tree), args.select, args.jobs)
        findings.sort(key=lambda f: (f["path"], f["line"], f["column"], f["code"]))
        with open(os.path.join(CACHE, f"findings-{name}.txt"), "w", encoding="utf-8") as out:
            out.writelines(f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}\n" for f in findings)
        counts[name] = collections.Counter(f["code"] for f in findings)
        everything += findings

    show_table(counts)
    print(f"\nfindings written to {os.path.relpath(CACHE)}/findings-<tree>.txt; verdicts go in the issue notes")
    if args.sample:
        show_sample(everything, args.sample, args.seed, args.context)
    return 0


if __name__ == "__main__":
    sys.exit(main())
