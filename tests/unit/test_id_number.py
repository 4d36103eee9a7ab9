"""GB 11643-1999 citizen ID numbers: validation, parts, consistency, allocation, masking."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from onetrip.domain import id_number
from onetrip.domain.id_number import (
    candidates,
    check_character,
    consistency_errors,
    mask,
    normalize,
    validate,
)
from onetrip.errors import FieldError
from stdnum.cn import ric

TODAY = date(2025, 6, 1)


def make(region: str = "330203", born: str = "19900307", sequence: str = "123") -> str:
    """A number with a correct check character, computed by python-stdnum (not by the
    code under test)."""
    body = region + born + sequence
    return body + ric.calc_check_digit(body + "0")


def with_check(number: str, character: str) -> str:
    return number[:17] + character


def wrong_check(number: str) -> str:
    return with_check(number, "0" if number[17] != "0" else "1")


# --- check_character -----------------------------------------------------------------


def test_check_character_of_the_standard_example() -> None:
    # Given the worked example of GB 11643-1999 Annex A (11010519491231002X)
    # When its check character is computed
    # Then it is X, the character for checksum value 10
    assert check_character("11010519491231002") == "X"


def test_check_character_agrees_with_stdnum() -> None:
    # Given many random 17-digit bodies
    rng = random.Random(11643)
    for _ in range(2000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        # When both implementations compute the check character
        # Then they agree
        assert check_character(body) == ric.calc_check_digit(body + "0")


@pytest.mark.parametrize("body", ["1101051949123100", "110105194912310021", "1101051949123100X"])
def test_check_character_rejects_a_body_that_is_not_17_digits(body: str) -> None:
    # Given a body of the wrong length or with a non-digit
    # When / Then check_character refuses it
    with pytest.raises(ValueError):
        check_character(body)


# --- normalize -----------------------------------------------------------------------


def test_normalize_strips_spaces_and_uppercases_trailing_x() -> None:
    # Given a number typed with spaces (ASCII and full-width) and a lowercase x
    # When it is normalized
    # Then the spaces are gone and the x is uppercase
    assert normalize(" 110105 19491231\u3000002x ") == "11010519491231002X"


# --- validate: the happy path ---------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        make("330203", "19900307", "123"),  # 宁波市海曙区
        make("110101", "20000229", "002"),  # 北京市东城区, leap day
        "11010519491231002X",  # GB 11643-1999 Annex A
        make("110103", "19800101", "001"),  # 崇文区, abolished 2010: historical codes stay valid
        make("110118", "19800101", "001"),  # 密云区, created 2015: still known to stdnum
        make("330203", "19000101", "001"),  # earliest accepted birth date
        make("330203", "20250601", "001"),  # born today
    ],
)
def test_valid_numbers_have_no_errors(number: str) -> None:
    # Given a well-formed number with a known region, real past birth date, right check
    # When it is validated
    # Then there are no errors
    assert validate(number, today=TODAY) == []


def test_validate_accepts_lowercase_x_and_spaces() -> None:
    # Given a valid number ending in X, typed as the clerk might
    # When it is validated
    # Then it is accepted (it is normalized first)
    assert validate(" 11010519491231002x", today=TODAY) == []


def test_validate_defaults_today_to_the_current_date() -> None:
    # Given a valid number and no explicit today
    # When it is validated
    # Then there are no errors
    assert validate(make()) == []


# --- validate: one error per failure ----------------------------------------------------


@pytest.mark.parametrize("value", ["", "33020319900307123", "3302031990030712345", "X" * 17])
def test_wrong_length_is_the_only_error(value: str) -> None:
    # Given a value that is not 18 characters
    # When it is validated
    errors = validate(value, field="changes.idNumber", today=TODAY)
    # Then only the length is reported, on the given field
    assert len(errors) == 1
    assert errors[0].field == "changes.idNumber"
    assert "18 characters" in errors[0].message


@pytest.mark.parametrize(
    "value",
    [
        "33020319900307X123",  # X not at the end
        "3302031990030712A4",  # a letter
        "33020319900307123Y",  # last is neither digit nor X
        "３３０２０３19900307123X",  # full-width digits (str.isdigit() would accept them)
        "33020319900307-123",  # separator
    ],
)
def test_bad_characters_are_the_only_error(value: str) -> None:
    # Given 18 characters that are not 17 digits + digit/X
    # When it is validated
    errors = validate(value, today=TODAY)
    # Then only the format is reported
    assert len(errors) == 1
    assert errors[0].field == "idNumber"
    assert "17 digits followed by a digit or X" in errors[0].message


def test_unknown_region() -> None:
    # Given a number whose region code 990000 is not an administrative division
    number = make(region="990000")
    # When it is validated
    errors = validate(number, today=TODAY)
    # Then exactly the region is reported
    assert [e.field for e in errors] == ["idNumber"]
    assert "region code" in errors[0].message


def test_unknown_county_in_a_known_province() -> None:
    # Given a region code under 北京市 (11) that was never assigned (0199);
    # stdnum's own get_birth_place raises KeyError on this one
    number = make(region="110199")
    # When it is validated
    errors = validate(number, today=TODAY)
    # Then it is reported as an unknown region, not a crash
    assert len(errors) == 1
    assert "region code" in errors[0].message


def test_february_30_is_not_a_date() -> None:
    # Given a number with birth date 1990-02-30
    number = make(born="19900230")
    # When it is validated
    errors = validate(number, today=TODAY)
    # Then exactly the birth date is reported as not a real date
    assert len(errors) == 1
    assert errors[0].field == "idNumber"
    assert "not a real calendar date" in errors[0].message


def test_future_birth_date() -> None:
    # Given a number born the day after "today"
    number = make(born="20250602")
    # When it is validated relative to today
    errors = validate(number, today=TODAY)
    # Then exactly the future birth date is reported
    assert len(errors) == 1
    assert "in the future" in errors[0].message


def test_birth_date_before_1900() -> None:
    # Given a number born on the last day of 1899
    number = make(born="18991231")
    # When it is validated
    errors = validate(number, today=TODAY)
    # Then exactly the too-early birth date is reported
    assert len(errors) == 1
    assert "before 1900-01-01" in errors[0].message


def test_wrong_check_character() -> None:
    # Given a valid number with its last character changed
    number = wrong_check(make())
    # When it is validated
    errors = validate(number, today=TODAY)
    # Then exactly the check character is reported
    assert len(errors) == 1
    assert errors[0].field == "idNumber"
    assert "check character" in errors[0].message
    assert "does not match" in errors[0].message


def test_each_independent_failure_yields_its_own_error() -> None:
    # Given a number with an unknown region, a Feb 30 birth date and a wrong check character
    number = wrong_check(make(region="990000", born="19900230"))
    # When it is validated with a custom field name
    errors = validate(number, field="changes.idNumber", today=TODAY)
    # Then each failure is its own error, all on that field
    assert len(errors) == 3
    assert {e.field for e in errors} == {"changes.idNumber"}
    messages = " | ".join(e.message for e in errors)
    assert "region code" in messages
    assert "not a real calendar date" in messages
    assert "check character" in messages


def test_messages_never_echo_digits_of_the_number() -> None:
    # Given failing numbers of every kind
    valid = make()
    failing = [
        valid[:17],
        valid[:16] + "A" + valid[17],
        wrong_check(make(region="990000", born="19900230")),
        make(born="20991231"),
        make(born="18000101"),
    ]
    # Only position numbers, lengths and the 1900-01-01 limit may appear as digits
    allowed = {"1", "6", "7", "14", "17", "18", "1900", "01"}
    for number in failing:
        # When they are validated
        errors = validate(number, today=TODAY)
        assert errors
        for error in errors:
            # Then no message contains digits of the number (e.g. the expected check digit)
            assert set(re.findall(r"[0-9]+", error.message)) <= allowed, error.message


# --- parts ------------------------------------------------------------------------------


def test_parts_of_a_number() -> None:
    # Given a valid number
    number = make("330203", "19900307", "123")
    # When its parts are read
    # Then region, birth date and gender come from positions 1-6, 7-14 and 17
    assert id_number.region_of(number) == "330203"
    assert id_number.birth_date_of(number) == date(1990, 3, 7)
    assert id_number.gender_of(number) == "male"
    assert id_number.gender_of(make(sequence="120")) == "female"


def test_parts_refuse_malformed_numbers_without_echoing_them() -> None:
    # Given a malformed number
    # When a part is read
    # Then ValueError is raised and its message does not contain the value
    with pytest.raises(ValueError) as raised:
        id_number.region_of("3302031990")
    assert "3302031990" not in str(raised.value)
    with pytest.raises(ValueError):
        id_number.birth_date_of(make(born="19900230"))


# --- consistency_errors -------------------------------------------------------------------


def test_consistent_number_has_no_errors() -> None:
    # Given a male born 1990-03-07 and his number
    number = make(born="19900307", sequence="123")
    # When consistency is checked
    # Then there are no errors
    assert consistency_errors(number, birth_date=date(1990, 3, 7), gender="male") == []


def test_birth_date_mismatch() -> None:
    # Given a number encoding 1990-03-07 but a stated birth date of 1990-03-08
    number = make(born="19900307")
    # When consistency is checked
    errors = consistency_errors(
        number, birth_date=date(1990, 3, 8), gender="male", field="changes.idNumber"
    )
    # Then exactly the birth date disagreement is reported on the given field
    assert len(errors) == 1
    assert errors[0].field == "changes.idNumber"
    assert "birth date" in errors[0].message


def test_gender_parity_mismatch() -> None:
    # Given a number with an odd sequence code (male) but a stated gender of female
    number = make(sequence="123")
    # When consistency is checked
    errors = consistency_errors(number, birth_date=date(1990, 3, 7), gender="female")
    # Then exactly the parity disagreement is reported, naming both genders
    assert errors == [
        FieldError(
            "idNumber",
            "the sequence code (顺序码, position 17: odd male, even female) indicates "
            "male (男), but the gender given is female (女)",
        )
    ]


def test_both_mismatches_are_reported_separately() -> None:
    # Given a number that disagrees on both birth date and gender
    number = make(born="19900307", sequence="124")
    # When consistency is checked
    errors = consistency_errors(number, birth_date=date(1991, 1, 1), gender="male")
    # Then there is one error for each
    assert len(errors) == 2
    assert "birth date" in errors[0].message
    assert "sequence code" in errors[1].message


def test_none_skips_a_check() -> None:
    # Given a number that disagrees on both
    number = make(born="19900307", sequence="124")
    # When a value is None
    # Then its check is skipped
    assert consistency_errors(number, birth_date=None, gender=None) == []
    assert len(consistency_errors(number, birth_date=None, gender="male")) == 1
    assert len(consistency_errors(number, birth_date=date(2000, 1, 1), gender=None)) == 1


def test_consistency_leaves_malformed_numbers_to_validate() -> None:
    # Given malformed numbers (validate reports these)
    # When consistency is checked
    # Then nothing is reported twice
    assert consistency_errors("123", birth_date=date(1990, 1, 1), gender="male") == []
    assert consistency_errors(make(born="19900230"), birth_date=date(1990, 3, 1), gender=None) == []


# --- candidates ------------------------------------------------------------------------------


@pytest.mark.parametrize(("gender", "count"), [("male", 500), ("female", 499)])
def test_candidates_are_all_the_valid_numbers(gender: id_number.Gender, count: int) -> None:
    # Given a region, a birth date and a gender
    born = date(1990, 3, 7)
    # When all candidates are drawn
    numbers = list(candidates("330203", born, gender, random.Random(7)))
    # Then every sequence code 001-999 of the gender's parity appears once (never 000):
    # 500 odd codes for male, 499 even codes for female
    assert len(numbers) == count
    assert len(set(numbers)) == count
    for number in numbers:
        assert validate(number, today=TODAY) == []
        assert consistency_errors(number, birth_date=born, gender=gender) == []
        assert id_number.region_of(number) == "330203"
        assert number[14:17] != "000"
    sequences = {int(n[14:17]) for n in numbers}
    assert sequences == set(range(1 if gender == "male" else 2, 1000, 2))


def test_candidates_come_in_random_order() -> None:
    # Given two allocators with different random sources
    born = date(1990, 3, 7)
    first = list(candidates("110101", born, "male", random.Random(1)))
    second = list(candidates("110101", born, "male", random.Random(2)))
    # When they list candidates
    # Then they see the same set in different orders (so they rarely collide)
    assert set(first) == set(second)
    assert first != second
    assert first != sorted(first)


def test_candidates_with_the_same_seed_are_reproducible() -> None:
    born = date(1990, 3, 7)
    assert list(candidates("110101", born, "female", random.Random(5))) == list(
        candidates("110101", born, "female", random.Random(5))
    )


def test_candidates_default_rng() -> None:
    # Given no random source
    # When candidates are drawn
    numbers = list(candidates("110101", date(2001, 12, 31), "female"))
    # Then they are still all valid
    assert len(set(numbers)) == 499
    assert all(validate(n, today=TODAY) == [] for n in numbers)


@pytest.mark.parametrize(
    ("region", "born", "gender"),
    [
        ("990000", date(1990, 1, 1), "male"),  # unknown region
        ("33020", date(1990, 1, 1), "male"),  # not 6 digits
        ("330203", date(1899, 12, 31), "male"),  # too early
        ("330203", date(1990, 1, 1), "other"),  # not a gender
    ],
)
def test_candidates_refuse_bad_arguments_immediately(
    region: str, born: date, gender: id_number.Gender
) -> None:
    # Given arguments that cannot produce a valid number
    # When candidates is called (without iterating)
    # Then ValueError is raised straight away
    with pytest.raises(ValueError):
        candidates(region, born, gender)


# --- mask --------------------------------------------------------------------------------------


def test_mask_keeps_region_and_last_four() -> None:
    # Given a valid number
    number = make("330203", "19900307", "123")
    # When it is masked
    masked = mask(number)
    # Then the first 6 and the last 4 are kept and the birth date is hidden
    assert masked == "330203********" + number[-4:]
    assert len(masked) == 18
    assert "19900307" not in masked


def test_mask_never_reveals_the_middle() -> None:
    # Given many numbers
    for number in candidates("110101", date(1985, 10, 1), "male", random.Random(3)):
        # When masked
        # Then positions 7-14 are all '*'
        assert mask(number)[6:14] == "*" * 8


@pytest.mark.parametrize("value", ["", "1101", "11010519491231002", "11010519491231002X1"])
def test_mask_hides_everything_when_not_18_characters(value: str) -> None:
    # Given a value that is not 18 characters
    # When it is masked
    # Then every character is '*'
    assert mask(value) == "*" * len(value)
