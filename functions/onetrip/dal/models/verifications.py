"""The Verifications table (venues and their verification requests) and the activity
log's items, which live in the Credentials table beside the credentials they are about."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from onetrip.dal.models.attributes import DocumentAttribute
from onetrip.dal.models.base import TableModel


class StoredVenue(TableModel):
    """Verifications: VENUE#<venueId> / VENUE."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="VENUE")
    venue_id = UnicodeAttribute(attr_name="venueId")
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    district = UnicodeAttribute()
    created_at = UnicodeAttribute(attr_name="createdAt")


class StoredVerification(TableModel):
    """Verifications: VER#<verificationId> / VER. Python names are the fields of
    `domain.verification.Verification`; `expireAt` is the table's TTL attribute."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="VER")
    verification_id = UnicodeAttribute(attr_name="verificationId")
    venue_id = UnicodeAttribute(attr_name="venueId")
    venue_name = UnicodeAttribute(attr_name="venueName")
    venue_kind = UnicodeAttribute(attr_name="venueKind")
    type = UnicodeAttribute()
    claims = ListAttribute(of=UnicodeAttribute)  # type: ignore[var-annotated]
    purpose = UnicodeAttribute()
    nonce = UnicodeAttribute()
    audience = UnicodeAttribute()
    created_at = UnicodeAttribute(attr_name="createdAt")
    expires_at = UnicodeAttribute(attr_name="expiresAt")
    status = UnicodeAttribute()
    checks = DocumentAttribute(null=True)
    disclosed = DocumentAttribute(null=True)  # the disclosed values, for the venue only
    failed_check = UnicodeAttribute(attr_name="failedCheck", null=True)
    reason = UnicodeAttribute(null=True)
    presented_at = UnicodeAttribute(attr_name="presentedAt", null=True)
    expire_at = NumberAttribute(attr_name="expireAt")


class StoredActivity(TableModel):
    """Credentials: PERSON#<personId> / ACT#<at>#<reference>. Claim names, never values."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    party = UnicodeAttribute()
    party_kind = UnicodeAttribute(attr_name="partyKind")
    type = UnicodeAttribute()
    claims = ListAttribute(of=UnicodeAttribute)  # type: ignore[var-annotated]
    result = UnicodeAttribute()
    purpose = UnicodeAttribute(null=True)
    reference = UnicodeAttribute()
    legal_basis = UnicodeAttribute(attr_name="legalBasis", null=True)
    reason = UnicodeAttribute(null=True)
