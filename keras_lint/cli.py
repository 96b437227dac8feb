"""`keras-lint [PATH ...]`: find files, lint them (in parallel), report.

Exit codes: 0 no findings, 1 findings, 2 a usage, configuration or internal error (and any path
that could not be read) -- 2 wins over 1, and `--exit-zero` turns only 1 into 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import sys
from typing import Optional

from . import __version__, cache, config, engine, files, fixes, report, source
from .project import ProjectIndex, is_marked_root, module_name, project_root
from .rules import ALL_RULES
from .settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one line, as argparse does
        self.exit(EXIT_ERROR, f"keras-lint: error: {message}\n")


def _codes(text: str) -> list:
    return [code.strip() for code in text.split(",") if code.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="keras-lint", description="Find the Keras code that makes saved models fail to load.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .); - reads stdin")
    parser.add_argument("--select", type=_codes, help="comma-separated code prefixes to enable (replaces config)")
    parser.add_argument("--extend-select", type=_codes, help="code prefixes to enable on top of select")
    parser.add_argument("--ignore", type=_codes, help="code prefixes to disable")
    parser.add_argument("--format", choices=list(report.FORMATS), default="text", help="output format")
    parser.add_argument("--statistics", action="store_true", help="count findings per rule")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's documentation and exit")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument("--target-keras", choices=["2", "3", "auto"], help="judge code as Keras 2 or 3 (default: per file; see README)")
    parser.add_argument("--config", metavar="PATH", help="use this config file instead of searching for one")
    parser.add_argument("--stdin-filename", metavar="PATH", help="the name to report for - (stdin)")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: also apply unsafe fixes")
    parser.add_argument("--diff", action="store_true", help="print a unified diff of what --fix would do; write nothing")
    parser.add_argument("--no-cache", action="store_true", help=f"neither read nor write {cache.FOLDER}/ (project root)")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: number of CPUs)")
    parser.add_argument("--version", action="version", version=f"keras-lint {__version__}")
    return parser


def main(argv: Optional[list] = None) -> int:
    args = build_parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.list_rules:
        for code, rule in ALL_RULES.items():
            fix = rule.fix or "-"
            out.write(f"{code}  {rule.name:40s} fix:{fix:7s} {rule.summary}\n")
        return EXIT_CLEAN
    if args.explain:
        rule = ALL_RULES.get(args.explain.upper())
        if rule is None:
            err.write(f"keras-lint: error: unknown rule code '{args.explain}' (see keras-lint --list-rules)\n")
            return EXIT_ERROR
        out.write(f"{rule.code} {rule.name}\n\n{rule.summary}\n\n{rule.documentation()}\n")
        return EXIT_CLEAN

    paths = args.paths or ["."]
    try:
        settings = _settings(args, paths)
    except config.ConfigError as exc:
        err.write(f"keras-lint: error: {exc}\n")
        return EXIT_ERROR

    errors: list = []
    targets = list(files.discover(paths, settings, errors.append))
    results = _lint_all(targets, settings, args)
    findings = sorted(f for result in results for f in result.findings)
    errors += [e for result in results for e in result.errors]

    fixed = sum(result.fixed for result in results)
    stdin_fixed = next((r.fixed_text for r in results if r.fixed_text is not None), None)
    if args.diff:
        out.write("".join(result.diff for result in results))
    elif stdin_fixed is not None:  # --fix on stdin: stdout carries the fixed source, findings go to stderr
        out.write(stdin_fixed)
        report.FORMATS[args.format](findings, err)
    else:
        report.FORMATS[args.format](findings, out)
    if args.statistics:
        report.statistics(findings, out)
    for message in errors:
        err.write(f"keras-lint: error: {message}\n")
    report.summary(findings, len(targets), err, fixed if (args.fix or args.diff) else None, args.diff)
    if errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if any(result.diff for result in results) else EXIT_CLEAN
    return EXIT_FINDINGS if findings and not args.exit_zero else EXIT_CLEAN


def _settings(args, paths: list) -> Settings:
    settings = Settings()
    start = args.stdin_filename if paths == ["-"] and args.stdin_filename else paths[0]
    path = args.config or config.find_config(start if start != "-" else ".")
    if path:
        settings = config.apply(settings, config.load(path), path)
    changes = {}
    for option in ("select", "extend_select", "ignore"):
        value = getattr(args, option)
        if value is not None:
            config.check_codes(value, f"--{option.replace('_', '-')}")
            changes[option] = tuple(value)
    if args.target_keras:
        changes["target_keras"] = config.parse_target(args.target_keras, "--target-keras")
    changes["tf_keras_project"] = config.declares_tf_keras(project_root(start if start != "-" else "."))
    return dataclasses.replace(settings, **changes)


def _lint_all(targets: list, settings: Settings, args) -> list:
    if "-" in targets:
        name = args.stdin_filename or "stdin"
        data = sys.stdin.buffer.read()
        try:
            src = source.decode(name, data)
            if args.fix or args.diff:
                stdin_result = fixes.fix_source(src, settings, None, args.unsafe_fixes)
                if args.diff:
                    stdin_result.diff = fixes.unified_diff(name, src.text, stdin_result.fixed_text or src.text)
                    stdin_result.fixed_text = None
            else:
                stdin_result = engine.lint_source(src, settings)
        except source.SourceError as exc:
            stdin_result = engine.FileResult(name, engine.unparsable(name, settings, exc))
        targets = [t for t in targets if t != "-"]
    else:
        stdin_result = None
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    store = cache.Cache(project_root(targets[0])) if targets and not args.no_cache else None
    project, fingerprint = _index_project(targets, settings, jobs, store) if targets else (None, "")
    if args.fix or args.diff:
        lint = functools.partial(
            fixes.fix_path, settings=settings, project=project, unsafe=args.unsafe_fixes, write=not args.diff
        )
        results = _map(lint, targets, jobs)
    else:
        lint = functools.partial(engine.lint_path, settings=settings, project=project)
        results = _lint_cached(lint, targets, jobs, store, settings, fingerprint)
    if store is not None:
        store.save()
    return results + ([stdin_result] if stdin_result else [])


def _lint_cached(lint, targets: list, jobs: int, store, settings: Settings, fingerprint: str) -> list:
    """Lint what the cache cannot answer for; remember the new answers (never internal errors)."""
    if store is None:
        return _map(lint, targets, jobs)
    keys = {}
    for target in targets:
        digest = cache.digest_of(target)
        keys[target] = digest and cache.result_key(digest, repr(settings), fingerprint)
    known = {t: store.findings(t, keys[t]) if keys[t] else None for t in targets}
    todo = [t for t in targets if known[t] is None]
    fresh = dict(zip(todo, _map(lint, todo, jobs)))
    for target, result in fresh.items():
        if keys[target] and not result.errors:
            store.store_findings(target, keys[target], result.findings)
    return [fresh[t] if known[t] is None else engine.FileResult(t, known[t]) for t in targets]


def _needs_project(settings: Settings) -> bool:
    return any(
        (rule.looks_at_custom_objects or rule.needs_project) and settings.enabled(code) for code, rule in ALL_RULES.items()
    )


def _index_project(targets: list, settings: Settings, jobs: int, store=None) -> tuple:
    """Summarise every file of the project the first target belongs to (and the targets themselves),
    so that a class is judged with its bases in other files in view. Returns the index and its
    fingerprint (what cached results are valid for); (None, "") when no enabled rule asks."""
    if not _needs_project(settings):
        return None, ""
    root = project_root(targets[0])
    walk_settings = dataclasses.replace(settings, root=root)
    # Without a project marker, the folder may be /tmp or a home folder: only its own .py files
    # (a script's sibling modules) are indexed, not everything below it.
    top = [root] if is_marked_root(root) else [entry.path for entry in _python_files_in(root)]
    # Absolute paths: `src/a.py` named and `/repo/src/a.py` walked are one file, summarised once.
    walked = files.discover(top, walk_settings, lambda message: None)
    files_to_index = sorted(set(walked) | {os.path.abspath(target) for target in targets})
    digests = {path: cache.digest_of(path) for path in files_to_index} if store is not None else {}
    if store is not None:
        store.keep_only_summaries_of({os.path.abspath(path) for path in files_to_index})
    packages: dict = {}  # folder -> package name: each folder's __init__.py looked for once
    modules = {path: module_name(path, packages) for path in files_to_index}
    summaries, missing = {}, []
    for path in files_to_index:
        known = store.summary(path, modules[path], digests[path]) if digests.get(path) else None
        if known is None:
            missing.append(path)
        else:
            summaries[path] = known
    for path, summary in zip(missing, _map(engine.summarise_path, missing, jobs)):
        summaries[path] = summary
        if summary is not None and digests.get(path):
            store.store_summary(path, modules[path], digests[path], summary)
    ordered = [summaries[path] for path in files_to_index if summaries[path] is not None]  # the last definition wins
    index = ProjectIndex(ordered, settings.register_decorators, root)
    fingerprint = cache.content_hash(repr((sorted(digests.items()), settings.register_decorators)).encode())
    return index, fingerprint


def _python_files_in(folder: str) -> list:
    try:
        with os.scandir(folder) as entries:
            return [entry for entry in entries if entry.name.endswith(".py") and entry.is_file()]
    except OSError:
        return []


def _map(function, items: list, jobs: int) -> list:
    if jobs == 1 or len(items) < 4 * jobs:  # a pool costs more than it saves on a handful of files
        return [function(item) for item in items]
    import concurrent.futures  # here: 15 ms of imports (logging) a one-file run does not need

    # The function (which carries the project index) goes to each worker once, not with every chunk.
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start, initargs=(function,)) as pool:
        return list(pool.map(_worker_call, items, chunksize=max(1, len(items) // (jobs * 8))))


_WORKER_FUNCTION: list = []  # in a worker process: the function _map gave it


def _worker_start(function) -> None:
    _WORKER_FUNCTION.append(function)


def _worker_call(item):
    return _WORKER_FUNCTION[0](item)
