"""Generated scoreboard histories: petitions and identity-change applications stored
straight into the tables, and the events the outbox would publish for them, put on the bus
so the consumers run exactly as deployed. Shared by the scoreboard's integration tests and
the chart page's browser test; each computes its expected figures from these records."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from onetrip.dal.models import bound
from onetrip.dal.models.applications import ApplicationPart
from onetrip.dal.petitions import PetitionStore

CST = timezone(timedelta(hours=8))
DISTRICTS = ("江北区", "海曙区", "鄞州区")
CATEGORIES = ("law_enforcement", "public_order", "traffic", "household", "other")
AGENCIES = ("social_security", "water", "gas")
YEARS = (2021, 2022)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class GeneratedPetition:
    petition_id: str
    year: int
    month: int
    district: str
    category: str
    status: str  # in_progress | closed | not_accepted
    received: datetime
    repeat: bool
    resolved: bool = False
    days_to_close: int = 0

    def record(self) -> dict[str, Any]:
        closed_at = self.received + timedelta(days=self.days_to_close)
        record: dict[str, Any] = {
            "petitionId": self.petition_id,
            "status": self.status,
            "category": self.category,
            "subject": "年度样例",
            "petitioner": {"name": "样例", "idNumber": "330203199003077019", "phone": "10000"},
            "channel": "visit",
            "district": self.district,
            "receivedAt": _utc(self.received),
            "repeatOf": ["earlier"] if self.repeat else [],
            "steps": {},
            "petitionerKey": f"ID#board-{self.petition_id}",
            # Generous deadlines: no deadline is missed in this history.
            "acceptanceDueAt": _utc(self.received + timedelta(days=15)),
            "conclusionDueAt": _utc(self.received + timedelta(days=90)),
        }
        if self.status != "in_progress":
            record["closedAt"] = _utc(closed_at)
        if self.status == "closed":
            record["acceptedAt"] = _utc(self.received + timedelta(days=1))
            record["resolution"] = "resolved" if self.resolved else "partially_resolved"
        return record


@dataclass
class GeneratedApplication:
    application_id: str
    year: int
    month: int
    district: str
    submitted: datetime
    agencies: tuple[str, ...]
    tenths_of_hours: int | None  # approval to completion; None = still applying
    failed: set[str] = field(default_factory=set)


def generate(
    seed: int = 12, years: Sequence[int] = YEARS, months: Sequence[int] = range(1, 13)
) -> tuple[list[GeneratedPetition], list[GeneratedApplication]]:
    """Petitions and applications of `months` in each of `years`; the later years have
    fewer petitions, as the reform intends."""
    rng = random.Random(seed)
    petitions: list[GeneratedPetition] = []
    applications: list[GeneratedApplication] = []
    for year in years:
        for month in months:
            for n in range(rng.randint(2, 3) if year == years[0] else rng.randint(1, 2)):
                received = datetime(year, month, rng.randint(1, 28), rng.randint(0, 23), tzinfo=CST)
                status = rng.choice(("closed", "closed", "not_accepted", "in_progress"))
                petitions.append(
                    GeneratedPetition(
                        petition_id=f"board_p{year}{month:02d}{n}",
                        year=year,
                        month=month,
                        district=rng.choice(DISTRICTS),
                        category=rng.choice(CATEGORIES),
                        status=status,
                        received=received,
                        repeat=rng.random() < 0.2,
                        resolved=rng.random() < 0.7,
                        days_to_close=rng.randint(2, 60),
                    )
                )
            for n in range(rng.randint(1, 2)):
                submitted = datetime(year, month, rng.randint(1, 28), 9, tzinfo=CST)
                done = rng.random() < 0.9
                agencies = tuple(a for a in AGENCIES if rng.random() < 0.7) or ("water",)
                applications.append(
                    GeneratedApplication(
                        application_id=f"board_a{year}{month:02d}{n}",
                        year=year,
                        month=month,
                        district=rng.choice(DISTRICTS),
                        submitted=submitted,
                        agencies=agencies,
                        tenths_of_hours=rng.randint(1, 480) if done else None,
                        failed={a for a in agencies if rng.random() < 0.15} if done else set(),
                    )
                )
    return petitions, applications


def _store_application(parts: Any, app: GeneratedApplication) -> None:
    pk = f"APP#{app.application_id}"
    decided = app.submitted + timedelta(hours=2)
    status = "applying"
    if app.tenths_of_hours is not None:
        status = "completed_with_failures" if app.failed else "completed"
    parts(
        pk, "APP", application_id=app.application_id, status=status, person_id="per_board",
        id_number="330203199003077019", kind="change",
        changes={"surname": {"from": "王", "to": "汪"}},
        reason="样例", window={"district": app.district}, submitted_at=_utc(app.submitted),
        submitted_by="clerk", base_version=1, decided_at=_utc(decided), decided_by="approver",
    ).save()  # fmt: skip
    for agency in app.agencies:
        link_status = "pending" if app.tenths_of_hours is None else "applied"
        if agency in app.failed:
            link_status = "failed"
        parts(pk, f"LINK#{agency}", agency=agency, status=link_status, attempts=1,
              updated_at=_utc(decided)).save()  # fmt: skip
    if app.tenths_of_hours is not None:
        at = _utc(decided + timedelta(minutes=6 * app.tenths_of_hours))
        parts(pk, f"TL#{at}#{status}", at=at, event=status).save()


def events(
    petitions: list[GeneratedPetition], applications: list[GeneratedApplication]
) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    for p in petitions:
        out.append(("onetrip.petitions", "PetitionReceived", {"petitionId": p.petition_id}))
        if p.status != "in_progress":
            detail = {"petitionId": p.petition_id, "status": p.status}
            out.append(("onetrip.petitions", "PetitionClosed", detail))
    for a in applications:
        out.append(
            ("onetrip.identity", "IdentityChangeSubmitted", {"applicationId": a.application_id})
        )
        if a.tenths_of_hours is not None:
            detail = {
                "applicationId": a.application_id, "personId": "per_board",
                "status": "completed_with_failures" if a.failed else "completed",
                "failedAgencies": sorted(a.failed),
            }  # fmt: skip
            out.append(("onetrip.identity", "IdentityChangeCompleted", detail))
    return out


def publish(cloud: Any, events: list[tuple[str, str, dict[str, Any]]]) -> None:
    bus = cloud.bus_name
    client = cloud.boto("events")
    for start in range(0, len(events), 10):
        entries = [
            {"Source": s, "DetailType": t, "Detail": json.dumps({"schemaVersion": "1", **d}),
             "EventBusName": bus}
            for s, t, d in events[start : start + 10]
        ]  # fmt: skip
        assert not client.put_events(Entries=entries).get("FailedEntryCount")
    report = cloud.deliver()
    assert report.drained


def store(cloud: Any, petitions: list[GeneratedPetition], apps: list[GeneratedApplication]) -> None:
    """The records in the tables and their events consumed (scoreboard, notifier)."""
    petition_store = PetitionStore(cloud.table("Petitions"))
    for p in petitions:
        petition_store.create(p.record())
    parts = bound(ApplicationPart, cloud.table("Applications"))
    for a in apps:
        _store_application(parts, a)
    publish(cloud, events(petitions, apps))


def expected_ranking(
    petitions: list[GeneratedPetition], apps: list[GeneratedApplication], year: int
) -> list[tuple[int, str, int]]:
    """(rank, district, score) of `year`, computed from the history: 100 minus 1 point per
    repeat petition, 1 per failed linked update, 3 per petition not accepted later than 15
    days after receipt (信访工作条例 art. 24); best first, ties by name. (No task is
    escalated and no other deadline is missed in these histories.)"""
    lost = {
        d: sum(p.repeat for p in petitions if p.year == year and p.district == d)
        + sum(len(a.failed) for a in apps if a.year == year and a.district == d)
        + 3
        * sum(
            p.status == "not_accepted" and p.days_to_close > 15
            for p in petitions
            if p.year == year and p.district == d
        )
        for d in DISTRICTS
    }
    order = sorted(DISTRICTS, key=lambda d: (lost[d], d))
    return [(i, d, 100 - lost[d]) for i, d in enumerate(order, start=1)]
