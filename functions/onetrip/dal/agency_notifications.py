"""Notifications to agencies in `webhook` mode (Applications table).

Items:
  NOTIF#<notificationId> / NOTIF   the notification (ids and field names only), its
                                   status, deliveries and deadline; while open it sits in
                                   the byPerson index under ACKDUE / <next check>#<id>
The linked update itself stays APP#<id> / LINK#<agency> (status `notified` meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from onetrip.dal.models import Write, bound
from onetrip.dal.models.applications import AgencyNotification, ApplicationPart

ACK_DUE = "ACKDUE"
OPEN = "notified"


def _pk(notification_id: str) -> str:
    return f"NOTIF#{notification_id}"


@dataclass(frozen=True)
class Notification:
    notification_id: str
    application_id: str
    person_id: str
    agency: str
    changed_fields: list[str]
    registry_version: int
    status: str
    deliveries: int
    deadline_seconds: int
    notified_at: str
    ack_due_at: str
    next_check: str | None


def _notification(item: AgencyNotification) -> Notification:
    return Notification(
        notification_id=item.notification_id,
        application_id=item.application_id,
        person_id=item.person_id,
        agency=item.agency,
        changed_fields=list(item.changed_fields),
        registry_version=int(item.registry_version),
        status=item.status,
        deliveries=int(item.deliveries),
        deadline_seconds=int(item.deadline_seconds),
        notified_at=item.notified_at,
        ack_due_at=item.ack_due_at,
        next_check=item.gsi1sk.split("#", 1)[0] if item.gsi1sk else None,
    )


class NotificationStore:
    def __init__(self, table: str) -> None:
        self.items = bound(AgencyNotification, table)
        self.parts = bound(ApplicationPart, table)

    def get(self, notification_id: str) -> Notification | None:
        try:
            item = self.items.get(_pk(notification_id), "NOTIF", consistent_read=True)
        except self.items.DoesNotExist:
            return None
        return _notification(item)

    def due(self, *, by: str) -> Iterator[Notification]:
        """Open notifications whose next check is at or before `by` (oldest first)."""
        for item in self.items.ack_due.query(ACK_DUE, self.items.gsi1sk <= f"{by}~"):
            yield _notification(item)

    def open_past_deadline(self, *, now: str) -> Iterator[Notification]:
        """Open notifications whose acknowledgement deadline (the first one; reminders do
        not move it) is at or before `now`, for `ops stuck`. Reads the ACKDUE partition of
        the sparse index, i.e. the open notifications only: a reminder moves the next
        check past the deadline, so the sort key cannot bound this."""
        overdue = self.items.ack_due_at <= now
        for item in self.items.ack_due.query(ACK_DUE, filter_condition=overdue):
            yield _notification(item)

    # Transaction parts

    def put_new(self, notification: Notification) -> Write:
        item = self.items(
            _pk(notification.notification_id),
            "NOTIF",
            notification_id=notification.notification_id,
            application_id=notification.application_id,
            person_id=notification.person_id,
            agency=notification.agency,
            changed_fields=notification.changed_fields,
            registry_version=notification.registry_version,
            status=OPEN,
            deliveries=notification.deliveries,
            deadline_seconds=notification.deadline_seconds,
            notified_at=notification.notified_at,
            ack_due_at=notification.ack_due_at,
            gsi1pk=ACK_DUE,
            gsi1sk=f"{notification.ack_due_at}#{notification.notification_id}",
        )
        return Write.put("notification", item, self.items.pk.does_not_exist())

    def mark_notified(self, application_id: str, agency: str, notification_id: str) -> Write:
        """The linked update moves pending -> notified and remembers its notification."""
        parts = self.parts
        return Write.update(
            f"link:{agency}",
            parts(f"APP#{application_id}", f"LINK#{agency}"),
            [parts.status.set(OPEN), parts.notification_id.set(notification_id)],
            parts.status == "pending",
        )

    def settle(
        self,
        notification_id: str,
        *,
        result: str,
        at: str,
        reference: str | None,
        error: str | None,
    ) -> Write:
        """Acknowledged: out of the sweep's index, once (409 the second time)."""
        items = self.items
        actions = [
            items.status.set(result),
            items.acknowledged_at.set(at),
            items.gsi1pk.remove(),
            items.gsi1sk.remove(),
        ]
        if reference is not None:
            actions.append(items.reference.set(reference))
        if error is not None:
            actions.append(items.error.set(error))
        return Write.update(
            "notification", items(_pk(notification_id), "NOTIF"), actions, items.status == OPEN
        )

    def remind(self, notification: Notification, *, next_check: str) -> Write:
        """One more delivery, and the next check; only if nobody moved it meanwhile."""
        items = self.items
        return Write.update(
            "notification",
            items(_pk(notification.notification_id), "NOTIF"),
            [
                items.deliveries.set(notification.deliveries + 1),
                items.gsi1sk.set(f"{next_check}#{notification.notification_id}"),
            ],
            (items.status == OPEN) & (items.deliveries == notification.deliveries),
        )
