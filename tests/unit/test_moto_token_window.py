"""The local moto answers a repeated TransactWriteItems ClientRequestToken with the first
outcome for DynamoDB's 10 minutes, and keeps nothing longer (no per-change state for
good in the runtime's process)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from onetrip_local import moto_server


def _request(token: str) -> dict[str, Any]:
    body = json.dumps({"ClientRequestToken": token, "TransactItems": []}).encode()
    return {
        "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.TransactWriteItems",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }


def test_a_repeated_token_gets_the_first_outcome_for_ten_minutes_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    applied: list[int] = []

    def moto(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        applied.append(1)
        start_response("200 OK", [("content-type", "application/json")])
        return [f'{{"applied": {len(applied)}}}'.encode()]

    clock = [1000.0]
    monkeypatch.setattr(moto_server.time, "monotonic", lambda: clock[0])
    app = moto_server._OneDynamoRequestAtATime(moto)

    def send(token: str) -> bytes:
        return b"".join(app(_request(token), lambda status, headers: None))

    assert send("t-1") == b'{"applied": 1}'
    clock[0] += 599
    assert send("t-1") == b'{"applied": 1}'  # the retry after a lost answer: not re-applied
    assert send("t-2") == b'{"applied": 2}'
    clock[0] += 2  # t-1 is now 601 s old: forgotten, as DynamoDB forgets it
    assert send("t-1") == b'{"applied": 3}'
    assert list(app._outcomes) == ["t-2", "t-1"]
