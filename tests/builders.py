"""Test data builders: valid ID numbers, persons, agency records, callers' claims.

Expected values come from outside the code under test: check characters from
python-stdnum (`stdnum.cn.ric`), the routing table as API.md publishes it.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime
from typing import Any

from stdnum.cn import ric

_rng = random.Random()
_sequences = itertools.count(_rng.randrange(1, 400))


def id_number(
    birth: date = date(1990, 3, 7),
    gender: str = "male",
    region: str = "330203",
    sequence: int | None = None,
) -> str:
    """A valid GB 11643 number; a fresh sequence code each call unless one is given."""
    if sequence is None:
        sequence = next(_sequences) % 499 + 1
    sequence = sequence * 2 + (1 if gender == "male" else 0)
    sequence = sequence % 1000 or (1 if gender == "male" else 2)
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


def check_character(body: str) -> str:
    """GB 11643's MOD 11-2 check character of 17 digits, computed by python-stdnum."""
    # stdnum reads a whole 18-character number and ignores its last character.
    return str(ric.calc_check_digit(body + "0"))


_ALL_SIX = ("surname", "givenName", "gender", "birthDate", "ethnicity", "idNumber")
_NO_ETHNICITY = ("surname", "givenName", "gender", "birthDate", "idNumber")
_UTILITY = ("surname", "givenName", "idNumber")
# API.md, "Agencies and the linked updates": the fields each agency holds, as published.
AGENCY_FIELDS: dict[str, tuple[str, ...]] = {
    "social_security": _ALL_SIX,
    "student_roll": _ALL_SIX,
    "exit_entry": _NO_ETHNICITY,
    "driving_licence": _NO_ETHNICITY,
    "water": _UTILITY,
    "electricity": _UTILITY,
    "gas": _UTILITY,
}


def holders(field: str) -> set[str]:
    """The agencies API.md says hold `field`."""
    return {agency for agency, held in AGENCY_FIELDS.items() if field in held}


def unique_birth() -> date:
    """Random dates keep numbers unique across a session sharing one moto server."""
    return date(1950, 1, 1).fromordinal(date(1950, 1, 1).toordinal() + _rng.randrange(20000))


def instant(text: str) -> datetime:
    """An API timestamp (ISO 8601, Z) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def claims(role: str, sub: str | None = None, **extra: str) -> dict[str, Any]:
    custom = {f"custom:{key}": value for key, value in extra.items()}
    return {"sub": sub or f"{role}-user", "cognito:groups": [role], **custom}


REGISTRAR = claims("registrar")
CLERK = claims("clerk")
APPROVER = claims("approver")
OPS = claims("ops")


def person_body(gender: str = "male", **overrides: Any) -> dict[str, Any]:
    birth = unique_birth()
    body = {
        "idNumber": id_number(birth, gender),
        "surname": "王",
        "givenName": "小明",
        "gender": gender,
        "birthDate": birth.isoformat(),
        "ethnicity": "汉族",
        "district": "海曙区",
    }
    body.update(overrides)
    return body


def agency_record_body(agency: str, person: dict[str, Any], reference: str) -> dict[str, Any]:
    body = {"reference": reference}
    for held in AGENCY_FIELDS[agency]:
        body[held] = person[held]
    return body
