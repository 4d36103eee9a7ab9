"""The storage and key store the credential use cases work on, built by the composition root
(handlers/wiring.py)."""

from __future__ import annotations

from dataclasses import dataclass

from onetrip.dal.activity import ActivityLog, ActivityStore
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.credentials import CredentialStore
from onetrip.dal.issuer_keys import IssuerKeyStore
from onetrip.dal.registry import RegistryStore
from onetrip.dal.status_lists import StatusListStore
from onetrip.dal.status_objects import StatusObjects


@dataclass(frozen=True)
class CredentialStores:
    registry: RegistryStore
    credentials: CredentialStore
    status_lists: StatusListStore
    keys: IssuerKeyStore
    objects: StatusObjects
    applications: ApplicationStore
    activity: ActivityStore
    agency_pulls: ActivityLog  # linked-update values an agency pulled (Registry table)
    issuer_url: str
    first_key_id: str  # the stack's own KMS key, current until the first rotation

    def status_uri(self, list_id: str) -> str:
        return f"{self.issuer_url}/status-lists/{list_id}"
