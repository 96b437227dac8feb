"""Is a path a model file, and which format is it, by its first bytes: the cheap questions every
run asks of the paths it is given (no zipfile, no h5py)."""

from __future__ import annotations

import os

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or an empty archive
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
HDF5_OFFSETS = (0, 512, 1024, 2048, 4096, 8192)  # the superblock may follow a user block of 2**n bytes
MODEL_EXTENSIONS = (".keras", ".h5", ".hdf5")
CONFIG_MEMBER, METADATA_MEMBER = "config.json", "metadata.json"


def sniff(path: str) -> str:
    """The format by content: "keras-zip", "h5", "savedmodel", "keras-dir", "unknown"."""
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, "saved_model.pb")):
            return "savedmodel"
        if os.path.isfile(os.path.join(path, CONFIG_MEMBER)):
            return "keras-dir"
        return "unknown"
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            if head in ZIP_MAGIC:
                return "keras-zip"
            for offset in HDF5_OFFSETS:
                handle.seek(offset)
                if handle.read(8) == HDF5_MAGIC:
                    return "h5"
    except OSError:
        return "unknown"
    return "unknown"


def is_model_path(path: str, named: bool = False) -> bool:
    """Is this a model file or folder to check? Walking, by name (`.keras`, `.h5`, `.hdf5`, a folder
    holding saved_model.pb, or config.json beside metadata.json); a file named on the command line
    also by content (a zip or HDF5 file whatever its extension, but never a `.py`)."""
    if os.path.isdir(path):
        return os.path.isfile(os.path.join(path, "saved_model.pb")) or (
            os.path.isfile(os.path.join(path, CONFIG_MEMBER)) and os.path.isfile(os.path.join(path, METADATA_MEMBER))
        )
    if path.lower().endswith(MODEL_EXTENSIONS):
        return True
    return named and not path.endswith((".py", ".pyi")) and os.path.isfile(path) and sniff(path) in ("keras-zip", "h5")
