"""The Scoreboard table: the bureau's figures per series, month and district, kept by the
Scoreboard consumer from the domain events (no table scan on the request path)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from onetrip.dal.models.attributes import DocumentAttribute
from onetrip.dal.models.base import TableModel


class MonthlyCounter(TableModel):
    """SERIES#<series> / <yyyy-mm>#<district>: figure name -> number, for one month
    (China Standard Time) and district. `version` guards the read-modify-write."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    series = UnicodeAttribute()
    month = UnicodeAttribute()
    district = UnicodeAttribute()
    figures = DocumentAttribute()
    version = NumberAttribute(default=0)


class CountedFact(TableModel):
    """FACT#<natural id of the fact> / COUNTED: written in the transaction that counts the
    fact, so a redelivered event finds it and counts nothing."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="COUNTED")
    counted_at = UnicodeAttribute(attr_name="countedAt")
