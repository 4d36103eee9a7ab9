"""Request bodies shared by the identity routes (camelCase on the wire)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Body(BaseModel):
    """Unknown keys are refused: a typo must not silently drop a field."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class IdNumberLookup(Body):
    id_number: str = Field(min_length=1, max_length=64)
