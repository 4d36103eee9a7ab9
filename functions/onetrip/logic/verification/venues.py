"""Registering venues (issuer_admin) and a venue reading its own registration."""

from __future__ import annotations

from datetime import datetime

from onetrip.clock import iso, new_id
from onetrip.domain.access import Caller, Role
from onetrip.domain.venues import Venue, VenueKind
from onetrip.errors import Forbidden, NotFound
from onetrip.logic.verification.stores import VerificationStores

_NO_VENUE = "No such venue."


def register(
    stores: VerificationStores, caller: Caller, *, name: str, kind: VenueKind, district: str,
    at: datetime,
) -> Venue:  # fmt: skip
    caller.require(Role.ISSUER_ADMIN)
    venue = Venue(new_id("ven"), name, kind, district, iso(at))
    stores.venues.put_new(venue)
    return venue


def get(stores: VerificationStores, caller: Caller, venue_id: str) -> Venue:
    """issuer_admin: any; a venue: only itself (404 otherwise, like every other record)."""
    caller.require(Role.ISSUER_ADMIN, Role.VENUE)
    if not caller.has(Role.ISSUER_ADMIN) and caller.venue != venue_id:
        raise NotFound(detail=_NO_VENUE)
    venue = stores.venues.get(venue_id)
    if venue is None:
        raise NotFound(detail=_NO_VENUE)
    return venue


def calling_venue(stores: VerificationStores, caller: Caller) -> Venue:
    """The registered venue a venue token speaks for (custom:venue)."""
    caller.require(Role.VENUE)
    venue = stores.venues.get(caller.venue) if caller.venue else None
    if venue is None:
        raise Forbidden(detail="The token names no registered venue (custom:venue).")
    return venue
