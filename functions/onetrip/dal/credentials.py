"""The Credentials table: every credential issued, per person, and a pointer by id.

Items:
  PERSON#<personId> / CRED#<credentialId>   the credential (claim names, never values
                                             outside the SD-JWT itself)
  CRED#<credentialId> / CRED                 pointer -> personId (GET by id)

A person's credentials share a partition, so the wallet list and the re-issue chain read
them with one strongly consistent Query (a GSI could miss one issued a moment ago).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from onetrip.dal.models import Write, bound
from onetrip.dal.models.credentials import CredentialPointer, StoredCredential
from onetrip.domain.credential import Credential

_SK = "CRED#"
_FIELDS = [f.name for f in fields(Credential)]


def _credential(item: StoredCredential) -> Credential:
    values = {name: getattr(item, name) for name in _FIELDS}
    values["status_index"] = int(values["status_index"])
    values["registry_version"] = int(values["registry_version"])
    values["claims"] = list(values["claims"] or [])
    return Credential(**values)


class CredentialStore:
    def __init__(self, table: str) -> None:
        self.model = bound(StoredCredential, table)
        self.pointer = bound(CredentialPointer, table)

    def get(self, credential_id: str) -> Credential | None:
        try:
            pointer = self.pointer.get(f"{_SK}{credential_id}", "CRED", consistent_read=True)
            item = self.model.get(
                f"PERSON#{pointer.person_id}", f"{_SK}{credential_id}", consistent_read=True
            )
        except (self.pointer.DoesNotExist, self.model.DoesNotExist):
            return None
        return _credential(item)

    def for_person(self, person_id: str) -> list[Credential]:
        """Newest first."""
        items = self.model.query(
            f"PERSON#{person_id}", self.model.sk.startswith(_SK), consistent_read=True
        )
        return sorted((_credential(i) for i in items), key=lambda c: c.issued_at, reverse=True)

    def put_new(self, credential: Credential) -> list[Write]:
        item = self.model(
            f"PERSON#{credential.person_id}",
            f"{_SK}{credential.credential_id}",
            **{name: getattr(credential, name) for name in _FIELDS},
        )
        pointer = self.pointer(f"{_SK}{credential.credential_id}", person_id=credential.person_id)
        return [
            Write.put("credential", item, self.model.pk.does_not_exist()),
            Write.put("credential_pointer", pointer, self.pointer.pk.does_not_exist()),
        ]

    def transition(
        self,
        credential: Credential,
        *,
        from_statuses: Sequence[str],
        changes: Mapping[str, Any],
        label: str = "credential_status",
    ) -> Write:
        """Set `changes` (Credential field names) only while the status is one of
        `from_statuses`."""
        model = self.model
        item = model(f"PERSON#{credential.person_id}", f"{_SK}{credential.credential_id}")
        actions = [getattr(model, name).set(value) for name, value in changes.items()]
        return Write.update(label, item, actions, model.status.is_in(*from_statuses))
