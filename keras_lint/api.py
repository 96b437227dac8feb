"""The public pipeline every front end calls: settings from a config file and options, the project
index (summaries from the cache or a process pool), then each file linted or fixed.

    settings = api.make_settings(["src/"], select=["KL2"])
    results = api.lint_paths(["src/"], settings)              # [engine.FileResult], in target order
    project, _ = api.index_project(targets, settings)       # the project index alone (bench/)
    api.lint_text(text, "f.py", settings)                   # one buffer, judged on its own
    api.fix_text(text, "f.py", settings)                    # ... and fixed (`.fixed_text`)

The CLI adds argument parsing, printing and exit codes; the flake8 plugin feeds flake8's lines.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import sys
from typing import Optional

from . import cache, config, dependencies, engine, files, fixes, index, source
from .index import ProjectIndex, is_marked_root, module_name, project_root
from .rules import ALL_RULES
from .settings import Settings

STDIN_PACKAGE = "Custom"  # `package=` of registrations --fix adds to unnamed stdin: register_keras_serializable's default


def make_settings(
    paths: list,
    config_path: Optional[str] = None,
    stdin_filename: Optional[str] = None,
    select: Optional[list] = None,
    extend_select: Optional[list] = None,
    ignore: Optional[list] = None,
    target_keras: Optional[str] = None,
) -> Settings:
    """What a run is asked to do: the config file found from the first path (or `config_path`),
    then the options given here over it. Raises config.ConfigError for a configuration mistake."""
    settings = Settings()
    start = stdin_filename if paths == ["-"] and stdin_filename else paths[0]
    path = config_path or config.find_config(start if start != "-" else ".")
    if path:
        settings = config.apply(settings, config.load(path), path)
    changes = {}
    for option, value in (("select", select), ("extend_select", extend_select), ("ignore", ignore)):
        if value is not None:
            config.check_codes(value, f"--{option.replace('_', '-')}")
            changes[option] = tuple(value)
    if target_keras:
        changes["target_keras"] = config.parse_target(target_keras, "--target-keras")
    changes["keras2_spellings"], changes["declared_keras"] = declared_keras(project_root(start if start != "-" else "."))
    changes["line_length"] = config.formatter_line_length(start if start != "-" else ".") or settings.line_length
    return dataclasses.replace(settings, **changes)


_DECLARED: dict = {}  # project root -> (keras2_spellings, why), once per process


def declared_keras(root: str, warn=None) -> tuple:
    """(the import spellings -- "keras", "tf.keras" -- that the project's declared dependencies make
    Keras 2 in every version they allow, and the sentence saying what was declared, "" when nothing
    was). A file's own imports still decide which spelling it uses (names.looks_like_keras2)."""
    root = os.path.abspath(root)
    if root not in _DECLARED:
        _DECLARED[root] = (frozenset(), "")
        if dependencies.may_declare_keras(root):  # else `packaging` is never loaded
            report = warn or (lambda message: sys.stderr.write(f"keras-lint: warning: {message}\n"))
            target = dependencies.declared_target(root, report)
            if target.declared:
                keras2 = frozenset(
                    spelling for spelling in ("keras", "tf.keras")
                    if all(line.name != "keras3" for line in target.for_spelling(spelling))
                )
                _DECLARED[root] = (keras2, target.reason)
    return _DECLARED[root]


def lint_paths(
    targets: list,
    settings: Settings,
    jobs: int = 0,
    use_cache: bool = True,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    stdin: Optional[bytes] = None,
    stdin_filename: Optional[str] = None,
) -> list:
    """Lint (or with `fix`/`diff`, fix) every target file; "-" among them stands for `stdin`'s bytes.
    `jobs` <= 0: one worker per CPU. Returns one engine.FileResult per target, stdin's last."""
    if "-" in targets:
        name = stdin_filename or "stdin"
        # An unnamed buffer has no module to take a package name from: the `package` setting, else Keras's own default.
        stdin_settings = settings if stdin_filename else dataclasses.replace(settings, package=settings.package or STDIN_PACKAGE)
        try:
            src = source.decode(name, stdin or b"")
            # A named buffer is judged with its project in view, its own text standing for its file.
            project = with_buffer(project_for(name, settings, use_cache), src) if stdin_filename else None
            if fix or diff:
                stdin_result = fixes.fix_source(src, stdin_settings, project, unsafe_fixes)
                if diff:
                    stdin_result.diff = fixes.unified_diff(name, src.text, stdin_result.fixed_text or src.text)
                    stdin_result.fixed_text = None
            else:
                stdin_result = engine.lint_source(src, stdin_settings, project=project)
        except source.SourceError as exc:
            stdin_result = engine.FileResult(name, engine.unparsable(name, settings, exc))
        targets = [t for t in targets if t != "-"]
    else:
        stdin_result = None
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    store = cache.Cache(project_root(targets[0])) if targets and use_cache else None
    project, fingerprint = index_project(targets, settings, jobs, store) if targets else (None, "")
    if fix or diff:
        lint = functools.partial(fixes.fix_path, settings=settings, project=project, unsafe=unsafe_fixes, write=not diff)
        results = _map(lint, targets, jobs)
    else:
        lint = functools.partial(engine.lint_path, settings=settings, project=project)
        results = _lint_cached(lint, targets, jobs, store, settings, fingerprint)
    if store is not None:
        store.save()
    return results + ([stdin_result] if stdin_result else [])


