"""The wallet routes' use cases: the catalogue, issue, list, get and revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from onetrip.clock import iso
from onetrip.dal.models import TransactionCancelled, transact
from onetrip.domain.access import Caller, Role
from onetrip.domain.credential import STATUS_BITS, Credential, CredentialStatus
from onetrip.domain.credential_types import CREDENTIAL_TYPES, CredentialType
from onetrip.domain.person import Person
from onetrip.domain.verification import ActivityEntry
from onetrip.errors import Conflict, NotFound, StaleRead, invalid
from onetrip.logic.credentials import issuance, status
from onetrip.logic.credentials.stores import CredentialStores
from onetrip.logic.persons import find_by_id_number, may_see

_NO_CREDENTIAL = "No such credential."
_REVOCABLE = (CredentialStatus.VALID, CredentialStatus.SUSPENDED)


def credential_types() -> list[dict[str, Any]]:
    return [kind.as_api() for kind in CREDENTIAL_TYPES.values()]


def kind_to_issue(type_: str) -> CredentialType:
    kind = CREDENTIAL_TYPES.get(type_)
    if kind is None:
        known = ", ".join(CREDENTIAL_TYPES)
        raise invalid("type", f"Unknown credential type; known types: {known}.")
    if kind.missing_source is not None:
        raise invalid(
            "type",
            f"{kind.name} cannot be issued yet: it needs {kind.missing_source}, "
            "which onetrip is not connected to.",
        )
    return kind


def _own_person(stores: CredentialStores, caller: Caller) -> Person | None:
    if not caller.id_number:
        return None
    return find_by_id_number(stores.registry, caller.id_number)


def issue(
    stores: CredentialStores,
    caller: Caller,
    *,
    type_: str,
    person_id: str | None,
    holder_jwk: Any,
    at: datetime,
) -> Credential:
    """A citizen issues into their own wallet; a clerk for a person, by personId."""
    caller.require(Role.CITIZEN, Role.CLERK)
    kind = kind_to_issue(type_)
    holder = issuance.holder_key(holder_jwk)
    if caller.has(Role.CLERK):
        if not person_id:
            raise invalid("personId", "A clerk names the person the credential is for.")
        person = stores.registry.get_person(person_id)
    else:
        person = _own_person(stores, caller)
        if person is not None and person_id and person_id != person.person_id:
            person = None  # someone else's: never reveal that they exist
    if person is None:
        raise NotFound(detail="No person with this id is in the household registry.")
    return issuance.issue(stores, person, kind, holder_jwk=holder, at=at)


def list_own(stores: CredentialStores, caller: Caller) -> list[Credential]:
    caller.require(Role.CITIZEN)
    person = _own_person(stores, caller)
    if person is None:
        return []
    # E-proofs shared with an agency are theirs; the activity log shows them.
    return [c for c in stores.credentials.for_person(person.person_id) if c.audience is None]


def get(stores: CredentialStores, caller: Caller, credential_id: str) -> Credential:
    caller.require(Role.CITIZEN, Role.REGISTRAR)
    return _visible(stores, caller, credential_id, staff=(Role.REGISTRAR,))


def _visible(
    stores: CredentialStores, caller: Caller, credential_id: str, *, staff: tuple[Role, ...]
) -> Credential:
    credential = stores.credentials.get(credential_id)
    if credential is None:
        raise NotFound(detail=_NO_CREDENTIAL)
    if caller.has(*staff):
        return credential
    person = stores.registry.get_person(credential.person_id)
    if person is None or not may_see(caller, person):
        raise NotFound(detail=_NO_CREDENTIAL)
    return credential


def revoke(
    stores: CredentialStores, caller: Caller, credential_id: str, *, reason: str, at: datetime
) -> Credential:
    """Revoked for good: the status and the status-list bit change in one transaction."""
    caller.require(Role.CITIZEN, Role.REGISTRAR, Role.ISSUER_ADMIN)
    credential = _visible(stores, caller, credential_id, staff=(Role.REGISTRAR, Role.ISSUER_ADMIN))
    for _ in range(issuance.MAX_ATTEMPTS):
        if credential.status not in _REVOCABLE:
            raise Conflict(detail=f"The credential is already {credential.status}.")
        changes = {
            "status": CredentialStatus.REVOKED.value,
            "revocation_reason": reason,
            "revoked_at": iso(at),
            "revoked_by": caller.sub,
        }
        writes = [
            stores.credentials.transition(credential, from_statuses=_REVOCABLE, changes=changes),
            status.set_bits(
                stores,
                credential.status_list,
                {credential.status_index: STATUS_BITS[CredentialStatus.REVOKED]},
            ),
        ]
        try:
            transact(writes)
        except TransactionCancelled:
            # Revoked by someone else meanwhile (→ 409 above), or the shard moved: re-read.
            fresh = stores.credentials.get(credential_id)
            assert fresh is not None
            credential = fresh
            continue
        status.publish_quietly(stores, {credential.status_list}, at)
        revoked = stores.credentials.get(credential_id)
        assert revoked is not None
        return revoked
    raise StaleRead(detail="The status list kept changing; try again.")


def activity(stores: CredentialStores, caller: Caller) -> list[ActivityEntry]:
    """The citizen's own activity log, newest first: every presentation of their
    credentials and every e-proof shared about them (names, never values)."""
    caller.require(Role.CITIZEN)
    person = _own_person(stores, caller)
    if person is None:
        return []
    pulls = [
        ActivityEntry(
            at=e["at"],
            party=e["party"],
            party_kind=e["partyKind"],
            type=e["type"],
            claims=list(e["claims"]),
            result=e["result"],
            reference=e.get("reference", ""),
        )  # fmt: skip
        for e in stores.agency_pulls.of_person(person.person_id)
    ]
    entries = [*stores.activity.for_person(person.person_id), *pulls]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
