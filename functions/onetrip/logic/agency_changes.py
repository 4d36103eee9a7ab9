"""Agencies with their own systems (`webhook` mode): pull, acknowledge, remind, sign.

A notification carries ids and field names only. The agency then pulls, with its own
token, the current values of exactly the fields it holds (every pull lands in the
citizen's activity log), applies them in its own system and acknowledges; the
acknowledgement settles the linked update and runs the completion check, as the mirror
consumer does. A notification left unacknowledged past its deadline is re-sent (a
reminder, freshly signed) and counted for the ops alarm, again every deadline period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from onetrip import metrics
from onetrip.clock import iso
from onetrip.dal.activity import ActivityLog
from onetrip.dal.agency_notifications import OPEN, Notification, NotificationStore
from onetrip.dal.agency_records import AgencyRecordStore
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.models import TransactionCancelled, transact
from onetrip.dal.outbox import Outbox
from onetrip.domain import webhooks
from onetrip.domain.access import Caller, Role
from onetrip.domain.application import LinkStatus
from onetrip.domain.verification import PartyKind
from onetrip.errors import Conflict, Forbidden, NotFound, invalid
from onetrip.events import AgencyNotificationDue, AgencyNotificationSigned
from onetrip.logic.linked_updates import LinkedStores, complete_if_final, due_event
from onetrip.routing import held_fields, partner_city

logger = Logger(child=True)

PULL = "linked_update_pull"  # the activity-log type of a pull


@dataclass(frozen=True)
class AgencyChangeStores:
    linked: LinkedStores
    activity: ActivityLog


@dataclass(frozen=True)
class AgencyApiStores:
    """What the /agencies routes use: the records, and the webhook-mode changes."""

    records: AgencyRecordStore
    changes: AgencyChangeStores


def _own_notification(
    stores: AgencyChangeStores, caller: Caller, agency_name: str, notification_id: str
) -> tuple[str, Notification]:
    """The agency's own system only; another agency's notification does not exist (404).
    A partner city's system is `partner:<city>` here (its token's `custom:agency`)."""
    caller.require(Role.AGENCY)
    try:
        held_fields(agency_name)
    except (KeyError, ValueError):
        raise NotFound(detail=f"Unknown agency: {agency_name}.") from None
    if caller.agency != agency_name:
        raise Forbidden(detail="An agency system may only use its own notifications.")
    found = stores.linked.notifications.get(notification_id)
    if found is None or found.agency != agency_name:
        raise NotFound(detail="No such notification for this agency.")
    return agency_name, found


def pull(
    stores: AgencyChangeStores, caller: Caller, agency_name: str, notification_id: str, *, at: str
) -> dict[str, Any]:
    """The new and former ID numbers and the current values of the fields the agency
    holds — never any other field (by construction: the routing table picks them)."""
    agency, notification = _own_notification(stores, caller, agency_name, notification_id)
    if notification.status != OPEN:
        raise Conflict(detail="This notification is settled; its data is no longer shared.")
    person = stores.linked.registry.get_person(notification.person_id)
    if person is None:
        raise NotFound(detail="No such notification for this agency.")
    values = person.as_api()
    held = [field.value for field in held_fields(agency)]
    # Logged before the data leaves: a pull that is not logged never answers.
    transact(
        [
            stores.activity.entry(
                person.person_id,
                at=at,
                party=agency,
                party_kind=(PartyKind.PARTNER_CITY if partner_city(agency) else PartyKind.AGENCY),
                type=PULL,
                claims=sorted({*held, "formerIdNumbers"}),
                result="disclosed",
                reference=notification_id,
            )
        ]
    )
    body: dict[str, Any] = {
        "notificationId": notification_id,
        "idNumber": values["idNumber"],
        "formerIdNumbers": list(values.get("formerIdNumbers") or []),
    }
    body.update({name: values[name] for name in held if name != "idNumber"})
    return body


def acknowledge(
    stores: AgencyChangeStores,
    caller: Caller,
    agency_name: str,
    notification_id: str,
    *,
    result: str,
    reference: str | None,
    error: str | None,
    at: str,
) -> dict[str, Any]:
    """Settle the linked update with the agency's result; 409 once it is settled."""
    agency, notification = _own_notification(stores, caller, agency_name, notification_id)
    linked = stores.linked
    if result == LinkStatus.FAILED and not error:
        raise invalid("error", "is required when result is failed: say what went wrong")
    if notification.status != OPEN:
        # A retried ack: the first may have died between its commit and the completion
        # check, so the check runs again before the 409 (it is idempotent).
        complete_if_final(linked, notification.application_id)
        raise _settled(notification.status)
    try:
        transact(
            [
                linked.notifications.settle(
                    notification_id, result=result, at=at, reference=reference, error=error
                ),
                linked.applications.settle_link(
                    notification.application_id,
                    agency,
                    status=result,
                    at=at,
                    from_statuses=(LinkStatus.NOTIFIED,),
                    error=f"{agency} reported: {error}" if error else None,
                ),
                linked.applications.timeline(
                    notification.application_id,
                    at=at,
                    event=f"acknowledged:{agency}",
                    by=caller.sub,
                ),
            ]
        )
    except TransactionCancelled as cancelled:
        if "notification" in cancelled.failed:
            latest = linked.notifications.get(notification_id)
            raise _settled(latest.status if latest else "settled") from cancelled
        # The link left `notified` without this notification (ops retried it meanwhile).
        raise Conflict(detail="This linked update was settled another way.") from cancelled
    metrics.count(metrics.Metric.AGENCY_ACKNOWLEDGEMENTS, agency=agency, result=result)
    if result == LinkStatus.APPLIED:
        metrics.count(metrics.Metric.LINKED_UPDATES_APPLIED, agency=agency)
    elif result == LinkStatus.FAILED:
        metrics.count(metrics.Metric.LINKED_UPDATES_FAILED, agency=agency)
    complete_if_final(linked, notification.application_id)
    return {
        "notificationId": notification_id,
        "agency": agency,
        "applicationId": notification.application_id,
        "result": result,
        "acknowledgedAt": at,
    }


