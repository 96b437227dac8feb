"""keras-lint as a flake8 plugin (entry point `KL`): the same engine, fed by flake8.

It lints the `lines` flake8 hands it and the `tree` flake8 already parsed, so it works on stdin
(`flake8 --stdin-display-name p.py -`, as editors call it) and never reopens the file. flake8 does
selection, per-file-ignores and `# noqa` itself; its config files (setup.cfg, tox.ini, .flake8)
carry our option `keras-target`.
"""

from __future__ import annotations

import ast
import dataclasses
import os

from . import __version__, config, source
from .settings import Settings


class KerasLintChecker:
    name = "keras-lint"
    version = __version__
    settings = Settings()

    def __init__(self, tree: ast.Module, lines: list, filename: str):
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, parser) -> None:
        parser.add_option(
            "--keras-target",
            default="auto",
            parse_from_config=True,
            help="judge code as Keras 2 or 3, or auto (per file, as keras-lint --target-keras auto). Default: auto",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        try:
            target = config.parse_target(options.keras_target, "keras-target")
        except config.ConfigError as exc:
            raise SystemExit(f"keras-lint: error: {exc}") from None
        cls.settings = dataclasses.replace(Settings(), target_keras=target)

    _tf_keras_folders: dict = {}  # folder -> does its project declare tf-keras (once per folder and flake8 process)

    @classmethod
    def _settings_for(cls, filename: str) -> Settings:
        folder = os.path.dirname(os.path.abspath(filename if filename not in ("-", "stdin") else "x.py"))
        if folder not in cls._tf_keras_folders:
            from .index import project_root

            cls._tf_keras_folders[folder] = config.declares_tf_keras(project_root(folder))
        return dataclasses.replace(cls.settings, tf_keras_project=cls._tf_keras_folders[folder])

    def run(self):
        text = "".join(self.lines)
        if not source.may_use_keras(text):
            return  # before importing the engine: code that never mentions Keras costs flake8 nothing more
        from . import api  # (it loads the rules; LibCST comes later, only for a statement a rule wants)

        result = api.lint_text(text, self.filename, self._settings_for(self.filename), tree=self.tree, inline_noqa=False)
        for message in result.errors:
            raise RuntimeError(message)
        for finding in result.findings:
            # No [*]/[~] fix marks: flake8 cannot fix, and whether `keras-lint --fix` can depends on
            # the whole project (a name another file defines, say), which flake8 does not show us.
            yield finding.line, finding.col - 1, f"{finding.code} {finding.message}", type(self)
