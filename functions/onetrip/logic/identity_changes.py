"""公民身份信息连锁变更: one window, one form, approved once, applied everywhere.

submit → decide (approve applies the change to the registry, atomically with its audit
entry, the linked-update items and the outbox event) → linked updates settle (see
logic/linked_updates.py) → completed / completed_with_failures; ops may retry a failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from onetrip import metrics
from onetrip.clock import iso, new_id, now_iso
from onetrip.dal.agency_notifications import Notification, NotificationStore
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.models import TransactionCancelled, Write, transact
from onetrip.dal.outbox import Outbox
from onetrip.dal.registry import RegistryStore
from onetrip.domain import ethnicity, id_number
from onetrip.domain.access import Caller, Role
from onetrip.domain.application import Application, LinkStatus, Status
from onetrip.domain.identity_rules import birth_date_errors, name_errors
from onetrip.domain.partners import PartnerCity, holder
from onetrip.domain.person import Gender, Person, with_changes
from onetrip.errors import Conflict, FieldError, InvalidInput, NotFound, invalid
from onetrip.events import IdentityChanged, IdentityChangeSubmitted, LinkedUpdateRetryRequested
from onetrip.logic.linked_updates import due_event
from onetrip.logic.persons import find_by_id_number, may_see
from onetrip.routing import Agency, agencies_for, partner_party

# Allocation tries random free sequence codes; 25 collisions in a row would mean the
# region/date is nearly exhausted, which a clerk must hear about rather than wait on.
_ALLOCATION_TRIES = 25


@dataclass(frozen=True)
class IdentityStores:
    registry: RegistryStore
    applications: ApplicationStore
    outbox: Outbox
    notifications: NotificationStore | None = None
    # Partner cities (跨市通办): a person registered in one of a partner's districts gets
    # a `partner:<city>` linked update, notified in the approval's own transaction.
    partners: Mapping[str, PartnerCity] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeRequest:
    id_number: str
    kind: str
    changes: dict[str, Any]  # only the keys the form filled in
    reason: str
    window: dict[str, Any]


STAFF_READERS = (Role.CLERK, Role.APPROVER, Role.OPS)
# Who may read applications (a citizen only their own).
READERS = (*STAFF_READERS, Role.CITIZEN)


def submit(stores: IdentityStores, caller: Caller, request: ChangeRequest) -> Application:
    caller.require(Role.CLERK)
    blank = [FieldError(f, "must not be blank") for f, v in _free_text(request) if not v.strip()]
    if blank:
        raise InvalidInput(detail="The form has blank fields.", errors=blank)
    person = find_by_id_number(stores.registry, request.id_number)
    if person is None:
        raise invalid("idNumber", "no person is registered with this ID number")
    if person.id_number != id_number.normalize(request.id_number):
        raise invalid("idNumber", "is a former ID number of this person; use the current one")
    changes = _checked_changes(stores.registry, person, request.changes)
    at = now_iso()
    application = Application(
        application_id=new_id("chg"),
        status=Status.SUBMITTED,
        person_id=person.person_id,
        id_number=person.id_number,
        kind=request.kind,
        changes=changes,
        reason=request.reason,
        window=request.window,
        submitted_at=at,
        submitted_by=caller.sub,
        base_version=person.version,
    )
    apps = stores.applications
    outbox_write, outbox_item = stores.outbox.entry(
        IdentityChangeSubmitted(application_id=application.application_id)
    )
    try:
        transact(
            [
                apps.put_new(application),
                apps.hold_open(person.person_id, application.application_id),
                apps.timeline(application.application_id, at=at, event="submitted", by=caller.sub),
                outbox_write,
            ]
        )
    except TransactionCancelled as cancelled:
        if "open_application" in cancelled.failed:
            raise Conflict(
                detail="This person already has an identity-change application awaiting "
                "decision; decide that one first."
            ) from cancelled
        raise
    stores.outbox.publish_quietly([outbox_item])
    metrics.count(metrics.Metric.APPLICATIONS_SUBMITTED)
    return _reload(stores, application.application_id)


def _free_text(request: ChangeRequest) -> list[tuple[str, str]]:
    district = str(request.window.get("district", ""))
    return [("reason", request.reason), ("window.district", district)]


def _checked_changes(
    registry: RegistryStore, person: Person, requested: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """{field: {from, to}} after every rule of API.md; all failures reported at once."""
    if not requested:
        raise invalid("changes", "must change at least one of the six identity fields")
    current = person.as_api()
    new = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in requested.items()}
    for name_field in ("surname", "givenName"):
        if name_field in new:
            # Stored trimmed, as at registration: " 王" is no change from "王".
            new[name_field] = new[name_field].strip()
    errors: list[FieldError] = [
        FieldError(f"changes.{k}", "is the same as the current value")
        for k, v in new.items()
        if str(v) == str(current[k])
    ]
    for name_field in ("surname", "givenName"):
        if name_field in new:
            errors += name_errors(new[name_field], field=f"changes.{name_field}")
    if "ethnicity" in new:
        errors += ethnicity.validate(new["ethnicity"], field="changes.ethnicity")
    if "birthDate" in new:
        errors += birth_date_errors(requested["birthDate"], field="changes.birthDate")
    birth = date.fromisoformat(new.get("birthDate", person.birth_date))
    gender = cast(Gender, new.get("gender", person.gender))
    if "idNumber" in new:
        new["idNumber"] = id_number.normalize(new["idNumber"])
        number_errors = id_number.validate(new["idNumber"], field="changes.idNumber")
        if not number_errors:
            number_errors = id_number.consistency_errors(
                new["idNumber"], birth_date=birth, gender=gender, field="changes.idNumber"
            )
        if not number_errors and registry.resolve(new["idNumber"]) is not None:
            number_errors = [FieldError("changes.idNumber", "is already in use")]
        errors += number_errors
    if errors:
        raise InvalidInput(detail="The requested change is not valid.", errors=errors)
    changes = {k: {"from": current[k], "to": v} for k, v in new.items()}
    if ("gender" in new or "birthDate" in new) and "idNumber" not in new:
        # GB 11643: the number encodes birth date and gender, so it must change too;
        # the system allocates one at approval.
        changes["idNumber"] = {"from": person.id_number, "to": None}
    return changes


def decide(
    stores: IdentityStores, caller: Caller, application_id: str, *, approve: bool, comment: str
) -> Application:
    caller.require(Role.APPROVER)
    application = _get(stores, application_id)
    if application.status != Status.SUBMITTED:
        raise _already_decided(application.status)
    at = now_iso()
    apps = stores.applications
    decided = {"decidedAt": at, "decidedBy": caller.sub, "comment": comment}
    if not approve:
        _commit_decision(
            [
                apps.transition(
                    application_id, expected=Status.SUBMITTED, status=Status.REJECTED, **decided
                ),
                apps.release_open(application.person_id, application_id),
                apps.timeline(application_id, at=at, event="rejected", by=caller.sub),
            ]
        )
        return _reload(stores, application_id)
    _approve(stores, application, decided, at=at, by=caller.sub)
    metrics.count(metrics.Metric.APPLICATIONS_APPROVED)
    return _reload(stores, application_id)


def _approve(
    stores: IdentityStores, application: Application, decided: dict[str, Any], *, at: str, by: str
) -> None:
    person = stores.registry.get_person(application.person_id)
    if person is None or person.version != application.base_version:
        raise Conflict(
            detail="The person's registry record changed after this application was "
            "submitted; reject it and submit a new application."
        )
    for number in _number_choices(application, person):
        changes = {k: dict(v) for k, v in application.changes.items()}
        if number is not None:
            changes["idNumber"]["to"] = number
        updated = with_changes(person, {k: v["to"] for k, v in changes.items()}, at=at)
        try:
            _commit_approval(stores, application, person, updated, changes, decided, at, by)
            return
        except TransactionCancelled as cancelled:
            if cancelled.failed == ["id_index"] and _allocates_number(application):
                continue  # someone claimed this allocated number first: take another
            if "id_index" in cancelled.failed:
                raise Conflict(
                    detail="The new ID number was registered to someone else meanwhile.",
                    errors=[FieldError("changes.idNumber", "is already in use")],
                ) from cancelled
            _raise_decision_conflict(cancelled)
    raise Conflict(detail="No free ID number could be allocated for this region and birth date.")


def _number_choices(application: Application, person: Person) -> Iterable[str | None]:
    """None when the number doesn't change or was given; else allocation candidates."""
    if not _allocates_number(application):
        return [None]
    birth = date.fromisoformat(
        application.changes.get("birthDate", {}).get("to") or person.birth_date
    )
    gender = cast(Gender, application.changes.get("gender", {}).get("to") or person.gender)
    candidates = id_number.candidates(id_number.region_of(person.id_number), birth, gender)
    return (n for n, _ in zip(candidates, range(_ALLOCATION_TRIES), strict=False))


