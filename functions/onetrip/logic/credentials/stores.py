"""The storage and key store the credential use cases work on, built once from settings."""

from __future__ import annotations

from dataclasses import dataclass

from onetrip.dal.activity import ActivityLog, ActivityStore
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.credentials import CredentialStore
from onetrip.dal.issuer_keys import IssuerKeyStore
from onetrip.dal.registry import RegistryStore
from onetrip.dal.status_lists import StatusListStore
from onetrip.dal.status_objects import StatusObjects
from onetrip.settings import Settings


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

    @classmethod
    def from_settings(cls, settings: Settings) -> CredentialStores:
        return cls(
            registry=RegistryStore(settings.registry_table),
            credentials=CredentialStore(settings.credentials_table),
            status_lists=StatusListStore(settings.status_lists_table),
            keys=IssuerKeyStore(settings.issuer_keys_table),
            objects=StatusObjects(settings.status_list_bucket),
            applications=ApplicationStore(settings.applications_table),
            activity=ActivityStore(settings.credentials_table),
            agency_pulls=ActivityLog(settings.registry_table),
            issuer_url=settings.issuer_url.rstrip("/"),
            first_key_id=settings.issuer_key_id,
        )

    def status_uri(self, list_id: str) -> str:
        return f"{self.issuer_url}/status-lists/{list_id}"
