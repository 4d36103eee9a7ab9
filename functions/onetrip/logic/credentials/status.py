"""Status lists (IETF Token Status List): the bit of each credential, and publication.

2 bits an entry (0 valid, 1 invalid, 2 suspended), 2^20 entries a shard. A change is
published right after it commits; a sweep every minute republishes any shard whose
publish was missed and re-signs tokens before they expire, so a revocation is visible
within a minute even after a crash (CDN and verifiers cache for at most TTL_SECONDS each).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from onetrip.dal.models import Write
from onetrip.domain.credential import (
    STATUS_BITS_PER_ENTRY,
    STATUS_LIST_SIZE,
    STATUS_LIST_TTL_SECONDS,
)
from onetrip.logic.credentials.keys import current_signer
from onetrip.logic.credentials.stores import CredentialStores
from onetrip.vc.jws import sign_compact
from onetrip.vc.status_list import StatusList, status_list_header, status_list_payload

logger = Logger(child=True)

BITS = STATUS_BITS_PER_ENTRY
LIST_SIZE = STATUS_LIST_SIZE
TTL_SECONDS = STATUS_LIST_TTL_SECONDS
TOKEN_LIFETIME = timedelta(days=1)
REFRESH_BEFORE_EXPIRY = timedelta(hours=12)


def load(stores: CredentialStores, list_id: str) -> tuple[StatusList, int]:
    bits = stores.status_lists.bits(list_id)
    if bits.lst is None:
        return StatusList(LIST_SIZE, BITS), bits.version
    return StatusList.decode(bits.lst, BITS), bits.version


def set_bits(stores: CredentialStores, list_id: str, changes: dict[int, int]) -> Write:
    """The transaction part that writes these entries of one shard (read-modify-write;
    the version condition makes a concurrent change a retry, never a lost bit)."""
    status_list, version = load(stores, list_id)
    for index, value in changes.items():
        status_list.set(index, value)
    return stores.status_lists.put_bits(list_id, status_list.encode(), expected_version=version)


def publish(stores: CredentialStores, list_id: str, at: datetime) -> None:
    """Sign the shard as it is now and put it where CloudFront serves it."""
    status_list, version = load(stores, list_id)
    iat = int(at.timestamp())
    exp = int((at + TOKEN_LIFETIME).timestamp())
    payload = status_list_payload(
        uri=stores.status_uri(list_id), lst_obj=status_list.to_json(), iat=iat, exp=exp,
        ttl=TTL_SECONDS,
    )  # fmt: skip
    token = sign_compact(status_list_header(), payload, current_signer(stores, at))
    stores.objects.put(list_id, token, max_age=TTL_SECONDS)
    stores.status_lists.mark_published(list_id, version=version, exp=exp)


def publish_quietly(stores: CredentialStores, list_ids: set[str], at: datetime) -> None:
    """Publish after commit; a failure is left to the sweep (the change is committed)."""
    for list_id in sorted(list_ids):
        try:
            publish(stores, list_id, at)
        except Exception:  # noqa: BLE001 - the sweep republishes within a minute
            logger.exception("status list publish failed", extra={"listId": list_id})


def publish_new_shard(stores: CredentialStores, list_id: str, at: datetime) -> None:
    """A shard's first credential publishes it, so a verifier can fetch it at once."""
    publish_quietly(stores, {list_id}, at)
    stores.status_lists.note_current_published(list_id)


def sweep(stores: CredentialStores, at: datetime) -> list[str]:
    """Republish shards whose last change is unpublished or whose token expires soon."""
    published = []
    refresh_by = int((at + REFRESH_BEFORE_EXPIRY).timestamp())
    for list_id in stores.status_lists.list_ids():
        bits = stores.status_lists.bits(list_id)
        if bits.published_version < bits.version or bits.published_exp < refresh_by:
            publish(stores, list_id, at)
            published.append(list_id)
    return published
