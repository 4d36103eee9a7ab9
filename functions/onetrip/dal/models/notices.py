"""The Notices table: one marker per message sent to a citizen."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from onetrip.dal.models.base import TableModel


class SentNotice(TableModel):
    """NOTICE#<messageId> / SENT: written with the message's outbox entry, so a
    redelivered outcome finds it and sends nothing."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="SENT")
    sent_at = UnicodeAttribute(attr_name="sentAt")
