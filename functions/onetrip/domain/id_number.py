"""Citizen ID numbers (公民身份号码) as defined by GB 11643-1999.

Layout of the 18 characters (GB 11643-1999 §5):
positions 1-6 region code (地址码), 7-14 birth date YYYYMMDD (出生日期码),
15-17 sequence code (顺序码; odd = male, even = female), 18 check character (校验码).

Messages never contain digits of the number: they end up in problem responses and
logs, and an ID number is sensitive personal information (PIPL).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from stdnum import numdb

from onetrip.errors import FieldError

Gender = Literal["male", "female"]

LENGTH = 18  # GB 11643-1999 §5: 17-digit body code + 1 check character
# GB 11643-1999 §8.2 (ISO 7064:1983 MOD 11-2): weight of position i is 2^(18-i) mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# GB 11643-1999 §8.2: checksum value 10 is written as the Roman numeral X.
_CHECK_CHARACTERS = "10X98765432"  # index = sum of weighted digits mod 11
# Project rule (API.md): birth dates before this are not accepted.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
# The city's calendar day is China Standard Time (UTC+8, no DST since 1991); Lambda
# clocks run in UTC, so date.today() would lag by a day from 00:00 to 08:00 CST.
_CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

# ASCII only: str.isdigit() also accepts full-width and other Unicode digits.
_BODY = re.compile(r"[0-9]{17}")
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# What a clerk may type between the characters: spaces, ASCII or full-width (全角空格).
_WHITESPACE = re.compile("[ \u3000]+")
# The published shape (OpenAPI `pattern`) of exactly what `normalize` makes 18 characters
# of the right kind; the rest (region, birth date, check character) is `format: gb11643`.
PATTERN = "^[ \u3000]*(?:[0-9][ \u3000]*){17}[0-9Xx][ \u3000]*$"
FORMAT = "gb11643"
# A body field holding an ID number: checked by the logic (a 422 naming the field, in
# words a clerk understands); published with its pattern and format.
IdNumberText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    Field(json_schema_extra={"pattern": PATTERN, "format": FORMAT}),
]

_GENDER_LABEL = {"male": "male (男)", "female": "female (女)"}


def normalize(value: str) -> str:
    """Remove spaces (including the full-width space) and uppercase a trailing x."""
    compact = _WHITESPACE.sub("", value)
    if compact.endswith("x"):
        compact = compact[:-1] + "X"
    return compact


def check_character(first17: str) -> str:
    """The MOD 11-2 check character (GB 11643-1999 §8.2) for the first 17 digits."""
    if not _BODY.fullmatch(first17):
        raise ValueError("check_character needs exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def is_known_region(region: str) -> bool:
    """Whether python-stdnum's administrative-division data knows this 6-digit code.

    Historical codes are accepted regardless of the birth year: people keep the number
    they were issued even after their county was merged or renamed.
    """
    if not re.fullmatch(r"[0-9]{6}", region):
        return False
    # stdnum.cn.ric.get_birth_place is not used: it rejects codes not in force in the
    # birth year, and raises KeyError (not a ValidationError) when only the province
    # part is known. Looking at the raw data avoids both.
    parts = numdb.get("cn/loc").info(region)
    return any("county" in props for _, props in parts)


def validate(value: str, *, field: str = "idNumber", today: date | None = None) -> list[FieldError]:
    """Check `value` (normalized first) against GB 11643-1999; [] when valid.

    Callers should store `normalize(value)`. `today` defaults to the current date in
    China Standard Time.
    """
    number = normalize(value)
    if len(number) != LENGTH:
        return [FieldError(field, "must be 18 characters long (公民身份号码为18位)")]
    if not _SHAPE.fullmatch(number):
        return [
            FieldError(
                field,
                "must be 17 digits followed by a digit or X (前17位为数字, 末位为数字或X)",
            )
        ]

    errors: list[FieldError] = []
    if not is_known_region(region_of(number)):
        errors.append(
            FieldError(field, "the region code (地址码, positions 1-6) is not a known region")
        )
    errors.extend(_birth_date_errors(number, field, _today_in_china() if today is None else today))
    if number[17] != check_character(number[:17]):
        errors.append(
            FieldError(
                field,
                "the check character (校验码, position 18) does not match; "
                "the number was probably mistyped",
            )
        )
    return errors


def _birth_date_errors(number: str, field: str, today: date) -> list[FieldError]:
    try:
        born = birth_date_of(number)
    except ValueError:
        return [
            FieldError(
                field, "the birth date (出生日期码, positions 7-14) is not a real calendar date"
            )
        ]
    if born > today:
        return [FieldError(field, "the birth date (出生日期码, positions 7-14) is in the future")]
    if born < EARLIEST_BIRTH_DATE:
        return [
            FieldError(field, "the birth date (出生日期码, positions 7-14) is before 1900-01-01")
        ]
    return []


def _today_in_china() -> date:
    return datetime.now(_CHINA_STANDARD_TIME).date()


def _require_shape(id_number: str) -> str:
    number = normalize(id_number)
    if not _SHAPE.fullmatch(number):
        # Deliberately does not include the value (sensitive).
        raise ValueError("not an 18-character ID number; run validate() first")
    return number


def birth_date_of(id_number: str) -> date:
    """The birth date in positions 7-14. Raises ValueError if it is not a real date."""
    number = _require_shape(id_number)
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError("the birth date part is not a real calendar date") from None


def gender_of(id_number: str) -> Gender:
    """Position 17 (last digit of the sequence code): odd male, even female."""
    number = _require_shape(id_number)
    return "male" if int(number[16]) % 2 == 1 else "female"


def region_of(id_number: str) -> str:
    """The 6-digit region code (地址码), positions 1-6."""
    return _require_shape(id_number)[:6]


def consistency_errors(
    id_number: str,
    *,
    birth_date: date | None,
    gender: Gender | None,
    field: str = "idNumber",
) -> list[FieldError]:
    """Disagreements between the number and the person's birth date and gender.

    A check is skipped when its value is None. Call after validate() has passed: a
    malformed number or an impossible birth date part yields no error here (validate
    reports those), so the caller never gets the same problem twice.
    """
    try:
        number = _require_shape(id_number)
    except ValueError:
        return []
    errors: list[FieldError] = []
    if birth_date is not None:
        try:
            encoded = birth_date_of(number)
        except ValueError:
            encoded = None
        if encoded is not None and encoded != birth_date:
            errors.append(
                FieldError(
                    field,
                    "the birth date in the number (出生日期码, positions 7-14) "
                    "does not match the birth date given",
                )
            )
    if gender is not None and gender_of(number) != gender:
        errors.append(
            FieldError(
                field,
                "the sequence code (顺序码, position 17: odd male, even female) indicates "
                f"{_GENDER_LABEL[gender_of(number)]}, but the gender given is "
                f"{_GENDER_LABEL[gender]}",
            )
        )
    return errors


def candidates(
    region: str, birth_date: date, gender: Gender, rng: random.Random | None = None
) -> Iterator[str]:
    """Every valid number for region/birth date/gender, in random order.

    Sequence codes 001-999 of the gender's parity (000 is never issued): 500 for male,
    499 for female. Random order keeps concurrent allocators from racing for the same
    number; the caller claims one with a conditional write and moves on if taken.
    The caller is responsible for the birth date not being in the future.
    """
    if not is_known_region(region):
        raise ValueError("region must be a known 6-digit region code")
    if gender not in ("male", "female"):
        raise ValueError("gender must be 'male' or 'female'")
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ValueError("birth date must not be before 1900-01-01")
    # Arguments are checked above, eagerly; a generator body would only run on next().
    prefix = f"{region}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}"
    first = 1 if gender == "male" else 2
    sequences = list(range(first, 1000, 2))
    (rng or random.Random()).shuffle(sequences)
    return _numbers(prefix, sequences)


def _numbers(prefix: str, sequences: list[int]) -> Iterator[str]:
    for sequence in sequences:
        body = f"{prefix}{sequence:03d}"
        yield body + check_character(body)


def mask(id_number: str) -> str:
    """Keep the region code and the last 4 characters: `330203********123X`.

    Anything that is not 18 characters is masked entirely (its shape is unknown, so
    no part of it is known to be safe to show).
    """
    if len(id_number) != LENGTH:
        return "*" * len(id_number)
    return id_number[:6] + "*" * 8 + id_number[-4:]
