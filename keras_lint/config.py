"""Read `[tool.keras-lint]` from pyproject.toml or `[keras-lint]` from setup.cfg or tox.ini into Settings.

The nearest file that has such a section, walking up from the first linted path, is used; flags
given on the command line win over it. Every key and value is checked: a mistake is one
`ConfigError` naming the file and the key, never a silently ignored setting.
"""

from __future__ import annotations

import configparser
import dataclasses
import difflib
import os
import re
import sys
from typing import Optional

from .roots import CONFIG_FILES, FORMATTER_FILES
from .settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration mistake; str(self) is the one line to show."""


LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude", "register-decorators")
KNOWN_KEYS = LIST_KEYS + ("per-file-ignores", "target-keras", "package", "severity")
CODE_KEYS = ("select", "extend-select", "ignore")




def find_config(start: str) -> Optional[str]:
    """The nearest pyproject.toml with [tool.keras-lint], or setup.cfg or tox.ini with [keras-lint], at
    or above `start` (in that order within a folder, as flake8 reads setup.cfg and tox.ini).
    A section header close to ours (`[tool.keras_lint]`, an unclosed `[keras-lint`) in a file looked
    at on the way is a ConfigError, not a file without configuration."""
    folder = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        found = [name for name in CONFIG_FILES if _has_section(os.path.join(folder, name))]
        if found:
            return _shown(os.path.join(folder, found[0]))
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _shown(path: str) -> str:
    """A path as messages show it: relative to the working folder when it lies below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _has_section(path: str) -> bool:
    """Does the file have our section? Raises ConfigError for a header that misses it narrowly."""
    try:
        with open(path, "rb") as handle:
            data = handle.read().decode("utf-8", "replace")
    except OSError:
        return False
    return _scan_headers(_shown(path), data)


# A section header: `[name]`, `[[name]]` (a TOML array of tables), or one never closed (`[name`);
# not a line of a TOML array (`["a", "b"],`).
_HEADER = re.compile(r"^[ \t]*\[+([^\]\n]*)(?:(\])\]*[ \t]*(?:[#;].*)?)?$", re.M)


def _scan_headers(shown: str, text: str) -> bool:
    """Is our section among the file's headers? A header whose name is close to ours (case, `_` for
    `-`, a letter off, pyproject's name in setup.cfg or the reverse) or ours unclosed raises."""
    toml = shown.endswith(".toml")
    ours = "tool.keras-lint" if toml else "keras-lint"
    found = False
    for match in _HEADER.finditer(text):
        name = match.group(1).split("#")[0].strip() if not match.group(2) else match.group(1)
        if not re.fullmatch(r"[\w .\"'-]+", name):
            continue
        parts = [part.strip().strip("\"'") for part in name.split(".")]
        if parts[0].lower() == "tool" and len(parts) > 1:
            candidate, exact = parts[1], toml and parts[1] == "keras-lint"
        else:
            candidate, exact = parts[0], not toml and name == "keras-lint"
        if not exact and not _close_to_ours(candidate):
            continue
        line = text.count("\n", 0, match.start()) + 1
        if not match.group(2):
            raise ConfigError(f"{shown}:{line}: section header '[{name}' is not closed")
        if not exact:
            raise ConfigError(f"{shown}:{line}: unknown section [{name}]: keras-lint reads [{ours}]")
        found = True
    return found


def _close_to_ours(name: str) -> bool:
    normal = re.sub(r"[\s_.-]+", "-", name.lower())
    return normal == "keras-lint" or difflib.SequenceMatcher(None, normal, "keras-lint").ratio() >= 0.8


class _Table(dict):
    """A config table, key -> value, that knows the line each key is on (`lines`), for messages."""

    lines: dict = {}


