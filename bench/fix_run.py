"""Run `keras-lint --fix --unsafe-fixes` over a copy of real code and check what the fixes did.

    .venv/bin/python bench/fix_run.py [--corpus DIR ...] [--select CODES]

Each corpus (default: every tree bench/benchmark.py and bench/triage.py downloaded under
bench/.cache/) is copied to a temporary folder, which becomes its own project. Then:
findings per rule and how many carry a fix; `--fix --unsafe-fixes`; every file it changed must
parse; a second `--fix --unsafe-fixes` must change no byte (idempotent); the findings that remain,
of no rule more than before. Exit 1 when a fixed file does not parse, the second run changes
something, or some rule reports more after the fixes.
"""

from __future__ import annotations

import argparse
import ast
import collections
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".cache")
KERAS_LINT = os.path.join(os.path.dirname(sys.executable), "keras-lint")


def default_corpora() -> list:
    """One tree per package name: bench/triage.py's five, else benchmark.py's two."""
    trees = {}
    for pattern in (os.path.join(CACHE, "src", "*"), os.path.join(CACHE, "triage", "src", "*")):
        trees.update({os.path.basename(p): p for p in glob.glob(pattern) if os.path.isdir(p)})
    return [trees[name] for name in sorted(trees)]


def lint(folder: str, select: str, *extra: str) -> subprocess.CompletedProcess:
    command = [KERAS_LINT, "--no-cache", "--exit-zero", "--select", select, *extra, folder]
    return subprocess.run(command, capture_output=True, text=True, cwd=folder)


def findings(folder: str, select: str) -> list:
    return json.loads(lint(folder, select, "--format", "json").stdout)


def digests(folder: str) -> dict:
    result = {}
    for path in glob.glob(os.path.join(folder, "**", "*.py"), recursive=True):
        with open(path, "rb") as handle:
            result[path] = hashlib.sha256(handle.read()).hexdigest()
    return result


def run_one(corpus: str, select: str) -> bool:
    with tempfile.TemporaryDirectory() as temporary:
        folder = os.path.join(temporary, os.path.basename(corpus))
        shutil.copytree(corpus, folder, symlinks=True)
        open(os.path.join(folder, "setup.cfg"), "a").close()  # its own project, no outer config
        before = findings(folder, select)
        original = digests(folder)
        fixed_run = lint(folder, select, "--fix", "--unsafe-fixes")
        after_fix = digests(folder)
        changed = [path for path, digest in after_fix.items() if original.get(path) != digest]
        broken = []
        for path in changed:
            try:
                with open(path, "rb") as handle:
                    ast.parse(handle.read())
            except (SyntaxError, ValueError) as exc:
                broken.append(f"{os.path.relpath(path, folder)}: {exc}")
        lint(folder, select, "--fix", "--unsafe-fixes")
        not_idempotent = [os.path.relpath(p, folder) for p, d in digests(folder).items() if after_fix.get(p) != d]
        remaining = findings(folder, select)

    total, fixable = collections.Counter(f["code"] for f in before), collections.Counter()
    for finding in before:
        if finding.get("fix"):
            fixable[finding["code"], finding["fix"]] += 1
    left = collections.Counter(f["code"] for f in remaining)
    print(f"\n{os.path.basename(corpus)}: {len(changed)} files changed; "
          + (fixed_run.stderr.strip().splitlines() or ["?"])[0])
    print(f"  {'rule':6} {'found':>6} {'safe fix':>9} {'unsafe fix':>11} {'remaining':>10}")
    for code in sorted(total):
        print(f"  {code:6} {total[code]:>6} {fixable[code, 'safe']:>9} {fixable[code, 'unsafe']:>11} {left[code]:>10}")
    grown = sorted(code for code in left if left[code] > total[code])  # a fix made a new problem
    for line in broken:
        print(f"  DOES NOT PARSE: {line}")
    for path in not_idempotent:
        print(f"  CHANGED BY A SECOND --fix: {path}")
    for code in grown:
        print(f"  MORE {code} FINDINGS AFTER THE FIXES: {total[code]} -> {left[code]}")
    return not broken and not not_idempotent and not grown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", help="a source tree (repeatable)")
    parser.add_argument("--select", default="KL", help="rule codes to fix (default: all)")
    args = parser.parse_args()
    corpora = args.corpus or default_corpora()
    if not corpora:
        print("no corpus: run bench/benchmark.py or bench/triage.py first, or pass --corpus", file=sys.stderr)
        return 2
    ok = all([run_one(corpus, args.select) for corpus in corpora])
    print("\nall fixed files parse, a second --fix changes nothing, no rule reports more" if ok else "\nFAILED (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
