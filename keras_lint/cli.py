"""`keras-lint [PATH ...]`: find files, lint them (in parallel), report.

Exit codes: 0 no findings, 1 findings, 2 a usage, configuration or internal error (and any path
that could not be read) -- 2 wins over 1, and `--exit-zero` turns only 1 into 0.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from . import __version__, api, cache, config, files, model_files, report
from .rules import ALL_RULES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one line, as argparse does
        self.exit(EXIT_ERROR, f"keras-lint: error: {message}\n")


def _codes(text: str) -> list:
    return [code.strip() for code in text.split(",") if code.strip()]


def _selected_codes(text: str) -> list:
    codes = _codes(text)
    if not codes:  # `--select=` would run no rule and pass every file
        raise argparse.ArgumentTypeError("no rule code given (--select KL selects them all)")
    return codes


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="keras-lint", description="Find the Keras code that makes saved models fail to load.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .); - reads stdin")
    parser.add_argument("--select", type=_selected_codes, help="comma-separated code prefixes to enable (replaces config)")
    parser.add_argument("--extend-select", type=_codes, help="code prefixes to enable on top of select")
    parser.add_argument("--ignore", type=_codes, help="code prefixes to disable")
    parser.add_argument("--format", choices=list(report.FORMATS), default="text", help="output format")
    parser.add_argument("--statistics", action="store_true", help="count findings per rule (to stderr with json/sarif)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's documentation and exit")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument("--target-keras", choices=["2", "3", "auto"], help="judge code as Keras 2 or 3 (default: per file; see README)")
    parser.add_argument("--config", metavar="PATH", help="use this config file instead of searching for one")
    parser.add_argument("--stdin-filename", metavar="PATH", help="the name to report for - (stdin); without -, read stdin")
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
        for code, rule in {**ALL_RULES, **model_files.CHECKS}.items():
            out.write(f"{code}  {rule.name:40s} fix:{report.fix_label(rule):11s} {rule.summary}\n")
        return EXIT_CLEAN
    if args.explain:
        rule = ALL_RULES.get(args.explain.upper()) or model_files.CHECKS.get(args.explain.upper())
        if rule is None:
            err.write(f"keras-lint: error: unknown rule code '{args.explain}' (see keras-lint --list-rules)\n")
            return EXIT_ERROR
        out.write(f"{rule.code} {rule.name}\n\n{rule.summary}\n\n{rule.documentation()}\n")
        return EXIT_CLEAN

    paths = args.paths or ["."]
    if args.stdin_filename and "-" not in args.paths:  # ruff's convention: --stdin-filename reads stdin
        for path in args.paths:
            err.write(f"keras-lint: warning: ignoring {path} in favor of standard input (--stdin-filename without -)\n")
        paths = ["-"]
    try:
        settings = api.make_settings(
            paths, args.config, args.stdin_filename, args.select, args.extend_select, args.ignore, args.target_keras
        )
    except config.ConfigError as exc:
        err.write(f"keras-lint: error: {exc}\n")
        return EXIT_ERROR

    errors: list = []
    targets = list(files.discover(paths, settings, errors.append, lambda message: err.write(f"keras-lint: warning: {message}\n")))
    targets, model_paths = api.split_model_files(paths, targets, settings)  # saved model files are preflighted (issue 23)
    stdin = sys.stdin.buffer.read() if "-" in targets else None
    results = api.lint_paths(
        targets, settings, args.jobs, not args.no_cache, args.fix, args.unsafe_fixes, args.diff, stdin, args.stdin_filename
    )
    findings = sorted(f for result in results for f in result.findings)
    errors += [e for result in results for e in result.errors]
    model_findings, model_errors, loader = api.check_model_files(model_paths, settings, not args.no_cache)
    findings, errors = sorted(findings + model_findings), errors + model_errors

    fixed = sum(result.fixed for result in results)
    stdin_fixed = next((r.fixed_text for r in results if r.fixed_text is not None), None)
    findings_out = out
    if args.diff:
        out.write("".join(result.diff for result in results))
    elif stdin_fixed is not None:  # --fix on stdin: stdout carries the fixed source, findings go to stderr
        out.write(stdin_fixed)
        findings_out = err
    if not args.diff:
        report.FORMATS[args.format](findings, findings_out)
    if args.statistics:
        # The table follows text findings (as in flake8); where stdout is a document (json, sarif,
        # a diff, the fixed source) it goes to stderr, so that stdout stays valid.
        machine = args.diff or args.format in ("json", "sarif")
        report.statistics(findings, err if machine else findings_out)
    for message in errors:
        err.write(f"keras-lint: error: {message}\n")
    report.summary(findings, len(targets) + len(model_paths), err, fixed if (args.fix or args.diff) else None, args.diff)
    if loader is not None:
        err.write(f"Model files judged for loading by {loader.describe()}\n")
    if settings.declared_keras and settings.target_keras is None:  # what the project's files said, and how to override it
        err.write(f"Judged against the Keras the project declares: {settings.declared_keras} (--target-keras to change)\n")
    if errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if any(result.diff for result in results) else EXIT_CLEAN
    return EXIT_FINDINGS if findings and not args.exit_zero else EXIT_CLEAN


