"""API.md's seven checks over vc/verify.py's finer ones, the request's life, the result the
venue reads, and the cached trust (issuer keys, status lists) of vc/trust.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.clock import iso
from onetrip.domain.verification import (
    CHECK_PARTS,
    Verification,
    VerificationStatus,
    outcome,
)
from onetrip.vc.jws import LocalSigner, sign_compact
from onetrip.vc.status_list import StatusList, status_list_payload
from onetrip.vc.trust import IssuerKeys, StatusLists
from onetrip.vc.verify import CHECKS

from tests.credentials import ISSUER, NOW, STATUS_URI, Issuer, presentation

API_MD_CHECKS = ["signature", "issuer", "notExpired", "status", "holderBinding", "nonce",
                 "onlyRequestedClaims"]  # fmt: skip
ASKED = ["surname", "ageOver18"]


def test_the_seven_checks_cover_every_check_of_the_verifier_once() -> None:
    assert list(CHECK_PARTS) == API_MD_CHECKS
    parts = [part for group in CHECK_PARTS.values() for part in group]
    assert sorted(parts) == sorted(CHECKS) and len(parts) == len(set(parts))


def test_an_honest_presentation_passes_all_seven() -> None:
    issuer, holder = Issuer(), LocalSigner.generate()
    result = issuer.verify(presentation(issuer.issue(holder), holder, ASKED), ASKED)
    verdict = outcome(result)
    assert verdict.status == VerificationStatus.VERIFIED
    assert {name: c["status"] for name, c in verdict.checks.items()} == dict.fromkeys(
        API_MD_CHECKS, "valid"
    )
    assert verdict.disclosed == {"surname": "李", "ageOver18": True}
    assert verdict.failed is None


@pytest.mark.parametrize(
    ("spoil", "check", "code"),
    [
        (lambda p: p.replace("~", "~~", 1), "signature", "tilde_structure"),
        (lambda p: "x" * 70000 + p, "signature", "too_large"),
        (lambda p: p, "onlyRequestedClaims", "missing_claims"),  # asked for one more below
    ],
)
def test_a_failure_is_reported_under_its_api_check_with_the_precise_code(
    spoil: Any, check: str, code: str
) -> None:
    issuer, holder = Issuer(), LocalSigner.generate()
    sent = spoil(presentation(issuer.issue(holder), holder, ASKED))
    asked = [*ASKED, "givenName"] if code == "missing_claims" else ASKED
    verdict = outcome(issuer.verify(sent, asked))
    assert (verdict.status, verdict.failed, verdict.reason) == ("rejected", check, code)
    assert verdict.disclosed == {}
    assert verdict.checks[check]["status"] == "invalid"


def test_a_suspended_credential_fails_status_and_nothing_else() -> None:
    issuer, holder = Issuer(), LocalSigner.generate()
    issuer.revoke(7, status=2)  # type: ignore[arg-type]
    verdict = outcome(
        issuer.verify(presentation(issuer.issue(holder, idx=7), holder, ASKED), ASKED)
    )
    assert (verdict.failed, verdict.reason) == ("status", "suspended")
    assert [n for n, c in verdict.checks.items() if c["status"] != "valid"] == ["status"]


def test_an_unreachable_status_list_is_not_verified() -> None:
    issuer, holder = Issuer(), LocalSigner.generate()

    def unreachable(uri: str) -> Any:
        raise LookupError("network down")

    sent = presentation(issuer.issue(holder), holder, ASKED)
    verdict = outcome(issuer.verify(sent, ASKED, statuses=unreachable))
    assert (verdict.status, verdict.failed) == ("rejected", "status")
    assert verdict.checks["status"] == {"status": "error", "code": "status_list_unavailable",
                                        "detail": "network down"}  # fmt: skip


def _request(at: datetime) -> Verification:
    return Verification(
        verification_id="ver_1", venue_id="ven_1", venue_name="江北宾馆", venue_kind="hotel",
        type="resident_id", claims=ASKED, purpose="入住登记", nonce="n", audience="a",
        created_at=iso(at), expires_at=iso(at + timedelta(minutes=5)),
    )  # fmt: skip


def test_a_request_expires_after_five_minutes_unless_answered() -> None:
    at = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    request = _request(at)
    assert request.status_at(at + timedelta(minutes=4, seconds=59)) == "pending"
    assert request.status_at(at + timedelta(minutes=5)) == "expired"
    request.status = "verified"
    assert request.status_at(at + timedelta(hours=1)) == "verified"


def test_the_venue_sees_the_values_for_half_an_hour_then_only_the_verdict() -> None:
    at = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    request = _request(at)
    request.status, request.presented_at = "verified", iso(at + timedelta(minutes=1))
    request.disclosed = {"surname": "李", "ageOver18": True}
    soon = request.result_api(at + timedelta(minutes=20))
    assert soon["claims"] == {"surname": "李", "ageOver18": True}
    later = request.result_api(at + timedelta(minutes=31))
    assert (later["status"], later["claims"]) == ("verified", {})


# --- vc/trust.py: the caches -------------------------------------------------------------


class Clock:
    def __init__(self, now: int = NOW) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def _metadata(*signers: LocalSigner) -> dict[str, Any]:
    return {"issuer": ISSUER, "jwks": {"keys": [s.public_jwk() for s in signers]}}


def test_issuer_keys_refresh_for_a_new_kid_but_not_for_every_unknown_one() -> None:
    old, new = LocalSigner.generate("k-old"), LocalSigner.generate("k-new")
    published = [old]
    fetches: list[int] = []
    clock = Clock()

    def fetch() -> dict[str, Any]:
        fetches.append(clock.now)
        return _metadata(*published)

    keys = IssuerKeys(ISSUER, fetch, clock)
    assert keys(ISSUER, {"kid": "k-old"}) is not None
    published.append(new)  # a rotation
    with pytest.raises(LookupError):
        keys(ISSUER, {"kid": "k-new"})  # within min_refresh of the first fetch
    clock.now += 10
    assert keys(ISSUER, {"kid": "k-new"}) is not None
    with pytest.raises(LookupError):
        keys(ISSUER, {"kid": "garbage"})
    assert len(fetches) == 2
    with pytest.raises(LookupError):
        keys("https://evil.example", {"kid": "k-old"})


def _status_token(signer: LocalSigner, status_list: StatusList, iat: int, ttl: int = 30) -> str:
    payload = status_list_payload(uri=STATUS_URI, lst_obj=status_list.to_json(), iat=iat,
                                  exp=iat + 86400, ttl=ttl)  # fmt: skip
    return sign_compact({"typ": "statuslist+jwt"}, payload, signer)


def test_a_status_list_is_cached_no_longer_than_its_ttl_allows() -> None:
    signer, clock = LocalSigner.generate("k1"), Clock()
    status_list = StatusList(64, 2)
    fetched: list[int] = []

    def fetch(uri: str) -> str:
        fetched.append(clock.now)
        return _status_token(signer, status_list, iat=clock.now, ttl=300)

    statuses = StatusLists(fetch, IssuerKeys(ISSUER, lambda: _metadata(signer), clock), clock)
    assert statuses(STATUS_URI).status_list.get(3) == 0
    status_list.set(3, 1)
    clock.now += 200
    assert statuses(STATUS_URI).status_list.get(3) == 0  # cached: within ttl - margin
    assert statuses(STATUS_URI).age == 200
    clock.now += 80  # 280 s: past ttl (300) minus the 30 s margin
    assert statuses(STATUS_URI).status_list.get(3) == 1
    assert fetched == [NOW, NOW + 280]


def test_offline_the_last_list_is_used_and_its_age_reported() -> None:
    signer, clock = LocalSigner.generate("k1"), Clock()
    token = _status_token(signer, StatusList(64, 2), iat=NOW - 3600)
    statuses = StatusLists(lambda uri: token, IssuerKeys(ISSUER, lambda: _metadata(signer), clock),
                           clock, honour_ttl=False)  # fmt: skip
    assert statuses(STATUS_URI).age == 3600
    clock.now += 600
    assert statuses(STATUS_URI).age == 4200
