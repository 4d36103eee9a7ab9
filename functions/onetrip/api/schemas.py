"""Request bodies shared by the identity routes (camelCase on the wire)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_text(value: Any) -> Any:
    # pydantic alone also takes 0 or 1e9 (Unix time) and "1990-03-07T00:00:00Z" for a date;
    # API.md says dates are written YYYY-MM-DD.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_date_text)]


class Body(BaseModel):
    """Unknown keys are refused: a typo must not silently drop a field."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class IdNumberLookup(Body):
    id_number: str = Field(min_length=1, max_length=64)
