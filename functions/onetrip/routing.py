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
