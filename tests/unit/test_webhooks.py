"""The shared Standard Webhooks helper (onetrip.domain.webhooks).

Oracles: the `standardwebhooks` package's own verify() for what we sign, and hand-computed
HMAC-SHA256 per the spec (`<id>.<timestamp>.<body>`, base64, "v1," prefix).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta

import pytest
from onetrip.domain.webhooks import (
    MemorySeenIds,
    Receiver,
    Rejected,
    Rejection,
    SigningKeys,
    canonical_body,
    notification_body,
    sign,
)
from standardwebhooks import Webhook

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
BODY = notification_body(
    {
        "notificationId": "ntf_1",
        "applicationId": "chg_1",
        "agency": "water",
        "changedFields": ["surname"],
        "registryVersion": 3,
    }  # fmt: skip
)
NOW = 1_800_000_000


def _receiver() -> Receiver:
    return Receiver(SECRET, MemorySeenIds(), clock=lambda: NOW)


def _headers(at: int = NOW, webhook_id: str = "msg_1", body: str = BODY) -> dict[str, str]:
    return sign(SECRET, webhook_id, datetime.fromtimestamp(at, UTC), body)


def test_the_signature_is_the_specs_hmac_over_id_timestamp_and_body() -> None:
    headers = _headers()
    key = b"k" * 32
    expected = hmac.new(key, f"msg_1.{NOW}.{BODY}".encode(), hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()
    assert headers["webhook-timestamp"] == str(NOW)


def test_the_reference_library_verifies_what_we_sign() -> None:
    now = int(time.time())
    headers = _headers(at=now)
    assert Webhook(SECRET).verify(BODY, headers) == {
        "agency": "water", "applicationId": "chg_1", "changedFields": ["surname"],
        "notificationId": "ntf_1", "registryVersion": 3,
    }  # fmt: skip


def test_an_authentic_fresh_delivery_is_accepted() -> None:
    assert _receiver().verify(BODY.encode(), _headers())["notificationId"] == "ntf_1"


def test_a_forged_signature_is_rejected() -> None:
    forged = {**_headers(), "webhook-signature": "v1," + base64.b64encode(b"x" * 32).decode()}
    with pytest.raises(Rejected) as caught:
        _receiver().verify(BODY, forged)
    assert caught.value.reason is Rejection.BAD_SIGNATURE


def test_a_tampered_body_is_rejected() -> None:
    with pytest.raises(Rejected) as caught:
        _receiver().verify(BODY.replace("surname", "givenName"), _headers())
    assert caught.value.reason is Rejection.BAD_SIGNATURE


def test_a_signature_made_with_another_secret_is_rejected() -> None:
    other = sign("whsec_" + base64.b64encode(b"o" * 32).decode(), "msg_1",
                 datetime.fromtimestamp(NOW, UTC), BODY)  # fmt: skip
    with pytest.raises(Rejected) as caught:
        _receiver().verify(BODY, other)
    assert caught.value.reason is Rejection.BAD_SIGNATURE


def test_a_malformed_signature_header_is_rejected_not_a_crash() -> None:
    with pytest.raises(Rejected) as caught:
        _receiver().verify(BODY, {**_headers(), "webhook-signature": "garbage"})
    assert caught.value.reason is Rejection.BAD_SIGNATURE


def test_a_stale_timestamp_is_rejected_even_with_a_valid_signature() -> None:
    with pytest.raises(Rejected) as caught:
        _receiver().verify(BODY, _headers(at=NOW - 301))
    assert caught.value.reason is Rejection.STALE


def test_a_timestamp_from_the_future_is_rejected() -> None:
    with pytest.raises(Rejected) as caught:
        _receiver().verify(BODY, _headers(at=NOW + 301))
    assert caught.value.reason is Rejection.STALE


def test_a_replayed_webhook_id_is_rejected() -> None:
    receiver = _receiver()
    receiver.verify(BODY, _headers())
    with pytest.raises(Rejected) as caught:
        receiver.verify(BODY, _headers())
    assert caught.value.reason is Rejection.REPLAYED


def test_missing_headers_are_rejected() -> None:
    headers = _headers()
    del headers["webhook-id"]
    with pytest.raises(Rejected) as caught:
        _receiver().verify(BODY, headers)
    assert caught.value.reason is Rejection.MISSING_HEADERS


def test_a_notification_body_refuses_anything_but_ids_and_field_names() -> None:
    with pytest.raises(ValueError, match="extra"):
        notification_body({"notificationId": "n", "applicationId": "a", "agency": "water",
                           "changedFields": [], "registryVersion": 1, "surname": "李"})  # fmt: skip


def test_the_canonical_body_is_sorted_compact_ascii() -> None:
    assert canonical_body({"b": 1, "a": ["x"]}) == '{"a":["x"],"b":1}'


def test_the_published_webhook_schema_is_the_notification_contract() -> None:
    from onetrip.api.routes.agencies import WEBHOOKS
    from onetrip.domain.webhooks import NOTIFICATION_FIELDS

    schema = WEBHOOKS["agencyChangeNotification"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    # API.md: {notificationId, applicationId, agency, changedFields, registryVersion}
    expected = {"notificationId", "applicationId", "agency", "changedFields", "registryVersion"}
    assert set(schema["required"]) == set(schema["properties"]) == expected
    assert expected == NOTIFICATION_FIELDS


# -- rotation: several secrets, several signatures ------------------------------------------

OLD = SECRET
NEW = "whsec_" + base64.b64encode(b"n" * 32).decode()
LEAKED_THEN_ROTATED = OLD  # why one rotates: the old secret may be known to an attacker
ROTATED_AT = datetime.fromtimestamp(NOW - 3600, UTC)
GRACE = timedelta(hours=24)


def _during_rotation(webhook_id: str = "msg_1", body: str = BODY) -> dict[str, str]:
    return sign([NEW, OLD], webhook_id, datetime.fromtimestamp(NOW, UTC), body)


def _hmac(key: bytes, webhook_id: str, body: str) -> str:
    digest = hmac.new(key, f"{webhook_id}.{NOW}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def test_signing_with_two_secrets_lists_both_signatures_new_first() -> None:
    header = _during_rotation()["webhook-signature"]
    assert header == f"{_hmac(b'n' * 32, 'msg_1', BODY)} {_hmac(b'k' * 32, 'msg_1', BODY)}"


def test_the_reference_library_verifies_a_two_signature_header_with_either_secret() -> None:
    now = int(time.time())
    headers = sign([NEW, OLD], "msg_1", datetime.fromtimestamp(now, UTC), BODY)
    for secret in (OLD, NEW):
        assert Webhook(secret).verify(BODY, headers)["notificationId"] == "ntf_1"


@pytest.mark.parametrize(
    "installed", [(OLD,), (NEW,), (OLD, NEW), (NEW, OLD)], ids=["old", "new", "both", "both2"]
)
def test_during_the_window_an_agency_with_the_old_the_new_or_both_secrets_verifies(
    installed: tuple[str, ...],
) -> None:
    receiver = Receiver(installed, MemorySeenIds(), clock=lambda: NOW)
    assert receiver.verify(BODY, _during_rotation())["notificationId"] == "ntf_1"


def test_an_agency_that_installed_both_verifies_what_only_one_secret_signed() -> None:
    receiver = Receiver((OLD, NEW), MemorySeenIds(), clock=lambda: NOW)
    at = datetime.fromtimestamp(NOW, UTC)
    assert receiver.verify(BODY, sign(OLD, "msg_old", at, BODY))["agency"] == "water"
    assert receiver.verify(BODY, sign(NEW, "msg_new", at, BODY))["agency"] == "water"


def test_the_signing_keys_before_during_and_after_the_window() -> None:
    never_rotated = SigningKeys(current=OLD, current_since=ROTATED_AT, previous=None, grace=GRACE)
    rotated = SigningKeys(current=NEW, current_since=ROTATED_AT, previous=OLD, grace=GRACE)
    assert never_rotated.at(ROTATED_AT + timedelta(hours=1)) == (OLD,)
    assert rotated.at(ROTATED_AT) == (NEW, OLD)
    assert rotated.at(ROTATED_AT + GRACE - timedelta(seconds=1)) == (NEW, OLD)
    assert rotated.at(ROTATED_AT + GRACE) == (NEW,)
    assert rotated.at(ROTATED_AT + GRACE + timedelta(days=30)) == (NEW,)


def test_after_the_window_only_the_new_secret_signs_and_an_old_only_agency_refuses() -> None:
    rotated = SigningKeys(current=NEW, current_since=ROTATED_AT, previous=OLD, grace=GRACE)
    after = ROTATED_AT + GRACE + timedelta(minutes=1)
    headers = sign(rotated.at(after), "msg_1", after, BODY)
    assert " " not in headers["webhook-signature"]
    clock = after.timestamp
    assert Receiver(NEW, MemorySeenIds(), clock=clock).verify(BODY, headers)["agency"] == "water"
    with pytest.raises(Rejected) as caught:
        Receiver(OLD, MemorySeenIds(), clock=clock).verify(BODY, headers)
    assert caught.value.reason is Rejection.BAD_SIGNATURE


def test_a_forged_extra_signature_does_not_authenticate_a_tampered_body() -> None:
    # The attacker keeps our genuine signatures and adds its own for the body it wants.
    tampered = BODY.replace("surname", "givenName")
    forged = sign("whsec_" + base64.b64encode(b"a" * 32).decode(), "msg_1",
                  datetime.fromtimestamp(NOW, UTC), tampered)["webhook-signature"]  # fmt: skip
    headers = {**_during_rotation(), "webhook-signature": f"{forged} "
               f"{_during_rotation()['webhook-signature']} v1,{'A' * 44} v2,x ,,"}  # fmt: skip
    for installed in ((OLD,), (NEW,), (OLD, NEW)):
        with pytest.raises(Rejected) as caught:
            Receiver(installed, MemorySeenIds(), clock=lambda: NOW).verify(tampered, headers)
        assert caught.value.reason is Rejection.BAD_SIGNATURE


def test_a_leaked_old_secret_is_useless_once_the_agency_dropped_it() -> None:
    # After the window the agency keeps only the new secret: a message the attacker signs
    # with the old one, padded with junk signatures, is refused.
    headers = sign(LEAKED_THEN_ROTATED, "msg_evil", datetime.fromtimestamp(NOW, UTC), BODY)
    headers["webhook-signature"] += f" v1,{'B' * 44} v1,"
    with pytest.raises(Rejected) as caught:
        Receiver((NEW,), MemorySeenIds(), clock=lambda: NOW).verify(BODY, headers)
    assert caught.value.reason is Rejection.BAD_SIGNATURE


def test_adding_a_signature_to_a_seen_delivery_does_not_evade_replay() -> None:
    receiver = Receiver((OLD, NEW), MemorySeenIds(), clock=lambda: NOW)
    receiver.verify(BODY, _during_rotation())
    again = _during_rotation()
    again["webhook-signature"] = f"v1,{'C' * 44} " + again["webhook-signature"]
    with pytest.raises(Rejected) as caught:
        receiver.verify(BODY, again)
    assert caught.value.reason is Rejection.REPLAYED


def test_signing_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="at least one"):
        sign([], "msg_1", datetime.fromtimestamp(NOW, UTC), BODY)
