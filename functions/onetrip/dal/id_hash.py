"""Keyed hashes of ID numbers: the only form in which an ID number becomes a key.

Keys end up in index entries, metrics and (if ever) log lines; an HMAC with a secret key
keeps them useless to anyone without the key, unlike a plain hash of an 18-digit number
which can be brute-forced in minutes.
"""

from __future__ import annotations

import hashlib
import hmac

from onetrip.dal.aws import secret_bytes
from onetrip.settings import get_settings


def id_hash(id_number: str) -> str:
    """HMAC-SHA256 of a normalised ID number, hex; stable for the life of the key."""
    key = secret_bytes(get_settings().id_hash_secret_arn)
    return hmac.new(key, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()
