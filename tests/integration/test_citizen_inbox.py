"""`onetrip inbox`'s reading of the CitizenInbox queue: outcome events go onto the bus as
the outbox publishes them, the Notifier turns each into one message, and the inbox shows
them per person or case — again on every read, until it is told to deliver them."""

from __future__ import annotations

from typing import Any

from onetrip_ops import inbox

from tests.scoreboard_history import publish
from tests.support.ops import target_of

COMPLETED = "IdentityChangeCompleted"


def _completed(application_id: str, person_id: str, status: str = "completed") -> Any:
    detail = {"applicationId": application_id, "personId": person_id, "status": status,
              "failedAgencies": ["gas"] if status != "completed" else []}  # fmt: skip
    return ("onetrip.identity", COMPLETED, detail)


def test_the_inbox_shows_each_outcome_once_per_person_until_delivered(fresh_cloud: Any) -> None:
    # Given four outcomes, two of them published twice (a relay republish)
    accepted = {"petitionId": "pet_inbox1", "milestone": "accepted"}
    outcomes = [
        _completed("chg_inbox1", "per_inbox_a"),
        _completed("chg_inbox2", "per_inbox_b", "completed_with_failures"),
        ("onetrip.petitions", "PetitionProgressed", accepted),
        ("onetrip.petitions", "PetitionClosed", {"petitionId": "pet_inbox1", "status": "closed"}),
    ]
    publish(fresh_cloud, [*outcomes, outcomes[0], outcomes[2]])
    target = target_of(fresh_cloud)

    # When the inbox is read (twice: reading does not consume)
    first, petition = inbox.read(target), inbox.read(target, reference="pet_inbox1")

    # Then one message per outcome, ids and references only; still there on the next read
    assert sorted(m.message_id for m in petition) == ["pet_inbox1:accepted", "pet_inbox1:closed"]
    assert sorted((m.message_id, m.person_id) for m in first) == [
        ("chg_inbox1:completed", "per_inbox_a"),
        ("chg_inbox2:completed_with_failures", "per_inbox_b"),
        ("pet_inbox1:accepted", None),
        ("pet_inbox1:closed", None),
    ]
    assert all(m.reference in m.text for m in first)

    # When the message service delivers person a's messages
    (delivered,) = inbox.read(target, person_id="per_inbox_a", deliver=True)

    # Then they are gone and the others stay
    assert delivered.message_id == "chg_inbox1:completed"
    left = inbox.read(target)
    assert sorted(m.message_id for m in left) == [
        "chg_inbox2:completed_with_failures",
        "pet_inbox1:accepted",
        "pet_inbox1:closed",
    ]
