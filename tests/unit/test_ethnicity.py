"""GB/T 3304 ethnic group names and codes."""

from __future__ import annotations

import pytest
from onetrip.domain.ethnicity import CODES, ETHNICITIES, validate


def test_there_are_56_distinct_names_in_code_order() -> None:
    # Given the table
    # When it is inspected
    # Then it holds 56 distinct names, each ending in 族, first 汉族 and last 基诺族
    assert len(ETHNICITIES) == 56
    assert len(set(ETHNICITIES)) == 56
    assert all(name.endswith("族") for name in ETHNICITIES)
    assert ETHNICITIES[0] == "汉族"
    assert ETHNICITIES[-1] == "基诺族"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("汉族", "01"),
        ("蒙古族", "02"),
        ("维吾尔族", "05"),
        ("朝鲜族", "10"),
        ("畲族", "22"),
        ("柯尔克孜族", "29"),
        ("俄罗斯族", "44"),
        ("京族", "49"),
        ("基诺族", "56"),
    ],
)
def test_codes_follow_gb_t_3304(name: str, code: str) -> None:
    # Given a name / When its code is looked up / Then it is the GB/T 3304 code
    assert CODES[name] == code


def test_codes_cover_every_name_with_two_digits() -> None:
    # Given the code table
    # When it is compared with the names
    # Then every name has a code and the codes are "01".."56" in order
    assert list(CODES) == list(ETHNICITIES)
    assert list(CODES.values()) == [f"{n:02d}" for n in range(1, 57)]


def test_she_uses_the_official_character() -> None:
    # Given 畲族 (She), whose character has a look-alike (畬, U+756C)
    # When the table is inspected
    # Then it uses 畲 (U+7572)
    assert "\u7572族" in ETHNICITIES
    assert "\u756c族" not in ETHNICITIES


@pytest.mark.parametrize("name", ETHNICITIES)
def test_every_name_is_valid(name: str) -> None:
    # Given one of the 56 names / When validated / Then there are no errors
    assert validate(name) == []


@pytest.mark.parametrize(
    "value",
    ["", "汉", "Han", "汉族 ", "其他", "外国血统中国籍人士", "穿青人"],
)
def test_other_values_are_rejected(value: str) -> None:
    # Given a value that is not exactly one of the 56 names
    # When it is validated with a custom field
    errors = validate(value, field="changes.ethnicity")
    # Then there is exactly one error on that field that names the standard
    assert len(errors) == 1
    assert errors[0].field == "changes.ethnicity"
    assert "56 ethnic group names of GB/T 3304" in errors[0].message
    assert "汉族" in errors[0].message


def test_short_form_gets_a_hint() -> None:
    # Given the short form 蒙古 instead of 蒙古族
    # When validated
    errors = validate("蒙古")
    # Then the message says to write the full name, on the default field
    assert errors[0].field == "ethnicity"
    assert "full name ending in 族" in errors[0].message
