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
import os
from typing import TYPE_CHECKING, Optional

from . import __version__, editor_cache

if TYPE_CHECKING:
    from .settings import Settings
# (config, settings, source: imported when first needed -- an answer from editor_cache needs none)


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
    _inputs: dict = {}  # folder -> the editor_cache.Snapshot of what its Settings were read from

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
        # The configuration of each path flake8 was given, before any file is linted; unknown rule
        # codes wait for the first file that mentions Keras (their check loads the rules). Not for a
        # file whose settings were made without error from the same files before (editor_cache).
        paths = [options.stdin_display_name if path == "-" else path for path in options.filenames or ["."]]
        unchecked = [path for path in paths if not editor_cache.settings_hold(path)]
        if unchecked or options.keras_target is not None:
            from . import config

            try:
                if options.keras_target is not None:
                    config.parse_target(options.keras_target, "keras-target")
                for path in unchecked:
                    config.check_early(path)
            except config.ConfigError as exc:
                raise SystemExit(f"keras-lint: error: {exc}") from None
        cls.keras_target = options.keras_target
        cls._folders = {}
        cls._inputs = {}

    @classmethod
    def _settings_for(cls, filename: str) -> Settings:
        """The CLI's settings for a file (made once per folder), but selection, which is flake8's."""
        name = "-" if filename in ("-", "stdin") else filename
        folder = os.path.dirname(os.path.abspath(name if name != "-" else "x.py"))
        if folder not in cls._folders:
            import dataclasses

            from . import api, config
            from .settings import OFF_BY_DEFAULT, Settings
            from .dependencies.sources import source_paths

            root = api.project_root(name if name != "-" else "x.py")
            cls._inputs[folder] = editor_cache.settings_inputs(name if name != "-" else "x.py", root, source_paths(root))
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
        if isinstance(settings, Exception):  # (a config.ConfigError)
            import multiprocessing

            if multiprocessing.parent_process() is None:  # flake8's own process: stop as parse_options does
                raise SystemExit(f"keras-lint: error: {settings}")
            from flake8.exceptions import PluginExecutionFailed

            raise PluginExecutionFailed(filename, "KL", ConfigurationError(str(settings)))
        return settings

    def run(self):
        from . import source

        text = "".join(self.lines)
        if not source.may_use_keras(text):
            # Before importing the engine: code that never mentions Keras costs flake8 little more --
            # unless a module it imports from its project does (a class built on another file's layer).
            from .index.modules import reaches_keras_through_project

            if "import" not in text or not reaches_keras_through_project(self.filename, self.tree):
                return
        named = self.filename not in ("-", "stdin")
        # The answer of an earlier call, when nothing it rests on has changed (editor_cache), before
        # the engine is imported: an editor's call costs flake8 little more.
        known = editor_cache.lookup(self.filename, text, self.keras_target) if named else None
        for line, col, message in known if known is not None else self._lint(text, named):
            yield line, col, message, type(self)

    def _lint(self, text: str, named: bool) -> list:
        from . import api  # (it loads the rules; LibCST comes later, only for a statement a rule wants)

        settings = self._settings_for(self.filename)
        result = api.lint_text(text, self.filename, settings, tree=self.tree, inline_noqa=False, in_project=True)
        for message in result.errors:
            raise RuntimeError(message)
        # No [*]/[~] fix marks: flake8 cannot fix, and whether `keras-lint --fix` can depends on
        # the whole project (a name another file defines, say), which flake8 does not show us.
        found = [(finding.line, finding.col - 1, f"{finding.code} {finding.message}") for finding in result.findings]
        project = api.editor_snapshot(self.filename, settings) if named else False
        inputs = self._inputs.get(os.path.dirname(os.path.abspath(self.filename)))
        if project is not False and inputs is not None:
            editor_cache.store(self.filename, text, self.keras_target, inputs, project, found)
        return found
