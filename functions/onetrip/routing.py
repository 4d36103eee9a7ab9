"""Which agency holds which identity field — the one routing table of the chain change.

Used by CDK (one EventBridge rule per agency, matching `detail.changedFields`) and by the
code (which linked updates an approved change must produce). API.md, "Agencies and the
linked updates".
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class IdentityField(StrEnum):
    """The six key fields of 公民身份信息连锁变更."""

    SURNAME = "surname"
    GIVEN_NAME = "givenName"
    GENDER = "gender"
    BIRTH_DATE = "birthDate"
    ETHNICITY = "ethnicity"
    ID_NUMBER = "idNumber"


class Agency(StrEnum):
    SOCIAL_SECURITY = "social_security"  # 社保卡
    STUDENT_ROLL = "student_roll"  # 学籍
    EXIT_ENTRY = "exit_entry"  # 出入境证件
    DRIVING_LICENCE = "driving_licence"  # 驾驶证
    WATER = "water"
    ELECTRICITY = "electricity"
    GAS = "gas"


_ALL = tuple(IdentityField)
_NO_ETHNICITY = (
    IdentityField.SURNAME,
    IdentityField.GIVEN_NAME,
    IdentityField.GENDER,
    IdentityField.BIRTH_DATE,
    IdentityField.ID_NUMBER,
)
_UTILITY = (IdentityField.SURNAME, IdentityField.GIVEN_NAME, IdentityField.ID_NUMBER)

HELD_FIELDS: dict[Agency, tuple[IdentityField, ...]] = {
    Agency.SOCIAL_SECURITY: _ALL,
    Agency.STUDENT_ROLL: _ALL,
    Agency.EXIT_ENTRY: _NO_ETHNICITY,
    Agency.DRIVING_LICENCE: _NO_ETHNICITY,
    Agency.WATER: _UTILITY,
    Agency.ELECTRICITY: _UTILITY,
    Agency.GAS: _UTILITY,
}


def agencies_for(changed: Iterable[str]) -> list[Agency]:
    """The agencies that hold at least one of the changed fields, in table order."""
    changed_set = set(changed)
    return [agency for agency, held in HELD_FIELDS.items() if changed_set.intersection(held)]


# -- Partner cities (跨市通办) -------------------------------------------------------------
# A partner city (another onetrip stage, e.g. Zhoushan for Ningbo) is one more linked-update
# party: `partner:<city>` names its linked update, its notifications, its timeline entries
# and its API caller (`custom:agency` of its token). Its agencies together hold every field.
PARTNER_PREFIX = "partner:"
PARTNER_FIELDS: tuple[IdentityField, ...] = tuple(IdentityField)


def partner_party(city: str) -> str:
    """`zhoushan` -> `partner:zhoushan`."""
    return f"{PARTNER_PREFIX}{city}"


def partner_city(party: str) -> str | None:
    """The city of a `partner:<city>` party, else None."""
    return party.removeprefix(PARTNER_PREFIX) if party.startswith(PARTNER_PREFIX) else None


def held_fields(party: str) -> tuple[IdentityField, ...]:
    """The fields an agency or a partner city holds; KeyError for anything else."""
    if partner_city(party):
        return PARTNER_FIELDS
    return HELD_FIELDS[Agency(party)]
