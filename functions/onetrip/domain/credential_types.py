"""The catalogue of e-certificates and police proofs (无证明城市) — the one table of types.

Each type names its claims, the agency that issues it and how long an issued credential
stays valid. Claim values always come from the household registry (the system of record);
`ageOver18`/`ageOver60` are computed from its birth date at issuance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from onetrip.domain.person import Person
from onetrip.routing import IdentityField


class CredentialKind(StrEnum):
    CERTIFICATE = "certificate"  # 电子证照
    PROOF = "proof"  # 证明


class Claim(StrEnum):
    SURNAME = "surname"
    GIVEN_NAME = "givenName"
    GENDER = "gender"
    BIRTH_DATE = "birthDate"
    ETHNICITY = "ethnicity"
    ID_NUMBER = "idNumber"
    DISTRICT = "district"
    AGE_OVER_18 = "ageOver18"
    AGE_OVER_60 = "ageOver60"


# The identity field a claim is derived from: a change to it supersedes the credential.
SOURCE_FIELD: Mapping[Claim, IdentityField | None] = {
    Claim.SURNAME: IdentityField.SURNAME,
    Claim.GIVEN_NAME: IdentityField.GIVEN_NAME,
    Claim.GENDER: IdentityField.GENDER,
    Claim.BIRTH_DATE: IdentityField.BIRTH_DATE,
    Claim.ETHNICITY: IdentityField.ETHNICITY,
    Claim.ID_NUMBER: IdentityField.ID_NUMBER,
    Claim.DISTRICT: None,  # not an identity-chain field; changes through other procedures
    Claim.AGE_OVER_18: IdentityField.BIRTH_DATE,
    Claim.AGE_OVER_60: IdentityField.BIRTH_DATE,
}

# Ages at which the law attaches capacities: 18 = full civil capacity (民法典 art. 17);
# 60 = "elderly" (老年人权益保障法 art. 2), the threshold of senior concessions.
ADULT_AGE = 18
SENIOR_AGE = 60

# Calendar days are counted in China Standard Time (UTC+8, no daylight saving).
CHINA_TIME = timezone(timedelta(hours=8))

_IDENTITY = (
    Claim.SURNAME,
    Claim.GIVEN_NAME,
    Claim.GENDER,
    Claim.BIRTH_DATE,
    Claim.ETHNICITY,
    Claim.ID_NUMBER,
)
_NAME_AND_NUMBER = (Claim.SURNAME, Claim.GIVEN_NAME, Claim.ID_NUMBER)


@dataclass(frozen=True)
class CredentialType:
    type: str
    name: str  # Chinese name as on the paper document
    kind: CredentialKind
    issuer_agency: str
    claims: tuple[Claim, ...]
    validity_days: int
    # A claim the registry cannot supply (criminal records, kinship) needs a source system
    # onetrip is not connected to; such a type is listed but not issued.
    missing_source: str | None = None

    @property
    def vct(self) -> str:
        """SD-JWT VC type identifier (a collision-resistant name, versioned)."""
        return f"urn:onetrip:credential:{self.type}:1"

    @property
    def source_fields(self) -> frozenset[IdentityField]:
        return frozenset(f for c in self.claims if (f := SOURCE_FIELD[c]) is not None)

    def as_api(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "kind": self.kind.value,
            "issuerAgency": self.issuer_agency,
            "claims": [c.value for c in self.claims],
            "validityDays": self.validity_days,
            "vct": self.vct,
            "issuable": self.missing_source is None,
        }


# Validity of the electronic credential (not of the paper document): certificates are
# re-issued automatically when registry data changes, so one year keeps keys and status
# lists short-lived; proofs follow the usual 3-month acceptance of a 证明.
_CERTIFICATE_DAYS = 365
_PROOF_DAYS = 90

CREDENTIAL_TYPES: Mapping[str, CredentialType] = {
    t.type: t
    for t in (
        CredentialType(
            "resident_id", "居民身份证", CredentialKind.CERTIFICATE, "公安局",
            (*_IDENTITY, Claim.AGE_OVER_18, Claim.AGE_OVER_60), _CERTIFICATE_DAYS,
        ),
        CredentialType(
            "household_register", "户口簿", CredentialKind.CERTIFICATE, "公安局户政管理部门",
            (*_IDENTITY, Claim.DISTRICT), _CERTIFICATE_DAYS,
        ),
        CredentialType(
            "driving_licence", "驾驶证", CredentialKind.CERTIFICATE, "公安局交通管理部门",
            (Claim.SURNAME, Claim.GIVEN_NAME, Claim.GENDER, Claim.BIRTH_DATE, Claim.ID_NUMBER,
             Claim.AGE_OVER_18), _CERTIFICATE_DAYS,
        ),
        # 居住证暂行条例 art. 14: a residence permit is endorsed (签注) once a year.
        CredentialType(
            "residence_permit", "居住证", CredentialKind.CERTIFICATE, "公安派出所",
            (*_NAME_AND_NUMBER, Claim.GENDER, Claim.BIRTH_DATE, Claim.DISTRICT), 365,
        ),
        CredentialType(
            "household_proof", "户籍证明", CredentialKind.PROOF, "公安派出所",
            (*_IDENTITY, Claim.DISTRICT), _PROOF_DAYS,
        ),
        CredentialType(
            "no_criminal_record", "无犯罪记录证明", CredentialKind.PROOF, "公安局",
            _NAME_AND_NUMBER, _PROOF_DAYS, missing_source="the criminal records system",
        ),
        CredentialType(
            "kinship_proof", "亲属关系证明", CredentialKind.PROOF, "公安派出所",
            _NAME_AND_NUMBER, _PROOF_DAYS, missing_source="household membership records",
        ),
    )
}  # fmt: skip

LONGEST_VALIDITY = timedelta(days=max(t.validity_days for t in CREDENTIAL_TYPES.values()))


def age_on(birth: date, day: date) -> int:
    """Completed years on `day`; a 29 February birthday counts as 1 March in common years."""
    years = day.year - birth.year
    try:
        birthday = birth.replace(year=day.year)
    except ValueError:  # 29 February in a common year
        birthday = date(day.year, 3, 1)
    return years if day >= birthday else years - 1


def claim_values(kind: CredentialType, person: Person, at: datetime) -> dict[str, Any]:
    """The type's claims from the registry's person, as of the instant `at`."""
    record = person.as_api()
    today = at.astimezone(CHINA_TIME).date()
    age = age_on(date.fromisoformat(person.birth_date), today)
    derived = {Claim.AGE_OVER_18: age >= ADULT_AGE, Claim.AGE_OVER_60: age >= SENIOR_AGE}
    values: dict[str, Any] = {}
    for claim in kind.claims:
        if claim in derived:
            values[claim.value] = derived[claim]
        elif record.get(claim.value) is not None:
            values[claim.value] = record[claim.value]
    return values


def carries_any(kind: CredentialType, changed_fields: set[str]) -> bool:
    """Whether a change to these identity fields makes a credential of this type stale."""
    return any(f.value in changed_fields for f in kind.source_fields)
