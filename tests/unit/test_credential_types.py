"""The credential catalogue and the claims computed at issuance."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from onetrip.domain.credential_types import (
    CREDENTIAL_TYPES,
    age_on,
    carries_any,
    claim_values,
)
from onetrip.domain.person import Person


def _person(birth: str) -> Person:
    return Person(
        person_id="per_1", id_number="11010120080307001X", surname="王", given_name="小明",
        gender="male", birth_date=birth, ethnicity="汉族", version=3,
        updated_at="2026-01-01T00:00:00.000Z", created_at="2026-01-01T00:00:00.000Z",
        district="海曙区",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2008, 3, 7), date(2026, 3, 6), 17),
        (date(2008, 3, 7), date(2026, 3, 7), 18),  # 18 on the birthday (民法典 art. 17)
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # common year: 1 March stands in
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(1966, 12, 31), date(2026, 12, 31), 60),
        (date(1966, 12, 31), date(2026, 12, 30), 59),
    ],
)
def test_age_in_completed_years(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


def test_age_claims_follow_the_calendar_day_in_china() -> None:
    # Born 2008-03-07: 18 from 2026-03-07 00:00 China time = 2026-03-06 16:00 UTC
    person = _person("2008-03-07")
    kind = CREDENTIAL_TYPES["resident_id"]
    before = claim_values(kind, person, datetime(2026, 3, 6, 15, 59, tzinfo=UTC))
    after = claim_values(kind, person, datetime(2026, 3, 6, 16, 0, tzinfo=UTC))
    assert (before["ageOver18"], after["ageOver18"]) == (False, True)
    assert after["ageOver60"] is False


def test_claims_come_from_the_registry_record_in_the_type_order() -> None:
    values = claim_values(
        CREDENTIAL_TYPES["household_register"], _person("1990-03-07"),
        datetime(2026, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    assert values == {
        "surname": "王", "givenName": "小明", "gender": "male", "birthDate": "1990-03-07",
        "ethnicity": "汉族", "idNumber": "11010120080307001X", "district": "海曙区",
    }  # fmt: skip


def test_which_changes_make_a_credential_stale() -> None:
    licence = CREDENTIAL_TYPES["driving_licence"]
    assert carries_any(licence, {"surname"})
    assert carries_any(licence, {"birthDate"})  # ageOver18 and birthDate
    assert not carries_any(licence, {"ethnicity"})
    assert carries_any(CREDENTIAL_TYPES["resident_id"], {"ethnicity"})


def test_the_catalogue_has_the_seven_types_of_api_md() -> None:
    kinds = {t: k.kind.value for t, k in CREDENTIAL_TYPES.items()}
    assert kinds == {
        "resident_id": "certificate", "household_register": "certificate",
        "driving_licence": "certificate", "residence_permit": "certificate",
        "household_proof": "proof", "no_criminal_record": "proof", "kinship_proof": "proof",
    }  # fmt: skip
    assert all(k.validity_days > 0 for k in CREDENTIAL_TYPES.values())
