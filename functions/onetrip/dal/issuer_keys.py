"""The IssuerKeys table: the issuer's signing keys (KMS key ids and public JWKs).

Items (one partition, read with one consistent Query):
  KEYS / CURRENT                the key that signs now: kid, keyId
  KEYS / KEY#<createdAt>#<kid>  every key ever used, with `retiredAt` once replaced
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onetrip.dal.models import TransactionCancelled, Write, bound, transact
from onetrip.dal.models.credentials import StoredIssuerKey
from onetrip.errors import Conflict

_PK = "KEYS"


@dataclass
class IssuerKey:
    kid: str
    key_id: str  # KMS key id or ARN
    jwk: dict[str, Any]
    created_at: str
    retired_at: str | None = None

    @property
    def sk(self) -> str:
        return f"KEY#{self.created_at}#{self.kid}"


def _key(item: StoredIssuerKey) -> IssuerKey:
    return IssuerKey(
        kid=item.kid, key_id=item.key_id, jwk=dict(item.jwk), created_at=item.created_at,
        retired_at=item.retired_at,
    )  # fmt: skip


class IssuerKeyStore:
    def __init__(self, table: str) -> None:
        self.model = bound(StoredIssuerKey, table)

    def current(self) -> IssuerKey | None:
        try:
            return _key(self.model.get(_PK, "CURRENT", consistent_read=True))
        except self.model.DoesNotExist:
            return None

    def all(self) -> list[IssuerKey]:
        """Every key, oldest first."""
        items = self.model.query(_PK, self.model.sk.startswith("KEY#"), consistent_read=True)
        return [_key(i) for i in items]

    def install_first(self, key: IssuerKey) -> None:
        """The stack's own key becomes current, once (a racing cold start loses quietly)."""
        try:
            transact([self._put_current(key, previous=None), self._put_key(key)])
        except TransactionCancelled:
            return

    def rotate(self, old: IssuerKey, new: IssuerKey, *, at: str) -> None:
        model = self.model
        retire = Write.update(
            "retire", model(_PK, old.sk), [model.retired_at.set(at)], model.pk.exists()
        )
        try:
            transact([self._put_current(new, previous=old.kid), self._put_key(new), retire])
        except TransactionCancelled as cancelled:
            raise Conflict(
                detail="Another rotation happened at the same time; the key it made signs now."
            ) from cancelled

    def _item(self, key: IssuerKey, sk: str) -> StoredIssuerKey:
        return self.model(
            _PK, sk, kid=key.kid, key_id=key.key_id, jwk=key.jwk, created_at=key.created_at,
            retired_at=key.retired_at,
        )  # fmt: skip

    def _put_current(self, key: IssuerKey, *, previous: str | None) -> Write:
        model = self.model
        condition = model.pk.does_not_exist() if previous is None else model.kid == previous
        return Write.put("current", self._item(key, "CURRENT"), condition)

    def _put_key(self, key: IssuerKey) -> Write:
        return Write.put("key", self._item(key, key.sk), self.model.pk.does_not_exist())
