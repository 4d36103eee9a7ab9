"""Deadlines of a petition and of its steps, and when to remind (催办) or escalate (督办).

The statutory periods come from 信访工作条例 (2022); the per-step defaults are the
bureau's own configuration and are chosen to fit inside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from onetrip.domain.petition import PetitionStep, ReminderKind

# 信访工作条例 (2022) art. 22: decide within 15 days of receipt whether and where it is handled.
ACCEPTANCE_PERIOD = timedelta(days=15)
# 信访工作条例 (2022) art. 35: a petition is concluded within 60 days of its acceptance.
CONCLUSION_PERIOD = timedelta(days=60)
# 信访工作条例 (2022) art. 35: one extension of at most 30 days, approved by a leader.
MAX_EXTENSION_DAYS = 30

# Bureau defaults (days per step). Triage (5) fits the 15-day acceptance period; enforcement
# review..conclusion add up to 5+3+30+5+7 = 50 days, inside the 60-day conclusion period.
# Rework rounds (10 + 5 days) and late steps are capped at the statutory date by step_due.
STEP_DAYS: dict[PetitionStep, int] = {
    PetitionStep.TRIAGE: 5,
    PetitionStep.ENFORCEMENT_REVIEW: 5,
    PetitionStep.LEADER_INSTRUCTION: 3,
    PetitionStep.RECTIFICATION: 30,
    PetitionStep.TRACKING_REVIEW: 5,
    PetitionStep.CONCLUSION: 7,
    PetitionStep.PERFORMANCE_REVIEW: 5,
    PetitionStep.ACCOUNTABILITY: 10,
}
# Shorter rectification when a failed tracking review sends the case back.
REWORK_RECTIFICATION_DAYS = 10

# Steps that must finish inside the statutory conclusion period; the reviews after the
# reply (performance review, accountability) are internal and run past it.
_WITHIN_CONCLUSION = frozenset(
    {
        PetitionStep.ENFORCEMENT_REVIEW,
        PetitionStep.LEADER_INSTRUCTION,
        PetitionStep.RECTIFICATION,
        PetitionStep.TRACKING_REVIEW,
        PetitionStep.CONCLUSION,
    }
)

# Reminder points as fractions of openedAt→dueAt (API.md "Reminders").
HALF_WAY = 0.5
EIGHTY_PERCENT = 0.8
# While overdue, one reminder per day.
OVERDUE_INTERVAL = timedelta(days=1)
# An overdue task goes to the leader once it is a full day late: the "due" reminder gets
# a day to work before the leader is involved.
ESCALATE_AFTER = timedelta(days=1)


def acceptance_due(received_at: datetime) -> datetime:
    return received_at + ACCEPTANCE_PERIOD


def conclusion_due(accepted_at: datetime) -> datetime:
    return accepted_at + CONCLUSION_PERIOD


def step_due(
    step: PetitionStep,
    opened_at: datetime,
    *,
    acceptance_due_at: datetime,
    conclusion_due_at: datetime,
    attempt: int = 0,
    due_days: int | None = None,
) -> datetime:
    """When the step's task is due: its default (or the leader's `dueDays`), capped by the
    statutory deadline it serves."""
    days = STEP_DAYS[step]
    if step is PetitionStep.RECTIFICATION:
        # The leader's dueDays sets the first round; a rework round gets the shorter default.
        days = REWORK_RECTIFICATION_DAYS if attempt else (due_days or days)
    due = opened_at + timedelta(days=days)
    if step is PetitionStep.TRIAGE:
        return min(due, acceptance_due_at)
    if step in _WITHIN_CONCLUSION:
        return min(due, conclusion_due_at)
    return due


def extended_step_due(
    step: PetitionStep,
    opened_at: datetime,
    due_at: datetime,
    *,
    acceptance_due_at: datetime,
    old_conclusion_due_at: datetime,
    new_conclusion_due_at: datetime,
    attempt: int = 0,
    due_days: int | None = None,
) -> datetime | None:
    """The new dueAt of an open step after an extension (延期), or None if it stays: only a
    step whose dueAt was capped at the old conclusion deadline moves, to what step_due
    gives with the new one, and never to an earlier instant."""
    if step not in _WITHIN_CONCLUSION or due_at < old_conclusion_due_at:
        return None
    moved = step_due(
        step,
        opened_at,
        acceptance_due_at=acceptance_due_at,
        conclusion_due_at=new_conclusion_due_at,
        attempt=attempt,
        due_days=due_days,
    )
    return moved if moved > due_at else None


@dataclass(frozen=True)
class Reminder:
    """One reminder on one task; (kind, ordinal) is its identity on that task."""

    kind: ReminderKind
    ordinal: int
    at: datetime


def _fraction(opened_at: datetime, due_at: datetime, fraction: float) -> datetime:
    return opened_at + (due_at - opened_at) * fraction


def schedule(opened_at: datetime, due_at: datetime, now: datetime) -> list[Reminder]:
    """Every reminder whose time has come by `now`, in time order.

    Half-way, 80 % and due are each recorded once; overdue reminders are one a day, and
    only the latest is returned (after an outage the clerk needs one nudge, not five).
    """
    due_now: list[Reminder] = []
    for kind, fraction in (
        (ReminderKind.HALF, HALF_WAY),
        (ReminderKind.EIGHTY, EIGHTY_PERCENT),
        (ReminderKind.DUE, 1.0),
    ):
        at = _fraction(opened_at, due_at, fraction)
        if at <= now:
            due_now.append(Reminder(kind, 0, at))
    overdue_days = int((now - due_at) / OVERDUE_INTERVAL) if now > due_at else 0
    if overdue_days >= 1:
        due_now.append(
            Reminder(ReminderKind.OVERDUE, overdue_days, due_at + overdue_days * OVERDUE_INTERVAL)
        )
    escalate_at = due_at + ESCALATE_AFTER
    if escalate_at <= now:
        due_now.append(Reminder(ReminderKind.ESCALATED, 0, escalate_at))
    return sorted(due_now, key=lambda r: r.at)


def next_reminder_at(opened_at: datetime, due_at: datetime, now: datetime) -> datetime:
    """The first reminder instant strictly after `now` (the task's place in the sweep index)."""
    for fraction in (HALF_WAY, EIGHTY_PERCENT, 1.0):
        at = _fraction(opened_at, due_at, fraction)
        if at > now:
            return at
    overdue_days = int((now - due_at) / OVERDUE_INTERVAL)
    return due_at + (overdue_days + 1) * OVERDUE_INTERVAL
