"""What each reader of a petition sees of the petitioner (API.md, Petition)."""

from __future__ import annotations

from typing import Any

import pytest
from onetrip.domain.access import Caller
from onetrip.domain.petition import mask_phone
from onetrip.logic.petitions import view

NUMBER = "11010519491231002X"  # GB 11643-1999's own example


def _petition() -> dict[str, Any]:
    return {
        "petitionId": "pet_1",
        "status": "in_progress",
        "handlingUnit": "江北分局",
        "petitioner": {"name": "王小明", "idNumber": NUMBER, "phone": "13900139000"},
        "steps": {},
    }


@pytest.mark.parametrize(
    ("roles", "unit", "id_number", "phone"),
    [
        ({"petition_office"}, None, NUMBER, "13900139000"),
        ({"handling_unit"}, "江北分局", "110105********002X", "13900139000"),
        ({"leader"}, None, "110105********002X", "139****9000"),
        ({"leading_group"}, None, "110105********002X", "139****9000"),
        ({"citizen"}, None, "110105********002X", "13900139000"),  # the petitioner
    ],
)
def test_each_reader_sees_what_their_role_needs(
    roles: set[str], unit: str | None, id_number: str, phone: str
) -> None:
    caller = Caller(sub="s", roles=frozenset(roles), unit=unit, id_number=NUMBER)
    assert view(_petition(), caller)["petitioner"] == {
        "name": "王小明",
        "idNumber": id_number,
        "phone": phone,
    }


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13900139000", "139****9000"),
        ("+86 139 0013 9000", "+86 1** **** 9000"),
        ("0574-87654321", "057*-****4321"),
        ("12345", "*****"),
    ],
)
def test_a_phone_keeps_its_first_three_and_last_four_digits(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
