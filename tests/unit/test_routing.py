"""The code's routing table is the one API.md publishes."""

from __future__ import annotations

from onetrip.routing import HELD_FIELDS, agencies_for

from tests.builders import AGENCY_FIELDS, holders


def test_each_agency_holds_exactly_the_fields_api_md_lists() -> None:
    assert {agency.value: tuple(f.value for f in held) for agency, held in HELD_FIELDS.items()} == (
        AGENCY_FIELDS
    )


def test_a_change_reaches_exactly_the_agencies_holding_a_changed_field() -> None:
    assert {a.value for a in agencies_for(["ethnicity"])} == holders("ethnicity")
    assert {a.value for a in agencies_for(["gender", "givenName"])} == set(AGENCY_FIELDS)
    assert {a.value for a in agencies_for(["birthDate"])} == {
        "social_security", "student_roll", "exit_entry", "driving_licence"
    }  # fmt: skip
