"""What the petition use cases need from storage and the outside world (small Protocols,
so tests can pass fakes and the logic never imports boto3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from onetrip.domain.petition import DueMove, PetitionChanges
from onetrip.events import EventDetail


class Petitions(Protocol):
    def create(self, petition: Mapping[str, Any]) -> None: ...
    def get(self, petition_id: str) -> dict[str, Any] | None: ...
    def by_status(
        self, status: str, received_from: str | None = None, received_to: str | None = None
    ) -> Iterator[dict[str, Any]]: ...
    def by_petitioner(
        self, id_hash: str, received_from: str | None = None
    ) -> Iterator[dict[str, Any]]: ...
    def extend(
        self,
        petition_id: str,
        *,
        old_due: str,
        new_due: str,
        extension: Mapping[str, Any],
        moves: Sequence[DueMove] = (),
        events: Sequence[EventDetail] = (),
    ) -> dict[str, Any]: ...


class Tasks(Protocol):
    def open(self, task: Mapping[str, Any], step_entry: Mapping[str, Any]) -> bool: ...
    def get(self, task_id: str) -> dict[str, Any] | None: ...
    def complete(
        self,
        task_id: str,
        *,
        petition_id: str,
        completed_at: str,
        completed_by: str,
        outcome: Mapping[str, Any],
        output: Mapping[str, Any],
        changes: PetitionChanges,
        events: Sequence[EventDetail] = (),
    ) -> dict[str, Any]: ...
    def mark_resumed(self, task_id: str, at: str) -> None: ...
    def open_for(self, assignee_key: str) -> Iterator[dict[str, Any]]: ...
    def escalated_to(self, escalation_key: str) -> Iterator[dict[str, Any]]: ...
    def due_for_reminder(self, now: str) -> Iterator[dict[str, Any]]: ...
    def record_reminder(
        self,
        task_id: str,
        reminder: Mapping[str, Any],
        *,
        escalate_to: str | None = None,
        event: EventDetail | None = None,
    ) -> bool: ...
    def set_next_reminder(self, task_id: str, remind_at: str) -> None: ...


class WorkflowEngine(Protocol):
    def start(self, petition_id: str) -> str: ...
    def resume(self, task_token: str, output: Mapping[str, Any]) -> bool: ...


@dataclass(frozen=True)
class PetitionStores:
    """What the petition functions are built from (see handlers/wiring.py)."""

    petitions: Petitions
    tasks: Tasks
    workflow: WorkflowEngine


class IdHasher(Protocol):
    def __call__(self, id_number: str) -> str: ...
