"""Agency records: what each agency holds about a person, kept equal to the registry."""

from __future__ import annotations

from datetime import date
from typing import Any

from onetrip.clock import now_iso
from onetrip.dal.agency_records import AgencyRecordStore
from onetrip.dal.models import TransactionCancelled, transact
from onetrip.domain import ethnicity, id_number
from onetrip.domain.access import Caller, Role
from onetrip.domain.identity_rules import birth_date_errors, name_errors
from onetrip.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from onetrip.routing import HELD_FIELDS, Agency

# Who may keep agency records: the agency's own system, or a registrar seeding them.
WRITERS = (Role.AGENCY, Role.REGISTRAR)


def _agency(name: str) -> Agency:
    try:
        return Agency(name)
    except ValueError:
        raise NotFound(detail=f"Unknown agency: {name}.") from None


def authorize(caller: Caller, agency_name: str) -> Agency:
    """The agency's own system, or a registrar seeding records."""
    agency = _agency(agency_name)
    if caller.has(Role.REGISTRAR):
        return agency
    if caller.has(Role.AGENCY):
        if caller.agency != agency.value:
            raise Forbidden(detail="An agency system may only use its own records.")
        return agency
    caller.require(*WRITERS)
    return agency


def as_api(agency: Agency, record: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"agency": agency.value, "idNumber": record["idNumber"]}
    for held in HELD_FIELDS[agency]:
        body[held.value] = record.get(held.value)
    body.update(
        reference=record["reference"], version=record["version"], updatedAt=record["updatedAt"]
    )
    if record.get("lastApplicationId"):
        body["lastApplicationId"] = record["lastApplicationId"]
    return body


def _errors(agency: Agency, fields: dict[str, Any]) -> list[FieldError]:
    held = {f.value for f in HELD_FIELDS[agency]}
    errors = [
        FieldError(name, f"is not held by {agency.value}")
        for name in fields
        if name not in held and name != "reference"
    ]
    errors += [FieldError(name, "is required") for name in sorted(held) if fields.get(name) is None]
    if not fields.get("reference"):
        errors.append(FieldError("reference", "must not be blank"))
    if errors:
        return errors
    errors = id_number.validate(fields["idNumber"], field="idNumber")
    for name_field in ("surname", "givenName"):
        errors += name_errors(fields[name_field], field=name_field)
    if "ethnicity" in held:
        errors += ethnicity.validate(fields["ethnicity"], field="ethnicity")
    if "birthDate" in held:
        errors += birth_date_errors(fields["birthDate"], field="birthDate")
    if not errors:
        errors += id_number.consistency_errors(
            fields["idNumber"],
            birth_date=fields.get("birthDate"),
            gender=fields.get("gender"),
        )
    return errors


def upsert(
    store: AgencyRecordStore, caller: Caller, agency_name: str, fields: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Create or replace the record keyed by the ID number; (record, created)."""
    agency = authorize(caller, agency_name)
    fields = dict(fields)
    if fields.get("idNumber"):
        fields["idNumber"] = id_number.normalize(fields["idNumber"])
    for text_field in ("surname", "givenName", "reference"):
        if isinstance(fields.get(text_field), str):
            fields[text_field] = fields[text_field].strip()  # as the registry stores names
    errors = _errors(agency, fields)
    if errors:
        raise InvalidInput(detail="The agency record is not valid.", errors=errors)
    existing = store.find(agency.value, fields["idNumber"])
    record = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()}
    if existing is not None:
        # A former number finds the re-keyed record: it keeps the current number.
        record = {**existing, **record, "idNumber": existing["idNumber"]}
    record.update(
        version=(existing["version"] + 1) if existing else 1,
        updatedAt=now_iso(),
    )
    try:
        transact(
            [
                store.put_record(
                    agency.value,
                    record,
                    expected_version=existing["version"] if existing else None,
                )
            ]
        )
    except TransactionCancelled as cancelled:
        raise Conflict(detail="The record changed meanwhile; send it again.") from cancelled
    return as_api(agency, record), existing is None


def lookup(
    store: AgencyRecordStore, caller: Caller, agency_name: str, id_no: str
) -> dict[str, Any]:
    agency = authorize(caller, agency_name)
    record = store.find(agency.value, id_number.normalize(id_no))
    if record is None:
        raise NotFound(detail=f"{agency.value} holds no record for this ID number.")
    return as_api(agency, record)
