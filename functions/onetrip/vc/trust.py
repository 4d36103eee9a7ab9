"""What a verifier trusts, cached: the issuer's published keys and its status lists.

Pure like the rest of the package: the fetching is passed in (the verifier Lambda reads
the issuer's table and bucket, `onetrip verify` reads HTTP or its own cache files) and so
is the clock. Both caches follow the issuer's rules:
- keys come only from the issuer metadata's `jwks` (never from a token); a `kid` not seen
  yet makes one early refresh (a rotation published a new key), at most every
  `min_refresh` seconds, so garbage `kid`s cannot turn every request into a fetch;
- a status list is used until min(`exp`, fetched + `ttl`) minus a margin
  (`cacheable_until`), never longer: a longer cache would hide a revocation. Offline,
  `honour_ttl=False` keeps using the last list fetched and reports its age instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from onetrip.vc.jws import PublicKey, parse_public_jwk
from onetrip.vc.status_list import cacheable_until, read_status_list_token
from onetrip.vc.verify import ResolvedStatusList

Clock = Callable[[], int]  # Unix seconds


@dataclass
class IssuerKeys:
    """A `KeyResolver` over the issuer metadata's JWKS (`{issuer, jwks: {keys}}`)."""

    issuer: str
    fetch_metadata: Callable[[], Mapping[str, Any]]
    clock: Clock
    max_age: int = 300  # the metadata's Cache-Control max-age
    min_refresh: int = 10

    def __post_init__(self) -> None:
        self._keys: dict[str, PublicKey] = {}
        self._fetched_at: int | None = None

    def __call__(self, iss: str, header: Mapping[str, Any]) -> PublicKey:
        if iss != self.issuer:
            raise LookupError(f"{iss!r} is not the issuer this verifier trusts")
        kid = header.get("kid")
        now = self.clock()
        stale = self._fetched_at is None or now - self._fetched_at >= self.max_age
        unseen = kid not in self._keys and (
            self._fetched_at is None or now - self._fetched_at >= self.min_refresh
        )
        if stale or unseen:
            self._load(now)
        if not isinstance(kid, str) or kid not in self._keys:
            raise LookupError(f"no published key with kid {kid!r}")
        return self._keys[kid]

    def _load(self, now: int) -> None:
        metadata = self.fetch_metadata()
        if metadata.get("issuer") != self.issuer:
            raise LookupError("the issuer metadata names another issuer")
        keys: dict[str, PublicKey] = {}
        for jwk in (metadata.get("jwks") or {}).get("keys", []):
            try:
                keys[str(jwk["kid"])] = parse_public_jwk(jwk)
            except (KeyError, ValueError, TypeError):
                continue  # a key we cannot use verifies nothing
        self._keys, self._fetched_at = keys, now

    def for_header(self, header: Mapping[str, Any]) -> PublicKey:
        """The jws.KeyResolver shape (header only): status-list tokens are the issuer's."""
        return self(self.issuer, header)


@dataclass(frozen=True)
class _Cached:
    resolved: ResolvedStatusList
    iat: int
    until: int


@dataclass
class StatusLists:
    """A `StatusResolver`: fetch (token text by URI; LookupError if unreachable), verify
    with the issuer's keys, decode, cache. `age` is seconds since the list was signed."""

    fetch: Callable[[str], str]
    keys: IssuerKeys
    clock: Clock
    honour_ttl: bool = True

    def __post_init__(self) -> None:
        self._cache: dict[str, _Cached] = {}

    def __call__(self, uri: str) -> ResolvedStatusList:
        now = self.clock()
        cached = self._cache.get(uri)
        if cached is not None and (not self.honour_ttl or now < cached.until):
            return ResolvedStatusList(cached.resolved.status_list, max(0, now - cached.iat))
        token = self.fetch(uri)
        # An unusable token is a ValueError (JwsError is one): the check reports it.
        status_list, payload = read_status_list_token(token, self.keys.for_header, uri=uri, now=now)
        signed_at = payload.get("iat")
        iat = signed_at if isinstance(signed_at, int) else now
        resolved = ResolvedStatusList(status_list, max(0, now - iat))
        self._cache[uri] = _Cached(resolved, iat, cacheable_until(payload, fetched_at=now))
        return resolved
