"""Request bodies shared by the identity routes (camelCase on the wire)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from onetrip.domain.ethnicity import ETHNICITIES
from onetrip.domain.id_number import IdNumberText
from onetrip.domain.identity_rules import NAME_MAX
from onetrip.domain.petition import NOT_BLANK

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_text(value: Any) -> Any:
    # pydantic alone also takes 0 or 1e9 (Unix time) and "1990-03-07T00:00:00Z" for a date;
    # API.md says dates are written YYYY-MM-DD.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_date_text)]

# Identity fields as the rules of domain/identity_rules.py read them (digits and control
# characters in names are refused too: see each route's x-rules-beyond-schema).
Surname = Annotated[str, Field(max_length=NAME_MAX["surname"], json_schema_extra=NOT_BLANK)]
GivenName = Annotated[str, Field(max_length=NAME_MAX["givenName"], json_schema_extra=NOT_BLANK)]
Ethnicity = Annotated[str, Field(max_length=20, json_schema_extra={"enum": list(ETHNICITIES)})]
NonBlank = Annotated[str, Field(json_schema_extra=NOT_BLANK)]

NAME_RULE = "no digits or control characters"
GB11643_RULE = (
    "a GB 11643 number (format gb11643): a known region code, a real birth date from "
    "1900-01-01 to today, the right check character"
)
BIRTH_RULE = "not in the future (China Standard Time), not before 1900-01-01"
CONSISTENT_RULE = (
    "agrees with birthDate (positions 7-14) and gender (position 17: odd male, even female)"
)


class Body(BaseModel):
    """Unknown keys are refused: a typo must not silently drop a field."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class IdNumberLookup(Body):
    id_number: IdNumberText
