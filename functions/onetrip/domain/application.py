"""An identity-change application (公民身份信息变更申请) and its linked updates.

The application's status follows its linked updates: `completed` when every one is
`applied` or `not_applicable`, `completed_with_failures` when all are final and one failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    APPLYING = "applying"
    COMPLETED = "completed"
    COMPLETED_WITH_FAILURES = "completed_with_failures"


class LinkStatus(StrEnum):
    PENDING = "pending"
    NOTIFIED = "notified"  # a `webhook` agency was sent a notification, not yet acknowledged
    APPLIED = "applied"
    NOT_APPLICABLE = "not_applicable"
    FAILED = "failed"


FINAL_LINK = {LinkStatus.APPLIED, LinkStatus.NOT_APPLICABLE, LinkStatus.FAILED}
SETTLED_LINK = {LinkStatus.APPLIED, LinkStatus.NOT_APPLICABLE}


@dataclass
class LinkedUpdate:
    agency: str
    status: str = LinkStatus.PENDING
    attempts: int = 0
    updated_at: str = ""
    error: str | None = None

    def as_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "agency": self.agency,
            "status": self.status,
            "attempts": self.attempts,
            "updatedAt": self.updated_at,
        }
        if self.error and self.status == LinkStatus.FAILED:
            body["error"] = self.error
        return body


@dataclass
class Application:
    application_id: str
    status: str
    person_id: str
    id_number: str
    kind: str
    changes: dict[str, dict[str, Any]]
    reason: str
    window: dict[str, Any]
    submitted_at: str
    submitted_by: str
    base_version: int
    decided_at: str | None = None
    decided_by: str | None = None
    comment: str | None = None
    linked_updates: list[LinkedUpdate] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def as_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "applicationId": self.application_id,
            "status": self.status,
            "personId": self.person_id,
            "idNumber": self.id_number,
            "kind": self.kind,
            # "to" is null for a number the system allocates at approval.
            "changes": {
                k: {"from": v.get("from"), "to": v.get("to")} for k, v in self.changes.items()
            },
            "reason": self.reason,
            "window": self.window,
            "submittedAt": self.submitted_at,
            "submittedBy": self.submitted_by,
            "linkedUpdates": [link.as_api() for link in self.linked_updates],
            "timeline": self.timeline,
        }
        for key, value in (
            ("decidedAt", self.decided_at),
            ("decidedBy", self.decided_by),
            ("comment", self.comment),
        ):
            if value is not None:
                body[key] = value
        return body


def outcome(links: list[LinkedUpdate]) -> Status | None:
    """The final status the links imply, or None while any is still pending."""
    if any(link.status not in FINAL_LINK for link in links):
        return None
    if all(link.status in SETTLED_LINK for link in links):
        return Status.COMPLETED
    return Status.COMPLETED_WITH_FAILURES
