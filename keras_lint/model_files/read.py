"""Read a saved model file without Keras: which format it is (by content), and the few members or
attributes that say what loading it needs -- never the weights, never anything executed.

    model = read_model_file("models/best.keras")   # a ModelFile; `problems` holds what is wrong with the file itself

Formats (research: /work/shared/research/saved-model-files.md, section 1):
- `.keras` zip (Keras 3, tf_keras >= 2.13): `config.json` and `metadata.json` only, read through the
  zip's central directory (a 1 GB file costs a few KB of reads). The archive is never extracted:
  members whose names leave the folder, whose size or compression ratio is a bomb, or a truncated
  archive are problems, reported.
- Keras 3 model folder (`config.json` + `metadata.json`).
- HDF5 (`.h5`/`.hdf5`, Keras 2 or 3's legacy format): the root attributes `model_config`,
  `training_config`, `keras_version`, `backend`, through h5py (the optional extra `keras-lint[h5]`).
- tf_keras SavedModel folder: `keras_metadata.pb`, decoded with the protobuf wire reader below.
"""

from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from typing import Optional

from .paths import CONFIG_MEMBER, METADATA_MEMBER, is_model_path, sniff  # noqa: F401  (is_model_path: re-exported)

MAX_CONFIG_BYTES = 64 * 1024 * 1024  # a config larger than this is not a model's config
MAX_RATIO = 200  # a member that inflates more than this from more than 1 MB: a zip bomb
H5_EXTRA_MESSAGE = "h5py is needed to read HDF5 model files: pip install keras-lint[h5]"


class MissingReader(Exception):
    """The optional reader a format needs is not installed (one clear line, the run goes on)."""


@dataclasses.dataclass
class Problem:
    code: str  # the KL6nn code
    where: str  # the JSON path or archive member it concerns ("" for the whole file)
    message: str


@dataclasses.dataclass
class ModelFile:
    path: str
    kind: str  # "keras-zip", "keras-dir", "h5", "savedmodel", "unknown"
    config: Optional[dict] = None  # the model's config: config.json, HDF5 model_config, SavedModel root metadata
    config_key: str = ""  # the config's name in JSON paths: "" (config.json is the document), "model_config"
    training_config: Optional[dict] = None  # HDF5 only: the compile arguments
    keras_version: str = ""
    members: tuple = ()  # archive member names (zip)
    problems: list = dataclasses.field(default_factory=list)
    nodes: list = dataclasses.field(default_factory=list)  # SavedModel: per-object metadata dicts

    @property
    def saved_by_keras3(self) -> Optional[bool]:
        if not self.keras_version:
            return None
        return self.keras_version.split(".")[0] >= "3"


KERAS_H5_ATTRS = ("model_config", "keras_version", "layer_names", "backend")  # Keras 2/3 model and weights files
KERAS_H5_GROUPS = (("model_weights",), ("layers", "vars"))  # a legacy model; Keras 3's .weights.h5


def _keras_h5(handle) -> bool:
    return any(key in handle.attrs for key in KERAS_H5_ATTRS) or any(all(g in handle for g in groups) for groups in KERAS_H5_GROUPS)


def is_keras_h5(path: str) -> bool:
    """Is this HDF5 file one Keras wrote (a model or its weights)? A data file is not: a folder's
    `.h5` files are checked only when Keras wrote them. True when h5py is missing (the check then
    says it is needed) or the file cannot be opened (the check says why)."""
    try:
        import h5py
    except ImportError:
        return True
    try:
        with h5py.File(path, "r") as handle:
            return _keras_h5(handle)
    except (OSError, ValueError):
        return True


def read_model_file(path: str) -> ModelFile:
    """Raises MissingReader when the format needs an optional package; OSError when unreadable."""
    kind = sniff(path)
    model = ModelFile(path, kind)
    ext = os.path.splitext(path)[1].lower()
    if kind == "keras-zip":
        _read_zip(model)
        if ext in (".h5", ".hdf5"):
            model.problems.append(Problem("KL602", "", f"a `.keras` zip archive named `{ext}`: Keras reads `{ext}` as "
                                          "HDF5 and fails with 'file signature not found'; rename it to `.keras`"))
    elif kind == "h5":
        _read_h5(model)
        if ext == ".keras":
            model.problems.append(Problem("KL602", "", "an HDF5 file named `.keras`: Keras 3 looks for a zip and fails "
                                          "with a misleading 'File not found'; rename it to `.h5`"))
    elif kind == "keras-dir":
        _read_dir(model)
    elif kind == "savedmodel":
        _read_savedmodel(model)
    else:
        what = "an empty file" if os.path.isfile(path) and os.path.getsize(path) == 0 else "neither a `.keras` zip nor HDF5"
        model.problems.append(Problem("KL601", "", f"not a model file Keras can read: {what} (checked by content)"))
    return model


# -- .keras zip ------------------------------------------------------------------------------------


