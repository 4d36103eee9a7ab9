"""The shared Standard Webhooks helper (onetrip.domain.webhooks).

Oracles: the `standardwebhooks` package's own verify() for what we sign, and hand-computed
HMAC-SHA256 per the spec (`<id>.<timestamp>.<body>`, base64, "v1," prefix).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime

import pytest
from onetrip.domain.webhooks import (
    MemorySeenIds,
    Receiver,
    Rejected,
    Rejection,
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
