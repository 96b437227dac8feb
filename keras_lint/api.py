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

from . import cache, config, dependencies, editor_cache, engine, files, fixes, index, model_files, source
from .finding import Finding
from .index import ProjectIndex, is_marked_root, module_name, project_root
from .rules import ALL_RULES, CATALOG
from .settings import DEFAULT_EXCLUDE, Settings, matches_path


def make_settings(
    paths: list,
    config_path: Optional[str] = None,
    stdin_filename: Optional[str] = None,
    select: Optional[list] = None,
    extend_select: Optional[list] = None,
    ignore: Optional[list] = None,
    target_keras: Optional[str] = None,
    severity: Optional[list] = None,
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
    if severity is not None:
        changes["severity"] = config.parse_severity(severity, "--severity")
    chosen = changes.get("severity", settings.severity)
    if chosen:  # the codes whose severity is not chosen are off, whatever selects them
        changes["skipped_codes"] = frozenset(code for code, rule in CATALOG.items() if rule.severity not in chosen)
    changes["declared_target"] = declared_keras(project_root(start if start != "-" else "."))
    changes["line_length"] = config.formatter_line_length(start if start != "-" else ".") or settings.line_length
    return dataclasses.replace(settings, **changes)


_DECLARED: dict = {}  # project root -> its declared target (or None), once per process


def declared_keras(root: str, warn=None):
    """The dependencies.KerasTarget the project at `root` declares, or None when it declares none
    (or no file there names TensorFlow or Keras: then `packaging` is never loaded). A file's own
    imports still decide which spelling it uses (names.keras_spelling)."""
    root = os.path.abspath(root)
    if root not in _DECLARED:
        _DECLARED[root] = None
        if dependencies.may_declare_keras(root):
            report = warn or (lambda message: sys.stderr.write(f"keras-lint: warning: {message}\n"))
            target = dependencies.declared_target(root, report)
            if target.declared:
                _DECLARED[root] = target
    return _DECLARED[root]


def judged_at(path: str, settings: Settings) -> str:
    """How one file is judged, for --show-settings: "tf.keras 2.4–2.10 (reaches Keras as tf.keras)"."""
    try:
        src = source.read(path)
        tree = source.parse(src)
    except (source.SourceError, OSError) as exc:
        return f"not judged: {exc}"
    names = engine.run.KerasNames(tree, src.text)
    points = engine.points_for(names, settings)
    spelling, keras2_only = names.keras_spelling()
    label = dependencies.judging.label_of(points)
    how = f"reaches Keras as {spelling}" + (", uses what only Keras 2 has" if keras2_only and spelling != "tf_keras" else "")
    if not names.uses_keras_or_tf():
        how = "does not import Keras or TensorFlow"
    if len(points) > 1:
        how += "; judged at " + ", ".join(f"{point.label} (as {point.version})" for point in points)
    return f"{label} ({how})"


def show_settings(settings: Settings, config_path: Optional[str]) -> str:
    """The resolved settings, as --show-settings prints them."""
    target = settings.target_keras or settings.declared_target
    lines = [f"config file: {config_path or '(none found)'}"]
    for field in dataclasses.fields(settings):
        if field.name in ("target_keras", "declared_target"):
            continue
        lines.append(f"{field.name.replace('_', '-')}: {getattr(settings, field.name)!r}")
    if settings.target_keras is not None:
        lines.append(f"target-keras: {settings.target_keras.reason}")
    elif target is not None:
        lines.append(f"target-keras: auto: the project declares {target.reason}")
    else:
        lines.append("target-keras: auto: nothing declared: the newest Keras 3 (the newest tf_keras for a file that spells Keras 2)")
    return "\n".join(lines) + "\n"


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
        try:
            src = dataclasses.replace(source.decode(name, stdin or b""), named=bool(stdin_filename))
            # A named buffer is judged with its project in view, its own text standing for its file.
            project = with_buffer(project_for(name, settings, use_cache), src) if stdin_filename else None
            if fix or diff:
                stdin_result = fixes.fix_source(src, settings, project, unsafe_fixes)
                if diff:
                    stdin_result.diff = fixes.unified_diff(name, src.text, stdin_result.fixed_text or src.text)
                    stdin_result.fixed_text = None
            else:
                stdin_result = engine.lint_source(src, settings, project=project)
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
    project = project_for(path, settings, limit=EDITOR_MAX_PROJECT_FILES, snapshot=True) if in_project else None
    # The buffer's Keras names, made once for its summary in the index and for the rules.
    names = None
    if project is not None and tree is not None:
        try:
            names = engine.run.KerasNames(tree, text)
        except (RecursionError, ValueError):
            pass  # (then the engine says what is wrong with it)
    project = with_buffer(project, src, tree, names)
    return engine.lint_source(src, settings, tree=tree, inline_noqa=inline_noqa, project=project, names=names)


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


def project_files(targets: list, settings: Settings, limit: Optional[int] = None, on_folder=None) -> list:
    """The files the index of the project the first target belongs to is built from, absolute;
    with a `limit`, the walk stops one file past it (the caller only needs to know it is over).
    `on_folder`: as files.discover's."""
    root = project_root(targets[0])
    walk_settings = dataclasses.replace(settings, root=root)
    # Without a project marker, the folder may be /tmp or a home folder: only its own .py files
    # (a script's sibling modules) are indexed, not everything below it.
    top = [root] if is_marked_root(root) else [entry.path for entry in _python_files_in(root)]
    # Absolute paths: `src/a.py` named and `/repo/src/a.py` walked are one file, summarised once.
    walked = files.discover(top, walk_settings, lambda message: None, on_folder=on_folder)
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
_SNAPSHOTS: dict = {}  # the same key -> editor_cache.Snapshot of the walk its index came from (snapshot=True)


def project_for(
    path: str, settings: Settings, use_cache: bool = True, limit: Optional[int] = None, warn=None, snapshot: bool = False
) -> Optional[ProjectIndex]:
    """The index of the project `path` belongs to, as the CLI builds it (summaries from
    .keras_lint_cache/ when they are still valid, the others made and kept), made once per process;
    None when no enabled rule asks, or the project has more than `limit` files. `snapshot`: also
    keep what the walk met, before any file is read (editor_snapshot, the flake8 plugin's records)."""
    if not _needs_project(settings):
        return None
    root = project_root(path)
    key = (root, settings.register_decorators, limit)
    if key not in _PROJECTS:
        snap = editor_cache.Snapshot() if snapshot else None
        if snap is not None:
            snap.add_folder(root)  # (an unmarked root is not walked: its own .py files are listed)
        found = project_files([path], settings, limit, on_folder=snap.add_folder if snap is not None else None)
        if snap is not None:
            # Over the bound, each buffer is judged alone: the answer rests on the walk still meeting
            # more than `limit` files, which its folders' entries tell, not on what any file holds.
            if limit is None or len(found) <= limit:
                for name in found:
                    snap.add_file(name)
            _SNAPSHOTS[key] = snap
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


def editor_snapshot(path: str, settings: Settings):
    """What the flake8 plugin's answer for `path` (lint_text with `in_project`) rests on beyond its
    text and settings: (a name of the project's walk, its editor_cache.Snapshot); None when it used
    no project index; False when this process cannot tell (the index was built without a snapshot)."""
    if not _needs_project(settings):
        return None
    key = (project_root(path), settings.register_decorators, EDITOR_MAX_PROJECT_FILES)
    snap = _SNAPSHOTS.get(key)
    return (repr(key), snap) if snap is not None else False


def with_buffer(project: Optional[ProjectIndex], src: "source.SourceFile", tree=None, names=None) -> Optional[ProjectIndex]:
    """`project` in which the buffer's own summary stands for its file: the text an editor or stdin
    hands over is judged, never the file saved on disk (the same index when the two agree).
    `names`: the tree's KerasNames, when the caller made them already."""
    if project is None:
        return None
    path = os.path.abspath(src.path)
    try:
        if tree is None:
            tree = source.parse(src)
        summary = index.summarise(path, tree, names, text=src.text)
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


# -- Model files (issue 23): `keras-lint model.keras src/` preflights saved models ---------------

_SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist"})


def split_model_files(paths: list, targets: list, settings: Settings) -> tuple:
    """(the Python targets without the model files named among them, the model files and folders to
    check: those named, and those under the folders named -- `.keras`/`.h5`/`.hdf5` files, SavedModel
    folders, Keras 3 model folders; not the HDF5 files Keras did not write, which are neither, nor what
    `exclude` names), each once, in a stable order."""
    found: list = []
    data: list = []
    globs = settings.exclude + settings.extend_exclude
    user_globs = tuple(g for g in settings.exclude if g not in DEFAULT_EXCLUDE) + settings.extend_exclude

    def excluded(path: str, walking: bool = True) -> bool:  # as files.discover: named paths by the user's globs only
        return any(matches_path(path, glob, settings.root, walking) for glob in (globs if walking else user_globs))

    for path in paths:
        if path == "-" or path.endswith(".py") or excluded(path, walking=False):
            continue
        if model_files.is_model_path(path, named=True):
            if os.path.isfile(path) and model_files.sniff(path) == "h5" and not model_files.is_keras_h5(path):
                data.append(path)  # an HDF5 data file (pre-commit's hook names every .h5): no model, and no Python
            else:
                found.append(path)
        elif os.path.isdir(path):
            for folder, subfolders, names in os.walk(path):
                kept = []
                for name in sorted(subfolders):
                    inner = os.path.join(folder, name)
                    if (name.startswith(".") or name in _SKIPPED_FOLDERS or os.path.exists(os.path.join(inner, "pyvenv.cfg"))
                            or excluded(inner)):
                        continue
                    if model_files.is_model_path(inner):
                        found.append(os.path.normpath(inner))  # a SavedModel / model folder: not walked into
                    else:
                        kept.append(name)
                subfolders[:] = kept
                for name in sorted(names):
                    inner = os.path.normpath(os.path.join(folder, name))
                    lower = name.lower()
                    if excluded(inner):
                        continue
                    if lower.endswith(".keras") or (lower.endswith((".h5", ".hdf5")) and model_files.is_keras_h5(inner)):
                        found.append(inner)  # (an HDF5 data file is no model)
    unique = list(dict.fromkeys(found))
    named = {os.path.abspath(p) for p in unique + data}
    return [t for t in targets if t == "-" or os.path.abspath(t) not in named], unique


def check_model_files(model_paths: list, settings: Settings, use_cache: bool = True, loader=None) -> tuple:
    """Preflight each model file against the Keras that will load it (`loader`: a model_files.Loader,
    else the project's declared Keras, the installed one, or the newest) and the project's code.
    Returns (findings, errors, loader): a finding's message starts with its JSON path in the file."""
    findings: list = []
    errors: list = []
    if not model_paths:
        return findings, errors, loader
    root = project_root(model_paths[0])
    loader = loader or model_files.resolve_loader(root, lambda message: sys.stderr.write(f"keras-lint: warning: {message}\n"))
    wanted = any(settings.enabled(code) for code, check in model_files.CHECKS.items() if check.needs_project)
    project = None
    if wanted:
        start = os.path.join(root, "__keras_lint_model__.py")  # the project of the model's folder
        project = index_project([start], dataclasses.replace(settings, select=("KL",)), 1, cache.Cache(root) if use_cache else None)[0]
    calls = _load_calls(root, settings)  # how the project loads a file matters to every check (safe_mode=, compile=)
    for path in model_paths:
        try:
            model = model_files.read_model_file(path)
        except model_files.MissingReader as exc:
            errors.append(f"{path}: {exc}")
            continue
        except OSError as exc:
            errors.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        its_calls = [call for call in calls if call.names(path, root)]
        if not its_calls:  # judged as a plain load_model(path) loads it
            verdicts = model_files.judge_file(model, loader, project)
        else:  # judged as each call loads it; a failure is also reported at the call
            verdicts = []
            for call in its_calls:
                options = {k: v for k, v in (("compile", call.compile), ("safe_mode", call.safe_mode)) if v is not None}
                options.update(imports=model_files.imported_files(call.path, project),  # the registrations it imports
                               main_globals=model_files.module_names(call.path),  # if it is the script run
                               at=f"{os.path.relpath(call.path)}:{call.line}")
                judged = model_files.as_called(model_files.judge_file(model, dataclasses.replace(loader, **options), project), call)
                verdicts += [v for v in judged if v not in verdicts]
                for verdict in judged:
                    if verdict.fails and settings.enabled(verdict.code, call.path):
                        where = f" at {verdict.where}" if verdict.where else ""
                        findings.append(Finding(os.path.relpath(call.path), call.line, call.col, verdict.code,
                                                f"load_model({call.literal!r}) will fail: {path}{where}: {verdict.message}"))
        for verdict in verdicts:
            if settings.enabled(verdict.code, path):
                message = f"{verdict.where}: {verdict.message}" if verdict.where else verdict.message
                findings.append(Finding(path, 1, 1, verdict.code, message))
    return findings, errors, loader


def _load_calls(root: str, settings: Settings) -> list:
    """The project's load_model calls that name a model file by a literal path."""
    found = []
    for path in project_files([os.path.join(root, "__keras_lint_model__.py")], settings):
        if not path.endswith(".py") or not os.path.isfile(path):
            continue
        try:
            src = source.read(path)
        except (source.SourceError, OSError):
            continue
        found += model_files.load_calls(path, src.text)
    return found
