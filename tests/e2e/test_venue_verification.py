"""A hotel verifies a citizen over `onetrip local` (the README walkthrough): the desk asks
over HTTP, the reference wallet answers, the desk reads the verdict, the citizen reads
their activity log, and `onetrip verify` checks the same presentation on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from onetrip_local.cli import main as onetrip

from tests.support.identity_flow import IdentityDesk
from tests.support.local_runtime import HttpCloud
from tests.support.verification_flow import HOTEL_CLAIMS, VenueDesk

pytestmark = pytest.mark.e2e


def _wallet(capsys: pytest.CaptureFixture[str], url: str, id_number: str, *args: str) -> Any:
    capsys.readouterr()
    assert onetrip(["wallet", "--url", url, "--id-number", id_number, *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_hotel_verifies_a_citizen_who_then_reads_their_activity_log(
    http: HttpCloud, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    person = IdentityDesk(http).register(surname="钱", givenName="多多")
    number = person["idNumber"]
    credential = _wallet(capsys, http.url, number, "issue", "resident_id")["credentialId"]
    hotel = VenueDesk.register(http, "hotel", "甬江大酒店")

    request = hotel.asked()
    qr = http.api("GET", f"/verifications/{request['verificationId']}/qr.svg",
                  claims=hotel.caller)  # fmt: skip
    assert qr.status == 200 and qr.body.startswith(b"<svg")
    shown = _wallet(capsys, http.url, number, "request", request["verificationId"])
    assert (shown["venue"], shown["claims"]) == ({"name": "甬江大酒店", "kind": "hotel"},
                                                 HOTEL_CLAIMS)  # fmt: skip

    answered = _wallet(capsys, http.url, number, "respond", request["verificationId"], credential)
    assert answered["status"] == "verified"
    result = hotel.result(request["verificationId"]).json
    assert result["claims"] == {"surname": "钱", "givenName": "多多", "idNumber": number,
                                "gender": person["gender"]}  # fmt: skip

    log = _wallet(capsys, http.url, number, "activity")
    assert [(e["party"], e["result"], e["claims"]) for e in log] == [
        ("甬江大酒店", "verified", HOTEL_CLAIMS)
    ]
    assert number not in json.dumps(log, ensure_ascii=False)

    # The desk's own verifier agrees, over HTTP, and keeps what it needs for offline use
    capsys.readouterr()
    assert (
        onetrip(
            [
                "wallet",
                "--url",
                http.url,
                "--id-number",
                number,
                "present",
                credential,
                "--disclose",
                "surname",
                "--audience",
                "urn:desk",
                "--nonce",
                "n-9",
            ]
        )
        == 0
    )
    (tmp_path / "p.txt").write_text(capsys.readouterr().out)
    args = [
        "verify",
        "--presentation",
        str(tmp_path / "p.txt"),
        "--nonce",
        "n-9",
        "--audience",
        "urn:desk",
        "--url",
        http.url,
        "--cache",
        str(tmp_path / "cache"),
    ]
    assert onetrip(args) == 0
    capsys.readouterr()
    assert onetrip([*args, "--offline"]) == 0
    offline = json.loads(capsys.readouterr().out)
    assert (offline["status"], offline["offline"], offline["claims"]) == (
        "verified", True, {"surname": "钱"},
    )  # fmt: skip
