"""keras-lint as a flake8 plugin (entry point `KL`): the same engine, fed by flake8.

It lints the `lines` flake8 hands it and the `tree` flake8 already parsed, so it works on stdin
(`flake8 --stdin-display-name p.py -`, as editors call it) and never reopens the file. Its settings
are the CLI's, made by the same code (api.make_settings: `[tool.keras-lint]` / `[keras-lint]` found
from the file's folder up), with flake8's option `keras-target`, when given, over the file's
`target-keras`; flake8 does selection, per-file-ignores and `# noqa` itself. A configuration
mistake stops flake8 with the CLI's one-line message.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from typing import Optional

from . import __version__, config, source
from .settings import OFF_BY_DEFAULT, Settings


class ConfigurationError(Exception):
    """A configuration mistake met in one of flake8's worker processes, where SystemExit would leave
    flake8 waiting for the file forever: flake8 reports it as a failed plugin, with this repr."""

    def __repr__(self) -> str:
        return f"keras-lint: error: {self.args[0]}"


class KerasLintChecker:
    name = "keras-lint"
    version = __version__
    keras_target: Optional[str] = None  # flake8's keras-target, when given: over the config file's target-keras
    _folders: dict = {}  # folder -> its Settings or its configuration's ConfigError (once per folder and process)

    def __init__(self, tree: ast.Module, lines: list, filename: str):
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, parser) -> None:
        parser.add_option(
            "--keras-target",
            default=None,
            parse_from_config=True,
            help="the Keras to judge code against: a version or range (2.10, 2.4-2.15, 3, 3.6), or auto "
            "(what the project's dependency files declare, as keras-lint --target-keras auto); "
            "given, it wins over target-keras in [tool.keras-lint]. Default: that, else auto",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        try:
            if options.keras_target is not None:
                config.parse_target(options.keras_target, "keras-target")
            # The configuration of each path flake8 was given, before any file is linted; unknown
            # rule codes wait for the first file that mentions Keras (their check loads the rules).
            for path in options.filenames or ["."]:
                config.check_early(options.stdin_display_name if path == "-" else path)
        except config.ConfigError as exc:
            raise SystemExit(f"keras-lint: error: {exc}") from None
        cls.keras_target = options.keras_target
        cls._folders = {}

    @classmethod
    def _settings_for(cls, filename: str) -> Settings:
        """The CLI's settings for a file (made once per folder), but selection, which is flake8's."""
        name = "-" if filename in ("-", "stdin") else filename
        folder = os.path.dirname(os.path.abspath(name if name != "-" else "x.py"))
        if folder not in cls._folders:
            from . import api

            try:
                made = api.make_settings([name], target_keras=cls.keras_target)
            except config.ConfigError as exc:
                cls._folders[folder] = exc
            else:
                everything = Settings()
                # (a code off by default, KL901, runs where keras-lint's own configuration selects it)
                off = tuple(code for code in OFF_BY_DEFAULT if made.enabled(code))
                cls._folders[folder] = dataclasses.replace(
                    made, select=everything.select + off, extend_select=(), ignore=(), per_file_ignores=()
                )
        settings = cls._folders[folder]
        if isinstance(settings, config.ConfigError):
            import multiprocessing

            if multiprocessing.parent_process() is None:  # flake8's own process: stop as parse_options does
                raise SystemExit(f"keras-lint: error: {settings}")
            from flake8.exceptions import PluginExecutionFailed

            raise PluginExecutionFailed(filename, "KL", ConfigurationError(str(settings)))
        return settings

    def run(self):
        text = "".join(self.lines)
        if not source.may_use_keras(text):
            # Before importing the engine: code that never mentions Keras costs flake8 little more --
            # unless a module it imports from its project does (a class built on another file's layer).
            from .index.modules import reaches_keras_through_project

            if "import" not in text or not reaches_keras_through_project(self.filename, self.tree):
                return
        from . import api  # (it loads the rules; LibCST comes later, only for a statement a rule wants)

        result = api.lint_text(
            text, self.filename, self._settings_for(self.filename), tree=self.tree, inline_noqa=False, in_project=True
        )
        for message in result.errors:
            raise RuntimeError(message)
        for finding in result.findings:
            # No [*]/[~] fix marks: flake8 cannot fix, and whether `keras-lint --fix` can depends on
            # the whole project (a name another file defines, say), which flake8 does not show us.
            yield finding.line, finding.col - 1, f"{finding.code} {finding.message}", type(self)
