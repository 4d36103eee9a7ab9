"""The Notices table: NOTICE#<messageId> / SENT, one per message sent to a citizen."""

from __future__ import annotations

from onetrip.dal.models import Write, bound
from onetrip.dal.models.notices import SentNotice


class NoticeStore:
    def __init__(self, table: str) -> None:
        self.model = bound(SentNotice, table)

    def claim(self, message_id: str, at: str) -> Write:
        """The transaction item that fails (label "notice") if the message was sent."""
        marker = self.model(f"NOTICE#{message_id}", sent_at=at)
        return Write.put("notice", marker, self.model.pk.does_not_exist())
