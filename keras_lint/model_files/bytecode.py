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
