"""`onetrip verify` — a venue's own verifier, online or offline.

The same checks as the verification service (`onetrip.vc.verify.verify_presentation`,
reported as API.md's seven by `onetrip.domain.verification.api_checks`), working from the
issuer's metadata and status lists cached on disk under `.build/local/verifier-cache/`:
- online, each run fetches what it needs (issuer keys for their max-age, each status list
  for its `ttl`) and keeps a copy; if the network fails it falls back to the copy;
- `--offline` uses only the copies (a hotel whose network is down still verifies) and
  reports how old its status list is, so the desk can judge a revocation it may not see.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from onetrip.domain.credential_types import CREDENTIAL_TYPES
from onetrip.domain.verification import api_checks, failed_check
from onetrip.vc.sdjwt import Disclosure, SdJwtFormatError, split
from onetrip.vc.trust import IssuerKeys, StatusLists
from onetrip.vc.verify import verify_presentation

from onetrip_local.template import BUILD_DIR

CACHE_DIR = BUILD_DIR / "verifier-cache"
METADATA_PATH = "/.well-known/jwt-vc-issuer"
TIMEOUT = 10


class Unavailable(LookupError):
    """Neither the network nor the cache has it."""


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@dataclass
class Cache:
    """Issuer metadata and status-list tokens as last fetched, with when."""

    url: str
    directory: Path = CACHE_DIR
    offline: bool = False
    fell_back: list[str] = field(default_factory=list)  # what came from the cache online
    fetched_at: dict[str, int] = field(default_factory=dict)  # status-list URI -> when

    def _path(self, name: str) -> Path:
        return self.directory / name

    def _keep(self, name: str, record: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self._path(f"{name}.tmp")
        partial.write_text(json.dumps(record))
        partial.replace(self._path(name))

    def _kept(self, name: str, what: str) -> dict[str, Any]:
        path = self._path(name)
        if not path.exists():
            raise Unavailable(f"no cached {what}: run `onetrip verify` once online first")
        record: dict[str, Any] = json.loads(path.read_text())
        return record

    def _get(self, url: str) -> str:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - http(s)
            return str(response.read().decode("utf-8"))

    def metadata(self) -> dict[str, Any]:
        name = "issuer.json"
        if not self.offline:
            try:
                metadata = json.loads(self._get(self.url.rstrip("/") + METADATA_PATH))
                self._keep(name, {"fetchedAt": int(time.time()), "metadata": metadata})
                return dict(metadata)
            except (urllib.error.URLError, OSError, ValueError):
                self.fell_back.append("issuer keys")
        return dict(self._kept(name, "issuer keys")["metadata"])

    def status_list(self, uri: str) -> str:
        name = f"status-list-{hashlib.sha256(uri.encode()).hexdigest()[:16]}.json"
        if not self.offline:
            try:
                token = self._get(self._local_url(uri))
                now = int(time.time())
                self._keep(name, {"uri": uri, "fetchedAt": now, "token": token})
                self.fetched_at[uri] = now
                return token
            except (urllib.error.URLError, OSError, ValueError):
                self.fell_back.append(f"status list {uri}")
        record = self._kept(name, f"status list {uri}")
        self.fetched_at[uri] = int(record["fetchedAt"])
        return str(record["token"])

    def _local_url(self, uri: str) -> str:
        """The list's path on the API we were pointed at (the issuer's public host serves
        the same bytes; locally that host is the emulated CloudFront)."""
        parts = urlsplit(uri)
        return self.url.rstrip("/") + parts.path


def requested_in(presentation: str) -> list[str]:
    """The claim names a presentation discloses (when the desk did not say what it asked)."""
    try:
        _, disclosures, _ = split(presentation)
        return [Disclosure.decode(d).name for d in disclosures]
    except SdJwtFormatError:
        return []


def verify_file(
    presentation: str,
    *,
    nonce: str,
    audience: str,
    url: str,
    offline: bool = False,
    claims: list[str] | None = None,
    type_: str | None = None,
    directory: Path = CACHE_DIR,
) -> dict[str, Any]:
    """The verdict as API.md reports it, plus how fresh the trust it used was."""
    cache = Cache(url, directory, offline=offline)

    def clock() -> int:
        return int(time.time())

    metadata = cache.metadata()
    issuer = str(metadata.get("issuer", ""))
    keys = IssuerKeys(issuer, lambda: metadata, clock)
    statuses = StatusLists(cache.status_list, keys, clock, honour_ttl=not offline)
    result = verify_presentation(
        presentation.strip(),
        keys=keys,
        statuses=statuses,
        expected_issuer=issuer,
        audience=audience,
        nonce=nonce,
        requested_claims=claims if claims else requested_in(presentation.strip()),
        expected_vct=CREDENTIAL_TYPES[type_].vct if type_ else None,
        now=clock(),
    )
    checks = api_checks(result)
    report: dict[str, Any] = {
        "status": "verified" if result.verified else "rejected",
        "checks": checks,
        "claims": result.claims,
        "offline": offline or bool(cache.fell_back),
    }
    failed = failed_check(checks)
    if failed:
        report |= {"failedCheck": failed, "reason": checks[failed]["code"]}
    if result.status_list_age is not None:
        report["statusListAge"] = result.status_list_age
        if cache.fetched_at:
            report["statusListFetchedAt"] = _iso(min(cache.fetched_at.values()))
    if cache.fell_back:
        report["fromCache"] = cache.fell_back
    return report
