"""A consumer worker killed mid-batch loses nothing: the batch stays on the queue, comes
back after the (shortened) visibility timeout, and a fresh worker applies it."""

from __future__ import annotations

import os
import signal

import pytest
from onetrip.routing import Agency

from tests.support.identity_flow import IdentityDesk
from tests.support.local_runtime import HttpCloud, wait_until

pytestmark = pytest.mark.e2e

CONSUMER = "LinkedUpdateWater"


def test_killing_a_consumer_worker_mid_batch_loses_nothing(http: HttpCloud) -> None:
    # Given a person with a water account, and the water consumer told to hold its next
    # batch for a while (so it can be killed while holding it)
    desk = IdentityDesk(http)
    person = desk.register()
    desk.seed_records(person, [Agency.WATER])
    hold = http.request("POST", "/_local/faults", body={"function": CONSUMER, "pauseSeconds": 30})
    assert hold.status == 202
    restarts_before = http.workers()[CONSUMER]["restarts"]

    # When a name change is approved and the worker is SIGKILLed while it holds the batch
    application = desk.change(person, {"givenName": "大明"})
    busy = wait_until(lambda: (w := http.workers()[CONSUMER])["busy"] and w, timeout=30)
    os.kill(busy["pid"], signal.SIGKILL)

    # Then the message is redelivered to a new worker and the change completes
    done = wait_until(
        lambda: (
            (a := desk.application(application["applicationId"]))["status"] == "completed" and a
        ),
        timeout=60,
    )
    assert desk.links(done)["water"] == "applied"
    assert desk.record(Agency.WATER, person["idNumber"]).json["givenName"] == "大明"
    after = http.workers()[CONSUMER]
    assert after["restarts"] == restarts_before + 1
    assert after["pid"] != busy["pid"]