def _allocates_number(application: Application) -> bool:
    change = application.changes.get("idNumber")
    return change is not None and change.get("to") is None


def _commit_approval(
    stores: IdentityStores,
    application: Application,
    person: Person,
    updated: Person,
    changes: dict[str, dict[str, Any]],
    decided: dict[str, Any],
    at: str,
    by: str,
) -> None:
    app_id = application.application_id
    apps = stores.applications
    event = IdentityChanged(
        application_id=app_id,
        person_id=person.person_id,
        registry_version=updated.version,
        changed_fields=list(changes),
    )
    outbox_write, outbox_item = stores.outbox.entry(event)
    writes: list[Write] = [
        apps.transition(
            app_id,
            expected=Status.SUBMITTED,
            status=Status.APPLYING,
            applying_since=at,
            changes=changes,
            **decided,
        ),
        apps.release_open(person.person_id, app_id),
        stores.registry.replace_person(updated, expected_version=person.version),
        stores.registry.audit(
            person.person_id,
            at=at,
            application_id=app_id,
            entry={
                "kind": application.kind,
                "changes": changes,
                "fromVersion": person.version,
                "toVersion": updated.version,
                "by": by,
            },
        ),
        *[apps.new_link(app_id, agency, at=at) for agency in agencies_for(changes)],
        apps.timeline(app_id, at=at, event="approved", by=by),
        outbox_write,
    ]
    outbox_items = [outbox_item]
    partner = holder(dict(stores.partners), person.district)
    if partner is not None and stores.notifications is not None:
        partner_writes, partner_item = _notify_partner(
            stores, stores.notifications, partner, app_id, updated, changes, at
        )
        writes += partner_writes
        outbox_items.append(partner_item)
    if updated.id_number != person.id_number:
        writes += [
            stores.registry.claim_number(updated.id_number, person.person_id),
            stores.registry.retire_number(person.id_number),
        ]
    transact(writes)
    stores.outbox.publish_quietly(outbox_items)
    if partner is not None:
        metrics.count(metrics.Metric.AGENCY_NOTIFICATIONS_SENT, agency=partner_party(partner.city))


