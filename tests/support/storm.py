"""Many identity changes at once, for the duplicate-storm and chaos suites.

A `Storm` registers persons known to all seven agencies and approves waves of changes
(surname, given name, and birth-date corrections that allocate a new number and re-key
every record), then checks the end state against the registry — never against what the
code under test says it did.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from onetrip.routing import HELD_FIELDS, Agency
from onetrip_infra.constructs.linked_updates import pascal

from tests.builders import claims
from tests.support.identity_flow import IdentityDesk

SURNAMES = ["李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"]
GIVEN_NAMES = ["建国", "秀英", "志强", "丽娟", "海涛", "春梅", "伟", "芳", "军"]
QUEUES = [f"{pascal(agency)}Queue" for agency in Agency]


@dataclass
class Storm:
    cloud: Any
    rng: random.Random
    desk: IdentityDesk = field(init=False)
    persons: list[dict[str, Any]] = field(default_factory=list)
    applications: list[str] = field(default_factory=list)
    changes_of: dict[str, int] = field(default_factory=dict)  # personId -> approved changes

    def __post_init__(self) -> None:
        self.desk = IdentityDesk(self.cloud)

    def register(self, count: int) -> None:
        for _ in range(count):
            person = self.desk.register()
            self.desk.seed_records(person)
            self.persons.append(person)
            self.changes_of[person["personId"]] = 0

    def change_for(self, person: dict[str, Any], wave: int) -> dict[str, Any]:
        """Every change touches all seven agencies; every third wave re-keys them."""
        if wave % 3 == 2:
            born = date.fromisoformat(person["birthDate"])
            return {"birthDate": (born + timedelta(days=1)).isoformat()}
        if wave % 3 == 1:
            names = [n for n in GIVEN_NAMES if n != person["givenName"]]
            return {"givenName": self.rng.choice(names)}
        return {"surname": self.rng.choice([s for s in SURNAMES if s != person["surname"]])}

    def wave(self, wave: int) -> list[Any]:
        """Submit and approve one change per person; returns the decisions' results."""
        results = []
        for index, person in enumerate(self.persons):
            submitted = self.desk.submit(person, self.change_for(person, wave))
            assert submitted.status == 201, submitted.json
            application_id = submitted.json["applicationId"]
            self.applications.append(application_id)
            decided = self.desk.decide(application_id)
            results.append(decided)
            self.changes_of[person["personId"]] += 1
            self.persons[index] = self.desk.person(person["personId"])
        return results

    def take_messages(self) -> list[tuple[str, str]]:
        """Every message on the seven linked-update queues, taken off them."""
        taken: list[tuple[str, str]] = []
        sqs = self.cloud.boto("sqs")
        for queue in QUEUES:
            url = self.cloud.queue_url(queue)
            while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages"
            ):
                taken += [(url, m["Body"]) for m in batch]
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in
                           enumerate(batch)]  # fmt: skip
                sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        return taken

    def send(self, messages: list[tuple[str, str]]) -> None:
        sqs = self.cloud.boto("sqs")
        for url, body in messages:
            sqs.send_message(QueueUrl=url, MessageBody=body)

    # -- the end state, judged against the registry --------------------------------------

    def application(self, application_id: str) -> dict[str, Any]:
        return self.desk.application(application_id)

    def assert_every_application_completed_once(self) -> None:
        for application_id in self.applications:
            application = self.application(application_id)
            assert application["status"] == "completed", application_id
            assert set(self.desk.links(application).values()) == {"applied"}, application_id
            events = [e["event"] for e in application["timeline"]]
            assert events.count("completed") == 1, (application_id, events)
            assert events.count("approved") == 1, (application_id, events)

    def assert_every_record_mirrors_the_registry(self) -> None:
        for person in self.persons:
            registry = self.desk.person(person["personId"])
            assert registry["version"] == 1 + self.changes_of[person["personId"]]
            for agency in Agency:
                found = self.cloud.api(
                    "POST",
                    f"/agencies/{agency.value}/records/lookup",
                    body={"idNumber": registry["idNumber"]},
                    claims=claims("agency", agency=agency.value),
                )
                assert found.status == 200, (agency, found.json)
                record = found.json
                for held in HELD_FIELDS[agency]:
                    assert record[held.value] == registry[held.value], (agency, held)
                # Never more writes than changes: no effect was applied twice.
                assert 2 <= record["version"] <= 1 + self.changes_of[person["personId"]]

    def outbox_left(self) -> int:
        table = self.cloud.table("Outbox")
        return int(self.cloud.boto("dynamodb").scan(TableName=table, Select="COUNT")["Count"])
