"""The credential issuer's tables: Credentials, StatusLists, IssuerKeys."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from onetrip.dal.models.attributes import DocumentAttribute
from onetrip.dal.models.base import TableModel


class StoredCredential(TableModel):
    """Credentials: PERSON#<personId> / CRED#<credentialId>. Python names are the fields
    of `domain.credential.Credential`; claim names only, values only inside the SD-JWT."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    credential_id = UnicodeAttribute(attr_name="credentialId")
    person_id = UnicodeAttribute(attr_name="personId")
    type = UnicodeAttribute()
    status = UnicodeAttribute()
    issued_at = UnicodeAttribute(attr_name="issuedAt")
    expires_at = UnicodeAttribute(attr_name="expiresAt")
    kid = UnicodeAttribute()
    status_list = UnicodeAttribute(attr_name="statusList")
    status_index = NumberAttribute(attr_name="statusIndex")
    registry_version = NumberAttribute(attr_name="registryVersion")
    claims = ListAttribute(of=UnicodeAttribute)  # type: ignore[var-annotated]
    credential = UnicodeAttribute()
    holder_jwk = DocumentAttribute(attr_name="holderJwk", null=True)
    superseded_by = UnicodeAttribute(attr_name="supersededBy", null=True)
    replaces = UnicodeAttribute(null=True)
    application_id = UnicodeAttribute(attr_name="applicationId", null=True)
    revocation_reason = UnicodeAttribute(attr_name="revocationReason", null=True)
    revoked_at = UnicodeAttribute(attr_name="revokedAt", null=True)
    revoked_by = UnicodeAttribute(attr_name="revokedBy", null=True)
    audience = UnicodeAttribute(null=True)


class CredentialPointer(TableModel):
    """Credentials: CRED#<credentialId> / CRED -> the person whose partition holds it."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="CRED")
    person_id = UnicodeAttribute(attr_name="personId")


class StatusListEntry(TableModel):
    """StatusLists: every item kind of the table (see dal/status_lists.py)."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    list_id = UnicodeAttribute(attr_name="listId", null=True)  # LISTS / CURRENT
    published = BooleanAttribute(null=True)  # LISTS / CURRENT
    allocated = NumberAttribute(null=True)  # COUNT
    credential_id = UnicodeAttribute(attr_name="credentialId", null=True)  # IDX#<index>
    lst = UnicodeAttribute(null=True)  # BITS
    version = NumberAttribute(null=True)  # BITS
    published_version = NumberAttribute(attr_name="publishedVersion", null=True)  # BITS
    published_exp = NumberAttribute(attr_name="publishedExp", null=True)  # BITS


class StoredIssuerKey(TableModel):
    """IssuerKeys: KEYS / CURRENT and KEYS / KEY#<createdAt>#<kid>."""

    pk = UnicodeAttribute(hash_key=True, default="KEYS")
    sk = UnicodeAttribute(range_key=True)
    kid = UnicodeAttribute()
    key_id = UnicodeAttribute(attr_name="keyId")
    jwk = DocumentAttribute()
    created_at = UnicodeAttribute(attr_name="createdAt")
    retired_at = UnicodeAttribute(attr_name="retiredAt", null=True)
