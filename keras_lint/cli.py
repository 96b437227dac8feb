"""`keras-lint [PATH ...]`: find files, lint them (in parallel), report.

Exit codes: 0 no findings, 1 findings, 2 a usage, configuration or internal error (and any path
that could not be read) -- 2 wins over 1, and `--exit-zero` turns only 1 into 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from . import __version__, adopt, api, cache, config, files, report
from .finding import SEVERITIES
from .rules import CATALOG

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
    parser.add_argument("--statistics", action="store_true", help="count findings per rule (to stderr with json/sarif)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's documentation and exit")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument(
        "--target-keras", metavar="VERSIONS",
        help="the Keras to judge code against: a version or range (2.10, 2.4-2.15, 3, 3.6, '>=2.4,<2.11'), "
        "or auto: what the project's dependency files declare (the default; see README)",
    )
    parser.add_argument("--show-settings", action="store_true",
                        help="print the resolved settings and the Keras each file is judged against, and exit")
    parser.add_argument("--config", metavar="PATH", help="use this config file instead of searching for one")
    parser.add_argument("--stdin-filename", metavar="PATH", help="the name to report for - (stdin); without -, read stdin")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: also apply unsafe fixes")
    parser.add_argument("--diff", action="store_true", help="print a unified diff of what --fix would do; write nothing")
    parser.add_argument("--no-cache", action="store_true", help=f"neither read nor write {cache.FOLDER}/ (project root)")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: number of CPUs)")
    parser.add_argument("--version", action="version", version=f"keras-lint {__version__}")
    parser.add_argument(  # issue 23: which Keras loads the model files given
        "--model-loader", type=_model_loader, metavar="LOADER",
        help="the Keras that loads the model files given: keras or tf_keras, optionally ==VERSION (keras==3.6.0), "
        "or tensorflow==VERSION before 2.16; default: the project's declared Keras, else the installed one",
    )
    _add_output_and_adoption_options(parser)
    return parser


# -- issue 22: output formats, severity, adoption (--add-noqa, baselines) --------------------------


def _model_loader(text: str):
    from .model_files.target import loader_from_option

    try:
        return loader_from_option(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def _severities(text: str) -> list:
    levels = _codes(text)
    wrong = [level for level in levels if level not in SEVERITIES]
    if wrong or not levels:
        raise argparse.ArgumentTypeError(f"expected severities among {', '.join(SEVERITIES)}, got {', '.join(wrong) or 'none'}")
    return levels


def _add_output_and_adoption_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output-format", "--format", dest="format", choices=list(report.FORMATS), default=None, metavar="FORMAT",
        help="full (source line, caret, help), concise (one line; `text` is its old name), json, sarif or github; "
        "default: full on a terminal, concise otherwise",
    )
    parser.add_argument("--show-fixes", action="store_true", help="with --fix or --diff: list the fixes applied, per file")
    parser.add_argument("--severity", type=_severities, metavar="LEVELS", help="comma-separated severities to report: error, warning, security")
    parser.add_argument("--add-noqa", action="store_true", help="add `# noqa: KLnnn` to every reported line, then exit")
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    parser.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE, then exit")


def _output_format(args, out) -> str:
    """Ruff prints `full` by default; we do on a terminal only: piped, captured or in CI, the output
    stays today's one line a finding that scripts and editors parse."""
    if args.format is None:
        return "full" if _is_terminal(out) else "concise"
    return "concise" if args.format == "text" else args.format


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _colour(stream) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    return _is_terminal(stream) and not os.environ.get("NO_COLOR")


def _adoption_conflict(args) -> Optional[str]:
    if args.add_noqa and (args.fix or args.diff or args.write_baseline):
        return "--add-noqa cannot be combined with --fix, --diff or --write-baseline"
    if args.write_baseline and (args.fix or args.diff):
        return "--write-baseline cannot be combined with --fix or --diff"
    if (args.add_noqa or args.write_baseline) and "-" in (args.paths or []):
        return "--add-noqa and --write-baseline work on files, not on stdin"
    return None


