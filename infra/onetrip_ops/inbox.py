"""The citizen inbox of the local runtime: the CitizenMessage events the message service
would send (SMS, the city app), read off the `CitizenInbox` queue.

Reading does not consume by default: every message received is made visible again at
once, so the inbox can be read as often as the demo likes. `deliver=True` plays the
message service: the messages read are deleted (sent). Messages are ids, an outcome and a
text with a reference — never an ID number or a name (domain/notices.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from onetrip_ops.target import Target

INBOX = "CitizenInbox"
# While one read is in progress its messages stay hidden, so no message is read twice.
_READ_VISIBILITY_SECONDS = 30
# Long polling: a short poll may miss messages (SQS samples a subset of its servers).
_WAIT_SECONDS = 1


@dataclass(frozen=True)
class Message:
    message_id: str
    at: str  # when the bus accepted it
    topic: str  # identity_change | petition
    outcome: str
    reference: str  # applicationId or petitionId
    person_id: str | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "messageId": self.message_id, "at": self.at, "topic": self.topic,
            "outcome": self.outcome, "reference": self.reference, "personId": self.person_id,
            "text": self.text,
        }  # fmt: skip


def read(
    target: Target,
    *,
    person_id: str | None = None,
    reference: str | None = None,
    deliver: bool = False,
) -> list[Message]:
    """Every message in the inbox (those for `person_id` / `reference` if given) in the
    order the inbox received them, one per `messageId` (the message service dedupes a
    relay's republish the same way). With `deliver`, the messages read — matching or
    duplicate — are deleted."""
    sqs = target.client("sqs")
    url = target.queue_url(INBOX)
    received: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        VisibilityTimeout=_READ_VISIBILITY_SECONDS,
        WaitTimeSeconds=_WAIT_SECONDS,
        AttributeNames=["SentTimestamp"],
    ).get("Messages", []):
        received += batch
    # In the order the inbox got them (milliseconds; the bus's `time` has whole seconds).
    received.sort(key=lambda m: int(m.get("Attributes", {}).get("SentTimestamp", 0)))
    found: dict[str, Message] = {}
    done: list[dict[str, Any]] = []
    for raw in received:
        message = _message(json.loads(raw["Body"]))
        wanted = (person_id is None or message.person_id == person_id) and (
            reference is None or message.reference == reference
        )
        if wanted:
            found.setdefault(message.message_id, message)
        if deliver and (wanted or message.message_id in found):
            done.append(raw)
    _settle(sqs, url, received, done)
    return list(found.values())


def _message(envelope: dict[str, Any]) -> Message:
    detail = envelope["detail"]
    return Message(
        message_id=detail["messageId"],
        at=str(envelope.get("time", "")),
        topic=detail["topic"],
        outcome=detail["outcome"],
        reference=detail["reference"],
        person_id=detail.get("personId"),
        text=detail["text"],
    )


def _settle(
    sqs: Any, url: str, received: list[dict[str, Any]], delivered: list[dict[str, Any]]
) -> None:
    """Delete what was delivered; make everything else visible again for the next read."""
    gone = {m["MessageId"] for m in delivered}
    for start in range(0, len(received), 10):
        chunk = received[start : start + 10]
        deletes = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
            for i, m in enumerate(chunk)
            if m["MessageId"] in gone
        ]
        returns = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
            for i, m in enumerate(chunk)
            if m["MessageId"] not in gone
        ]
        if deletes:
            sqs.delete_message_batch(QueueUrl=url, Entries=deletes)
        if returns:
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=returns)
