"""Agency records (社保卡, 学籍, 出入境证件, 驾驶证, water, electricity, gas accounts).

Keyed by the keyed hash of the ID number the agency knows the person by:
  <agency>#<hmac(idNumber)> / RECORD   kind "record": the agency's data, `version`,
                                      `registryVersion` (the registry version it mirrors)
                                      kind "alias": a former number; `aliasOf` = new key
A re-keyed record leaves an alias behind, so the old number still finds it.
"""

from __future__ import annotations

from typing import Any

from onetrip.dal.id_hash import id_hash
from onetrip.dal.models import Write, bound
from onetrip.dal.models.agency_records import AgencyRecord

_MAX_ALIAS_HOPS = 10  # a person changing number ten times is far beyond any real case


def _pk(agency: str, key_hash: str) -> str:
    return f"{agency}#{key_hash}"


class AgencyRecordStore:
    def __init__(self, table: str) -> None:
        self.model = bound(AgencyRecord, table)

    def find(self, agency: str, id_number: str) -> dict[str, Any] | None:
        """The record an ID number (current or former) leads to, following aliases."""
        key_hash = id_hash(id_number)
        for _ in range(_MAX_ALIAS_HOPS):
            try:
                item = self.model.get(_pk(agency, key_hash), "RECORD", consistent_read=True)
            except self.model.DoesNotExist:
                return None
            if item.kind != "alias":
                return item.to_record()
            key_hash = str(item.alias_of)
        return None

    def put_record(
        self, agency: str, record: dict[str, Any], *, expected_version: int | None
    ) -> Write:
        """Write a record at its ID number's key.

        expected_version None: the key must be free (or only an alias, which a record
        re-keyed back to an earlier number replaces); else the stored version must match.
        """
        model = self.model
        item = model.from_record(
            {**record, "pk": _pk(agency, id_hash(record["idNumber"])), "kind": "record"}
        )
        if expected_version is None:
            condition = model.pk.does_not_exist() | (model.kind == "alias")
        else:
            condition = (model.version == expected_version) & (model.kind == "record")
        return Write.put("record", item, condition)

    def put_alias(
        self, agency: str, *, former: str, current: str, expected_version: int, at: str
    ) -> Write:
        """Replace the record under a former number by a pointer to the new key."""
        model = self.model
        alias = model(
            _pk(agency, id_hash(former)), kind="alias", alias_of=id_hash(current), updated_at=at
        )
        return Write.put(
            "alias", alias, (model.version == expected_version) & (model.kind == "record")
        )