def load(path: str) -> dict:
    """The raw key -> value table of a config file, keys normalised to kebab-case."""
    if not os.path.isfile(path):
        raise ConfigError(f"{path}: configuration file not found")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        text = data.decode("utf-8")
        _scan_headers(path, text)
        if path.endswith(".toml"):
            document = tomllib.loads(text)
            table = document.get("tool", {}).get("keras-lint", document if "tool" not in document else None)
            if table is None:
                raise ConfigError(f"{path}: no [tool.keras-lint] table")
            if not isinstance(table, dict):
                raise ConfigError(f"{path}:{_line_of(text, 'keras-lint')}: [tool.keras-lint] must be a table")
        else:
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(text, source=path)
            if not parser.has_section("keras-lint"):
                raise ConfigError(f"{path}: no [keras-lint] section")
            table = dict(parser.items("keras-lint"))
    except (tomllib.TOMLDecodeError, configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(_unreadable(path, exc)) from None
    result = _Table((str(key).replace("_", "-"), value) for key, value in table.items())
    toml = path.endswith(".toml")
    result.lines = _key_lines(text, toml, ["tool", "keras-lint"] if toml and "tool" in document else [])
    return result


def _line_of(text: str, word: str) -> int:
    return text.count("\n", 0, max(text.find(word), 0)) + 1


def _unreadable(path: str, exc: Exception) -> str:
    """One line for a file the parser refuses, led by `path:line:` where the parser says the line."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    line = getattr(exc, "lineno", None)  # configparser's errors, tomllib's from Python 3.14
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        line, message = exc.errors[0][0], f"cannot parse line {exc.errors[0][1]}"
    at = re.search(r" \(at line (\d+), column (\d+)\)", message)  # tomllib
    if at:
        line, message = int(at.group(1)), message.replace(at.group(0), f" (column {at.group(2)})")
    message = re.sub(r"^While reading from .*?\[line\s*\d+\]: ", "", message)
    if isinstance(exc, UnicodeDecodeError):
        message = "not UTF-8"
    return f"{path}{f':{line}' if line else ''}: cannot read configuration: {message}"


def _key_lines(text: str, toml: bool, prefix: list) -> dict:
    """key (kebab-case) -> the line that sets it in our table (`prefix`: its header's parts, [] for
    the top of a TOML file of our own); a sub-table's key is its header's line."""
    lines: dict = {}
    ours = toml and not prefix
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"[ \t]*\[+([^\]]*)\]", line)
        if header:
            parts = [part.strip().strip("\"'") for part in header.group(1).split(".")]
            if not toml:
                ours = header.group(1) == "keras-lint"
            elif parts[: len(prefix)] == prefix and len(parts) > len(prefix):
                lines.setdefault(parts[len(prefix)].lower().replace("_", "-"), number)
                ours = False
            else:
                ours = parts == prefix
            continue
        key = re.match(r"""[ \t]*["']?([\w-]+)["']?[ \t]*[=:.]""", line) if ours else None
        if key and (toml or not line[:1].isspace()):  # an indented line in setup.cfg continues a value
            lines.setdefault(key.group(1).lower().replace("_", "-"), number)
    return lines


def apply(settings: Settings, table: dict, path: str, rule_codes: bool = True) -> Settings:
    """Settings updated from one config table, each key and value validated (rule codes against the
    rule catalog only with `rule_codes`: loading the catalog is what check_early avoids)."""
    changes = {}
    lines = getattr(table, "lines", {})
    for key, value in table.items():
        at = f"{path}:{lines[key]}" if key in lines else path
        where = f"{at}: keras-lint option '{key}'"
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, 1)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(KNOWN_KEYS)}"
            raise ConfigError(f"{at}: unknown keras-lint option '{key}' ({hint})")
        if key in LIST_KEYS:
            items = _as_list(value, where)
            if key in CODE_KEYS and rule_codes:
                check_codes(items, where)
            changes[key.replace("-", "_")] = tuple(items)
        elif key == "per-file-ignores":
            changes["per_file_ignores"] = _per_file_ignores(value, where, rule_codes)
        elif key == "target-keras":
            changes["target_keras"] = parse_target(value, where)
        elif key == "package":
            if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][\w.]*", value.strip()):
                raise ConfigError(f"{where}: expected a package name such as my_project, got {value!r}")
            changes["package"] = value.strip()
        elif key == "severity":
            changes["severity"] = parse_severity(_as_list(value, where), where)
    changes["root"] = os.path.dirname(os.path.abspath(path))
    return dataclasses.replace(settings, **changes)


def check_early(start: str) -> None:
    """Raise the ConfigError of the configuration found from `start`, but for unknown rule codes:
    what the flake8 plugin checks before any file, without loading the rule catalog (~0.1 s) that
    code never mentioning Keras does not need. Rule codes are checked when the settings are made."""
    path = find_config(start)
    if path:
        apply(Settings(), load(path), path, rule_codes=False)


