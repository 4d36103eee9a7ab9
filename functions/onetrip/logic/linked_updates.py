"""Linked updates (连锁变更): make one agency's record equal the registry, exactly once.

Safe under redelivery and reordering by construction: a delivery never carries field
values, it makes the record mirror the registry's *current* state, and only if the
record mirrors an older registry version. A late or duplicate event therefore finds
nothing to do and can never roll a record back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from onetrip import metrics
from onetrip.clock import iso, new_id, now, now_iso
from onetrip.dal.agency_notifications import Notification, NotificationStore
from onetrip.dal.agency_records import AgencyRecordStore
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.models import TransactionCancelled, Write, transact
from onetrip.dal.outbox import Outbox
from onetrip.dal.registry import RegistryStore
from onetrip.domain.application import FINAL_LINK, LinkStatus, Status, outcome
from onetrip.domain.person import Person
from onetrip.events import AgencyNotificationDue, IdentityChangeCompleted
from onetrip.routing import HELD_FIELDS, Agency

logger = Logger(child=True)


class RecordChangedMeanwhile(Exception):
    """A concurrent write touched the record; the delivery is retried."""


@dataclass(frozen=True)
class LinkedStores:
    registry: RegistryStore
    applications: ApplicationStore
    records: AgencyRecordStore
    outbox: Outbox
    notifications: NotificationStore


MIRROR = "mirror"
WEBHOOK = "webhook"


@dataclass(frozen=True)
class Connector:
    """How an agency learns of a linked update (infra: onetrip_infra/connectors.py).

    `mirror`: onetrip writes the agency's record in its own account (an agency without a
    system of its own). `webhook`: the agency's system gets a signed notification, pulls
    what it holds and acknowledges within `ack_deadline_seconds`."""

    mode: str = MIRROR
    ack_deadline_seconds: int = 24 * 3600


@dataclass(frozen=True)
class Delivery:
    """One message to an agency's consumer: a change (or a retry) of one application."""

    application_id: str
    person_id: str
    dead_lettered: bool  # from the DLQ: the queue gave up after `deliveries` deliveries
    deliveries: int


def handle(
    stores: LinkedStores, agency: Agency, delivery: Delivery, connector: Connector = Connector()
) -> str:
    """Settle one delivery; returns the linked update's status. A dead-lettered delivery
    marks the update failed for good; a failed attempt is noted (with a short, PII-free
    reason) and re-raised, so the queue delivers it again."""
    if delivery.dead_lettered:
        give_up(stores, agency, delivery.application_id, delivery.deliveries)
        return LinkStatus.FAILED
    try:
        return apply(stores, agency, delivery.application_id, delivery.person_id, connector)
    except Exception as error:
        note_failure(stores, agency, delivery.application_id, _reason(error))
        raise


def _reason(error: Exception) -> str:
    # The type and a short message; full details stay in the consumer's log.
    return f"{type(error).__name__}: {str(error)[:200]}"


def apply(
    stores: LinkedStores,
    agency: Agency,
    application_id: str,
    person_id: str,
    connector: Connector = Connector(),
) -> str:
    """Settle this agency's linked update of the application (a `webhook` agency: notify
    it, the acknowledgement settles it); returns its status."""
    link = stores.applications.link(application_id, agency)
    if link is None:
        logger.warning("no linked update for this agency", extra={"applicationId": application_id})
        return "ignored"
    if link.status in FINAL_LINK:
        # A redelivery: the first delivery may have died before the completion check.
        complete_if_final(stores, application_id)
        return str(link.status)
    person = stores.registry.get_person(person_id)
    if person is None:
        raise LookupError("person not in the registry")
    at = now_iso()
    if connector.mode == WEBHOOK and _find(stores.records, agency, person) is not None:
        return _notify(stores, agency, person, application_id, connector)
    status, writes = _sync(stores, agency, person, application_id, at)
    writes.append(
        stores.applications.settle_link(
            application_id,
            agency,
            status=status,
            at=at,
            from_statuses=(LinkStatus.PENDING,),
        )
    )
    try:
        transact(writes)
    except TransactionCancelled as cancelled:
        if cancelled.failed == [f"link:{agency}"]:
            # A concurrent delivery settled it first, and may die before completing.
            complete_if_final(stores, application_id)
            return "duplicate"
        raise RecordChangedMeanwhile(",".join(cancelled.failed)) from cancelled
    if status == LinkStatus.APPLIED:
        metrics.count(metrics.Metric.LINKED_UPDATES_APPLIED, agency=agency.value)
    complete_if_final(stores, application_id)
    return status