def _notify_partner(
    stores: IdentityStores,
    notifications: NotificationStore,
    partner: PartnerCity,
    app_id: str,
    updated: Person,
    changes: dict[str, dict[str, Any]],
    at: str,
) -> tuple[list[Write], Any]:
    """The partner's linked update, born `notified`: the link, the notification (ids and
    field names), the timeline entry and the outbox event (`AgencyNotificationDue` for
    `partner:<city>`, which a rule forwards to the partner's bus). Nothing needs to be
    read first (whose records the partner holds is the registry district), so no consumer
    stands between the approval and the partner; the acknowledgement sweep reminds it."""
    party = partner_party(partner.city)
    when = datetime.fromisoformat(at.replace("Z", "+00:00"))
    notification = Notification(
        notification_id=new_id("ntf"),
        application_id=app_id,
        person_id=updated.person_id,
        agency=party,
        changed_fields=sorted(changes),
        registry_version=updated.version,
        status="notified",
        deliveries=1,
        deadline_seconds=partner.ack_deadline_seconds,
        notified_at=at,
        ack_due_at=iso(when + timedelta(seconds=partner.ack_deadline_seconds)),
        next_check=None,
    )
    outbox_write, outbox_item = stores.outbox.entry(due_event(notification))
    writes = [
        stores.applications.new_link(
            app_id, party, at=at, notification_id=notification.notification_id
        ),
        notifications.put_new(notification),
        stores.applications.timeline(app_id, at=at, event=f"notified:{party}"),
        outbox_write,
    ]
    return writes, outbox_item


