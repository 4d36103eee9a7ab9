"""The abolished-proofs catalogue over the emulated HTTP API, on moto.

Expected search results come from a naive filter over the rows this test wrote itself
(`name` contains `q`, `formerIssuer` equals `agency`), never from the search code.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.builders import claims

ADMIN = claims("issuer_admin")
CSV = {"content-type": "text/csv; charset=utf-8"}
UNKNOWN_TYPE = "is not a known credential type"
HEADER = "name,formerIssuer,abolishedAt,basis,replacement,credentialType"

# Names share bigrams on purpose (户籍, 证明, 居住) so the index has to tell them apart.
ROWS = [
    ("户籍证明", "海曙区派出所", "credential", "household_proof"),
    ("遗失户籍证明", "海曙区派出所", "data_sharing", ""),
    ("证明户籍", "江北区派出所", "declaration", ""),  # holds 户籍 and 证明, not 户籍证明
    ("户籍迁移证明", "江北区派出所", "none", ""),
    ("居住证明", "海曙区派出所", "credential", "residence_permit"),
    ("临时居住证明", "江北区民政局", "data_sharing", ""),
    ("无犯罪记录证明", "江北区派出所", "credential", "no_criminal_record"),
    ("亲属关系证明", "海曙区民政局", "credential", "kinship_proof"),
    ("收入情况证明", "海曙区民政局", "declaration", ""),
    ("婚姻状况证明", "江北区民政局", "data_sharing", ""),
] + [(f"第{n}类户籍证明", "鄞州区派出所", "none", "") for n in range(1, 31)]


def _csv(rows: list[tuple[str, str, str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    for name, issuer, replacement, credential in rows:
        writer.writerow(
            [name, issuer, "2019-06-01", "甬政办发〔2019〕1号", replacement, credential]
        )
    return buffer.getvalue()


def _import(cloud: Any, text: str, who: dict[str, Any] = ADMIN) -> Any:
    return cloud.api("POST", "/abolished-proofs/import", raw_body=text, headers=CSV, claims=who)


def _search_all(cloud: Any, query: str) -> tuple[list[dict[str, Any]], int]:
    """Every page of a search (no token); the number of pages."""
    items: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        path = f"/abolished-proofs?{query}" + (f"&cursor={cursor}" if cursor else "")
        result = cloud.api("GET", path)
        assert result.status == 200, result.text
        pages += 1
        items += result.json["items"]
        cursor = result.json.get("cursor")
        if cursor is None:
            return items, pages


@pytest.fixture(scope="module")
def catalogue(cloud: Any) -> Any:
    """ROWS imported into an empty catalogue, once: the search tests below only read (they
    come before the tests that start from a fresh cloud)."""
    cloud.reset()
    result = _import(cloud, _csv(ROWS))
    assert result.status == 200, result.text
    assert result.json == {"imported": len(ROWS), "updated": 0, "unchanged": 0, "rejected": []}
    return cloud


@pytest.mark.parametrize(
    ("q", "agency"),
    [("户籍证明", None), ("户籍", None), ("证明", None), ("居住", "海曙区派出所"),
     (None, "江北区派出所"), ("户籍证明", "鄞州区派出所"), ("犯罪", "海曙区派出所"),
     ("不存在", None)],
)  # fmt: skip
def test_search_finds_exactly_what_a_naive_filter_finds(
    catalogue: Any, q: str | None, agency: str | None
) -> None:
    expected = sorted(
        name
        for name, issuer, _, _ in ROWS
        if (q is None or q in name) and (agency is None or issuer == agency)
    )
    params = "&".join(f"{k}={v}" for k, v in (("q", q), ("agency", agency)) if v) + "&limit=7"
    items, pages = _search_all(catalogue, params)
    names = [item["name"] for item in items]
    assert sorted(names) == expected  # every match, none twice, nothing else
    assert len(names) == len(set(names))
    assert pages == max(1, -(-len(expected) // 7))


def test_search_needs_no_token_and_says_the_catalogue_version(catalogue: Any) -> None:
    result = catalogue.api("GET", "/abolished-proofs?q=无犯罪记录")
    assert result.status == 200
    assert result.json["catalogueVersion"] == 1
    (item,) = result.json["items"]
    assert item == {
        "proofId": item["proofId"],
        "name": "无犯罪记录证明",
        "formerIssuer": "江北区派出所",
        "abolishedAt": "2019-06-01",
        "basis": "甬政办发〔2019〕1号",
        "replacement": "credential",
        "credentialType": "no_criminal_record",
    }


def test_browsing_without_q_pages_through_every_entry_once(catalogue: Any) -> None:
    items, _ = _search_all(catalogue, "limit=9")
    assert sorted(i["name"] for i in items) == sorted(r[0] for r in ROWS)


@pytest.mark.parametrize(
    "query",
    ["q=户", "cursor=not-a-cursor", "limit=0", "limit=101"],
)
def test_bad_search_parameters_are_422_naming_them(catalogue: Any, query: str) -> None:
    result = catalogue.api("GET", f"/abolished-proofs?{query}")
    assert result.status == 422, result.text
    assert result.json["errors"][0]["field"] == query.split("=")[0]


def test_a_tampered_cursor_or_one_from_another_search_is_422(catalogue: Any) -> None:
    first = catalogue.api("GET", "/abolished-proofs?q=户籍&limit=2").json
    cursor = first["cursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for path in [
        f"/abolished-proofs?q=户籍&limit=2&cursor={tampered}",
        f"/abolished-proofs?q=证明&limit=2&cursor={cursor}",
    ]:
        result = catalogue.api("GET", path)
        assert result.status == 422
        assert [e["field"] for e in result.json["errors"]] == ["cursor"]


def _entry(name: str = "出生证明", **changes: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "formerIssuer": "北仑区卫生健康局",
        "abolishedAt": "2020-03-01",
        "basis": "甬政办发〔2020〕2号",
        "replacement": "data_sharing",
    }
    return {**body, **changes}


def test_edits_keep_every_version_and_reindex_the_new_name(fresh_cloud: Any) -> None:
    cloud = fresh_cloud
    created = cloud.api("POST", "/abolished-proofs", body=_entry(), claims=ADMIN)
    assert created.status == 201, created.text
    proof = created.json["proofId"]
    assert created.json["version"] == 1

    renamed = _entry("新生儿出生医学证明", **{"replacement": "declaration"})
    edited = cloud.api(
        "PUT", f"/abolished-proofs/{proof}", body={**renamed, "version": 1}, claims=ADMIN
    )
    assert edited.status == 200, edited.text
    assert (edited.json["version"], edited.json["name"]) == (2, "新生儿出生医学证明")

    # Found under its new name only.
    assert [i["proofId"] for i in _search_all(cloud, "q=医学证明")[0]] == [proof]
    assert _search_all(cloud, "q=出生证明")[0] == []
    assert _search_all(cloud, "q=北仑区卫生健康局")[0] == []  # the issuer is not the name
    assert [i["name"] for i in _search_all(cloud, "agency=北仑区卫生健康局")[0]] == [
        "新生儿出生医学证明"
    ]

    history = cloud.api("GET", f"/abolished-proofs/{proof}/history", claims=ADMIN)
    assert history.status == 200
    assert [(v["version"], v["name"], v["replacement"]) for v in history.json] == [
        (1, "出生证明", "data_sharing"),
        (2, "新生儿出生医学证明", "declaration"),
    ]
    assert all(v["updatedBy"] == ADMIN["sub"] for v in history.json)
    # Two changes: the catalogue version moved twice.
    assert cloud.api("GET", "/abolished-proofs").json["catalogueVersion"] == 2


def test_a_stale_edit_is_409_and_changes_nothing(fresh_cloud: Any) -> None:
    cloud = fresh_cloud
    proof = cloud.api("POST", "/abolished-proofs", body=_entry(), claims=ADMIN).json["proofId"]
    first = cloud.api(
        "PUT", f"/abolished-proofs/{proof}", body={**_entry("出生医学证明"), "version": 1},
        claims=ADMIN,
    )  # fmt: skip
    assert first.status == 200
    stale = cloud.api(
        "PUT", f"/abolished-proofs/{proof}", body={**_entry("出生登记证明"), "version": 1},
        claims=ADMIN,
    )  # fmt: skip
    assert stale.status == 409
    assert [e["field"] for e in stale.json["errors"]] == ["version"]
    history = cloud.api("GET", f"/abolished-proofs/{proof}/history", claims=ADMIN).json
    assert [v["name"] for v in history] == ["出生证明", "出生医学证明"]
    assert _search_all(cloud, "q=出生登记")[0] == []


def test_a_second_entry_with_the_same_name_and_issuer_is_409(fresh_cloud: Any) -> None:
    cloud = fresh_cloud
    assert cloud.api("POST", "/abolished-proofs", body=_entry(), claims=ADMIN).status == 201
    again = cloud.api("POST", "/abolished-proofs", body=_entry("出生 证明"), claims=ADMIN)
    assert again.status == 409
    other = cloud.api("POST", "/abolished-proofs", body=_entry("死亡证明"), claims=ADMIN)
    taken = cloud.api(
        "PUT", f"/abolished-proofs/{other.json['proofId']}",
        body={**_entry(), "version": 1}, claims=ADMIN,
    )  # fmt: skip
    assert taken.status == 409


def test_bad_entries_are_422_naming_the_field(fresh_cloud: Any) -> None:
    cloud = fresh_cloud
    bad = _entry(**{"replacement": "credential", "credentialType": "library_card"})
    result = cloud.api("POST", "/abolished-proofs", body=bad, claims=ADMIN)
    assert result.status == 422
    assert [e["field"] for e in result.json["errors"]] == ["credentialType"]
    unknown = cloud.api(
        "PUT", "/abolished-proofs/ap_nope", body={**_entry(), "version": 1}, claims=ADMIN
    )
    assert unknown.status == 404
    assert cloud.api("GET", "/abolished-proofs/ap_nope/history", claims=ADMIN).status == 404


def test_import_reports_each_bad_line_imports_the_good_and_is_idempotent(
    fresh_cloud: Any,
) -> None:
    cloud = fresh_cloud
    text = "\n".join(
        [
            HEADER,
            "户籍证明,海曙区派出所,2019-06-01,依据,credential,household_proof",
            "居住证明,海曙区派出所,2019-02-30,依据,data_sharing,",
            "收入证明,海曙区民政局,2019-06-01,依据,credential,library_card",
            "亲属关系证明,海曙区民政局,2019-06-01,依据,declaration,",
            "缺列,海曙区",
        ]
    )
    first = _import(cloud, text)
    assert first.status == 200, first.text
    bad_date = "must be a real date written YYYY-MM-DD"
    assert first.json == {
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": [
            {"line": 3, "errors": [{"field": "abolishedAt", "message": bad_date}]},
            {"line": 4, "errors": [{"field": "credentialType", "message": UNKNOWN_TYPE}]},
            {"line": 6, "errors": [{"field": "line", "message": "has 2 columns, expected 6"}]},
        ],
    }
    table = cloud.boto("dynamodb")
    items_before = table.scan(TableName=cloud.table("Catalogue"))["Items"]
    version_before = cloud.api("GET", "/abolished-proofs").json["catalogueVersion"]

    again = _import(cloud, text)
    assert again.status == 200
    assert (again.json["imported"], again.json["updated"], again.json["unchanged"]) == (0, 0, 2)
    items_after = table.scan(TableName=cloud.table("Catalogue"))["Items"]
    assert _sorted(items_after) == _sorted(items_before)  # not one item written
    assert cloud.api("GET", "/abolished-proofs").json["catalogueVersion"] == version_before

    changed = text.replace("亲属关系证明,海曙区民政局,2019-06-01,依据,declaration,",
                           "亲属关系证明,海曙区民政局,2019-06-01,新依据,none,")  # fmt: skip
    third = _import(cloud, changed)
    assert (third.json["imported"], third.json["updated"], third.json["unchanged"]) == (0, 1, 1)
    (entry,) = _search_all(cloud, "q=亲属关系")[0]
    history = cloud.api("GET", f"/abolished-proofs/{entry['proofId']}/history", claims=ADMIN)
    assert [(v["basis"], v["replacement"]) for v in history.json] == [
        ("依据", "declaration"),
        ("新依据", "none"),
    ]


def _sorted(items: list[dict[str, Any]]) -> list[str]:
    return sorted(repr(sorted(item.items())) for item in items)


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (HEADER + "\n", {"content-type": "application/json"}, 415),
        ('{"name": "x"}', {"content-type": "application/json"}, 415),
        (HEADER + "\n", {"content-type": "text/plain"}, 415),
        ("name;formerIssuer\n", CSV, 422),
    ],
)
def test_import_takes_text_csv_only_with_the_header(
    cloud: Any, body: str, headers: dict[str, str], status: int
) -> None:
    result = cloud.api(
        "POST", "/abolished-proofs/import", raw_body=body, headers=headers, claims=ADMIN
    )
    assert result.status == status, result.text


def test_other_routes_still_refuse_csv(cloud: Any) -> None:
    result = cloud.api(
        "POST", "/abolished-proofs", raw_body=HEADER + "\n", headers=CSV, claims=ADMIN
    )
    assert result.status == 415


def test_a_non_utf8_csv_is_400(cloud: Any) -> None:
    body = (HEADER + "\n户籍证明,海曙区派出所,2019-06-01,依据,none,\n").encode("gb18030")
    result = cloud.api("POST", "/abolished-proofs/import", raw_body=body, headers=CSV, claims=ADMIN)
    assert result.status == 400


@pytest.mark.parametrize("role", ["clerk", "registrar", "citizen", "venue", "ops"])
def test_only_issuer_admin_edits_and_imports_403_before_the_body(cloud: Any, role: str) -> None:
    who = claims(role)
    assert _import(cloud, "not even csv", who).status == 403
    assert cloud.api("POST", "/abolished-proofs", body={"x": 1}, claims=who).status == 403
    assert cloud.api("PUT", "/abolished-proofs/ap_x", body={}, claims=who).status == 403
    assert cloud.api("GET", "/abolished-proofs/ap_x/history", claims=who).status == 403
    assert cloud.api("GET", "/abolished-proofs?q=户籍").status == 200  # search stays public


def test_edits_and_imports_need_a_token(cloud: Any) -> None:
    assert cloud.api("POST", "/abolished-proofs", body=_entry()).status == 401
    assert _import_without_token(cloud).status == 401


def _import_without_token(cloud: Any) -> Any:
    return cloud.api("POST", "/abolished-proofs/import", raw_body=HEADER + "\n", headers=CSV)
