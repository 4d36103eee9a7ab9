"""The citizen's activity log (EUDI ARF DASH_03): one item per presentation of their
credentials and per e-proof shared about them, in the Credentials table beside the
credentials (PERSON#<personId> / ACT#<at>#<reference>), so one Query reads it newest
first. Written only as a part of the transaction that records what it logs."""

from __future__ import annotations

from onetrip.dal.models import Write, bound
from onetrip.dal.models.verifications import StoredActivity
from onetrip.domain.verification import ActivityEntry

_SK = "ACT#"


class ActivityStore:
    def __init__(self, table: str) -> None:
        self.model = bound(StoredActivity, table)

    def entry(self, person_id: str, entry: ActivityEntry) -> Write:
        item = self.model(
            f"PERSON#{person_id}", f"{_SK}{entry.at}#{entry.reference}",
            at=entry.at, party=entry.party, party_kind=entry.party_kind, type=entry.type,
            claims=list(entry.claims), result=entry.result, purpose=entry.purpose,
            reference=entry.reference, legal_basis=entry.legal_basis, reason=entry.reason,
        )  # fmt: skip
        return Write.put("activity", item, self.model.pk.does_not_exist())

    def for_person(self, person_id: str, limit: int = 200) -> list[ActivityEntry]:
        """Newest first."""
        items = self.model.query(
            f"PERSON#{person_id}", self.model.sk.startswith(_SK), scan_index_forward=False,
            limit=limit, consistent_read=True,
        )  # fmt: skip
        return [
            ActivityEntry(
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
