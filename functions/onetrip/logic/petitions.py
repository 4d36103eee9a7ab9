"""Petition use cases: register (登记), read, list, search, extend (延期).

Who may see what (API.md "Roles"): the petition office sees everything unmasked; other
staff see the ID number masked; the phone number only those who call the petitioner see
(PHONE_READERS, and the petitioner); a handling unit sees the cases assigned to it; a
citizen sees only their own petitions and gets 404 for anyone else's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from onetrip import metrics
from onetrip.clock import iso, parse_instant
from onetrip.domain import deadlines, id_number
from onetrip.domain.access import Caller, Role
from onetrip.domain.petition import (
    EARLIEST_RECEIPT,
    Channel,
    DueMove,
    ExtensionRequest,
    NewPetition,
    PetitionStatus,
    PetitionStep,
    TaskStatus,
    mask_phone,
    new_petition_id,
)
from onetrip.domain.similarity import is_similar_subject
from onetrip.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleRead,
    invalid,
)
from onetrip.events import PetitionProgressed
from onetrip.logic.petition_ports import IdHasher, Petitions, Tasks, WorkflowEngine

# API.md: a repeat petition is one within 365 days of an earlier one.
REPEAT_WINDOW = timedelta(days=365)

STAFF_READERS = (Role.PETITION_OFFICE, Role.LEADER, Role.LEADING_GROUP, Role.HANDLING_UNIT)
# Who may read petitions (a citizen only their own) and who may file one.
READERS = (*STAFF_READERS, Role.CITIZEN)
FILERS = (Role.PETITION_OFFICE, Role.CITIZEN)
# Who calls the petitioner: the office (acceptance, replies) and the handling unit that
# works the case (rectification, conclusion). Leaders and the leading group do not.
PHONE_READERS = (Role.PETITION_OFFICE, Role.HANDLING_UNIT)


def register(
    petitions: Petitions,
    workflow: WorkflowEngine,
    hasher: IdHasher,
    caller: Caller,
    body: NewPetition,
    now: datetime,
) -> dict[str, Any]:
    """Register a petition and start its workflow (the triage task opens asynchronously)."""
    caller.require(*FILERS)
    number = id_number.normalize(body.petitioner.id_number)
    errors = id_number.validate(number, field="petitioner.idNumber")
    if errors:
        raise InvalidInput(detail="The petitioner's ID number is invalid.", errors=errors)
    received_at = now
    if not caller.has(Role.PETITION_OFFICE):
        _check_citizen_filing(caller, body, number)
    elif body.received_at is not None:
        received_at = body.received_at
        if received_at.tzinfo is None:
            raise invalid("receivedAt", "Give the instant with a time zone, e.g. ...Z.")
        if received_at > now:
            raise invalid("receivedAt", "The petition cannot be received in the future.")
        if received_at < EARLIEST_RECEIPT:
            raise invalid("receivedAt", f"Give an instant from {iso(EARLIEST_RECEIPT)} on.")

    petitioner_hash = hasher(number)
    repeat_of = find_repeats(
        petitions, petitioner_hash, body.category.value, body.subject, received_at
    )
    acceptance_due = deadlines.acceptance_due(received_at)
    petition: dict[str, Any] = {
        "petitionId": new_petition_id(),
        "status": PetitionStatus.IN_PROGRESS.value,
        "currentStep": PetitionStep.TRIAGE.value,
        "petitioner": {
            "name": body.petitioner.name,
            "idNumber": number,
            "phone": body.petitioner.phone,
        },
        "petitionerKey": f"ID#{petitioner_hash}",
        "category": body.category.value,
        "subject": body.subject,
        "content": body.content,
        "channel": body.channel.value,
        "district": body.district,
        "receivedAt": iso(received_at),
        "repeatOf": repeat_of,
        "acceptanceDueAt": iso(acceptance_due),
        # Provisional until triage accepts it: the latest the statute allows.
        "conclusionDueAt": iso(deadlines.conclusion_due(acceptance_due)),
        "extended": False,
        "steps": {},
        "evaluations": [],
        "reworkRounds": 0,
        "reworkLimitReached": False,
        "createdBy": caller.sub,
    }
    petitions.create(petition)
    metrics.count(metrics.Metric.PETITIONS_OPENED)
    workflow.start(petition["petitionId"])
    return view(petition, caller)


def _check_citizen_filing(caller: Caller, body: NewPetition, number: str) -> None:
    own = caller.id_number and id_number.normalize(caller.id_number) == number
    if not own:
        raise Forbidden(detail="A citizen files petitions only for themselves.")
    if body.channel is not Channel.ONLINE:
        raise invalid("channel", "A citizen files through the online channel.")
    if body.received_at is not None:
        raise invalid("receivedAt", "The receipt time of an online petition is set on arrival.")


def find_repeats(
    petitions: Petitions,
    petitioner_hash: str,
    category: str,
    subject: str,
    received_at: datetime,
) -> list[str]:
    """Earlier petitions of the same person, category and a similar subject in 365 days."""
    since = iso(received_at - REPEAT_WINDOW)
    until = iso(received_at)
    return [
        p["petitionId"]
        for p in sorted(petitions.by_petitioner(petitioner_hash, since), key=_received)
        if p["receivedAt"] <= until
        and p["category"] == category
        and is_similar_subject(p["subject"], subject)
    ]


def _received(petition: dict[str, Any]) -> str:
    return str(petition["receivedAt"])


def get(petitions: Petitions, caller: Caller, petition_id: str) -> dict[str, Any]:
    caller.require(*READERS)
    petition = petitions.get(petition_id)
    if petition is None or not _may_see(caller, petition):
        raise NotFound(detail="No such petition.")
    return view(petition, caller)


def _may_see(caller: Caller, petition: dict[str, Any]) -> bool:
    if caller.has(Role.PETITION_OFFICE, Role.LEADER, Role.LEADING_GROUP):
        return True
    if (
        caller.has(Role.HANDLING_UNIT)
        and caller.unit
        and petition.get("handlingUnit") == caller.unit
    ):
        return True
    return _is_petitioner(caller, petition)


def _is_petitioner(caller: Caller, petition: dict[str, Any]) -> bool:
    if caller.has(Role.CITIZEN) and caller.id_number:
        return id_number.normalize(caller.id_number) == petition["petitioner"]["idNumber"]
    return False


def list_petitions(
    petitions: Petitions,
    hasher: IdHasher,
    caller: Caller,
    *,
    status: PetitionStatus | None,
    step: PetitionStep | None,
) -> list[dict[str, Any]]:
    caller.require(*READERS)
    if caller.has(Role.PETITION_OFFICE, Role.LEADER, Role.LEADING_GROUP, Role.HANDLING_UNIT):
        statuses = [status] if status else list(PetitionStatus)
        found = [p for s in statuses for p in petitions.by_status(s.value)]
    elif caller.id_number:
        found = list(petitions.by_petitioner(hasher(id_number.normalize(caller.id_number))))
    else:
        found = []
    selected = [
        p
        for p in found
        if _may_see(caller, p)
        and (status is None or p["status"] == status.value)
        and (step is None or p.get("currentStep") == step.value)
    ]
    return [view(p, caller) for p in sorted(selected, key=_received, reverse=True)]


def search(
    petitions: Petitions, hasher: IdHasher, caller: Caller, petitioner_id_number: str
) -> list[dict[str, Any]]:
    """All petitions of one person (petition office only; the number stays in the body)."""
    caller.require(Role.PETITION_OFFICE)
    number = id_number.normalize(petitioner_id_number)
    errors = id_number.validate(number, field="petitionerIdNumber")
    if errors:
        raise InvalidInput(detail="The ID number is invalid.", errors=errors)
    found = sorted(petitions.by_petitioner(hasher(number)), key=_received, reverse=True)
    return [view(p, caller) for p in found]


# Attempts at an extension whose open task changed between the read and the write.
_EXTEND_ATTEMPTS = 3


def extend(
    petitions: Petitions,
    tasks: Tasks,
    caller: Caller,
    petition_id: str,
    request: ExtensionRequest,
    now: datetime,
) -> dict[str, Any]:
    """延期: the leader moves conclusionDueAt once, by at most 30 days; open tasks whose
    dueAt was capped at the old deadline move with it (dueAt, step entry, next reminder)."""
    caller.require(Role.LEADER)
    if request.days > deadlines.MAX_EXTENSION_DAYS:
        raise InvalidInput(
            detail="Too long an extension.",
            errors=[FieldError("days", f"at most {deadlines.MAX_EXTENSION_DAYS} days")],
        )
    for attempt in range(_EXTEND_ATTEMPTS):
        petition = _extendable(petitions, petition_id)
        old_due = petition["conclusionDueAt"]
        new_due = iso(parse_instant(old_due) + timedelta(days=request.days))
        try:
            updated = petitions.extend(
                petition_id,
                old_due=old_due,
                new_due=new_due,
                extension={
                    "days": request.days,
                    "reason": request.reason,
                    "by": caller.sub,
                    "at": iso(now),
                },
                moves=_due_moves(tasks, petition, new_due, now),
                # 延期告知: the petitioner is told the deadline moved (the reason is on the case)
                events=[PetitionProgressed(petition_id=petition_id, milestone="extended")],
            )
        except StaleRead:
            if attempt + 1 == _EXTEND_ATTEMPTS:
                raise
            continue
        return view(updated, caller)
    raise AssertionError("unreachable")  # pragma: no cover


def _extendable(petitions: Petitions, petition_id: str) -> dict[str, Any]:
    petition = petitions.get(petition_id)
    if petition is None:
        raise NotFound(detail="No such petition.")
    if petition["status"] != PetitionStatus.IN_PROGRESS.value:
        raise Conflict(detail="Only a petition in progress can be extended.")
    if not petition.get("acceptedAt"):
        raise Conflict(detail="The conclusion deadline runs from acceptance; triage it first.")
    if petition.get("extended"):
        raise Conflict(detail="The conclusion deadline was already extended.")
    return petition


def _due_moves(
    tasks: Tasks, petition: dict[str, Any], new_due: str, now: datetime
) -> list[DueMove]:
    """The open tasks the old conclusion deadline capped, with their new dueAt and next
    reminder (reminders already recorded stay; their keys keep them from recurring)."""
    moves: list[DueMove] = []
    for entry in (petition.get("steps") or {}).values():
        if entry.get("status") != TaskStatus.OPEN.value:
            continue
        task = tasks.get(entry["taskId"])
        if task is None or task["status"] != TaskStatus.OPEN.value:
            continue
        opened_at, due_at = parse_instant(task["openedAt"]), parse_instant(task["dueAt"])
        moved = deadlines.extended_step_due(
            PetitionStep(task["step"]),
            opened_at,
            due_at,
            acceptance_due_at=parse_instant(petition["acceptanceDueAt"]),
            old_conclusion_due_at=parse_instant(petition["conclusionDueAt"]),
            new_conclusion_due_at=parse_instant(new_due),
            attempt=int(task.get("attempt", 0)),
            due_days=petition.get("rectificationDueDays"),
        )
        if moved is None:
            continue
        remind_at = deadlines.next_reminder_at(opened_at, moved, now)
        moves.append(DueMove(task["taskId"], task["dueAt"], iso(moved), iso(remind_at)))
    return moves


_STEP_ORDER = {step.value: i for i, step in enumerate(PetitionStep)}

_VIEW_FIELDS = (
    "petitionId",
    "status",
    "currentStep",
    "category",
    "subject",
    "content",
    "channel",
    "district",
    "receivedAt",
    "repeatOf",
    "handlingUnit",
    "acceptedAt",
    "acceptanceDueAt",
    "conclusionDueAt",
    "extended",
    "extension",
    "evaluations",
    "satisfaction",
    "resolution",
    "reworkRounds",
    "reworkLimitReached",
    "notAcceptedReason",
    "closedAt",
)


def view(petition: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """The Petition of API.md; the ID number masked for all but the petition office, the
    phone for all but PHONE_READERS (a citizen sees only their own petitions, phone and all)."""
    out = {k: petition[k] for k in _VIEW_FIELDS if petition.get(k) is not None}
    out.setdefault("repeatOf", [])
    out.setdefault("evaluations", [])
    petitioner = dict(petition["petitioner"])
    if not caller.has(Role.PETITION_OFFICE):
        petitioner["idNumber"] = id_number.mask(petitioner["idNumber"])
    if not (caller.has(*PHONE_READERS) or _is_petitioner(caller, petition)):
        petitioner["phone"] = mask_phone(petitioner["phone"])
    out["petitioner"] = petitioner
    steps = list((petition.get("steps") or {}).values())
    out["steps"] = sorted(steps, key=lambda s: (s["openedAt"], _STEP_ORDER.get(s["step"], 0)))
    return out
