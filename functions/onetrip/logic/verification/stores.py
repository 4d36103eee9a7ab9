"""What the verification use cases work on, built once per cold start (handlers/wiring.py).

The trust caches live as long as the stores: the issuer's keys for the metadata's
max-age, each status list for its `ttl` (vc/trust.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from onetrip.clock import now
from onetrip.dal.activity import ActivityStore
from onetrip.dal.issuer_keys import IssuerKeyStore
from onetrip.dal.registry import RegistryStore
from onetrip.dal.status_objects import PREFIX, StatusObjects
from onetrip.dal.verifications import VenueStore, VerificationStore
from onetrip.logic.credentials.keys import issuer_metadata
from onetrip.vc.trust import IssuerKeys, StatusLists


@dataclass(frozen=True)
class VerificationStores:
    venues: VenueStore
    verifications: VerificationStore
    activity: ActivityStore
    registry: RegistryStore
    keys: IssuerKeys
    statuses: StatusLists
    issuer_url: str

    @classmethod
    def build(
        cls,
        *,
        verifications_table: str,
        credentials_table: str,
        registry_table: str,
        issuer_keys_table: str,
        status_list_bucket: str,
        issuer_url: str,
    ) -> VerificationStores:
        issuer = issuer_url.rstrip("/")
        key_store = IssuerKeyStore(issuer_keys_table)
        objects = StatusObjects(status_list_bucket)

        def clock() -> int:
            return int(time.time())

        # A kid not seen yet re-reads the key table at once (one Query): a credential
        # signed by a key rotated in a moment ago must verify, and every caller is a
        # signed-in citizen, so unknown kids cannot be sprayed anonymously.
        keys = IssuerKeys(
            issuer, lambda: issuer_metadata(issuer, key_store.all(), now()), clock,
            min_refresh=0,
        )  # fmt: skip

        def fetch(uri: str) -> str:
            """Our own lists, read where CloudFront serves them from (the same bytes)."""
            prefix = f"{issuer}/{PREFIX}"
            if not uri.startswith(prefix):
                raise LookupError("not a status list of this issuer")
            token = objects.get(uri.removeprefix(prefix))
            if token is None:
                raise LookupError("no such status list")
            return token

        return cls(
            venues=VenueStore(verifications_table),
            verifications=VerificationStore(verifications_table),
            activity=ActivityStore(credentials_table),
            registry=RegistryStore(registry_table),
            keys=keys,
            statuses=StatusLists(fetch, keys, clock),
            issuer_url=issuer,
        )

    def request_uri(self, verification_id: str) -> str:
        return f"{self.issuer_url}/verifications/{verification_id}/request"
