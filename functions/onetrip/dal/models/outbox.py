"""The Outbox table: events committed with the change they announce, not yet published."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from onetrip.dal.models.base import TableModel


class OutboxEvent(TableModel):
    """EVT id / EVENT: one EventBridge entry, deleted once the bus has accepted it."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="EVENT")
    source = UnicodeAttribute()
    detail_type = UnicodeAttribute(attr_name="detailType")
    detail = UnicodeAttribute()  # the event's JSON, as PutEvents takes it
    created_at = UnicodeAttribute(attr_name="createdAt")
