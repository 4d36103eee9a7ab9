"""`onetrip verify`: the venue's own verifier, online and offline, over the issuer's real
metadata and status lists (HTTP replaced by the emulated API, so no port is needed)."""

from __future__ import annotations

import json
import urllib.error
from pathlib import Path
from typing import Any

import pytest
from onetrip_local import verifier
from onetrip_local.cli import main as onetrip
from onetrip_local.verifier import Unavailable, verify_file

from tests.support.identity_flow import IdentityDesk
from tests.support.verification_flow import present
from tests.support.wallet_flow import Wallet, citizen, holder_key

URL = "http://api.test"
AUDIENCE = "urn:onetrip:venue:desk-offline"


@pytest.fixture
def network(cloud: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """GETs go to the emulated API while `up`; otherwise the network is down."""
    state = {"up": True}

    def get(self: verifier.Cache, url: str) -> str:
        if not state["up"]:
            raise urllib.error.URLError("network is unreachable")
        result = cloud.api("GET", url.removeprefix(URL))
        if result.status != 200:
            raise urllib.error.URLError(f"HTTP {result.status}")
        return str(result.text)

    monkeypatch.setattr(verifier.Cache, "_get", get)
    return state


def test_offline_the_desk_still_verifies_and_says_how_old_its_list_is(
    cloud: Any, network: dict[str, bool], tmp_path: Path
) -> None:
    person = IdentityDesk(cloud).register()
    key, jwk = holder_key()
    wallet = Wallet(cloud)
    credential = wallet.issued(person, holderJwk=jwk)
    shown = present(key, credential["credential"], ["ageOver18"], aud=AUDIENCE, nonce="n-1")

    def check(**options: Any) -> dict[str, Any]:
        return verify_file(shown, nonce="n-1", audience=AUDIENCE, url=URL, directory=tmp_path,
                           claims=["ageOver18"], type_="resident_id", **options)  # fmt: skip

    # Online: verified, and the keys and list are kept
    online = check()
    assert (online["status"], online["claims"], online["offline"]) == (
        "verified", {"ageOver18": True}, False,
    )  # fmt: skip
    assert set(online["checks"]) == {"signature", "issuer", "notExpired", "status",
                                     "holderBinding", "nonce", "onlyRequestedClaims"}  # fmt: skip
    assert 0 <= online["statusListAge"] < 86400  # signed when the list last changed, <= 1 day
    assert {p.name for p in tmp_path.iterdir()} >= {"issuer.json"}

    # The credential is revoked; the desk's network is down
    assert wallet.revoke(credential["credentialId"], citizen(person)).status == 200
    network["up"] = False

    # Offline it verifies from its copy, and says the copy predates now
    offline = check(offline=True)
    assert (offline["status"], offline["offline"]) == ("verified", True)
    assert offline["statusListAge"] >= online["statusListAge"]
    assert "statusListFetchedAt" in offline

    # Online without a network it falls back to the copy and says so
    fallback = check()
    assert fallback["offline"] is True and "issuer keys" in fallback["fromCache"]

    # Back online, the revocation is seen
    network["up"] = True
    back = check()
    assert (back["status"], back["failedCheck"], back["reason"]) == ("rejected", "status",
                                                                     "revoked")  # fmt: skip


def test_the_command_line_verifies_and_a_wrong_nonce_fails_offline_too(
    cloud: Any, network: dict[str, bool], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = IdentityDesk(cloud).register()
    key, jwk = holder_key()
    credential = Wallet(cloud).issued(person, holderJwk=jwk)
    shown = present(key, credential["credential"], ["surname"], aud=AUDIENCE, nonce="n-2")
    file = tmp_path / "presentation.txt"
    file.write_text(shown)
    common = ["verify", "--presentation", str(file), "--audience", AUDIENCE, "--url", URL,
              "--cache", str(tmp_path / "cache"), "--claim", "surname"]  # fmt: skip

    assert onetrip([*common, "--nonce", "n-2"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"] == {"surname": person["surname"]}
    network["up"] = False
    assert onetrip([*common, "--nonce", "n-other", "--offline"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (report["status"], report["failedCheck"], report["offline"]) == (
        "rejected", "nonce", True,
    )  # fmt: skip
    assert "status list cached, signed" in captured.err


def test_offline_without_a_cache_says_to_go_online_once(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="online"):
        verify_file("x~y~", nonce="n", audience=AUDIENCE, url=URL, directory=tmp_path,
                    offline=True)  # fmt: skip
