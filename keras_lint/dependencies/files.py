"""Read the TensorFlow / Keras / tf-keras requirements a project declares, and where TensorFlow's
legacy switch is on, from the files at its root. Each reader keeps file and line; a line or file
it cannot read is one warning (`file:line: ...`, relative to the root) and reading goes on.

Sources: requirements*.txt / requirements*.in / constraints*.txt and requirements/*.txt (with the
files they include by -r/-c, cycles guarded), pyproject.toml ([project] dependencies and extras,
[dependency-groups], Poetry, PDM, uv, Hatch environments, setuptools' dynamic files), setup.cfg
(install_requires, extras_require), setup.py (literal install_requires / extras_require, read with
`ast`), environment*.yml (conda and its pip: list, a line reader for the block-list shapes those
files use), Pipfile, tox.ini (deps per environment and factor). The switch: a line scan of .env,
.envrc, tox.ini, pytest.ini, pyproject.toml, setup.cfg, Dockerfile, .gitlab-ci.yml and
.github/workflows/*.yml for TF_USE_LEGACY_KERAS set to 1, true or True.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from .. import keras_api as K
from .sources import ENVIRONMENT_FILE, REQUIREMENT_FILE, REQUIREMENTS_FOLDER, SWITCH_FILES, WORKFLOWS_FOLDER

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

Warn = Callable[[str], None]
MAX_BYTES = 1_000_000
_SWITCH = re.compile(r"""(?<![\w-])["']?TF_USE_LEGACY_KERAS["']?\s*[:=]\s*["']?([\w.]+)""")


def package_of(name: str) -> Optional[str]:
    """'tensorflow', 'keras' or 'tf-keras' for a distribution that installs it (PEP 503 names), else None."""
    name = canonicalize_name(name)
    if name in K.TENSORFLOW_DISTRIBUTIONS:
        return "tensorflow"
    if name in K.KERAS_DISTRIBUTIONS:
        return "keras"
    return "tf-keras" if name in K.TF_KERAS_DISTRIBUTIONS else None


@dataclass(frozen=True)
class Declaration:
    """One requirement on TensorFlow, Keras or tf-keras, where it was declared."""

    package: str  # "tensorflow" | "keras" | "tf-keras"
    alternatives: Tuple[SpecifierSet, ...]  # any one of them (Poetry `||`, conda `|`); usually one
    marker: Optional[Marker]
    group: str  # "" for the base requirements, else e.g. "extra:tf", "group:dev", "tox:testenv:py39"
    where: str  # "requirements.txt:3"
    text: str  # "tensorflow>=2.4,<2.11", as written

    @property
    def versioned(self) -> bool:
        return any(str(spec) for spec in self.alternatives)

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def read_declarations(root: str, warn: Warn) -> Tuple[List[Declaration], List[str]]:
    """Every declaration at `root`, and where the legacy switch is on ("ci.yml:9: TF_USE_LEGACY_KERAS: 1")."""
    reader = _Reader(root, warn)
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return [], []
    for name in names:
        if REQUIREMENT_FILE.match(name):
            reader.requirements(os.path.join(root, name))
    folder = os.path.join(root, REQUIREMENTS_FOLDER)
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            if name.endswith((".txt", ".in")):
                reader.requirements(os.path.join(folder, name))
    readers = {"pyproject.toml": reader.pyproject, "setup.cfg": reader.setup_cfg, "setup.py": reader.setup_py,
               "Pipfile": reader.pipfile, "tox.ini": reader.tox}
    for name in names:
        if name in readers:
            readers[name](os.path.join(root, name))
        elif ENVIRONMENT_FILE.fullmatch(name):
            reader.environment(os.path.join(root, name))
    workflows = os.path.join(root, WORKFLOWS_FOLDER)
    found = [os.path.join(root, n) for n in names if n in SWITCH_FILES]
    if os.path.isdir(workflows):
        found += [os.path.join(workflows, n) for n in sorted(os.listdir(workflows)) if n.endswith((".yml", ".yaml"))]
    for path in found:
        reader.switch(path)
    return reader.decls, reader.switches


def _line_of(lines: List[str], pattern: str, start: int = 0) -> int:
    """The 1-based number of the first line from `start` matching `pattern` (a regex), else start + 1."""
    found = re.compile(pattern)
    return next((i + 1 for i in range(start, len(lines)) if found.search(lines[i])), start + 1)


def _header(lines: List[str], dotted: str) -> int:
    """The 0-based line of a TOML table header `[a.b]`, or 0."""
    pattern = r"^\s*\[\s*" + r"\s*\.\s*".join(rf'["\']?{re.escape(p)}["\']?' for p in dotted.split(".")) + r"\s*\]"
    return _line_of(lines, pattern) - 1 if any(re.search(pattern, line) for line in lines) else 0


def _table(value, key: str) -> dict:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else {}


def poetry_specs(text: str) -> Tuple[SpecifierSet, ...]:
    """Poetry's constraint syntax (`^2.4`, `~2.4.1`, `2.4.*`, `>=2.4 <2.11`, `a || b`) as PEP 440 specifiers."""
    alternatives = []
    for alternative in str(text).split("||"):
        alternative = re.sub(r"([<>=!~^]=?)\s+", r"\1", alternative.strip())
        terms = []
        for term in filter(None, re.split(r"[\s,]+", alternative)):
            if term == "*":
                continue
            if term[0] in "^~" and not term.startswith("~="):
                parts = [int(p) for p in re.match(r"\d+(\.\d+)*", term[1:]).group(0).split(".")]
                if term[0] == "^":
                    bump = next((i for i, p in enumerate(parts) if p), len(parts) - 1)
                else:
                    bump = min(1, len(parts) - 1)
                upper = parts[:bump] + [parts[bump] + 1]
                terms += [f">={term[1:]}", "<" + ".".join(map(str, upper))]
            else:
                terms.append(term if term[0] in "<>!~" or term.startswith("==") else "==" + term.lstrip("="))
        alternatives.append(SpecifierSet(",".join(terms)))
    return tuple(alternatives)