def check_codes(codes, where: str) -> None:
    # Imported here: the rule catalog costs ~0.1 s, which the flake8 plugin must not pay on code
    # that never mentions Keras (it checks its configuration with check_early).
    from .rules import known_prefix  # every code of rules.CATALOG: rules, KL6nn model-file checks, KL901

    for code in codes:
        if not known_prefix(code):
            raise ConfigError(f"{where}: unknown rule code '{code}' (see keras-lint --list-rules)")


def parse_severity(levels: list, where: str) -> tuple:
    """The severities to report (issue 22): a list of "error", "warning", "security"."""
    from .finding import SEVERITIES

    wrong = [level for level in levels if level not in SEVERITIES]
    if wrong or not levels:
        raise ConfigError(f"{where}: expected severities among {', '.join(SEVERITIES)}, got {', '.join(wrong) or 'none'}")
    return tuple(levels)


def parse_target(value, where: str):
    """A target given by the user (`2.10`, `2.4-2.15`, `3`, `3.6`, `>=2.4,<2.11`) as a
    dependencies.KerasTarget; None for `auto` (what the project declares)."""
    text = str(value).strip()
    if text.lower() in ("auto", ""):
        return None
    from . import dependencies  # packaging: loaded only when a target is given

    try:
        return dependencies.parse_target(text)
    except ValueError as exc:
        raise ConfigError(
            f"{where}: {exc}; expected a Keras version or range such as 2.10, 2.4-2.15, 3, 3.6 or auto"
        ) from None


def _as_list(value, where: str) -> list:
    if isinstance(value, str):
        return [item for item in re.split(r"[,\s]+", value) if item]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise ConfigError(f"{where}: expected a list of strings, got {value!r}")


def _per_file_ignores(value, where: str, rule_codes: bool = True) -> tuple:
    pairs = []
    if isinstance(value, dict):  # TOML: {"tests/*" = ["KL101"]}
        for pattern, codes in value.items():
            pairs.append((pattern, tuple(_as_list(codes, where))))
    elif isinstance(value, str):  # INI, flake8's format: "tests/*: KL101,KL102  other.py: KL1"
        pairs = _parse_file_code_pairs(value, where)
    else:
        raise ConfigError(f"{where}: expected a table of glob = [codes], got {value!r}")
    for _, codes in pairs:
        if rule_codes:
            check_codes(codes, where)
    return tuple(pairs)


def _parse_file_code_pairs(value: str, where: str) -> list:
    """flake8's per-file-ignores grammar: globs, a colon, codes; a non-code token starts the next group."""
    pairs: list = []
    globs: list = []
    codes: list = []
    after_colon = False

    def close() -> None:
        if not globs or not after_colon or not codes:
            raise ConfigError(f"{where}: expected 'glob: CODE,CODE' groups, got {value.strip()!r}")
        pairs.extend((glob, tuple(codes)) for glob in globs)

    for token in re.findall(r"[^\s,:]+|:", value):
        if token == ":":
            after_colon = True
        elif after_colon and re.fullmatch(r"[A-Z]+[0-9]*", token):
            codes.append(token)
        else:
            if after_colon:
                close()
                globs, codes, after_colon = [], [], False
            globs.append(token)
    if globs or codes:
        close()
    return pairs


# -- the formatter's line length, for the code fixes write ------------------------------------------


def formatter_line_length(start: str) -> Optional[int]:
    """The `line-length` the project gives ruff or black: in the nearest ruff.toml, .ruff.toml or
    pyproject.toml at or above `start` that sets one (ruff's, `[tool.ruff]`, before black's,
    `[tool.black]`). None when none does, or the file cannot be read: fixes then use 88, both
    tools' default."""
    folder = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        for name, tables in FORMATTER_FILES.items():
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                continue
            try:
                with open(path, "rb") as handle:
                    document = tomllib.loads(handle.read().decode("utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            for table in tables:
                value = document
                for key in table:
                    value = value.get(key, {}) if isinstance(value, dict) else {}
                length = value.get("line-length") if isinstance(value, dict) else None
                if isinstance(length, int) and not isinstance(length, bool) and 20 <= length <= 1000:
                    return length
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
