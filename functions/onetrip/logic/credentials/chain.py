"""Revocation chained to identity changes (EUDI ARF VCR_09): when an approved change
touches a field a valid credential carries, that credential is superseded (its status bit
set) and a fresh one with the registry's current values goes into the same wallet, bound
to the same holder key, chained to the application by a timeline entry.

Safe under redelivery and reordering by construction: only credentials issued from a
registry version older than the event's are touched, the supersede is conditional on the
credential still being valid, and the whole step is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from onetrip.clock import iso
from onetrip.dal.models import Write
from onetrip.domain.credential import STATUS_BITS, Credential, CredentialStatus
from onetrip.domain.credential_types import CREDENTIAL_TYPES, carries_any
from onetrip.logic.credentials import issuance, status
from onetrip.logic.credentials.stores import CredentialStores

logger = Logger(child=True)

TIMELINE_EVENT = "credential_reissued"  # API.md: the clerk sees re-issues on the application


@dataclass(frozen=True)
class Reissue:
    superseded: str
    issued: str
    list_id: str  # the new credential's shard
    new_shard: bool  # not published yet


def stale(credentials: Iterable[Credential], changed: set[str], version: int) -> list[Credential]:
    """Valid credentials read from a registry version before `version` that carry a
    changed field."""
    return [
        c
        for c in credentials
        if c.is_valid
        and c.audience is None  # a shared e-proof expires within a day; never re-issued
        and c.registry_version < version
        and c.type in CREDENTIAL_TYPES
        and carries_any(CREDENTIAL_TYPES[c.type], changed)
    ]


def on_identity_changed(
    stores: CredentialStores,
    *,
    application_id: str,
    person_id: str,
    registry_version: int,
    changed_fields: Iterable[str],
    at: datetime,
) -> list[Reissue]:
    changed = set(changed_fields)
    done: list[Reissue] = []
    changed_lists: set[str] = set()
    for old in stale(stores.credentials.for_person(person_id), changed, registry_version):
        reissued = _supersede(stores, old, application_id=application_id, at=at)
        if reissued is not None:
            done.append(reissued)
            changed_lists.add(old.status_list)
    status.publish_quietly(stores, changed_lists, at)
    for list_id in {r.list_id for r in done if r.new_shard}:
        status.publish_new_shard(stores, list_id, at)
    logger.info(
        "credentials re-issued",
        extra={"applicationId": application_id, "reissued": [r.issued for r in done]},
    )
    return done


def _supersede(
    stores: CredentialStores, old: Credential, *, application_id: str, at: datetime
) -> Reissue | None:
    kind = CREDENTIAL_TYPES[old.type]

    def attempt() -> tuple[Reissue, list[Write]]:
        person = stores.registry.get_person(old.person_id)
        if person is None:
            raise LookupError("person not in the registry")
        drafted = issuance.draft(
            stores, person, kind, holder_jwk=old.holder_jwk, at=at,
            replaces=old.credential_id, application_id=application_id,
        )  # fmt: skip
        new_id = drafted.credential.credential_id
        writes = [
            *drafted.writes,
            stores.credentials.transition(
                old,
                from_statuses=(CredentialStatus.VALID,),
                changes={
                    "status": CredentialStatus.SUPERSEDED.value,
                    "superseded_by": new_id,
                    "revocation_reason": "data_changed",
                    "revoked_at": iso(at),
                },
                label="superseded_already",
            ),
            status.set_bits(
                stores,
                old.status_list,
                {old.status_index: STATUS_BITS[CredentialStatus.SUPERSEDED]},
            ),
            stores.applications.timeline(
                application_id,
                at=iso(at),
                event=f"{TIMELINE_EVENT}:{old.type}:{new_id}",
                by="credentials",
            ),
        ]
        reissue = Reissue(
            old.credential_id, new_id, drafted.credential.status_list, drafted.new_shard
        )
        return reissue, writes

    # Another delivery of the same event superseded it first: nothing left to do.
    return issuance.commit(
        stores, attempt, give_up_on=lambda failed: "superseded_already" in failed
    )