def lint_text(
    text: str, path: str, settings: Settings, tree=None, inline_noqa: bool = True, in_project: bool = False
) -> "engine.FileResult":
    """Lint one buffer; `in_project`: with the project it belongs to in view (project_for, up to
    EDITOR_MAX_PROJECT_FILES files), the buffer's own text standing for its file, as flake8's plugin
    does; else on its own."""
    src = source.SourceFile(path, text)
    project = with_buffer(project_for(path, settings, limit=EDITOR_MAX_PROJECT_FILES), src, tree) if in_project else None
    return engine.lint_source(src, settings, tree=tree, inline_noqa=inline_noqa, project=project)


def fix_text(text: str, path: str, settings: Settings, unsafe_fixes: bool = False) -> "engine.FileResult":
    """Fix one buffer on its own; the result's `fixed_text` is the new text, `findings` what remains."""
    return fixes.fix_source(source.SourceFile(path, text), settings, None, unsafe_fixes)


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


def index_project(targets: list, settings: Settings, jobs: int = 1, store=None) -> tuple:
    """Summarise every file of the project the first target belongs to (and the targets themselves),
    so that a class is judged with its bases in other files in view. Returns the index and its
    fingerprint (what cached results are valid for); (None, "") when no enabled rule asks."""
    if not _needs_project(settings):
        return None, ""
    root = project_root(targets[0])
    files_to_index = project_files(targets, settings)
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
    for path, summary in zip(missing, _map(index.summarise_path, missing, jobs)):
        summaries[path] = summary
        if summary is not None and digests.get(path):
            store.store_summary(path, modules[path], digests[path], summary)
    ordered = [summaries[path] for path in files_to_index if summaries[path] is not None]  # the last definition wins
    joined = ProjectIndex(ordered, settings.register_decorators, root)
    fingerprint = cache.content_hash(repr((sorted(digests.items()), settings.register_decorators)).encode())
    return joined, fingerprint


def project_files(targets: list, settings: Settings, limit: Optional[int] = None) -> list:
    """The files the index of the project the first target belongs to is built from, absolute;
    with a `limit`, the walk stops one file past it (the caller only needs to know it is over)."""
    root = project_root(targets[0])
    walk_settings = dataclasses.replace(settings, root=root)
    # Without a project marker, the folder may be /tmp or a home folder: only its own .py files
    # (a script's sibling modules) are indexed, not everything below it.
    top = [root] if is_marked_root(root) else [entry.path for entry in _python_files_in(root)]
    # Absolute paths: `src/a.py` named and `/repo/src/a.py` walked are one file, summarised once.
    walked = files.discover(top, walk_settings, lambda message: None)
    if limit is not None:
        walked = itertools.islice(walked, limit + 1)
    return sorted(set(walked) | {os.path.abspath(target) for target in targets})


# The flake8 plugin (an editor) judges a buffer with its project in view when the project has at most
# this many files: every flake8 call reads the project's summaries back from .keras_lint_cache/
# (measured on a 1720-file project: +0.45 s a call, 0.3 ms a file), and a cold cache summarises them
# all once (about 4 ms a file). Above it, each buffer is judged alone, and flake8 says so once.
# The CLI has no bound: it indexes the project for a buffer on stdin as for a file.
EDITOR_MAX_PROJECT_FILES = 1000
_PROJECTS: dict = {}  # (root, register decorators, bound) -> its ProjectIndex, or None: once per process
_SAID_TOO_LARGE: set = set()


def project_for(
    path: str, settings: Settings, use_cache: bool = True, limit: Optional[int] = None, warn=None
) -> Optional[ProjectIndex]:
    """The index of the project `path` belongs to, as the CLI builds it (summaries from
    .keras_lint_cache/ when they are still valid, the others made and kept), made once per process;
    None when no enabled rule asks, or the project has more than `limit` files."""
    if not _needs_project(settings):
        return None
    root = project_root(path)
    key = (root, settings.register_decorators, limit)
    if key not in _PROJECTS:
        found = project_files([path], settings, limit)
        if limit is not None and len(found) > limit:
            if root not in _SAID_TOO_LARGE:
                _SAID_TOO_LARGE.add(root)
                message = (f"{root}: more than {limit} files: each file is judged on its own "
                           "(what depends on other files is not reported; keras-lint itself judges the whole project)")
                (warn or (lambda text: sys.stderr.write(f"keras-lint: warning: {text}\n")))(message)
            _PROJECTS[key] = None
        else:
            store = cache.Cache(root) if use_cache else None
            _PROJECTS[key] = index_project([path], settings, 1, store)[0]
            if store is not None:
                store.save()
    return _PROJECTS[key]


def with_buffer(project: Optional[ProjectIndex], src: "source.SourceFile", tree=None) -> Optional[ProjectIndex]:
    """`project` in which the buffer's own summary stands for its file: the text an editor or stdin
    hands over is judged, never the file saved on disk (the same index when the two agree)."""
    if project is None:
        return None
    path = os.path.abspath(src.path)
    try:
        if tree is None:
            tree = source.parse(src)
        summary = index.summarise(path, tree, text=src.text)
    except (source.SourceError, RecursionError, ValueError):
        return project
    known = project.summary_of(path)
    return project if known == summary else project.with_file(summary)


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
