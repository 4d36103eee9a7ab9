"""The reference wallet end to end over `onetrip local`: issue a resident ID, change the
surname at the window, watch the re-issue arrive and the old entry turn invalid in the
published status list."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import jwt
import pytest
from onetrip_local.cli import main as onetrip
from onetrip_local.template import BUILD_DIR

from tests.support.identity_flow import IdentityDesk
from tests.support.local_runtime import HttpCloud, wait_until

pytestmark = pytest.mark.e2e


def _wallet(capsys: pytest.CaptureFixture[str], url: str, id_number: str, *args: str) -> Any:
    capsys.readouterr()
    assert onetrip(["wallet", "--url", url, "--id-number", id_number, *args]) == 0
    out = capsys.readouterr().out
    return out.strip() if args[0] == "present" else json.loads(out)


def _entry(http: HttpCloud, sd_jwt: str) -> int:
    """The credential's 2-bit entry in its published list, read like a verifier would."""
    reference = jwt.decode(sd_jwt.split("~")[0], options={"verify_signature": False})["status"][
        "status_list"
    ]
    listed = http.request("GET", "/" + reference["uri"].split("/", 3)[3])
    assert listed.status == 200 and listed.headers["content-type"] == "application/statuslist+jwt"
    lst = jwt.decode(listed.body.decode(), options={"verify_signature": False})["status_list"]
    raw = zlib.decompress(base64.urlsafe_b64decode(lst["lst"] + "=" * (-len(lst["lst"]) % 4)))
    index = reference["idx"]
    return (raw[index // 4] >> (2 * (index % 4))) & 3


def test_a_surname_change_reissues_the_resident_id_in_the_wallet(
    http: HttpCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a citizen whose wallet holds a resident ID bound to its key
    desk = IdentityDesk(http)
    person = desk.register(surname="王")
    number = person["idNumber"]
    issued = _wallet(capsys, http.url, number, "issue", "resident_id")
    assert issued["status"] == "valid"
    old_id = issued["credentialId"]
    claims = _wallet(capsys, http.url, number, "claims", old_id)
    assert (claims["surname"], claims["idNumber"]) == ("王", number)
    presentation = _wallet(
        capsys, http.url, number, "present", old_id,
        "--disclose", "ageOver18", "--audience", "https://venue.example", "--nonce", "n-1",
    )  # fmt: skip
    assert presentation.count("~") == 2  # one disclosure, then the KB-JWT
    old_credential = json.loads((BUILD_DIR / "wallet" / f"{old_id}.json").read_text())["credential"]
    assert _entry(http, old_credential) == 0

    # When the window changes the surname and an approver approves it
    desk.change(person, {"surname": "李"})

    # Then the wallet receives a re-issued resident ID and the old one is superseded
    def reissued() -> Any:
        listing = _wallet(capsys, http.url, number, "list")
        old = next(c for c in listing if c["credentialId"] == old_id)
        return old["status"] == "superseded" and old

    old = wait_until(reissued, timeout=90)
    new_id = old["supersededBy"]
    fresh = _wallet(capsys, http.url, number, "fetch", new_id)
    assert (fresh["status"], fresh["replaces"]) == ("valid", old_id)
    assert _wallet(capsys, http.url, number, "claims", new_id)["surname"] == "李"
    # And the published status list says so (within the 60 s the contract allows)
    assert wait_until(lambda: _entry(http, old_credential) == 1, timeout=60)
