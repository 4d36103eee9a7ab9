"""The catalogue's pure rules: search terms, entry rules, CSV reading, cursors, demo CSV."""

from __future__ import annotations

import csv
import io

import pytest
from onetrip.domain.catalogue import (
    CSV_COLUMNS,
    decode_cursor,
    encode_cursor,
    entry_errors,
    matches,
    parse_csv,
    search_grams,
)
from onetrip.errors import InvalidInput
from onetrip_local.catalogue_demo import csv_text

HEADER = ",".join(CSV_COLUMNS)
GOOD = {
    "name": "户籍证明",
    "formerIssuer": "海曙区派出所",
    "abolishedAt": "2019-06-01",
    "basis": "甬政办发〔2019〕1号",
    "replacement": "credential",
    "credentialType": "household_proof",
}


def _fields_of(errors: list) -> list[str]:
    return [e.field for e in errors]


def test_search_terms_are_the_character_bigrams_of_the_query() -> None:
    # Written out by hand: 无犯罪记录 has the bigrams 无犯 犯罪 罪记 记录.
    assert search_grams("无犯罪记录") == {"无犯", "犯罪", "罪记", "记录"}
    assert search_grams("户籍 证明") == {"户籍", "籍证", "证明"}  # spaces are not letters


@pytest.mark.parametrize("q", ["户", " 户 ", "，。"])
def test_a_query_shorter_than_two_letters_is_refused_naming_q(q: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        search_grams(q)
    assert _fields_of(raised.value.errors) == ["q"]


def test_a_match_needs_the_whole_query_not_only_its_bigrams() -> None:
    # 证明户籍 holds 户籍 and 证明 but not 籍证: bigrams alone would not tell.
    assert matches("户籍证明", "遗失户籍证明")
    assert not matches("户籍证明", "证明户籍")


def test_a_good_entry_has_no_errors() -> None:
    assert entry_errors(GOOD) == []
    assert entry_errors({**GOOD, "replacement": "data_sharing", "credentialType": None}) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "证" * 41}, "name"),
        ({"name": "证"}, "name"),
        ({"formerIssuer": "  "}, "formerIssuer"),
        ({"abolishedAt": "2019-02-30"}, "abolishedAt"),
        ({"abolishedAt": "2019/06/01"}, "abolishedAt"),
        ({"basis": ""}, "basis"),
        ({"replacement": "abolished"}, "replacement"),
        ({"credentialType": None}, "credentialType"),
        ({"credentialType": "library_card"}, "credentialType"),
        ({"replacement": "declaration"}, "credentialType"),  # a type without a credential
    ],
)
def test_each_broken_rule_names_its_field(change: dict, field: str) -> None:
    assert _fields_of(entry_errors({**GOOD, **change})) == [field]


def test_csv_good_lines_are_read_and_bad_lines_rejected_naming_the_column() -> None:
    text = "\n".join(
        [
            HEADER,
            "户籍证明,海曙区派出所,2019-06-01,依据一,credential,household_proof",
            "居住证明,海曙区派出所,2019-13-01,依据二,data_sharing,",
            '"收入情况证明, 含附件",江北区民政局,2020-01-02,"依据三，""引号""",declaration,',
            "亲属关系证明,江北区派出所,2020-01-02,依据四,credential,",
            "只有三列,江北区,2020-01-02",
            "",
            "户籍 证明,海曙区 派出所,2021-01-01,重复,none,",
        ]
    )
    parsed = parse_csv(text)
    assert [(line, e.name) for line, e in parsed.entries] == [
        (2, "户籍证明"),
        (4, "收入情况证明, 含附件"),
    ]
    assert parsed.entries[1][1].basis == '依据三，"引号"'
    rejected = {r["line"]: _fields_of(r["errors"]) for r in parsed.rejected}
    assert rejected == {3: ["abolishedAt"], 5: ["credentialType"], 6: ["line"], 8: ["name"]}


def test_csv_with_a_bom_and_crlf_line_ends_is_read() -> None:
    text = "\ufeff" + HEADER + "\r\n" + "户籍证明,海曙区派出所,2019-06-01,依据,none,\r\n"
    assert [e.name for _, e in parse_csv(text).entries] == ["户籍证明"]


@pytest.mark.parametrize(
    "text", ["", "name,formerIssuer\n", "a,b,c,d,e,f\n户籍证明,x,2019-06-01,y,none,\n"]
)
def test_a_file_without_the_header_is_refused_as_a_whole(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_csv(text)
    assert _fields_of(raised.value.errors) == ["header"]


KEY = b"k" * 32


def test_a_cursor_continues_only_the_search_that_made_it() -> None:
    cursor = encode_cursor(KEY, "ap_0123", "户籍", "海曙区派出所")
    assert decode_cursor(KEY, cursor, "户籍", "海曙区派出所") == "ap_0123"
    for q, agency in [("居住", "海曙区派出所"), ("户籍", None)]:
        with pytest.raises(InvalidInput) as raised:
            decode_cursor(KEY, cursor, q, agency)
        assert _fields_of(raised.value.errors) == ["cursor"]


def _flip(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]


def test_an_altered_or_foreign_cursor_is_refused() -> None:
    cursor = encode_cursor(KEY, "ap_0123", None, None)
    altered = [_flip(cursor, 3), _flip(cursor, len(cursor) - 2), "garbage", "", "a.b", cursor + "x"]
    for bad in [*altered, encode_cursor(b"other key", "ap_0123", None, None)]:
        with pytest.raises(InvalidInput) as raised:
            decode_cursor(KEY, bad, None, None)
        assert _fields_of(raised.value.errors) == ["cursor"]


def test_the_demo_csv_is_deterministic_distinct_and_importable() -> None:
    text = csv_text(500, seed=7)
    assert text == csv_text(500, seed=7)
    assert text != csv_text(500, seed=8)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 501
    assert len({(r[1], r[0]) for r in rows[1:]}) == 500
    parsed = parse_csv(text)
    assert (len(parsed.entries), parsed.rejected) == (500, [])
