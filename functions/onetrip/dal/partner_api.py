"""The partner city's HTTP API, called with this city's own OAuth client (跨市通办).

A notification from a partner carries ids and field names only; the values are pulled
here, over HTTPS, with a bearer token from the client-credentials grant at the partner's
identity provider (the secret holds tokenUrl, clientId, clientSecret). The token is kept
until shortly before it expires.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from onetrip.dal.aws import secret_bytes

TIMEOUT_SECONDS = 10
_EARLY_SECONDS = 60  # renew a token this long before its expiry


class PartnerApi:
    def __init__(self, base_url: str, credentials_secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._secret = credentials_secret
        self._token: tuple[str, float] | None = None

    def __call__(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """(status, JSON body); raises OSError when the partner cannot be reached."""
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps(body).encode(),
            method=method,
            headers={
                "authorization": f"Bearer {self._bearer()}",
                "content-type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return int(response.status), _json(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), _json(error.read())

    def _bearer(self) -> str:
        if self._token is not None and self._token[1] > time.time():
            return self._token[0]
        client = json.loads(secret_bytes(self._secret))
        basic = base64.b64encode(f"{client['clientId']}:{client['clientSecret']}".encode())
        request = urllib.request.Request(
            str(client["tokenUrl"]),
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
            method="POST",
            headers={
                "authorization": f"Basic {basic.decode()}",
                "content-type": "application/x-www-form-urlencoded",
            },
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            grant = json.loads(response.read())
        lifetime = float(grant.get("expires_in", 300))
        self._token = (str(grant["access_token"]), time.time() + lifetime - _EARLY_SECONDS)
        return self._token[0]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
