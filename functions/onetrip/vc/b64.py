"""base64url without padding (RFC 7515 §2, RFC 4648 §5), decoded strictly.

Strict means: only the URL-safe alphabet, no padding, no whitespace, and the canonical
encoding only (unused trailing bits zero), so one byte string has exactly one text form.
"""

from __future__ import annotations

import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")
_URL_SAFE = bytes.maketrans(b"+/", b"-_")
_STANDARD = str.maketrans("-_", "+/")
_VALUES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Bits of the last character that carry no data: 2 chars = 12 bits for 1 byte, 3 = 18 for 2.
_UNUSED_BITS = {2: 0b1111, 3: 0b11}


def b64url_encode(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_URL_SAFE).decode()


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; ValueError saying what is wrong otherwise."""
    if not isinstance(text, str):
        raise ValueError("base64url value must be a string")
    if not _ALPHABET.fullmatch(text):
        raise ValueError("base64url value has a character outside A-Z a-z 0-9 - _ (or padding)")
    remainder = len(text) % 4
    if remainder == 1:
        raise ValueError("base64url value has an impossible length")
    if remainder and _VALUES.index(text[-1]) & _UNUSED_BITS[remainder]:
        raise ValueError("base64url value is not canonical (non-zero trailing bits)")
    try:
        return binascii.a2b_base64(text.translate(_STANDARD) + "=" * (-len(text) % 4))
    except binascii.Error as error:  # pragma: no cover - the checks above leave none
        raise ValueError(f"base64url value does not decode: {error}") from None
