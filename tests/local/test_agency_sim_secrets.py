"""`onetrip agency-sim` holds one secret or two (a rotation being installed), set over
HTTP with `POST /secrets`; a delivery verifies with either."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from onetrip.domain.webhooks import notification_body, sign
from onetrip.routing import Agency
from onetrip_local.agency_sim import AgencySimulator, serve

OLD, NEW, OTHER = "A" * 48, "B" * 48, "C" * 48
BODY = notification_body({"notificationId": "ntf_1", "applicationId": "chg_1", "agency": "water",
                          "changedFields": ["surname"], "registryVersion": 2})  # fmt: skip


@pytest.fixture
def sim() -> Iterator[tuple[AgencySimulator, str]]:
    simulator = AgencySimulator(Agency.WATER, OLD, lambda *a: (409, None))
    server = serve(simulator)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield simulator, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _deliver(url: str, secret: str, webhook_id: str) -> int:
    headers = sign(secret, webhook_id, datetime.now(UTC), BODY)
    return _post(f"{url}/onetrip/webhooks", BODY.encode(), headers)[0]


def test_two_installed_secrets_verify_either_signature(sim: tuple[AgencySimulator, str]) -> None:
    simulator, url = sim
    assert _deliver(url, NEW, "msg_1") == 400  # not installed yet
    assert _post(f"{url}/secrets", json.dumps({"secrets": [NEW, OLD]}).encode()) == (
        200, {"secrets": 2},
    )  # fmt: skip
    assert _deliver(url, NEW, "msg_2") == 200
    assert _deliver(url, OLD, "msg_3") == 200
    assert _deliver(url, OTHER, "msg_4") == 400
    assert simulator.rejected == ["bad_signature", "bad_signature"]
    # The old one dropped: only the new verifies
    assert _post(f"{url}/secrets", json.dumps({"secrets": [NEW]}).encode())[0] == 200
    assert (_deliver(url, OLD, "msg_5"), _deliver(url, NEW, "msg_6")) == (400, 200)


@pytest.mark.parametrize("body", [{}, {"secrets": []}, {"secrets": [""]}, {"secrets": "x"},
                                  {"secrets": ["a", "b", "c"]}])  # fmt: skip
def test_a_malformed_secrets_body_is_refused_and_changes_nothing(
    sim: tuple[AgencySimulator, str], body: dict[str, Any]
) -> None:
    simulator, url = sim
    assert _post(f"{url}/secrets", json.dumps(body).encode())[0] == 422
    assert simulator.secret == OLD