def _settled(status: str) -> Conflict:
    return Conflict(detail=f"This notification is already settled ({status}).")


@dataclass(frozen=True)
class ReminderStores:
    notifications: NotificationStore
    applications: ApplicationStore
    outbox: Outbox


def remind_overdue(stores: ReminderStores, now: datetime) -> int:
    """Every open notification past its next check: one reminder (a new delivery, so a
    new webhook-id and a fresh signature), an overdue count for the alarm, a timeline
    entry, and the next check one deadline period later. Returns how many."""
    reminded = 0
    for notification in list(stores.notifications.due(by=iso(now))):
        next_check = iso(now + timedelta(seconds=notification.deadline_seconds))
        again = Notification(**{**notification.__dict__, "deliveries": notification.deliveries + 1})
        outbox_write, outbox_item = stores.outbox.entry(due_event(again))
        try:
            transact(
                [
                    stores.notifications.remind(notification, next_check=next_check),
                    stores.applications.timeline(
                        notification.application_id,
                        at=iso(now),
                        event=f"reminded:{notification.agency}",
                    ),
                    outbox_write,
                ]
            )
        except TransactionCancelled:
            continue  # acknowledged or reminded meanwhile
        metrics.count(metrics.Metric.ACKNOWLEDGEMENTS_OVERDUE, agency=notification.agency)
        stores.outbox.publish_quietly([outbox_item])
        reminded += 1
    return reminded


def signed(
    due: AgencyNotificationDue,
    secrets_at: Callable[[str, datetime], Sequence[str]],
    at: datetime,
) -> AgencyNotificationSigned:
    """The webhook for `due`, signed now (just before delivery, so it is fresh). Each
    delivery has its own webhook-id: receivers refuse a webhook-id they have seen."""
    payload = due.payload()
    body = webhooks.notification_body(payload)
    webhook_id = f"msg_{due.notification_id}_{due.delivery}"
    # During a rotation window: signed with the new secret and the previous one.
    headers = webhooks.sign(secrets_at(due.agency, at), webhook_id, at, body)
    return AgencyNotificationSigned(
        agency=due.agency,
        webhook_id=webhook_id,
        webhook_timestamp=headers["webhook-timestamp"],
        webhook_signature=headers["webhook-signature"],
        payload=dict(sorted(payload.items())),
    )
