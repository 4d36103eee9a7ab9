"""The AgencyRecords table: each agency's record of a person, keyed by ID-number hash."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from onetrip.dal.models.base import TableModel


class AgencyRecord(TableModel):
    """<agency>#<hmac(idNumber)> / RECORD.

    kind "record": the agency's copy of the identity fields it holds, `version` (its own
    optimistic lock) and `registryVersion` (the registry version it mirrors);
    kind "alias": a former number's key, `aliasOf` = the hash the record moved to.
    """

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="RECORD")
    kind = UnicodeAttribute()
    alias_of = UnicodeAttribute(attr_name="aliasOf", null=True)
    id_number = UnicodeAttribute(attr_name="idNumber", null=True)
    surname = UnicodeAttribute(null=True)
    given_name = UnicodeAttribute(attr_name="givenName", null=True)
    gender = UnicodeAttribute(null=True)
    birth_date = UnicodeAttribute(attr_name="birthDate", null=True)
    ethnicity = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    # A plain number, not VersionAttribute: a record written where only an alias stood
    # starts from the version the caller computed, and its condition is "no record
    # here" (free key or alias), which VersionAttribute cannot express.
    version = NumberAttribute(null=True)
    registry_version = NumberAttribute(attr_name="registryVersion", null=True)
    updated_at = UnicodeAttribute(attr_name="updatedAt", null=True)
    last_application_id = UnicodeAttribute(attr_name="lastApplicationId", null=True)
