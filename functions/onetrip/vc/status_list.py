"""IETF Token Status List (draft-ietf-oauth-status-list): the list, its encoding, its token.

Entry i occupies `bits` bits starting at bit i*bits, counted from the least significant bit
of each byte (§4.1); the byte array is ZLIB-compressed and base64url-encoded into `lst`
(§4.2). Decoding is bounded: a few hundred bytes of `lst` can inflate to gigabytes.
Section numbers are those of the draft's text at oauth-wg/draft-ietf-oauth-status-list
2fb61cd (2026).
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any

from onetrip.vc.b64 import b64url_decode, b64url_encode
from onetrip.vc.jws import JwsError, KeyResolver, verify_compact

STATUS_LIST_TYP = "statuslist+jwt"  # §5.1
ALLOWED_BITS = (1, 2, 4, 8)  # §4.1 step 1
# A 2^20-entry list at 8 bits is 1 MiB; anything past 4 MiB is not a list we would publish.
DEFAULT_MAX_BYTES = 4 * 1024 * 1024


class Status(IntEnum):
    """§7.1 status types. INVALID is final; SUSPENDED may return to VALID."""

    VALID = 0
    INVALID = 1
    SUSPENDED = 2


class StatusList:
    def __init__(self, size: int, bits: int = 2) -> None:
        _check_bits(bits)
        if size <= 0:
            raise ValueError("a status list has at least one entry")
        self.bits = bits
        self._per_byte = 8 // bits
        self._mask = (1 << bits) - 1
        self._bytes = bytearray(-(-size // self._per_byte))
        self.size = size

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise IndexError(f"status index {index} outside 0..{self.size - 1}")
        return index // self._per_byte, (index % self._per_byte) * self.bits

    def get(self, index: int) -> int:
        position, shift = self._locate(index)
        return (self._bytes[position] >> shift) & self._mask

    def set(self, index: int, value: int) -> None:
        if not 0 <= value <= self._mask:
            raise ValueError(f"status {value} does not fit in {self.bits} bit(s)")
        position, shift = self._locate(index)
        self._bytes[position] = (self._bytes[position] & ~(self._mask << shift) & 0xFF) | (
            value << shift
        )

    def change_status(self, index: int, status: Status) -> bool:
        """Set a credential's status under the lifecycle rule: INVALID is final (revocation
        is irreversible), SUSPENDED may return to VALID. True when the bit changed."""
        current = self.get(index)
        if current == status:
            return False
        if current == Status.INVALID:
            raise ValueError(
                f"status index {index} is INVALID for good: it cannot become {status.name}"
            )
        self.set(index, status)
        return True

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def encode(self, level: int = 9) -> str:
        """`lst`: base64url(ZLIB(bytes)), highest compression as §4.1 step 4 recommends.

        On a 2^20 x 2-bit list with 1 % set, level 9 takes ~10x the time of level 6 for
        a 16 % smaller list; a publisher under time pressure may pass a lower level."""
        return b64url_encode(zlib.compress(self._bytes, level=level))

    def to_json(self) -> dict[str, Any]:
        return {"bits": self.bits, "lst": self.encode()}

    @classmethod
    def from_bytes(cls, data: bytes, bits: int) -> StatusList:
        _check_bits(bits)
        if not data:
            raise ValueError("status list is empty")
        status_list = cls(len(data) * (8 // bits), bits)
        status_list._bytes[:] = data
        return status_list

    @classmethod
    def decode(cls, lst: str, bits: int, max_bytes: int = DEFAULT_MAX_BYTES) -> StatusList:
        """Inverse of `encode`; ValueError for bad bits, empty/garbled `lst` or a bomb."""
        _check_bits(bits)
        if not isinstance(lst, str) or not lst:
            raise ValueError("status list 'lst' is empty")
        compressed = b64url_decode(lst)
        inflater = zlib.decompressobj()  # wbits=15 takes every valid ZLIB header (RFC 1950)
        try:
            data = inflater.decompress(compressed, max_bytes)
        except zlib.error as error:
            raise ValueError(f"status list 'lst' is not ZLIB data: {error}") from None
        if inflater.unconsumed_tail:
            raise ValueError(f"status list inflates past {max_bytes} bytes")
        if not inflater.eof:
            raise ValueError("status list 'lst' is truncated ZLIB data")
        if inflater.unused_data:
            raise ValueError("status list 'lst' has bytes after the ZLIB stream")
        return cls.from_bytes(data, bits)


def _check_bits(bits: Any) -> None:
    if type(bits) is not int or bits not in ALLOWED_BITS:
        raise ValueError(f"status list 'bits' must be one of {ALLOWED_BITS}, got {bits!r}")


def status_list_payload(
    *, uri: str, lst_obj: Mapping[str, Any], iat: int, exp: int, ttl: int
) -> dict[str, Any]:
    """§5.1 claims: `sub` is the list's own URI, `ttl` how long verifiers may cache it."""
    return {"sub": uri, "iat": iat, "exp": exp, "ttl": ttl, "status_list": dict(lst_obj)}


def cacheable_until(payload: Mapping[str, Any], *, fetched_at: int, skew: int = 30) -> int:
    """Until when a verifier may use a fetched list: min(exp, fetched + ttl) minus a margin
    (Security Considerations, "Expiration and Caching"): a longer cache hides revocations."""
    limits = [fetched_at + payload["ttl"]] if type(payload.get("ttl")) is int else []
    if type(payload.get("exp")) is int:
        limits.append(payload["exp"])
    return (min(limits) if limits else fetched_at) - skew


def status_list_header() -> dict[str, Any]:
    return {"typ": STATUS_LIST_TYP}


def read_status_list_token(
    token: str,
    keys: KeyResolver,
    *,
    uri: str,
    now: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[StatusList, dict[str, Any]]:
    """Verify a Status List Token (§8.3) and decode its list; ValueError if unusable.

    Returns the list and the verified payload (its `iat`/`ttl` say how fresh it is).
    """
    header, payload = verify_compact(token, keys)
    if header.get("typ") != STATUS_LIST_TYP:
        raise JwsError("malformed", f"status list token 'typ' must be {STATUS_LIST_TYP!r}")
    if payload.get("sub") != uri:
        raise ValueError("status list token 'sub' is not the URI it was fetched from")
    exp = payload.get("exp")
    if exp is not None and (not isinstance(exp, int) or exp <= now):
        raise ValueError("status list token has expired")
    body = payload.get("status_list")
    if not isinstance(body, dict):
        raise ValueError("status list token lacks 'status_list'")
    return StatusList.decode(body.get("lst"), body.get("bits"), max_bytes), payload  # type: ignore[arg-type]


def random_index(
    size: int,
    taken: Callable[[int], bool] | None = None,
    *,
    attempts: int = 64,
) -> int:
    """A uniformly random free index (herd privacy, EUDI ARF VCR_17; never reused).

    `taken` says whether an index was ever handed out. LookupError after `attempts`
    collisions: the caller should open a new shard long before a list gets that full.
    """
    for _ in range(attempts):
        index = secrets.randbelow(size)
        if taken is None or not taken(index):
            return index
    raise LookupError("status list has no free index left: open a new shard")
