"""Issue 10 end to end: `onetrip local` with water and gas in `webhook` mode (the other
five `mirror`), two `agency-sim` systems on real HTTP — water healthy, gas down at first
and recovering while EventBridge (emulated) retries. Every application completes, each
simulator's store equals the registry, and no value ever travelled in a notification."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from onetrip.routing import Agency
from onetrip_local.agency_sim import AgencySimulator
from onetrip_local.cli import main

from tests.builders import AGENCY_FIELDS
from tests.support.identity_flow import IdentityDesk
from tests.support.local_runtime import HttpCloud, wait_until
from tests.webhooks import webhook_city

pytestmark = pytest.mark.e2e

NOTIFICATION_KEYS = {"notificationId", "applicationId", "agency", "changedFields",
                     "registryVersion"}  # fmt: skip


@pytest.fixture(scope="module")
def city() -> Iterator[tuple[HttpCloud, dict[Agency, AgencySimulator]]]:
    with webhook_city() as (url, sims):
        yield HttpCloud(url), sims


def test_webhook_agencies_one_down_then_recovering_every_application_completes(
    city: tuple[HttpCloud, dict[Agency, AgencySimulator]],
) -> None:
    http, sims = city
    desk = IdentityDesk(http)
    sims[Agency.GAS].mode = "down"
    # Given three people held by every agency (onetrip's records and the agencies' own)
    people = [desk.register() for _ in range(3)]
    for person in people:
        records = desk.seed_records(person)
        for agency, sim in sims.items():
            sim.seed(dict(records[agency]))
    # When each changes a held field (one also changes a field only some agencies hold)
    changes = [{"surname": "欧阳"}, {"givenName": "晓东"}, {"surname": "司马", "ethnicity": "回族"}]
    applications = [
        desk.change(p, c)["applicationId"] for p, c in zip(people, changes, strict=True)
    ]
    # Then water settles while gas is down: gas's linked updates wait, notified
    wait_until(lambda: all(desk.links(desk.application(a))["water"] == "applied"
                           for a in applications), timeout=120)  # fmt: skip
    assert {desk.links(desk.application(a))["gas"] for a in applications} == {"notified"}
    # When gas comes back, EventBridge's retries (emulated) reach it
    sims[Agency.GAS].mode = "up"
    done = [
        wait_until(
            lambda a=a: (x := desk.application(a))["status"] == "completed" and x, timeout=120
        )  # fmt: skip
        for a in applications
    ]
    for application in done:
        assert set(desk.links(application).values()) == {"applied"}
    # and every simulator's store equals the registry in the fields it holds
    for person in people:
        registry = desk.person(person["personId"])
        for agency, sim in sims.items():
            record = sim.records[registry["idNumber"]]
            held = AGENCY_FIELDS[agency.value]
            assert {f: record[f] for f in held} == {f: registry[f] for f in held}
            # no value ever travelled in a notification
            for payload in sim.received:
                assert set(payload) == NOTIFICATION_KEYS
                assert not {registry[f] for f in held} & set(map(str, _values(payload)))
    for sim in sims.values():
        assert sim.errors == []
        # Retries and reminders are new deliveries or the same one again: never forged.
        assert not {"bad_signature", "stale", "missing_headers"} & set(sim.rejected)


def _values(payload: dict[str, Any]) -> list[Any]:
    flat: list[Any] = []
    for value in payload.values():
        flat += value if isinstance(value, list) else [value]
    return flat


def test_a_forged_delivery_to_the_simulator_is_refused(
    city: tuple[HttpCloud, dict[Agency, AgencySimulator]],
) -> None:
    _, sims = city
    water = sims[Agency.WATER]
    body = json.dumps({"notificationId": "ntf_x"}).encode()
    forged = {"webhook-id": "msg_x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}
    assert water.receive(forged, body) == 400
    assert water.rejected[-1] == "stale"


def test_a_rotated_secret_installed_beside_the_old_one_misses_no_delivery(
    city: tuple[HttpCloud, dict[Agency, AgencySimulator]], capsys: pytest.CaptureFixture[str]
) -> None:
    # The runbook (operations.md, "Rotate a webhook agency's signing secret") against the
    # running runtime: the ops verb over --url, the agency installing the printed secret
    # beside its current one over the simulator's HTTP, and a change delivered meanwhile.
    http, sims = city
    water = sims[Agency.WATER]
    old = water.secret
    assert isinstance(old, str)
    capsys.readouterr()
    argv = ["ops", "--url", http.url, "--json", "rotate-webhook-secret", "--agency", "water"]
    assert main(argv) == 0
    new = json.loads(capsys.readouterr().out)["install"]
    assert new != old
    assert _post(f"{water.address}/secrets", {"secrets": [new, old]}) == {"secrets": 2}
    rejected_before = len(water.rejected)

    desk = IdentityDesk(http)
    person = desk.register()
    records = desk.seed_records(person)
    for agency, sim in sims.items():
        sim.seed(dict(records[agency]))
    application = desk.change(person, {"surname": "上官"})["applicationId"]
    done = wait_until(
        lambda: (x := desk.application(application))["status"] == "completed" and x, timeout=120
    )
    assert set(desk.links(done).values()) == {"applied"}
    assert water.rejected[rejected_before:] == []


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
