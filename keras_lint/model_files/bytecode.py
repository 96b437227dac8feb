"""What a Lambda's saved bytecode says without running it: `base64(marshal.dumps(code))`, read
byte by byte -- never `marshal.loads`, which on hostile data can crash the interpreter.

- the Python family that wrote it, from the code object's header: the number of 32-bit fields
  before the bytecode (argcount, posonlyargcount [3.8+], kwonlyargcount, nlocals [< 3.11],
  stacksize, flags) and the first opcode (RESUME is 151 on 3.11-3.12, 149 on 3.13+). 3.11 and 3.12
  write simple lambdas alike, so a family, not a version, is named.
- the names it touches (marshal writes short names as a length byte then ASCII), matched against
  keras_api.SUSPICIOUS_BYTECODE_NAMES.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Optional

from .. import keras_api as K

FAMILIES = {"3.8-3.10": ((3, 8), (3, 10)), "3.11-3.12": ((3, 11), (3, 12)), "3.13+": ((3, 13), (3, 99)), "<=3.7": ((2, 0), (3, 7))}
_STRINGS = re.compile(rb"[\x5a\x7a\xda\xfa](.)", re.S)  # marshal's short ASCII strings (z, Z, and with the ref flag)


def decode(code: str) -> Optional[bytes]:
    try:
        return base64.b64decode(code.encode("ascii"), validate=False)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def family(data: bytes) -> Optional[str]:
    """"3.8-3.10", "3.11-3.12", "3.13+", "<=3.7", or None when it is no code object."""
    if len(data) < 30 or data[0] & 0x7F != ord("c"):
        return None
    # The bytecode is a bytes object: b"s" (0x73, with the ref flag 0xf3) then a 32-bit length.
    if data[1 + 4 * 6] & 0x7F == ord("s"):
        return "3.8-3.10"
    at = 1 + 4 * 5
    if data[at] & 0x7F != ord("s"):
        return None
    # 5 fields: 3.11+ or <= 3.7. 3.11+ starts with RESUME (151 on 3.11-3.12, 149 on 3.13+), after at
    # most a COPY_FREE_VARS / MAKE_CELL or two.
    opcodes = data[at + 5: at + 11: 2]
    if 151 in opcodes:
        return "3.11-3.12"
    if 149 in opcodes:
        return "3.13+"
    return "<=3.7"


def running_family(version: tuple) -> str:
    for name, (low, high) in FAMILIES.items():
        if low <= version[:2] <= high:
            return name
    return "<=3.7"


def suspicious_names(data: bytes) -> list:
    found = set()
    for match in _STRINGS.finditer(data):
        size = match.group(1)[0]
        start = match.end()
        word = data[start: start + size]
        if len(word) == size and word.isascii():
            text = word.decode("ascii")
            if text.endswith(".py"):
                continue  # the code object's own co_filename (a training script in /tmp is no file access)
            if text in K.SUSPICIOUS_BYTECODE_NAMES or "://" in text or text.startswith(("/etc/", "/bin/", "/tmp/", "~/")):
                found.add(text)
    return sorted(found)


# -- the globals a lambda reads: a bounded pure-Python reader of the marshal format ----------------
# Only what a code object holds is read (no object is built that could run anything); the layout of
# a code object follows the family (see family() above).

# family -> (LOAD_GLOBAL, EXTENDED_ARG, how far the name index is shifted in the argument: 3.11+ keeps
# a "push NULL" flag in its low bit), from `dis.opmap` of CPython 3.7-3.13.
_LOAD_GLOBAL = {"<=3.7": (116, 144, 0), "3.8-3.10": (116, 144, 0), "3.11-3.12": (116, 144, 1), "3.13+": (91, 71, 1)}


class _Malformed(Exception):
    pass


class _Code:
    __slots__ = ("code", "consts", "names")

    def __init__(self, code, consts, names):
        self.code, self.consts, self.names = code, consts, names


class _Reader:
    def __init__(self, data: bytes, fields: int, layout: str):
        self.data, self.at, self.refs, self.fields, self.layout, self.budget = data, 0, [], fields, layout, 100_000

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise _Malformed
        chunk = self.data[self.at: self.at + size]
        self.at += size
        return chunk

    def int32(self) -> int:
        return int.from_bytes(self.take(4), "little", signed=True)

    def object(self, depth: int = 0):
        self.budget -= 1
        if depth > 60 or self.budget < 0:
            raise _Malformed
        byte = self.take(1)[0]
        kind, flag = chr(byte & 0x7F), byte & 0x80
        slot = None
        if flag:
            slot = len(self.refs)
            self.refs.append(None)
        value = self._value(kind, depth)
        if slot is not None:
            self.refs[slot] = value
        return value

    def _value(self, kind: str, depth: int):
        if kind in "0NFTS.":
            return None
        if kind == "i":
            return self.int32()
        if kind == "I":
            self.take(8)
            return None
        if kind == "l":
            self.take(2 * abs(self.int32()))
            return None
        if kind == "g":
            self.take(8)
            return None
        if kind == "y":
            self.take(16)
            return None
        if kind in "fx":
            for _ in range(1 if kind == "f" else 2):
                self.take(self.take(1)[0])
            return None
        if kind in "stuaA":
            raw = self.take(self.int32())
            return raw if kind == "s" else raw.decode("utf-8", "replace")
        if kind in "zZ":
            return self.take(self.take(1)[0]).decode("ascii", "replace")
        if kind in "()[<>":
            size = self.take(1)[0] if kind == ")" else self.int32()
            if size > 100_000:
                raise _Malformed
            return tuple(self.object(depth + 1) for _ in range(size))
        if kind == "{":
            while self.data[self.at: self.at + 1] not in (b"0", b""):
                self.object(depth + 1)
                self.object(depth + 1)
            self.take(1)
            return None
        if kind == "r":
            index = self.int32()
            if not 0 <= index < len(self.refs):
                raise _Malformed
            return self.refs[index]
        if kind == "c":
            for _ in range(self.fields):
                self.int32()
            code = self.object(depth + 1)
            consts = self.object(depth + 1)
            names = self.object(depth + 1)
            for _ in range(5):  # varnames, freevars, cellvars, filename, name (3.11+: localsplusnames,
                self.object(depth + 1)  # localspluskinds, filename, name, qualname)
            self.int32()  # firstlineno
            self.object(depth + 1)  # lnotab / linetable
            if self.layout in ("3.11-3.12", "3.13+"):
                self.object(depth + 1)  # exceptiontable
            return _Code(code if isinstance(code, bytes) else b"", consts if isinstance(consts, tuple) else (),
                         names if isinstance(names, tuple) else ())
        raise _Malformed


def global_names(data: bytes) -> Optional[list]:
    """The global names the code (and the code objects nested in it) reads with LOAD_GLOBAL, in
    order; None when the data is not a code object of a known family."""
    layout = family(data)
    if layout is None:
        return None
    fields = 6 if layout == "3.8-3.10" else 5
    try:
        top = _Reader(data, fields, layout).object()
    except (_Malformed, IndexError, RecursionError):
        return None
    if not isinstance(top, _Code):
        return None
    load_global, extended, shift = _LOAD_GLOBAL[layout]
    found: list = []
    stack, seen = [top], 0
    while stack and seen < 1000:
        code = stack.pop()
        seen += 1
        arg = 0
        raw = code.code
        for at in range(0, len(raw) - 1, 2):
            op, value = raw[at], raw[at + 1]
            if op == extended:
                arg = (arg | value) << 8
                continue
            index = (arg | value) >> shift
            arg = 0
            if op == load_global and 0 <= index < len(code.names) and isinstance(code.names[index], str):
                name = code.names[index]
                if name not in found:
                    found.append(name)
        stack.extend(const for const in reversed(code.consts) if isinstance(const, _Code))
    return found
