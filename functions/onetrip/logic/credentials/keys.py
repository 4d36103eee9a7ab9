"""The issuer's signing keys: the current one signs; rotation makes a new one current;
the JWKS lists every key a credential that is still unexpired may have been signed with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from onetrip.clock import iso
from onetrip.dal import issuer_kms
from onetrip.dal.issuer_keys import IssuerKey
from onetrip.domain.access import Caller, Role
from onetrip.domain.credential_types import LONGEST_VALIDITY
from onetrip.logic.credentials.stores import CredentialStores
from onetrip.vc.jws import Signer


def current_key(stores: CredentialStores, at: datetime) -> IssuerKey:
    """The key that signs now; the stack's own key until the first rotation."""
    key = stores.keys.current()
    if key is not None:
        return key
    kid, jwk = issuer_kms.public_jwk(stores.first_key_id)
    first = IssuerKey(kid=kid, key_id=stores.first_key_id, jwk=jwk, created_at=iso(at))
    stores.keys.install_first(first)
    installed = stores.keys.current()
    assert installed is not None  # installed by us or by a racing cold start
    return installed


def current_signer(stores: CredentialStores, at: datetime) -> Signer:
    key = current_key(stores, at)
    return issuer_kms.signer(key.key_id, key.kid)


def rotate(stores: CredentialStores, caller: Caller, at: datetime) -> dict[str, Any]:
    """A new KMS key signs from now on; the old one stays in the JWKS while it may matter."""
    caller.require(Role.ISSUER_ADMIN)
    old = current_key(stores, at)
    key_id = issuer_kms.create_issuer_key(f"onetrip credential issuer key (rotated {iso(at)})")
    kid, jwk = issuer_kms.public_jwk(key_id)
    new = IssuerKey(kid=kid, key_id=key_id, jwk=jwk, created_at=iso(at))
    stores.keys.rotate(old, new, at=iso(at))
    return {"kid": new.kid, "createdAt": new.created_at, "previousKid": old.kid}


def jwks(stores: CredentialStores, at: datetime) -> dict[str, Any]:
    """`/.well-known/jwt-vc-issuer`: the issuer and its keys (SD-JWT VC issuer metadata)."""
    current_key(stores, at)
    return issuer_metadata(stores.issuer_url, stores.keys.all(), at)


def issuer_metadata(issuer_url: str, keys: list[IssuerKey], at: datetime) -> dict[str, Any]:
    """The metadata over these keys. A retired key stays while a credential it signed may
    be unexpired: it signed nothing after `retiredAt`, and nothing lives longer than the
    longest validity of any type."""
    published = [
        key.jwk
        for key in keys
        if key.retired_at is None
        or datetime.fromisoformat(key.retired_at.replace("Z", "+00:00")) + LONGEST_VALIDITY > at
    ]
    return {"issuer": issuer_url, "jwks": {"keys": published}}