def conda_specs(text: str) -> Tuple[SpecifierSet, ...]:
    """A conda version (`=2.10` and bare `2.10` mean 2.10.*, `==2.10.1` exact, `a|b` either, `,` both)."""
    alternatives = []
    for alternative in text.split("|"):
        terms = []
        for term in filter(None, alternative.split(",")):
            op, version = re.match(r"(>=|<=|==|!=|~=|>|<|=)?(.*)$", term.strip()).groups()
            version = re.sub(r"(?<!\.)\*$", ".*", version)
            if op in (None, "="):
                op, version = "==", version if version.endswith("*") else version + ".*"
            terms.append(op + version)
        alternatives.append(SpecifierSet(",".join(terms)))
    return tuple(alternatives)


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _unquote(text: str) -> str:
    """A YAML scalar without its quotes, when it is wholly quoted."""
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" else text


def _ini(text: str) -> Dict[str, Dict[str, List[Tuple[int, str]]]]:
    """An INI file's sections -> keys -> value lines with their numbers (a key's own line first)."""
    sections: Dict[str, Dict[str, List[Tuple[int, str]]]] = {}
    current, key = None, None
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith(("#", ";")):
            continue
        value = re.sub(r"\s+#.*$", "", raw).strip()
        if raw[0] in " \t":
            if current is not None and key:
                current[key].append((number, value))
        elif re.match(r"\[[^\]]+\]\s*$", raw.strip()):
            current, key = sections.setdefault(raw.strip()[1:-1].strip(), {}), None
        elif current is not None and re.match(r"[^=:]+[=:]", raw):
            name, value = re.split(r"\s*[=:]\s*", value, maxsplit=1)
            key = name.strip().lower().replace("-", "_")
            current[key] = [(number, value)]  # the key's own line, even when empty
    return sections


