"""The rules a person's identity fields must satisfy, one FieldError per failure.

Shared by registration (POST /persons) and by the new values of an identity change.
"""

from __future__ import annotations

from datetime import date

from onetrip.domain import ethnicity, id_number
from onetrip.errors import FieldError

NAME_MAX = {"surname": 20, "givenName": 40}  # generous bounds of 户口登记 name fields


def name_errors(value: str, *, field: str) -> list[FieldError]:
    text = value.strip()
    if not text:
        return [FieldError(field, "must not be empty")]
    limit = NAME_MAX["surname" if field.endswith("surname") else "givenName"]
    if len(text) > limit:
        return [FieldError(field, f"must be at most {limit} characters")]
    if any(ch.isdigit() or not ch.isprintable() for ch in text):
        return [FieldError(field, "must not contain digits or control characters")]
    return []


def birth_date_errors(value: date, *, field: str, today: date | None = None) -> list[FieldError]:
    if value > (today or date.today()):
        return [FieldError(field, "must not be in the future")]
    if value < date(1900, 1, 1):
        return [FieldError(field, "must not be before 1900-01-01")]
    return []


def identity_errors(
    *,
    id_no: str,
    birth_date: date,
    gender: id_number.Gender,
    ethnicity_name: str | None,
    prefix: str = "",
    id_field: str = "idNumber",
) -> list[FieldError]:
    """Errors in a complete set of identity values, field names under `prefix`."""
    errors = id_number.validate(id_no, field=prefix + id_field)
    errors += birth_date_errors(birth_date, field=prefix + "birthDate")
    if not errors:
        errors += id_number.consistency_errors(
            id_no, birth_date=birth_date, gender=gender, field=prefix + id_field
        )
    if ethnicity_name is not None:
        errors += ethnicity.validate(ethnicity_name, field=prefix + "ethnicity")
    return errors
