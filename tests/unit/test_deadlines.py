"""Statutory and per-step deadlines, and the reminder schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from onetrip.domain import deadlines
from onetrip.domain.deadlines import next_reminder_at, schedule, step_due
from onetrip.domain.petition import PetitionStep, ReminderKind

RECEIVED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_acceptance_is_due_15_days_after_receipt() -> None:
    assert deadlines.acceptance_due(RECEIVED) == RECEIVED + 15 * DAY


def test_conclusion_is_due_60_days_after_acceptance() -> None:
    accepted = RECEIVED + 4 * DAY
    assert deadlines.conclusion_due(accepted) == accepted + 60 * DAY


def test_step_defaults_fit_inside_the_statutory_periods() -> None:
    within = [
        PetitionStep.ENFORCEMENT_REVIEW,
        PetitionStep.LEADER_INSTRUCTION,
        PetitionStep.RECTIFICATION,
        PetitionStep.TRACKING_REVIEW,
        PetitionStep.CONCLUSION,
    ]
    assert deadlines.STEP_DAYS[PetitionStep.TRIAGE] <= 15
    assert sum(deadlines.STEP_DAYS[s] for s in within) <= 60


def test_triage_due_is_capped_by_the_acceptance_deadline() -> None:
    # Given a petition registered 13 days after it was received
    opened = RECEIVED + 13 * DAY
    due = step_due(
        PetitionStep.TRIAGE,
        opened,
        acceptance_due_at=deadlines.acceptance_due(RECEIVED),
        conclusion_due_at=RECEIVED + 75 * DAY,
    )
    # Then triage is due at the statutory 15 days, not 13 + 5
    assert due == RECEIVED + 15 * DAY


def test_rectification_takes_the_leaders_days_but_not_past_the_conclusion() -> None:
    opened = RECEIVED + 10 * DAY
    kwargs = {"acceptance_due_at": RECEIVED + 15 * DAY, "conclusion_due_at": RECEIVED + 40 * DAY}
    assert step_due(PetitionStep.RECTIFICATION, opened, due_days=12, **kwargs) == opened + 12 * DAY
    assert (
        step_due(PetitionStep.RECTIFICATION, opened, due_days=45, **kwargs) == RECEIVED + 40 * DAY
    )
    rework = step_due(PetitionStep.RECTIFICATION, opened, attempt=1, due_days=12, **kwargs)
    assert rework == opened + deadlines.REWORK_RECTIFICATION_DAYS * DAY


def test_accountability_runs_past_the_conclusion_deadline() -> None:
    opened = RECEIVED + 70 * DAY
    due = step_due(
        PetitionStep.ACCOUNTABILITY,
        opened,
        acceptance_due_at=RECEIVED + 15 * DAY,
        conclusion_due_at=RECEIVED + 60 * DAY,
    )
    assert due == opened + 10 * DAY


OPENED = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
DUE = OPENED + 10 * DAY


@pytest.mark.parametrize(
    ("now", "kinds"),
    [
        (OPENED + 4 * DAY, []),
        (OPENED + 5 * DAY, ["half"]),
        (OPENED + 8 * DAY, ["half", "eighty"]),
        (DUE, ["half", "eighty", "due"]),
        (DUE + 23 * timedelta(hours=1), ["half", "eighty", "due"]),
        (DUE + DAY, ["half", "eighty", "due", "overdue", "escalated"]),
    ],
)
def test_schedule_lists_the_reminders_whose_time_has_come(now: datetime, kinds: list[str]) -> None:
    assert [r.kind.value for r in schedule(OPENED, DUE, now)] == kinds


def test_only_the_latest_overdue_reminder_is_due_after_an_outage() -> None:
    reminders = schedule(OPENED, DUE, DUE + 3 * DAY + timedelta(hours=2))
    overdue = [r for r in reminders if r.kind is ReminderKind.OVERDUE]
    assert [(r.ordinal, r.at) for r in overdue] == [(3, DUE + 3 * DAY)]


def test_next_reminder_walks_the_schedule() -> None:
    assert next_reminder_at(OPENED, DUE, OPENED) == OPENED + 5 * DAY
    assert next_reminder_at(OPENED, DUE, OPENED + 5 * DAY) == OPENED + 8 * DAY
    assert next_reminder_at(OPENED, DUE, OPENED + 9 * DAY) == DUE
    assert next_reminder_at(OPENED, DUE, DUE) == DUE + DAY
    assert next_reminder_at(OPENED, DUE, DUE + DAY + timedelta(hours=3)) == DUE + 2 * DAY


def _moved(step: PetitionStep, opened: datetime, due: datetime, **kw: object) -> object:
    accepted = RECEIVED + 4 * DAY
    old = deadlines.conclusion_due(accepted)
    return deadlines.extended_step_due(
        step,
        opened,
        due,
        acceptance_due_at=deadlines.acceptance_due(RECEIVED),
        old_conclusion_due_at=old,
        new_conclusion_due_at=old + 10 * DAY,
        **kw,  # type: ignore[arg-type]
    )


def test_an_extension_moves_only_a_step_capped_by_the_old_conclusion_deadline() -> None:
    old = deadlines.conclusion_due(RECEIVED + 4 * DAY)
    late = old - 5 * DAY
    # capped conclusion step (7 days, 5 left): its own 7 days now fit
    assert _moved(PetitionStep.CONCLUSION, late, old) == late + 7 * DAY
    # capped rectification with the leader's 30 days: the new deadline caps it again
    assert _moved(PetitionStep.RECTIFICATION, late, old, due_days=30) == old + 10 * DAY
    # not capped: due well before the deadline
    assert _moved(PetitionStep.CONCLUSION, late - 10 * DAY, late - 3 * DAY) is None
    # steps after the reply never ran to the statutory date
    assert _moved(PetitionStep.PERFORMANCE_REVIEW, late, old) is None
    # never earlier than before
    assert _moved(PetitionStep.TRACKING_REVIEW, old - DAY, old + 6 * DAY) is None