class _Reader:
    def __init__(self, root: str, warn: Warn):
        self.root, self.warn = root, warn
        self.decls: List[Declaration] = []
        self.switches: List[str] = []
        self.seen: set = set()
        self.cited: dict = {}  # path -> {(line, item)}: a TOML requirement string cited at each line
        self.texts: Dict[str, Optional[str]] = {}

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def bad(self, path: str, line: int, message: str) -> None:
        self.warn(f"{self.rel(path)}:{line}: {message}")

    def read(self, path: str) -> Optional[str]:
        if path not in self.texts:
            try:
                with open(path, "rb") as handle:
                    self.texts[path] = handle.read(MAX_BYTES).decode("utf-8", "replace")
            except OSError as exc:
                self.bad(path, 1, f"cannot read: {exc.strerror or exc}")
                self.texts[path] = None
        return self.texts[path]

    def add(self, name: str, alternatives, marker, group: str, path: str, line: int, text: str) -> None:
        package = package_of(name)
        if package:
            where = f"{self.rel(path)}:{line}"
            self.decls.append(Declaration(package, tuple(alternatives), marker, group, where, text.strip()))

    def pep508(self, text: str, path: str, line: int, group: str = "") -> None:
        """One requirement string (PEP 508; pip's per-requirement options such as --hash dropped)."""
        text = re.split(r"\s+(?=--?[A-Za-z])", text.strip())[0]
        if not text or re.match(r"(\.|/|~|[A-Za-z]:\\|[\w+]+://|git\+)", text):
            name = os.path.basename(text.split("#")[0])
            if name.endswith(".whl"):  # a wheel by path or URL: its name and version are in the file name
                try:
                    dist, version, _, _ = parse_wheel_filename(name)
                    self.add(dist, (SpecifierSet(f"=={version}"),), None, group, path, line, text)
                except InvalidWheelFilename:
                    pass
            return
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            self.bad(path, line, f"cannot parse requirement {text!r}: {_first_line(exc)}")
            return
        spec = req.specifier
        if not str(spec) and req.url and req.url.split("#")[0].endswith(".whl"):
            try:
                spec = SpecifierSet(f"=={parse_wheel_filename(os.path.basename(req.url.split('#')[0]))[1]}")
            except InvalidWheelFilename:
                pass
        self.add(req.name, (spec,), req.marker, group, path, line, text)

    def pep508_list(self, items, path: str, lines: List[str], group: str) -> None:
        for item in items if isinstance(items, list) else ():
            if isinstance(item, str):
                self.pep508(item, path, self._cited_line(path, lines, item), group)

    def _cited_line(self, path: str, lines: List[str], item: str) -> int:
        """The line of a TOML string `item`: the first line holding it as a whole quoted string (not
        as part of a longer one: `"tf>=2.4; python_version>='3.11'"` is not `"tf>=2.4"`) that no
        identical item was cited at yet; else the first holding its text at all."""
        quoted = re.compile(r"[\"']" + re.escape(item) + r"[\"']")
        candidates = [i + 1 for i, line in enumerate(lines) if quoted.search(line)]
        candidates = candidates or [i + 1 for i, line in enumerate(lines) if item in line] or [1]
        cited = self.cited.setdefault(path, set())
        line = next((c for c in candidates if (c, item) not in cited), candidates[0])
        cited.add((line, item))
        return line

    # -- requirements files -----------------------------------------------------------------------

    def requirements(self, path: str, group: str = "", included_from: Optional[Tuple[str, int]] = None) -> None:
        key = (os.path.realpath(path), group)
        if key in self.seen:  # read already, or an include cycle
            return
        self.seen.add(key)
        if included_from and not os.path.isfile(path):
            self.bad(included_from[0], included_from[1], f"included file {self.rel(path)!r} not found")
            return
        text = self.read(path)
        for number, line in self._logical_lines(text or ""):
            self.requirement_line(line, path, number, group)

    @staticmethod
    def _logical_lines(text: str):
        """pip's reading: `\\` joins lines, `#` after whitespace starts a comment."""
        pending, first = "", 0
        for number, raw in enumerate(text.splitlines(), 1):
            line = re.sub(r"(^|\s)#.*$", "", raw)
            if not pending:
                first = number
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            joined, pending = (pending + line).strip(), ""
            if joined:
                yield first, joined
        if pending.strip():
            yield first, pending.strip()

    def requirement_line(self, line: str, path: str, number: int, group: str) -> None:
        if line.startswith("-"):
            include = re.match(r"(?:--requirement|--constraint|-r|-c)\s*=?\s*(\S+)$", line)
            if include and not re.search(r"\$\{|\{|://", include.group(1)):
                target = os.path.join(os.path.dirname(path), include.group(1))
                self.requirements(target, group, (path, number))
            return  # other pip options: -e, -i, --hash, --pre, ...
        self.pep508(line, path, number, group)

    # -- pyproject.toml and Pipfile ---------------------------------------------------------------

    def toml(self, path: str):
        text = self.read(path)
        if text is None:
            return None, []
        try:
            return tomllib.loads(text), text.splitlines()
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r"line (\d+)", str(exc))
            self.bad(path, int(at.group(1)) if at else 1, f"cannot read: {_first_line(exc)}")
            return None, []

    def pyproject(self, path: str) -> None:
        doc, lines = self.toml(path)
        if doc is None:
            return
        project, tool = _table(doc, "project"), _table(doc, "tool")
        self.pep508_list(project.get("dependencies"), path, lines, "")
        for extra, items in _table(project, "optional-dependencies").items():
            self.pep508_list(items, path, lines, f"extra:{extra}")
        groups = {**_table(doc, "dependency-groups"), **_table(_table(tool, "pdm"), "dev-dependencies")}
        for name, items in groups.items():
            self.pep508_list(items, path, lines, f"group:{name}")
        uv = _table(tool, "uv")
        self.pep508_list(uv.get("dev-dependencies"), path, lines, "group:dev")
        for key in ("constraint-dependencies", "override-dependencies"):
            self.pep508_list(uv.get(key), path, lines, "")
        for name, env in _table(_table(tool, "hatch"), "envs").items():
            for key in ("dependencies", "extra-dependencies"):
                self.pep508_list(env.get(key) if isinstance(env, dict) else None, path, lines, f"hatch:{name}")
        dynamic = _table(_table(tool, "setuptools"), "dynamic")
        self.dynamic_files(_table(dynamic, "dependencies").get("file"), path, "")
        for extra, value in _table(dynamic, "optional-dependencies").items():
            self.dynamic_files(value.get("file") if isinstance(value, dict) else None, path, f"extra:{extra}")
        poetry = _table(tool, "poetry")
        extras = {canonicalize_name(n): e for e, names in _table(poetry, "extras").items()
                  for n in (names if isinstance(names, list) else []) if isinstance(n, str)}
        self.poetry(_table(poetry, "dependencies"), path, lines, "tool.poetry.dependencies", "", extras)
        self.poetry(_table(poetry, "dev-dependencies"), path, lines, "tool.poetry.dev-dependencies", "group:dev", {})
        for name, group in _table(poetry, "group").items():
            self.poetry(_table(group, "dependencies"), path, lines, f"tool.poetry.group.{name}.dependencies",
                        f"group:{name}", {})

    def dynamic_files(self, files, path: str, group: str) -> None:
        """setuptools' `file:` lists (setup.cfg) and `{file = [...]}` (pyproject.toml): requirements files."""
        for name in [files] if isinstance(files, str) else files if isinstance(files, list) else ():
            if isinstance(name, str):
                line = _line_of((self.read(path) or "").splitlines(), re.escape(name))
                self.requirements(os.path.join(os.path.dirname(path), name), group, (path, line))

    def keyed(self, table: dict, path: str, lines: List[str], header: str, group: str, convert, extras=None) -> None:
        """A TOML table of name = constraint (Poetry, Pipfile): a string or a table with version/markers."""
        start = _header(lines, header)
        for name, value in table.items():
            if not package_of(name):
                continue
            number = _line_of(lines, rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", start)
            entries = value if isinstance(value, list) else [value]
            alternatives, marker, in_group, versions = [], None, group, []
            try:
                for entry in entries:
                    entry = entry if isinstance(entry, dict) else {"version": entry}
                    version = entry.get("version", "*") if not {"git", "path", "url", "file"} & set(entry) else "*"
                    alternatives += convert(str(version))
                    versions.append(str(version))
                    if len(entries) == 1 and isinstance(entry.get("markers"), str):
                        marker = Marker(entry["markers"])
                    if entry.get("optional") is True and extras is not None:
                        in_group = f"extra:{extras.get(canonicalize_name(name), 'optional')}"
            except (InvalidSpecifier, InvalidMarker, AttributeError, ValueError) as exc:
                self.bad(path, number, f"cannot parse constraint for {name}: {_first_line(exc)}")
                continue
            text = lines[number - 1] if lines else name
            if not all(v in text for v in versions):  # a table spread over lines: its constraints
                text = f'{name} = "{" || ".join(versions)}"'
            self.add(name, alternatives, marker, in_group, path, number, text)

    def poetry(self, table, path, lines, header, group, extras) -> None:
        self.keyed(table, path, lines, header, group, poetry_specs, extras)

    def pipfile(self, path: str) -> None:
        doc, lines = self.toml(path)
        for category, table in (doc or {}).items():
            if isinstance(table, dict) and category not in ("source", "requires", "scripts", "pipenv"):
                group = "" if category == "packages" else f"group:{category}"
                self.keyed(table, path, lines, category, group, lambda v: (SpecifierSet("" if v == "*" else v),))

    # -- setup.cfg, setup.py, tox.ini -------------------------------------------------------------

    def setup_cfg(self, path: str) -> None:
        sections = _ini(self.read(path) or "")
        self.ini_list(sections.get("options", {}).get("install_requires", []), path, "")
        for extra, values in sections.get("options.extras_require", {}).items():
            self.ini_list(values, path, f"extra:{extra}")

    def ini_list(self, values, path: str, group: str) -> None:
        """setuptools' list: one item a line, or comma-separated when the value is one line."""
        for number, value in values:
            if value.startswith("file:"):
                self.dynamic_files(value[5:].replace(",", " ").split(), path, group)
            else:
                for item in filter(None, value.split(",") if len(values) == 1 else (value,)):
                    self.requirement_line(item.strip(), path, number, group)

    def setup_py(self, path: str) -> None:
        try:
            tree = ast.parse(self.read(path) or "")
        except (SyntaxError, ValueError) as exc:
            self.bad(path, getattr(exc, "lineno", None) or 1, f"cannot parse: {getattr(exc, 'msg', exc)}")
            return
        names = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name)}

        def strings(node, depth=0):
            if isinstance(node, ast.Name) and depth < 5:
                return strings(names.get(node.id), depth + 1)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                return strings(node.left, depth + 1) + strings(node.right, depth + 1)
            if isinstance(node, (ast.List, ast.Tuple)):
                return [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            return []

        for call in ast.walk(tree):
            func = getattr(call, "func", None)
            if not isinstance(call, ast.Call) or (getattr(func, "id", None) or getattr(func, "attr", None)) != "setup":
                continue
            for keyword in call.keywords:
                if keyword.arg == "install_requires":
                    for item in strings(keyword.value):
                        self.pep508(item.value, path, item.lineno)
                elif keyword.arg == "extras_require":
                    value = names.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else keyword.value
                    for key, items in zip(getattr(value, "keys", []), getattr(value, "values", [])):
                        extra = key.value if isinstance(key, ast.Constant) else "?"
                        for item in strings(items):
                            self.pep508(item.value, path, item.lineno, f"extra:{extra}")

    def tox(self, path: str) -> None:
        for section, keys in _ini(self.read(path) or "").items():
            if section != "testenv" and not section.startswith("testenv:"):
                continue
            plain, by_factor = [], {}
            for number, value in keys.get("deps", []):
                if not value:
                    continue
                factor = re.match(r"([\w.!{},-]+):\s*(?!//)(\S.*)$", value)
                if factor:
                    by_factor.setdefault(factor.group(1), []).append((number, factor.group(2)))
                else:
                    plain.append((number, value))
            # with factor-conditional deps, the environments are the factors' (py310-tf{210,215})
            for group, items in [(f"tox:{section}:{f}", plain + extra) for f, extra in by_factor.items()] or [
                    (f"tox:{section}", plain)]:
                for number, value in items:
                    value = value.replace("{toxinidir}/", "").replace("{toxinidir}", ".")
                    self.requirement_line(value, path, number, group)

    # -- environment.yml --------------------------------------------------------------------------

    def environment(self, path: str) -> None:
        """conda's `dependencies:` list and its `pip:` list, block style (`- item`) or flow (`[a, b]`)."""
        in_deps, pip_indent = False, None
        for number, raw in enumerate((self.read(path) or "").splitlines(), 1):
            line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
            stripped = line.strip()
            if not stripped:
                continue
            indent = len(line) - len(line.lstrip())
            if indent == 0 and not stripped.startswith("-"):
                in_deps, pip_indent = stripped.startswith("dependencies:"), None
                rest = stripped[len("dependencies:"):].strip() if in_deps else ""
                if rest:
                    self.yaml_flow(rest, path, number, pip=False)
                continue
            if not in_deps:
                continue
            if not stripped.startswith("- "):
                self.bad(path, number, "cannot read this line of the dependencies list (expected '- item')")
                continue
            item = stripped[2:].strip()
            if pip_indent is not None and indent > pip_indent:
                self.requirement_line(_unquote(item), path, number, "")
            elif item.startswith("pip:"):
                pip_indent = indent
                if item[4:].strip():
                    self.yaml_flow(item[4:].strip(), path, number, pip=True)
            else:
                pip_indent = None
                self.conda(_unquote(item), path, number)

    def yaml_flow(self, text: str, path: str, number: int, pip: bool) -> None:
        if not (text.startswith("[") and text.endswith("]")):
            self.bad(path, number, "cannot read this YAML value (expected a list)")
            return
        for item in filter(None, (_unquote(i.strip()) for i in text[1:-1].split(","))):
            if pip:
                self.requirement_line(item, path, number, "")
            else:
                self.conda(item, path, number)

    def conda(self, item: str, path: str, number: int) -> None:
        spec = item.split("::")[-1].strip()
        found = re.match(r"([A-Za-z0-9_.-]+)\s*(\[.*\])?\s*(.*)$", spec)
        if not found or not package_of(found.group(1)):
            return
        name, bracket, rest = found.groups()
        version = re.search(r"version\s*=\s*[\"']?([^\"',\]]+)", bracket or "")
        rest = version.group(1) if version else rest
        if rest.startswith("=") and not rest.startswith("=="):
            rest = "=" + rest[1:].split("=")[0]  # name=2.10=build
        rest = rest.split()[0] if rest.strip() and rest.split()[0] != "*" else ""
        try:
            self.add(name, conda_specs(rest) if rest else (SpecifierSet(),), None, "", path, number, item)
        except (InvalidSpecifier, AttributeError) as exc:
            self.bad(path, number, f"cannot parse conda requirement {item!r}: {_first_line(exc)}")

    # -- the legacy switch ------------------------------------------------------------------------

    def switch(self, path: str) -> None:
        for number, line in enumerate((self.read(path) or "").splitlines(), 1):
            if "TF_USE_LEGACY_KERAS" not in line or line.lstrip().startswith(("#", ";")):
                continue
            found = _SWITCH.search(line)
            if found and found.group(1) in K.SWITCH_ON:
                self.switches.append(f"{self.rel(path)}:{number}: {line.strip()}")
