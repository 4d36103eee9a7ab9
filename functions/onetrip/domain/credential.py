"""An issued credential as the issuer remembers it (the wallet holds the SD-JWT itself)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

FORMAT = "dc+sd-jwt"

# Status lists (IETF Token Status List): 2 bits an entry, 2^20 entries a shard (~14 KB
# compressed with 1 % set, the draft's figure).
STATUS_BITS_PER_ENTRY = 2
STATUS_LIST_SIZE = 2**20
# Stop handing out indices from a shard at half full: random picks then collide at most
# every other try, and every credential hides among at least 2^19 others (herd privacy).
STATUS_ALLOCATION_CAP = STATUS_LIST_SIZE // 2
# CDN max-age and the token's `ttl`: a change reaches a verifier within 2 x 30 s = 60 s.
STATUS_LIST_TTL_SECONDS = 30

# The issuer key in KMS, and the tag that tells issuer keys from every other key (IAM
# conditions on it limit Sign and CreateKey to issuer keys).
ISSUER_KEY_SPEC = "ECC_NIST_P256"
ISSUER_KEY_USAGE = "SIGN_VERIFY"
ISSUER_KEY_TAG = ("onetrip-purpose", "credential-issuer")


class CredentialStatus(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"  # irreversible
    SUPERSEDED = "superseded"  # replaced by a re-issue after an identity change


class RevocationReason(StrEnum):
    LOST = "lost"
    DATA_CHANGED = "data_changed"
    ISSUED_IN_ERROR = "issued_in_error"


# The status-list value of each status (IETF Token Status List: 0 valid, 1 invalid,
# 2 suspended); revoked and superseded credentials are both invalid for good.
STATUS_BITS: dict[CredentialStatus, int] = {
    CredentialStatus.VALID: 0,
    CredentialStatus.REVOKED: 1,
    CredentialStatus.SUPERSEDED: 1,
    CredentialStatus.SUSPENDED: 2,
}


@dataclass
class Credential:
    credential_id: str
    person_id: str
    type: str
    status: str
    issued_at: str
    expires_at: str
    kid: str
    status_list: str  # list id
    status_index: int
    registry_version: int  # the registry version the claims were read from
    claims: list[str]  # claim names only
    credential: str  # the issued SD-JWT (issuer JWT + disclosures)
    holder_jwk: dict[str, Any] | None = None  # `cnf.jwk`: a re-issue binds the same key
    superseded_by: str | None = None
    replaces: str | None = None
    application_id: str | None = None  # the identity change that caused a re-issue
    # An e-proof shared with an agency or clerk (`aud`): theirs, not in the wallet.
    audience: str | None = None
    revocation_reason: str | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == CredentialStatus.VALID

    def as_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "credentialId": self.credential_id,
            "type": self.type,
            "status": self.status,
            "issuedAt": self.issued_at,
            "expiresAt": self.expires_at,
            "format": FORMAT,
            "credential": self.credential,
            "personId": self.person_id,
            "claims": list(self.claims),
            "holderBound": self.holder_jwk is not None,
        }
        optional = {
            "supersededBy": self.superseded_by,
            "replaces": self.replaces,
            "applicationId": self.application_id,
            "revocationReason": self.revocation_reason,
            "revokedAt": self.revoked_at,
            "audience": self.audience,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return body
