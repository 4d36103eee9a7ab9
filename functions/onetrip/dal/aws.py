"""AWS clients, created once per process and shared (a new client costs ~160 ms).

boto3 honours AWS_ENDPOINT_URL, so the same code talks to moto locally.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


@cache
def secret_bytes(secret_id: str) -> bytes:
    """A Secrets Manager secret string as key bytes, read once per process."""
    response = client("secretsmanager").get_secret_value(SecretId=secret_id)
    return str(response["SecretString"]).encode()
