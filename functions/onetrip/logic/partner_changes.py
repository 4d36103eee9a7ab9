"""A change registered in a partner city (跨市通办), for a person whose records this city's
agencies hold: pull, mirror, acknowledge.

The partner's notification (its `AgencyNotificationDue` for `partner:<this city>`, on this
city's bus through the cross-account rule) carries ids and field names only. This city's
system then does what an agency system in `webhook` mode does at the partner: pulls the
values with its own token (the pull lands in the citizen's activity log there), makes
each of its agencies' records mirror them (the linked-update logic's own writes, so a
duplicate or an older registry version changes nothing) and acknowledges. A duplicate
delivery after the acknowledgement finds the pull refused (409) and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger

from onetrip import metrics
from onetrip.clock import now_iso
from onetrip.dal.agency_records import AgencyRecordStore
from onetrip.dal.models import TransactionCancelled, transact
from onetrip.domain.application import LinkStatus
from onetrip.domain.person import Person
from onetrip.events import AgencyNotificationDue
from onetrip.logic.linked_updates import RecordChangedMeanwhile, mirror_writes
from onetrip.routing import HELD_FIELDS, partner_party

logger = Logger(child=True)

# (method, path, body) -> (status, JSON body): the partner's API with this city's token.
PartnerCall = Callable[[str, str, dict[str, Any]], tuple[int, Any]]

SETTLED = "settled"  # acknowledged before: a duplicate delivery
UNKNOWN = "unknown"  # the partner has no such notification for this city


class PartnerUnavailable(Exception):
    """The partner did not answer as expected; the delivery is retried."""


def receive(
    records: AgencyRecordStore, call: PartnerCall, city: str, due: AgencyNotificationDue
) -> str:
    """Settle one notification from a partner; returns what this city acknowledged."""
    party = partner_party(city)
    if due.agency != party:
        logger.warning("a notification for another city", extra={"agency": due.agency})
        return UNKNOWN
    status, values = call(
        "POST", f"/agencies/{party}/changes/lookup", {"notificationId": due.notification_id}
    )
    if status == 409:
        return SETTLED
    if status == 404:
        logger.warning("the partner knows no such notification")
        return UNKNOWN
    if status != 200 or not isinstance(values, dict):
        raise PartnerUnavailable(f"pull answered {status}")
    result = _mirror(records, _person(values, due), due.application_id)
    status, _ = call(
        "POST",
        f"/agencies/{party}/changes/{due.notification_id}/ack",
        {"result": result},
    )
    if status == 409:
        return SETTLED  # acknowledged meanwhile (a concurrent duplicate delivery)
    if status != 200:
        raise PartnerUnavailable(f"acknowledgement answered {status}")
    metrics.count(metrics.Metric.LINKED_UPDATES_APPLIED, agency=party)
    return result


def _person(values: dict[str, Any], due: AgencyNotificationDue) -> Person:
    """The pulled values as the linked-update logic reads a person; the version is the
    partner's registry version, which this city's records remember (`registryVersion`)."""
    return Person(
        person_id="",
        id_number=str(values["idNumber"]),
        former_id_numbers=[str(n) for n in values.get("formerIdNumbers") or []],
        surname=str(values["surname"]),
        given_name=str(values["givenName"]),
        gender=str(values["gender"]),
        birth_date=str(values["birthDate"]),
        ethnicity=str(values["ethnicity"]),
        version=due.registry_version,
        updated_at="",
        created_at="",
    )


def _mirror(records: AgencyRecordStore, person: Person, application_id: str) -> str:
    """Each agency here that holds the person mirrors the pulled values (one transaction
    per agency, as the mirror consumers write); `applied` if any holds them."""
    held = False
    for agency in HELD_FIELDS:
        status, writes = mirror_writes(records, agency, person, application_id, now_iso())
        held |= status == LinkStatus.APPLIED
        if not writes:
            continue
        try:
            transact(writes)
        except TransactionCancelled as cancelled:
            raise RecordChangedMeanwhile(",".join(cancelled.failed)) from cancelled
    return LinkStatus.APPLIED if held else LinkStatus.NOT_APPLICABLE
