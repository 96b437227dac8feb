"""Where does a cold keras-lint run spend its time? The index, then the lint phase split by step.

    .venv/bin/python bench/phases.py [DIR]        # default: the benchmark corpus, bench/.cache/src

One process, no cache, as `keras-lint --no-cache -j 1 DIR` runs; each step is timed by wrapping the
engine's own calls, so the parts add up to less than the lint total (the rest is the engine's own
work: gates, name tables, noqa). See README.md.
"""

from __future__ import annotations

import collections
import os
import sys
import time

import libcst

from keras_lint import api, engine, files, source
from keras_lint.cst import positions, walk

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(totals: collections.Counter, step: str, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[step] += time.perf_counter() - start

    return wrapper


def main() -> int:
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, ".cache", "src")
    settings = api.make_settings([root])
    targets = list(files.discover([root], settings, print))
    start = time.perf_counter()
    project, _ = api.index_project(targets, settings, 1, None)
    index = time.perf_counter() - start

    totals: collections.Counter = collections.Counter()
    walk.visit_batched = timed(totals, "walk of LibCST nodes + rules", walk.visit_batched)
    positions.spans = timed(totals, "positions of LibCST nodes", positions.spans)
    libcst.parse_module = timed(totals, "LibCST parse", libcst.parse_module)
    source.parse = timed(totals, "ast.parse (files the index cannot clear)", source.parse)
    start = time.perf_counter()
    findings = sum(len(engine.lint_path(path, settings, project).findings) for path in targets)
    lint = time.perf_counter() - start

    print(f"{len(targets)} files, {findings} findings")
    print(f"index {index:7.1f} s")
    print(f"lint  {lint:7.1f} s")
    for step, seconds in totals.most_common():
        print(f"  {step:42s} {seconds:7.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
