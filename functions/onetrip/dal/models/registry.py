"""The Registry table (户籍): persons, the ID-number index and audit entries."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from onetrip.dal.models.attributes import DocumentAttribute
from onetrip.dal.models.base import TableModel


class PersonItem(TableModel):
    """PERSON#<personId> / PROFILE: the person, the system of record.

    `version` is a plain number, not a VersionAttribute: the domain moves it
    (`with_changes`), the API shows it and applications pin it (`baseVersion`), so the
    store writes the version it is given under the condition the caller states."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="PROFILE")
    person_id = UnicodeAttribute()
    id_number = UnicodeAttribute()
    surname = UnicodeAttribute()
    given_name = UnicodeAttribute()
    gender = UnicodeAttribute()
    birth_date = UnicodeAttribute()
    ethnicity = UnicodeAttribute()
    version = NumberAttribute()
    updated_at = UnicodeAttribute()
    created_at = UnicodeAttribute()
    district = UnicodeAttribute(null=True)
    former_id_numbers = ListAttribute(of=UnicodeAttribute, default=list)


class IdNumberEntry(TableModel):
    """ID#<hmac(idNumber)> / ID: which person a number (current or former) belongs to."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="ID")
    person_id = UnicodeAttribute(attr_name="personId")
    current = BooleanAttribute(default=True)


class AuditEntry(TableModel):
    """PERSON#<personId> / AUDIT#<at>#<applicationId>: what an approval changed."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    application_id = UnicodeAttribute(attr_name="applicationId")
    at = UnicodeAttribute()
    kind = UnicodeAttribute(null=True)
    changes = DocumentAttribute(null=True)
    from_version = NumberAttribute(attr_name="fromVersion", null=True)
    to_version = NumberAttribute(attr_name="toVersion", null=True)
    by = UnicodeAttribute(null=True)


class ActivityEntry(TableModel):
    """PERSON#<personId> / ACTIVITY#<at>#<entryId>: one disclosure of the person's data
    (who, which field names, when, outcome): names only, never values (EUDI DASH_03)."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entry_id = UnicodeAttribute(attr_name="entryId")
    at = UnicodeAttribute()
    party = UnicodeAttribute()  # e.g. the agency, the venue id
    party_kind = UnicodeAttribute(attr_name="partyKind")  # agency | venue | ...
    type = UnicodeAttribute()  # what was shared: linked_update_pull, resident_id, ...
    claims = ListAttribute(of=UnicodeAttribute)  # field / claim names
    result = UnicodeAttribute()  # disclosed | verified | rejected | ...
    reference = UnicodeAttribute(null=True)  # e.g. the notificationId