def _read_zip(model: ModelFile) -> None:
    try:
        archive = zipfile.ZipFile(model.path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        model.problems.append(Problem("KL601", "", f"a broken or truncated `.keras` archive ({exc}): Keras cannot open it"))
        return
    with archive:
        infos = archive.infolist()
        model.members = tuple(info.filename for info in infos)
        hostile = _hostile_members(infos, os.path.getsize(model.path))
        if hostile:
            model.problems.append(hostile)
            return
        names = {info.filename: info for info in infos}
        if CONFIG_MEMBER not in names:
            model.problems.append(Problem("KL601", "", f"the archive has no `{CONFIG_MEMBER}`: not a Keras model file "
                                          f"(members: {', '.join(sorted(names)[:5]) or 'none'})"))
            return
        model.config = _json_member(model, archive, CONFIG_MEMBER)
        metadata = _json_member(model, archive, METADATA_MEMBER) if METADATA_MEMBER in names else None
        if isinstance(metadata, dict):
            model.keras_version = str(metadata.get("keras_version") or "")


def _hostile_members(infos: list, archive_size: int) -> Optional[Problem]:
    total = 0
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
            return Problem("KL603", name, f"member `{name}` points outside the archive's folder (path traversal): "
                           "a hostile archive; not extracted")
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            return Problem("KL603", name, f"member `{name}` inflates {info.file_size // info.compress_size}x to "
                           f"{info.file_size} bytes (a zip bomb): a hostile archive; not extracted")
    if total > max(archive_size, 1) * MAX_RATIO and total > 1024 * 1024:
        return Problem("KL603", "", f"the members inflate to {total} bytes from a {archive_size}-byte archive "
                       "(a zip bomb): a hostile archive; not extracted")
    return None


def _json_member(model: ModelFile, archive: zipfile.ZipFile, name: str):
    info = archive.getinfo(name)
    if info.file_size > MAX_CONFIG_BYTES:
        model.problems.append(Problem("KL603", name, f"`{name}` declares {info.file_size} bytes: not a model config; not read"))
        return None
    try:
        with archive.open(info) as member:
            data = member.read(MAX_CONFIG_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        model.problems.append(Problem("KL601", name, f"`{name}` cannot be read from the archive ({exc}): truncated or corrupt"))
        return None
    return _parse_json(model, data, name)


def _parse_json(model: ModelFile, data, name: str):
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        model.problems.append(Problem("KL601", name, f"`{name}` is not valid JSON ({str(exc)[:80]}): Keras cannot load the model"))
        return None


def _read_dir(model: ModelFile) -> None:
    for name in (CONFIG_MEMBER, METADATA_MEMBER):
        path = os.path.join(model.path, name)
        if not os.path.isfile(path):
            continue
        if os.path.getsize(path) > MAX_CONFIG_BYTES:
            model.problems.append(Problem("KL601", name, f"`{name}` is larger than a model config; not read"))
            continue
        with open(path, "rb") as handle:
            value = _parse_json(model, handle.read(), name)
        if name == CONFIG_MEMBER:
            model.config = value
        elif isinstance(value, dict):
            model.keras_version = str(value.get("keras_version") or "")


# -- HDF5 ------------------------------------------------------------------------------------------


def _read_h5(model: ModelFile) -> None:
    try:
        import h5py
    except ImportError:
        raise MissingReader(H5_EXTRA_MESSAGE) from None
    try:
        with h5py.File(model.path, "r") as handle:
            attrs = {key: handle.attrs[key] for key in ("model_config", "training_config", "keras_version") if key in handle.attrs}
            keras = _keras_h5(handle)
    except (OSError, KeyError, ValueError) as exc:
        model.problems.append(Problem("KL601", "", f"a broken HDF5 file ({str(exc)[:120]}): Keras cannot open it"))
        return

    def text(value) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    model.keras_version = text(attrs.get("keras_version", ""))
    model.config_key = "model_config"
    if not keras:
        model.problems.append(Problem("KL601", "", "an HDF5 file Keras did not write (no model config, no Keras weights): "
                                      "not a model file"))
        return
    if "model_config" not in attrs:
        model.problems.append(Problem("KL604", "", "a weights-only HDF5 file (no `model_config`): `load_model` fails on it; "
                                      "build the model in code and call `model.load_weights(path)`"))
        return
    model.config = _parse_json(model, text(attrs["model_config"]), "model_config")
    if "training_config" in attrs:
        value = _parse_json(model, text(attrs["training_config"]), "training_config")
        model.training_config = value if isinstance(value, dict) else None


# -- SavedModel ------------------------------------------------------------------------------------


def _read_savedmodel(model: ModelFile) -> None:
    path = os.path.join(model.path, "keras_metadata.pb")
    if not os.path.isfile(path):
        return  # not written by Keras (or by TF < 2.5): only the format is known
    with open(path, "rb") as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)
    try:
        nodes = [dict(_fields(node)) for number, node in _fields(data) if number == 1]
    except ValueError as exc:
        model.problems.append(Problem("KL601", "keras_metadata.pb", f"`keras_metadata.pb` cannot be decoded ({exc})"))
        return
    for node in nodes:
        raw = node.get(5)  # SavedObject.metadata: a JSON string
        if not isinstance(raw, bytes):
            continue
        value = _parse_json(model, raw, "keras_metadata.pb")
        if not isinstance(value, dict):
            continue
        node_path = node.get(3, b"").decode("utf-8", "replace") if isinstance(node.get(3), bytes) else ""
        model.nodes.append((node_path, value))
        if node_path == "root":
            model.keras_version = str(value.get("keras_version") or "")
            if isinstance(value.get("model_config"), dict):
                model.config = value["model_config"]
                model.config_key = "model_config"
            if isinstance(value.get("training_config"), dict):
                model.training_config = value["training_config"]


def _varint(data: bytes, pos: int) -> tuple:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes):
    """The (field number, value) pairs of one protobuf message: varints as ints, length-delimited
    fields as bytes (nested messages are decoded by the caller), fixed-width fields skipped."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ValueError("truncated field")
            value, pos = data[pos: pos + size], pos + size
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
            continue
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, value
