"""Citizen notifications: an outcome event in, exactly one CitizenMessage out.

The marker (only if absent) and the message's outbox entry commit in one transaction: a
redelivered event finds the marker and sends nothing; a crash after the commit leaves the
message to the outbox relay, never lost. The message service dedupes on `messageId` for
the rare relay republish.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onetrip.clock import now_iso
from onetrip.dal.models import TransactionCancelled, transact
from onetrip.dal.notices import NoticeStore
from onetrip.dal.outbox import Outbox
from onetrip.domain import notices
from onetrip.events import (
    CitizenMessage,
    IdentityChangeCompleted,
    PetitionClosed,
    PetitionProgressed,
)

# The outcomes a citizen is told about (the Notifier's EventBridge rule is built from it).
NOTIFIED_EVENTS = (IdentityChangeCompleted, PetitionClosed, PetitionProgressed)


@dataclass(frozen=True)
class NoticeStores:
    notices: NoticeStore
    outbox: Outbox


def message_for(detail_type: str, detail: Mapping[str, Any]) -> CitizenMessage | None:
    if detail_type == IdentityChangeCompleted.detail_type:
        return notices.for_identity_change(IdentityChangeCompleted.model_validate(detail))
    if detail_type == PetitionClosed.detail_type:
        return notices.for_petition(PetitionClosed.model_validate(detail))
    if detail_type == PetitionProgressed.detail_type:
        return notices.for_petition(PetitionProgressed.model_validate(detail))
    return None


def notify(stores: NoticeStores, detail_type: str, detail: Mapping[str, Any]) -> bool:
    """Send the outcome's message once; False if there is none or it was sent before."""
    message = message_for(detail_type, detail)
    if message is None:
        return False
    outbox_write, outbox_item = stores.outbox.entry(message)
    try:
        transact([stores.notices.claim(message.message_id, now_iso()), outbox_write])
    except TransactionCancelled as cancelled:
        if cancelled.codes.get("notice") == "ConditionalCheckFailed":
            return False
        raise
    stores.outbox.publish_quietly([outbox_item])
    return True
