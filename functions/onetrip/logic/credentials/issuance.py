"""Issue one SD-JWT VC (RFC 9901 + SD-JWT VC draft) from the registry, and store it.

Every claim is a selectively disclosable digest (decoys hide how many); `cnf.jwk` binds
the holder's key when the wallet gives one; the status index is random and claimed with
a conditional write, so it is never handed out twice. The transaction also checks that
the person is still at the registry version the claims were read from: a credential can
never carry data an approved change has already replaced.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from onetrip.clock import iso, new_id
from onetrip.dal.models import TransactionCancelled, Write, transact
from onetrip.domain.credential import (
    STATUS_ALLOCATION_CAP,
    STATUS_LIST_SIZE,
    Credential,
    CredentialStatus,
)
from onetrip.domain.credential_types import CredentialType, claim_values
from onetrip.domain.person import Person
from onetrip.errors import StaleRead, invalid
from onetrip.logic.credentials import status
from onetrip.logic.credentials.keys import current_signer
from onetrip.logic.credentials.stores import CredentialStores
from onetrip.vc.jws import parse_public_jwk
from onetrip.vc.sdjwt import issue_sd_jwt

TYP = "dc+sd-jwt"
# Index collisions, a shard filling up, a registry change: each costs one more try.
MAX_ATTEMPTS = 8

T = TypeVar("T")
_RETRYABLE = {"status_index", "status_list_full", "status_bits", "registry_version"}


def holder_key(jwk: Any) -> dict[str, Any] | None:
    """The holder's public key as `cnf.jwk` (public members only); 422 naming holderJwk."""
    if jwk is None:
        return None
    try:
        parse_public_jwk(jwk)
    except (ValueError, TypeError) as error:
        raise invalid("holderJwk", f"Not a valid EC P-256 public key: {error}.") from None
    return {name: jwk[name] for name in ("kty", "crv", "x", "y")}


@dataclass(frozen=True)
class Draft:
    """A signed credential and the transaction parts that store it."""

    credential: Credential
    writes: list[Write]
    new_shard: bool  # its status-list shard has not been published yet


def draft(
    stores: CredentialStores,
    person: Person,
    kind: CredentialType,
    *,
    holder_jwk: Mapping[str, Any] | None,
    at: datetime,
    replaces: str | None = None,
    application_id: str | None = None,
    audience: str | None = None,
    validity: timedelta | None = None,
) -> Draft:
    """`audience` and `validity` make an e-proof for one party (`aud`, short-lived)."""
    credential_id = new_id("cred")
    list_id, published = stores.status_lists.current_list()
    index = secrets.randbelow(STATUS_LIST_SIZE)
    expires = at + (validity or timedelta(days=kind.validity_days))
    payload: dict[str, Any] = {
        "iss": stores.issuer_url,
        "vct": kind.vct,
        "iat": int(at.timestamp()),
        "exp": int(expires.timestamp()),
        "status": {"status_list": {"idx": index, "uri": stores.status_uri(list_id)}},
    }
    if audience is not None:
        payload["aud"] = audience
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": dict(holder_jwk)}
    signer = current_signer(stores, at)
    claims = claim_values(kind, person, at)
    sd_jwt = issue_sd_jwt(header={"typ": TYP}, payload=payload, sd_claims=claims, signer=signer)
    credential = Credential(
        credential_id=credential_id,
        person_id=person.person_id,
        type=kind.type,
        status=CredentialStatus.VALID,
        issued_at=iso(at),
        expires_at=iso(expires),
        kid=signer.kid,
        status_list=list_id,
        status_index=index,
        registry_version=person.version,
        claims=sorted(claims),
        credential=sd_jwt,
        holder_jwk=dict(holder_jwk) if holder_jwk is not None else None,
        replaces=replaces,
        application_id=application_id,
        audience=audience,
    )
    writes: list[Write] = [
        *stores.credentials.put_new(credential),
        stores.status_lists.claim_index(list_id, index, credential_id),
        stores.status_lists.count_allocation(list_id, STATUS_ALLOCATION_CAP),
        stores.registry.check_version(person.person_id, person.version),
    ]
    return Draft(credential, writes, new_shard=not published)


def commit(
    stores: CredentialStores,
    attempt: Callable[[], tuple[T, Sequence[Write]]],
    *,
    give_up_on: Callable[[list[str]], bool] = lambda failed: False,
) -> T | None:
    """Run `attempt` (which reads afresh and drafts) and commit its writes, retrying what
    a retry can fix: a taken index, a full shard, a registry or status-bit change.
    `give_up_on(failed labels)` true → None (e.g. another delivery did the work)."""
    for _ in range(MAX_ATTEMPTS):
        result, writes = attempt()
        try:
            transact(writes)
            return result
        except TransactionCancelled as cancelled:
            if give_up_on(cancelled.failed):
                return None
            for label in cancelled.failed:
                if label.startswith("status_list_full:"):
                    stores.status_lists.open_next(label.partition(":")[2])
            if not all(label.partition(":")[0] in _RETRYABLE for label in cancelled.failed):
                raise
    raise StaleRead(detail="The data kept changing while the credential was issued; try again.")


def issue(
    stores: CredentialStores,
    person: Person,
    kind: CredentialType,
    *,
    holder_jwk: Mapping[str, Any] | None,
    at: datetime,
) -> Credential:
    """Issue from `person` as the caller just read it; the transaction re-checks its
    registry version, and only a retry reads the person again."""
    read: list[Person] = [person]

    def attempt() -> tuple[Draft, list[Write]]:
        current = read.pop() if read else stores.registry.get_person(person.person_id)
        if current is None:
            raise LookupError("person left the registry")
        drafted = draft(stores, current, kind, holder_jwk=holder_jwk, at=at)
        return drafted, drafted.writes

    issued = commit(stores, attempt)
    assert issued is not None
    if issued.new_shard:
        status.publish_new_shard(stores, issued.credential.status_list, at)
    return issued.credential
