"""The Petitions table: one item per petition (信访件), indexed by status and petitioner.

Keys: pk = PETITION#<id>, sk = PETITION. GSIs (all attributes projected):
- byStatus (statusKey = STATUS#<status>, receivedAt): lists and statistics by period;
- byPetitioner (petitionerKey = ID#<keyed hash of the ID number>, receivedAt): search and
  repeat detection without the ID number ever being a key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.update import Action

from onetrip.dal.models import TransactionCancelled, Write, bound, document, transact
from onetrip.dal.models.petitions import PetitionItem, TaskItem
from onetrip.dal.outbox import Outbox
from onetrip.domain.petition import DueMove
from onetrip.errors import Conflict, StaleRead
from onetrip.events import EventDetail, PetitionReceived

_SK = "PETITION"
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _pk(petition_id: str) -> str:
    return f"PETITION#{petition_id}"


def status_key(status: str) -> str:
    return f"STATUS#{status}"


def petitioner_key(id_hash: str) -> str:
    return f"ID#{id_hash}"


class PetitionStore:
    def __init__(self, table: str, *, tasks_table: str = "", outbox: Outbox | None = None) -> None:
        self.model = bound(PetitionItem, table)
        self.tasks = bound(TaskItem, tasks_table) if tasks_table else None
        self.outbox = outbox

    def create(self, petition: Mapping[str, Any]) -> None:
        """Conflict if a petition with this id exists already. With an outbox, the
        PetitionReceived event commits with the petition (the scoreboard counts it)."""
        item = self.model.from_record(
            {
                **petition,
                "pk": _pk(petition["petitionId"]),
                "statusKey": status_key(petition["status"]),
            }
        )
        if self.outbox is not None:
            event = PetitionReceived(petition_id=petition["petitionId"])
            outbox_write, outbox_item = self.outbox.entry(event)
            try:
                transact(
                    [Write.put("petition", item, self.model.pk.does_not_exist()), outbox_write]
                )
            except TransactionCancelled as cancelled:
                if "petition" in cancelled.failed:
                    raise Conflict(detail="This petition exists already.") from None
                raise
            self.outbox.publish_quietly([outbox_item])
            return
        try:
            item.save(condition=self.model.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == _CONDITION_FAILED:
                raise Conflict(detail="This petition exists already.") from None
            raise

    def get(self, petition_id: str) -> dict[str, Any] | None:
        try:
            return self.model.get(_pk(petition_id), _SK, consistent_read=True).to_record()
        except self.model.DoesNotExist:
            return None

    def by_status(
        self, status: str, received_from: str | None = None, received_to: str | None = None
    ) -> Iterator[dict[str, Any]]:
        between = None
        if received_from and received_to:
            between = self.model.received_at.between(received_from, received_to)
        for item in self.model.by_status.query(status_key(status), between):
            yield item.to_record()

    def every(self) -> Iterator[dict[str, Any]]:
        """Every petition (a Scan: the scoreboard rebuild only, never a request)."""
        for item in self.model.scan(self.model.sk == _SK):
            yield item.to_record()

    def by_petitioner(
        self, id_hash: str, received_from: str | None = None
    ) -> Iterator[dict[str, Any]]:
        since = self.model.received_at >= received_from if received_from else None
        for item in self.model.by_petitioner.query(petitioner_key(id_hash), since):
            yield item.to_record()

    def extend(
        self,
        petition_id: str,
        *,
        old_due: str,
        new_due: str,
        extension: Mapping[str, Any],
        moves: Sequence[DueMove] = (),
        events: Sequence[EventDetail] = (),
    ) -> dict[str, Any]:
        """Move conclusionDueAt once, and with it (same transaction) the dueAt/remindAt of
        the open tasks it capped and their step entries, and the outbox entries of `events`;
        a second extension (or a race) is a Conflict, a task that changed since it was read
        a StaleRead."""
        model = self.model
        actions: list[Action] = [
            model.conclusion_due_at.set(new_due),
            model.extended.set(True),
            model.extension.set(dict(extension)),
        ]
        actions += [model.steps[m.task_id]["dueAt"].set(document(m.due_at)) for m in moves]
        condition = (
            model.pk.exists()
            & (model.extended == False)  # noqa: E712 - a DynamoDB condition, not a test
            & (model.conclusion_due_at == old_due)
            & (model.status == "in_progress")
        )
        petition = model(_pk(petition_id), _SK)
        announced = [self.outbox.entry(e) for e in events] if self.outbox is not None else []
        if not moves and not announced:
            try:
                petition.update(actions, condition=condition)
            except UpdateError as error:
                if error.cause_response_code == _CONDITION_FAILED:
                    raise Conflict(detail="The conclusion deadline was already extended.") from None
                raise
            return petition.to_record()  # UpdateItem returned the new item
        try:
            transact(
                [Write.update("petition", petition, actions, condition)]
                + [self._task_due_update(move) for move in moves]
                + [write for write, _ in announced]
            )
        except TransactionCancelled as cancelled:
            if cancelled.codes.get("petition") == "ConditionalCheckFailed":
                raise Conflict(detail="The conclusion deadline was already extended.") from None
            if cancelled.condition_failed:
                raise StaleRead(detail="An open task changed meanwhile; try again.") from None
            raise
        if self.outbox is not None and announced:
            self.outbox.publish_quietly([item for _, item in announced])
        updated = self.get(petition_id)
        assert updated is not None
        return updated

    def _task_due_update(self, move: DueMove) -> Write:
        """The task's new dueAt and its place in the reminder sweep, only if it is still
        open with the dueAt the move was computed from (recorded reminders stay)."""
        tasks = self.tasks
        assert tasks is not None, "PetitionStore built without its tasks table"
        return Write.update(
            f"task:{move.task_id}",
            tasks(f"TASK#{move.task_id}", "TASK"),
            [tasks.due_at.set(move.due_at), tasks.remind_at.set(move.remind_at)],
            (tasks.status == "open") & (tasks.due_at == move.old_due_at),
        )


def petition_update(
    model: type[PetitionItem],
    petition_id: str,
    *,
    sets: Mapping[str, Any] | None = None,
    step: tuple[str, Mapping[str, Any]] | None = None,
    append_evaluation: Mapping[str, Any] | None = None,
    add_rework: bool = False,
) -> Write:
    """An update (for a transaction) of the petition: top-level attributes, fields of one
    step entry (steps.<taskId>.<field>), an evaluation appended, the rework count."""
    actions: list[Action] = [
        model.attribute(name).set(value) for name, value in (sets or {}).items()
    ]
    if step:
        task_id, fields = step
        actions += [
            model.steps[task_id][name].set(document(value)) for name, value in fields.items()
        ]
    if append_evaluation:
        actions.append(
            model.evaluations.set(
                (model.evaluations | []).append(document([dict(append_evaluation)]))
            )
        )
    if add_rework:
        actions.append(model.rework_rounds.set((model.rework_rounds | 0) + 1))
    return Write.update("petition", model(_pk(petition_id), _SK), actions, model.pk.exists())
