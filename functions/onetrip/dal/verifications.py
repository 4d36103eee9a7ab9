"""The Verifications table: registered venues and their verification requests.

Items:
  VENUE#<venueId> / VENUE   a venue (name, kind, district)
  VER#<id> / VER            a request: what was asked, its nonce and audience, and once a
                            presentation came, the verdict per check and the disclosed
                            values (`expireAt`: DynamoDB's TTL deletes it a day later)
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from onetrip.clock import iso, parse_instant
from onetrip.dal.models import Write, bound
from onetrip.dal.models.verifications import StoredVenue, StoredVerification
from onetrip.domain.venues import Venue, VenueKind
from onetrip.domain.verification import KEPT_FOR, Outcome, Verification, VerificationStatus

_FIELDS = [f.name for f in fields(Verification)]


class VenueStore:
    def __init__(self, table: str) -> None:
        self.model = bound(StoredVenue, table)

    def get(self, venue_id: str) -> Venue | None:
        try:
            item = self.model.get(f"VENUE#{venue_id}", "VENUE", consistent_read=True)
        except self.model.DoesNotExist:
            return None
        return Venue(
            venue_id=item.venue_id, name=item.name, kind=VenueKind(item.kind),
            district=item.district, created_at=item.created_at,
        )  # fmt: skip

    def put_new(self, venue: Venue) -> None:
        self.model(
            f"VENUE#{venue.venue_id}", venue_id=venue.venue_id, name=venue.name,
            kind=venue.kind.value, district=venue.district, created_at=venue.created_at,
        ).save(condition=self.model.pk.does_not_exist())  # fmt: skip


class VerificationStore:
    def __init__(self, table: str) -> None:
        self.model = bound(StoredVerification, table)

    def get(self, verification_id: str) -> Verification | None:
        try:
            item = self.model.get(f"VER#{verification_id}", "VER", consistent_read=True)
        except self.model.DoesNotExist:
            return None
        values = {name: getattr(item, name) for name in _FIELDS}
        values["claims"] = list(values["claims"] or [])
        return Verification(**values)

    def put_new(self, verification: Verification) -> None:
        expire_at = int((parse_instant(verification.expires_at) + KEPT_FOR).timestamp())
        self.model(
            f"VER#{verification.verification_id}",
            expire_at=expire_at,
            **{name: getattr(verification, name) for name in _FIELDS},
        ).save(condition=self.model.pk.does_not_exist())

    def answer(self, verification: Verification, outcome: Outcome, *, at: datetime) -> Write:
        """The transaction part that records the verdict: only while the request is
        pending and unexpired (one presentation per request; label `answered`)."""
        model = self.model
        item = model(f"VER#{verification.verification_id}", "VER")
        actions = [
            model.status.set(outcome.status.value),
            model.checks.set(outcome.checks),
            model.presented_at.set(iso(at)),
        ]
        if outcome.disclosed:
            actions.append(model.disclosed.set(outcome.disclosed))
        if outcome.failed:
            actions += [model.failed_check.set(outcome.failed), model.reason.set(outcome.reason)]
        condition = (model.status == VerificationStatus.PENDING.value) & (
            model.expires_at > iso(at)
        )
        return Write.update("answered", item, actions, condition)
