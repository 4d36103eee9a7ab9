"""E-proof sharing (POST /proof-requests): an agency or a window clerk asks for a police
proof about a person, with a purpose and a legal basis, and gets a credential bound to
itself (`aud`) and valid for a day, issued straight from the registry. The person's
activity log gets the entry (who asked, why, which claim names) in the same transaction
as the credential, so no shared proof is ever missing from it (Estonia's Data Tracker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from onetrip.clock import iso, new_id
from onetrip.dal.models import Write
from onetrip.domain.access import Caller, Role
from onetrip.domain.credential import Credential
from onetrip.domain.credential_types import CredentialKind
from onetrip.domain.verification import ActivityEntry, ActivityResult, PartyKind
from onetrip.errors import NotFound, invalid
from onetrip.logic.credentials import issuance, status
from onetrip.logic.credentials.stores import CredentialStores
from onetrip.logic.credentials.wallet import kind_to_issue
from onetrip.logic.persons import find_by_id_number

# Long enough for the asking desk to finish the case it is working on today; a proof
# is a snapshot, and the next case asks again (and is logged again).
SHARED_PROOF_VALIDITY = timedelta(days=1)


@dataclass(frozen=True)
class SharedProof:
    request_id: str
    credential: Credential

    def as_api(self) -> dict[str, object]:
        return {
            "requestId": self.request_id,
            "credentialId": self.credential.credential_id,
            "type": self.credential.type,
            "issuedAt": self.credential.issued_at,
            "expiresAt": self.credential.expires_at,
            "audience": self.credential.audience,
            "format": "dc+sd-jwt",
            "credential": self.credential.credential,
        }


def party_of(caller: Caller) -> tuple[str, PartyKind]:
    """Who asks, as the citizen will read it, and the audience the proof is bound to."""
    if caller.has(Role.AGENCY) and caller.agency:
        return caller.agency, PartyKind.AGENCY
    return caller.sub, PartyKind.CLERK


def share(
    stores: CredentialStores,
    caller: Caller,
    *,
    type_: str,
    id_number: str,
    purpose: str,
    legal_basis: str,
    at: datetime,
) -> SharedProof:
    caller.require(Role.AGENCY, Role.CLERK)
    kind = kind_to_issue(type_)
    if kind.kind != CredentialKind.PROOF:
        raise invalid("type", f"{kind.name} is a certificate: only proofs are shared this way.")
    found = find_by_id_number(stores.registry, id_number)
    if found is None:
        raise NotFound(detail="No person with this ID number is in the household registry.")
    party, party_kind = party_of(caller)
    audience = f"urn:onetrip:{party_kind.value}:{party}"
    request_id = new_id("prq")

    def attempt() -> tuple[issuance.Draft, list[Write]]:
        person = stores.registry.get_person(found.person_id)
        if person is None:
            raise LookupError("person left the registry")
        drafted = issuance.draft(
            stores, person, kind, holder_jwk=None, at=at, audience=audience,
            validity=SHARED_PROOF_VALIDITY,
        )  # fmt: skip
        entry = ActivityEntry(
            at=iso(at), party=party, party_kind=party_kind.value, type=kind.type,
            claims=[c.value for c in kind.claims if c.value in drafted.credential.claims],
            result=ActivityResult.ISSUED.value,
            purpose=purpose, reference=request_id, legal_basis=legal_basis,
        )  # fmt: skip
        return drafted, [*drafted.writes, stores.activity.entry(person.person_id, entry)]

    issued = issuance.commit(stores, attempt)
    assert issued is not None
    if issued.new_shard:
        status.publish_new_shard(stores, issued.credential.status_list, at)
    return SharedProof(request_id, issued.credential)