def main(argv: Optional[list] = None) -> int:
    args = build_parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.list_rules:
        for code, rule in CATALOG.items():
            out.write(f"{code}  {rule.name:40s} fix:{report.fix_label(rule):11s} {rule.severity:8s} {rule.summary}\n")
        return EXIT_CLEAN
    if args.explain:
        rule = CATALOG.get(args.explain.upper())
        if rule is None:
            err.write(f"keras-lint: error: unknown rule code '{args.explain}' (see keras-lint --list-rules)\n")
            return EXIT_ERROR
        out.write(
            f"{rule.code} {rule.name}\n\n{rule.summary}\n\nSeverity: {rule.severity}\nHelp: {rule.help}\n\n"
            f"{rule.documentation()}\n"
        )
        return EXIT_CLEAN
    conflict = _adoption_conflict(args)
    if conflict:
        err.write(f"keras-lint: error: {conflict}\n")
        return EXIT_ERROR

    paths = args.paths or ["."]
    if args.stdin_filename and "-" not in args.paths:  # ruff's convention: --stdin-filename reads stdin
        for path in args.paths:
            err.write(f"keras-lint: warning: ignoring {path} in favor of standard input (--stdin-filename without -)\n")
        paths = ["-"]
    try:
        settings = api.make_settings(
            paths, args.config, args.stdin_filename, args.select, args.extend_select, args.ignore, args.target_keras,
            args.severity,
        )
        baseline = adopt.load_baseline(args.baseline) if args.baseline else None
    except (config.ConfigError, adopt.BaselineError) as exc:
        err.write(f"keras-lint: error: {exc}\n")
        return EXIT_ERROR

    errors: list = []
    if args.show_settings:
        start = args.stdin_filename if paths == ["-"] and args.stdin_filename else paths[0]
        out.write(api.show_settings(settings, args.config or config.find_config(start if start != "-" else ".")))
        for path in files.discover(paths, settings, errors.append, lambda message: err.write(f"keras-lint: warning: {message}\n")):
            if path != "-":
                out.write(f"{path}: {api.judged_at(path, settings)}\n")
        for message in errors:
            err.write(f"keras-lint: error: {message}\n")
        return EXIT_ERROR if errors else EXIT_CLEAN
    targets = list(files.discover(paths, settings, errors.append, lambda message: err.write(f"keras-lint: warning: {message}\n")))
    targets, model_paths = api.split_model_files(paths, targets, settings)  # saved model files are preflighted (issue 23)
    stdin = sys.stdin.buffer.read() if "-" in targets else None
    results = api.lint_paths(
        targets, settings, args.jobs, not args.no_cache, args.fix, args.unsafe_fixes, args.diff, stdin, args.stdin_filename
    )
    findings = sorted(f for result in results for f in result.findings)
    errors += [e for result in results for e in result.errors]
    model_findings, model_errors, loader = api.check_model_files(model_paths, settings, not args.no_cache, args.model_loader)
    findings, errors = sorted(findings + model_findings), errors + model_errors
    texts = {args.stdin_filename or "stdin": stdin.decode("utf-8", "replace")} if stdin is not None else None
    if args.add_noqa or args.write_baseline:
        return _adopt(args, findings, errors, texts, err)
    hidden = 0
    if baseline is not None:
        new = adopt.new_findings(findings, baseline, args.baseline, texts)
        hidden, findings = len(findings) - len(new), new

    fixed = sum(result.fixed for result in results)
    stdin_fixed = next((r.fixed_text for r in results if r.fixed_text is not None), None)
    findings_out = out
    if args.diff:
        out.write("".join(result.diff for result in results))
    elif stdin_fixed is not None:  # --fix on stdin: stdout carries the fixed source, findings go to stderr
        out.write(stdin_fixed)
        findings_out = err
    if not args.diff:
        chosen = _output_format(args, findings_out)
        if chosen == "full":
            report.full(findings, findings_out, _colour(findings_out), texts)
        else:
            report.FORMATS[chosen](findings, findings_out)
    if args.statistics:
        # The table follows text findings (as in flake8); where stdout is a document (json, sarif,
        # a diff, the fixed source) it goes to stderr, so that stdout stays valid.
        machine = args.diff or args.format in ("json", "sarif")  # (None: concise or full)
        report.statistics(findings, err if machine else findings_out)
    for message in errors:
        err.write(f"keras-lint: error: {message}\n")
    if args.show_fixes and (args.fix or args.diff):  # the codes the fix loop fixed, per file
        report.show_fixes({result.path: result.fixed_codes for result in results if result.fixed}, err, args.diff)
    report.summary(findings, len(targets) + len(model_paths), err, fixed if (args.fix or args.diff) else None, args.diff,
                   args.unsafe_fixes)
    if hidden:
        err.write(f"{hidden} more recorded in {args.baseline} not shown.\n")
    if loader is not None:
        err.write(f"Model files judged for loading by {loader.describe()}\n")
    judged = report.judged_against(settings, findings)
    if judged:
        err.write(judged + "\n")
    if errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if any(result.diff for result in results) else EXIT_CLEAN
    return EXIT_FINDINGS if findings and not args.exit_zero else EXIT_CLEAN




def _adopt(args, findings: list, errors: list, texts, err) -> int:
    """--add-noqa and --write-baseline: act on the findings, say what was done, exit 0 (2 on errors)."""
    if args.add_noqa:
        added, problems = adopt.add_noqa(findings)
        errors += problems
        err.write(f"Added {added} noqa directive{'' if added == 1 else 's'}.\n")
    else:
        try:
            adopt.write_baseline(args.write_baseline, findings, texts)
        except OSError as exc:
            errors.append(f"{args.write_baseline}: cannot write baseline: {exc.strerror or exc}")
        else:
            err.write(f"Recorded {len(findings)} finding{'' if len(findings) == 1 else 's'} in {args.write_baseline}.\n")
    for message in errors:
        err.write(f"keras-lint: error: {message}\n")
    return EXIT_ERROR if errors else EXIT_CLEAN
