"""AWS clients, created once per process and shared (a new client costs ~160 ms).

boto3 honours AWS_ENDPOINT_URL, so the same code talks to moto locally. A process that
is not a function (the `onetrip ops` CLI) points them at the operator's session or the
local runtime with `clients_from`, so it reads through the same stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})


ClientFactory = Callable[[str], Any]
_factory: ClientFactory | None = None  # None: boto3's default session (Lambda, workers)


@cache
def client(service: str) -> Any:
    if _factory is not None:
        return _factory(service)
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


@contextmanager
def clients_from(factory: ClientFactory) -> Iterator[None]:
    """While inside, the shared clients come from `factory` (e.g. an operator's session)."""
    global _factory
    previous, _factory = _factory, factory
    client.cache_clear()
    try:
        yield
    finally:
        _factory = previous
        client.cache_clear()


@cache
def secret_bytes(secret_id: str) -> bytes:
    """A Secrets Manager secret string as key bytes, read once per process."""
    response = client("secretsmanager").get_secret_value(SecretId=secret_id)
    return str(response["SecretString"]).encode()
