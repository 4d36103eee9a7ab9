"""The citizen's activity log (EUDI ARF DASH_03): every time the person's data left
onetrip. Names only, never values. Each entry is written only as a part of the transaction
that records what it logs, beside that record:

- `ActivityLog` (Registry table, PERSON#<personId> / ACTIVITY#<at>#<entryId>): an agency
  pulled a linked update's values (`reference` = the notificationId);
- `ActivityStore` (Credentials table, PERSON#<personId> / ACT#<at>#<reference>): a
  presentation of the person's credentials to a venue, an e-proof shared with an agency.

`GET /credentials/activity` shows both, newest first (logic/credentials/wallet.py).
"""

from __future__ import annotations

from typing import Any

from onetrip.clock import new_id
from onetrip.dal.models import Write, bound
from onetrip.dal.models.registry import ActivityEntry
from onetrip.dal.models.verifications import StoredActivity
from onetrip.domain.verification import ActivityEntry as LoggedActivity

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


_SK = "ACT#"


class ActivityStore:
    def __init__(self, table: str) -> None:
        self.model = bound(StoredActivity, table)

    def entry(self, person_id: str, entry: LoggedActivity) -> Write:
        item = self.model(
            f"PERSON#{person_id}", f"{_SK}{entry.at}#{entry.reference}",
            at=entry.at, party=entry.party, party_kind=entry.party_kind, type=entry.type,
            claims=list(entry.claims), result=entry.result, purpose=entry.purpose,
            reference=entry.reference, legal_basis=entry.legal_basis, reason=entry.reason,
        )  # fmt: skip
        return Write.put("activity", item, self.model.pk.does_not_exist())

    def for_person(self, person_id: str, limit: int = 200) -> list[LoggedActivity]:
        """Newest first."""
        items = self.model.query(
            f"PERSON#{person_id}", self.model.sk.startswith(_SK), scan_index_forward=False,
            limit=limit, consistent_read=True,
        )  # fmt: skip
        return [
            LoggedActivity(
                at=i.at,
                party=i.party,
                party_kind=i.party_kind,
                type=i.type,
                claims=list(i.claims or []),
                result=i.result,
                purpose=i.purpose,
                reference=i.reference,
                legal_basis=i.legal_basis,
                reason=i.reason,
            )  # fmt: skip
            for i in items
        ]
