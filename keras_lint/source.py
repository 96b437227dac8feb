"""Read a Python file into text exactly as Python would decode it, keeping its line endings.

Anything that stops us from getting text (undecodable bytes, a bad coding cookie, a NUL byte)
becomes a `SourceError` whose message is reported as KL001; the run goes on.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import io
import re
import tokenize
import warnings

# Python's tokenizer breaks lines only on these (str.splitlines also breaks on \x0c, \u2028, ...).
_LINE_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
# The breaks str.splitlines adds; without them it splits as Python does, ~30x faster than the
# regex (2 s of a 10 MB file).
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class SourceError(Exception):
    """The file cannot be turned into a Python syntax tree; str(self) says why, in one line."""

    def __init__(self, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.line = line
        self.col = col


@dataclasses.dataclass
class SourceFile:
    path: str
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    named: bool = True  # False: a buffer with no file behind it (unnamed stdin): no module, no package

    @property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    def encode(self, text: str) -> bytes:
        """Encode edited text back the way the file was stored (same codec, same BOM)."""
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def split_lines(text: str) -> list[str]:
    """Lines with their endings, broken only where Python breaks them."""
    if not any(char in text for char in _OTHER_BREAKS):
        return text.splitlines(keepends=True)
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def decode(path: str, data: bytes) -> SourceFile:
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" not in str(exc):  # unknown codec, cookie vs BOM
            raise SourceError(f"cannot decode file: {exc.msg}") from None
        encoding = "utf-8"  # no cookie and not UTF-8: decoding below says where it breaks
    body = data[len(codecs.BOM_UTF8):] if bom else data
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        col = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(f"cannot decode file as {codec}: {exc.reason} at byte {exc.start}", line, col) from None
    return SourceFile(path, text, codec, bom)


def read(path: str) -> SourceFile:
    """Read and decode a file; OSError propagates for the caller to report."""
    with open(path, "rb") as handle:
        return decode(path, handle.read())


def parse(source: SourceFile) -> ast.Module:
    """Python's own parser: the cheap pass that proves the file is Python and gives us its imports."""
    try:
        with warnings.catch_warnings():  # Python's SyntaxWarnings ("invalid escape sequence") are not ours to print
            warnings.simplefilter("ignore")
            return ast.parse(source.text, filename=source.path, type_comments=False)
    except SyntaxError as exc:
        message = exc.msg or "invalid syntax"
        raise SourceError(f"cannot parse file: {message}", exc.lineno or 1, exc.offset or 1) from None
    except (ValueError, MemoryError, RecursionError) as exc:  # "source code string cannot contain null bytes"
        raise SourceError(f"cannot parse file: {exc}") from None


def may_use_keras(text: str) -> bool:
    """False proves a file judged on its own cannot import Keras, whatever else it holds: every
    import path of Keras spells "keras" or "tensorflow"."""
    return "keras" in text or "tensorflow" in text