def _notify(
    stores: LinkedStores,
    agency: Agency,
    person: Person,
    application_id: str,
    connector: Connector,
) -> str:
    """One transaction: the notification, the link `notified`, the timeline entry and the
    outbox event the signer turns into the webhook. Only ids and field names are kept."""
    application = stores.applications.get(application_id)
    if application is None:
        raise LookupError("application not found")
    held = {field.value for field in HELD_FIELDS[agency]}
    at = now()
    notification = Notification(
        notification_id=new_id("ntf"),
        application_id=application_id,
        person_id=person.person_id,
        agency=agency.value,
        changed_fields=sorted(held.intersection(application.changes)),
        registry_version=person.version,
        status="notified",
        deliveries=1,
        deadline_seconds=connector.ack_deadline_seconds,
        notified_at=iso(at),
        ack_due_at=iso(at + timedelta(seconds=connector.ack_deadline_seconds)),
        next_check=None,
    )
    outbox_write, outbox_item = stores.outbox.entry(due_event(notification))
    try:
        transact(
            [
                stores.notifications.mark_notified(
                    application_id, agency.value, notification.notification_id
                ),
                stores.notifications.put_new(notification),
                stores.applications.timeline(
                    application_id, at=notification.notified_at, event=f"notified:{agency.value}"
                ),
                outbox_write,
            ]
        )
    except TransactionCancelled as cancelled:
        if cancelled.failed == [f"link:{agency}"]:
            return "duplicate"  # notified (or settled) by a concurrent delivery
        raise
    metrics.count(metrics.Metric.AGENCY_NOTIFICATIONS_SENT, agency=agency.value)
    stores.outbox.publish_quietly([outbox_item])
    return LinkStatus.NOTIFIED


def due_event(notification: Notification) -> AgencyNotificationDue:
    return AgencyNotificationDue(
        notification_id=notification.notification_id,
        application_id=notification.application_id,
        agency=notification.agency,
        changed_fields=notification.changed_fields,
        registry_version=notification.registry_version,
        delivery=notification.deliveries,
    )


def _sync(
    stores: LinkedStores, agency: Agency, person: Person, application_id: str, at: str
) -> tuple[str, list[Write]]:
    return mirror_writes(stores.records, agency, person, application_id, at)


def mirror_writes(
    records: AgencyRecordStore, agency: Agency, person: Person, application_id: str, at: str
) -> tuple[str, list[Write]]:
    """The writes that make the agency's record mirror `person` (none if it already
    mirrors this registry version or a newer one), and the linked update's status."""
    record = _find(records, agency, person)
    if record is None:
        return LinkStatus.NOT_APPLICABLE, []
    if int(record.get("registryVersion", 0)) >= person.version:
        return LinkStatus.APPLIED, []  # already mirrors this registry version or a newer one
    fields = person.as_api()
    mirrored: dict[str, Any] = {
        **record,
        **{held.value: fields[held.value] for held in HELD_FIELDS[agency]},
        "registryVersion": person.version,
        "version": int(record["version"]) + 1,
        "updatedAt": at,
        "lastApplicationId": application_id,
    }
    for key in ("pk", "sk", "kind"):
        mirrored.pop(key, None)
    if record["idNumber"] == person.id_number:
        return LinkStatus.APPLIED, [
            records.put_record(agency, mirrored, expected_version=int(record["version"]))
        ]
    # Re-key: the record moves under the new number, the old number becomes an alias.
    return LinkStatus.APPLIED, [
        records.put_record(agency, mirrored, expected_version=None),
        records.put_alias(
            agency,
            former=record["idNumber"],
            current=person.id_number,
            expected_version=int(record["version"]),
            at=at,
        ),
    ]


def _find(records: AgencyRecordStore, agency: Agency, person: Person) -> dict[str, Any] | None:
    for number in person.all_id_numbers():
        found = records.find(agency, number)
        if found is not None:
            return found
    return None


def give_up(stores: LinkedStores, agency: Agency, application_id: str, deliveries: int) -> None:
    """The queue gave up on this delivery (it reached the DLQ): the update has failed."""
    last = stores.applications.last_error(application_id, agency) or "unknown error"
    try:
        transact(
            [
                stores.applications.settle_link(
                    application_id,
                    agency,
                    status=LinkStatus.FAILED,
                    at=now_iso(),
                    from_statuses=(LinkStatus.PENDING,),
                    count_attempt=False,
                    error=f"gave up after {deliveries} deliveries; last error: {last}",
                )
            ]
        )
    except TransactionCancelled:
        pass  # settled meanwhile (e.g. a retry succeeded, perhaps dying before completing)
    else:
        metrics.count(metrics.Metric.LINKED_UPDATES_FAILED, agency=agency.value)
    complete_if_final(stores, application_id)


def note_failure(stores: LinkedStores, agency: Agency, application_id: str, error: str) -> None:
    try:
        stores.applications.note_failed_attempt(application_id, agency, at=now_iso(), error=error)
    except Exception:  # noqa: BLE001 - bookkeeping only; the delivery is retried regardless
        logger.exception("could not record the failed attempt")


def complete_if_final(stores: LinkedStores, application_id: str) -> None:
    """Close the application once every linked update is final, and announce it once."""
    application = stores.applications.get(application_id)
    if application is None or application.status not in (
        Status.APPLYING,
        Status.COMPLETED_WITH_FAILURES,
    ):
        return
    result = outcome(application.linked_updates)
    if result is None or result == application.status:
        return
    at = now_iso()
    event = IdentityChangeCompleted(
        application_id=application_id,
        person_id=application.person_id,
        status=result.value,  # type: ignore[arg-type]
        failed_agencies=[
            lu.agency for lu in application.linked_updates if lu.status == LinkStatus.FAILED
        ],
    )
    outbox_write, outbox_item = stores.outbox.entry(event)
    try:
        transact(
            [
                stores.applications.transition(
                    application_id, expected=application.status, status=result
                ),
                stores.applications.timeline(application_id, at=at, event=result.value),
                outbox_write,
            ]
        )
    except TransactionCancelled:
        return  # a concurrent consumer closed it first
    metrics.count(metrics.Metric.APPLICATIONS_COMPLETED, outcome=result.value)
    stores.outbox.publish_quietly([outbox_item])
