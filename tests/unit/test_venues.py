"""The one table of what each venue kind may ask for (data minimisation)."""

from __future__ import annotations

import pytest
from onetrip.domain.credential_types import CREDENTIAL_TYPES
from onetrip.domain.venues import MAY_ASK, Venue, VenueKind, may_ask, not_allowed

# API.md, "Venues": the examples it writes out, as written there.
API_MD_ROWS = {
    "internet_cafe": {"resident_id": {"ageOver18", "surname", "idNumber"}},
    "scenic_spot": {"resident_id": {"ageOver60"}},
    "hotel": {"resident_id": {"surname", "givenName", "idNumber", "gender"}},
}


def test_the_kinds_are_api_mds() -> None:
    assert {k.value for k in VenueKind} == {
        "hotel", "internet_cafe", "post", "utility", "vehicle_inspection", "scenic_spot",
        "window",
    }  # fmt: skip
    assert set(MAY_ASK) == set(VenueKind)


@pytest.mark.parametrize("kind", sorted(API_MD_ROWS))
def test_api_mds_examples_are_the_table_exactly(kind: str) -> None:
    assert {t: set(c) for t, c in MAY_ASK[VenueKind(kind)].items()} == API_MD_ROWS[kind]


def test_every_claim_of_the_table_is_a_claim_of_its_type() -> None:
    for kind, row in MAY_ASK.items():
        for type_, claims in row.items():
            offered = {c.value for c in CREDENTIAL_TYPES[type_].claims}
            assert claims <= offered, (kind, type_)


def test_only_the_government_window_may_ask_for_everything() -> None:
    everything = {t.type: {c.value for c in t.claims} for t in CREDENTIAL_TYPES.values()}
    assert {t: set(c) for t, c in MAY_ASK[VenueKind.WINDOW].items()} == everything
    for kind in set(VenueKind) - {VenueKind.WINDOW}:
        assert MAY_ASK[kind] != MAY_ASK[VenueKind.WINDOW]
        # Nobody but the window learns an ethnicity or a birth date
        assert not any({"ethnicity", "birthDate"} & claims for claims in MAY_ASK[kind].values())


def test_asking_for_more_names_what_is_too_much() -> None:
    assert not_allowed(VenueKind.SCENIC_SPOT, "resident_id", ["ageOver60"]) == []
    assert not_allowed(VenueKind.SCENIC_SPOT, "resident_id", ["ageOver60", "surname"]) == [
        "surname"
    ]
    assert not_allowed(VenueKind.HOTEL, "driving_licence", ["surname"]) == ["surname"]


def test_the_api_shows_the_row_in_the_types_claim_order() -> None:
    assert may_ask(VenueKind.HOTEL) == {
        "resident_id": ["surname", "givenName", "gender", "idNumber"]
    }
    venue = Venue("ven_1", "江北宾馆", VenueKind.HOTEL, "江北区", "2026-12-02T08:00:00.000Z")
    assert venue.audience == "urn:onetrip:venue:ven_1"
    assert venue.as_api()["mayAsk"] == may_ask(VenueKind.HOTEL)