def _commit_decision(writes: list[Write]) -> None:
    try:
        transact(writes)
    except TransactionCancelled as cancelled:
        _raise_decision_conflict(cancelled)


def _raise_decision_conflict(cancelled: TransactionCancelled) -> None:
    if "application" in cancelled.failed or "open_application" in cancelled.failed:
        raise Conflict(
            detail="The application was decided by someone else meanwhile."
        ) from cancelled
    if "person" in cancelled.failed:
        raise Conflict(
            detail="The person's registry record changed meanwhile; submit a new application."
        ) from cancelled
    raise cancelled


def _already_decided(status: str) -> Conflict:
    return Conflict(detail=f"Only a submitted application can be decided; this one is {status}.")


def get(stores: IdentityStores, caller: Caller, application_id: str) -> Application:
    caller.require(*READERS)
    application = _get(stores, application_id)
    if not caller.has(*STAFF_READERS):
        person = stores.registry.get_person(application.person_id)
        if person is None or not may_see(caller, person):
            raise NotFound(detail="No such application.")
    return application


def for_person(stores: IdentityStores, caller: Caller, person_id: str) -> list[Application]:
    caller.require(*READERS)
    if not caller.has(*STAFF_READERS):
        person = stores.registry.get_person(person_id)
        if person is None or not may_see(caller, person):
            return []
    return stores.applications.for_person(person_id)


def retry(stores: IdentityStores, caller: Caller, application_id: str, agency: str) -> Application:
    """Ops: send one failed linked update round again; success completes the application."""
    caller.require(Role.OPS)
    if agency not in {a.value for a in Agency}:
        raise NotFound(detail=f"Unknown agency: {agency}.")
    application = _get(stores, application_id)
    link = next((lu for lu in application.linked_updates if lu.agency == agency), None)
    if link is None:
        raise NotFound(detail="This application has no linked update at that agency.")
    if link.status != LinkStatus.FAILED:
        raise Conflict(
            detail=f"Only a failed linked update can be retried; this one is {link.status}."
        )
    person = stores.registry.get_person(application.person_id)
    assert person is not None  # an approved application's person exists for life
    at = now_iso()
    apps = stores.applications
    event = LinkedUpdateRetryRequested(
        application_id=application_id,
        person_id=application.person_id,
        registry_version=person.version,
        agency=agency,
    )
    outbox_write, outbox_item = stores.outbox.entry(event)
    writes: list[Write] = [
        apps.settle_link(
            application_id,
            agency,
            status=LinkStatus.PENDING,
            at=at,
            from_statuses=(LinkStatus.FAILED,),
            count_attempt=False,
        ),
        apps.timeline(application_id, at=at, event=f"retry_requested:{agency}", by=caller.sub),
        outbox_write,
    ]
    if application.status == Status.COMPLETED_WITH_FAILURES:
        writes.append(
            apps.transition(
                application_id,
                expected=Status.COMPLETED_WITH_FAILURES,
                status=Status.APPLYING,
                applying_since=at,
            )
        )
    try:
        transact(writes)
    except TransactionCancelled as cancelled:
        raise Conflict(
            detail="The linked update changed meanwhile; reload and try again."
        ) from cancelled
    stores.outbox.publish_quietly([outbox_item])
    return _reload(stores, application_id)


def _get(stores: IdentityStores, application_id: str) -> Application:
    application = stores.applications.get(application_id)
    if application is None:
        raise NotFound(detail="No such application.")
    return application


def _reload(stores: IdentityStores, application_id: str) -> Application:
    return _get(stores, application_id)
