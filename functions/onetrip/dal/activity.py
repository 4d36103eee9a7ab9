"""The citizen's activity log (Registry table): every time the person's data left onetrip.

Item shape (PERSON#<personId> / ACTIVITY#<at>#<entryId>), the same as the entries of
`GET /credentials/activity` (API.md): `{at, party, partyKind, type, claims, result}` plus
an optional `reference` (here the notificationId). Field names only, never values.
"""

from __future__ import annotations

from typing import Any

from onetrip.clock import new_id
from onetrip.dal.models import Write, bound
from onetrip.dal.models.registry import ActivityEntry

_PREFIX = "ACTIVITY#"


class ActivityLog:
    def __init__(self, table: str) -> None:
        self.entries = bound(ActivityEntry, table)

    def entry(
        self,
        person_id: str,
        *,
        at: str,
        party: str,
        party_kind: str,
        type: str,
        claims: list[str],
        result: str,
        reference: str | None = None,
    ) -> Write:
        entry_id = new_id("act")
        item = self.entries(
            f"PERSON#{person_id}",
            f"{_PREFIX}{at}#{entry_id}",
            entry_id=entry_id,
            at=at,
            party=party,
            party_kind=party_kind,
            type=type,
            claims=list(claims),
            result=result,
            reference=reference,
        )
        return Write.put("activity", item, self.entries.pk.does_not_exist())

    def of_person(self, person_id: str) -> list[dict[str, Any]]:
        """Oldest first, as the API shows them (no internal keys)."""
        found = self.entries.query(
            f"PERSON#{person_id}", self.entries.sk.startswith(_PREFIX), consistent_read=True
        )
        return [
            {k: v for k, v in item.to_record().items() if k not in ("pk", "sk", "entryId")}
            for item in found
        ]
