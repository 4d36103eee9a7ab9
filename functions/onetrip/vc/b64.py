"""base64url without padding (RFC 7515 §2, RFC 4648 §5), decoded strictly.

Strict means: only the URL-safe alphabet, no padding, no whitespace, and the canonical
encoding only (unused trailing bits zero), so one byte string has exactly one text form.
"""

from __future__ import annotations

import base64
import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; ValueError saying what is wrong otherwise."""
    if not isinstance(text, str):
        raise ValueError("base64url value must be a string")
    if not _ALPHABET.fullmatch(text):
        raise ValueError("base64url value has a character outside A-Z a-z 0-9 - _ (or padding)")
    if len(text) % 4 == 1:
        raise ValueError("base64url value has an impossible length")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:  # pragma: no cover - the checks above leave none
        raise ValueError(f"base64url value does not decode: {error}") from None
    if b64url_encode(data) != text:
        raise ValueError("base64url value is not canonical (non-zero trailing bits)")
    return data
