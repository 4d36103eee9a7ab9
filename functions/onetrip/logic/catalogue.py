"""The abolished-proofs catalogue: public search, versioned edits, CSV import.

Anyone may search (no token: the catalogue is a public notice); only issuer_admin edits.
Every change of an entry keeps the earlier versions; `catalogueVersion` counts changes of
the whole catalogue (clients may cache a search result until it moves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onetrip.clock import now_iso
from onetrip.dal.catalogue import ALL, CatalogueStore, agency_list, gram_list
from onetrip.dal.models import TransactionCancelled, transact
from onetrip.domain.access import Caller, Role
from onetrip.domain.catalogue import (
    CSV_COLUMNS,
    ProofEntry,
    decode_cursor,
    encode_cursor,
    matches,
    parse_csv,
    parse_entry,
    proof_id,
    search_grams,
)
from onetrip.domain.similarity import normalize
from onetrip.errors import Conflict, FieldError, NotFound, invalid

EDITORS = (Role.ISSUER_ADMIN,)
DEFAULT_PAGE = 20
MAX_PAGE = 100
# An import request must finish within API Gateway's 30 s: ≤ 2,000 lines (each new line is
# ~12 items by BatchWriteItem, ~1,000 requests) and ≤ 1 MiB of CSV (far below Lambda's 6 MB
# request payload even base64-encoded). Longer lists are sent in several files.
MAX_IMPORT_LINES = 2000
MAX_IMPORT_BYTES = 1024 * 1024
# The import body as JSON Schema: the header line first (a bad one is a 422 on `header`;
# bad lines after it are reported per line in a 200).
CSV_BODY_SCHEMA = {
    "type": "string",
    "maxLength": MAX_IMPORT_BYTES,
    "pattern": "^" + ",".join(CSV_COLUMNS) + "(\r?\n|$)",
}
# Entries read and written per round of an import (BatchGetItem takes 100 keys).
_IMPORT_CHUNK = 100


def _published(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("proofId", "name", "formerIssuer", "abolishedAt", "basis", "replacement")
    body = {key: record[key] for key in keys}
    if record.get("credentialType"):
        body["credentialType"] = record["credentialType"]
    return body


def _entry(record: dict[str, Any]) -> ProofEntry:
    return parse_entry(record)


def search(
    store: CatalogueStore,
    cursor_key: bytes,
    *,
    q: str | None,
    agency: str | None,
    cursor: str | None,
    limit: int = DEFAULT_PAGE,
) -> dict[str, Any]:
    """One page of entries in proofId order; `cursor` continues the same search."""
    q = q or None
    agency = agency or None
    lists: list[str] = []
    if q is not None:
        lists += sorted(gram_list(g) for g in search_grams(q))
    if agency is not None:
        if not normalize(agency):
            raise invalid("agency", "needs letters or digits")
        lists.append(agency_list(normalize(agency)))
    after = decode_cursor(cursor_key, cursor, q, agency) if cursor else None
    version = store.catalogue_version()
    ids = store.intersect(
        lists or [ALL],
        after=after,
        want=limit + 1,
        accept=(lambda name: matches(q, name)) if q is not None else (lambda _name: True),
    )
    page = ids[:limit]
    records = store.currents(page)
    body: dict[str, Any] = {
        "items": [_published(records[p]) for p in page if p in records],
        "catalogueVersion": version,
    }
    if len(ids) > limit:
        body["cursor"] = encode_cursor(cursor_key, page[-1], q, agency)
    return body


def create(store: CatalogueStore, caller: Caller, fields: dict[str, Any]) -> dict[str, Any]:
    caller.require(*EDITORS)
    entry = parse_entry(fields)
    proof = _free_id(store, entry.natural_key)
    at = now_iso()
    try:
        transact(store.create_writes(proof, entry, at=at, by=caller.sub))
    except TransactionCancelled as cancelled:
        if "name" in cancelled.failed:
            raise _name_taken() from None
        raise Conflict(detail="The entry changed meanwhile; try again.") from None
    store.bump_catalogue_version()
    return _with_version(store.current(proof))


def update(
    store: CatalogueStore, caller: Caller, proof: str, fields: dict[str, Any], version: int
) -> dict[str, Any]:
    """Version `version` + 1; 409 when `version` is no longer the current one."""
    caller.require(*EDITORS)
    new = parse_entry(fields)
    record = store.current(proof)
    if record is None:
        raise NotFound(detail="No such abolished proof.")
    if record["version"] != version:
        raise _stale(record["version"])
    old = _entry(record)
    if old == new:
        return _with_version(record)  # nothing changes: no new version
    try:
        transact(store.update_writes(proof, old, new, version=version, at=now_iso(), by=caller.sub))
    except TransactionCancelled as cancelled:
        if "name" in cancelled.failed:
            raise _name_taken() from None
        raise _stale(None) from None
    store.bump_catalogue_version()
    return _with_version(store.current(proof))


def history(store: CatalogueStore, caller: Caller, proof: str) -> list[dict[str, Any]]:
    """Every version, oldest first, each with who changed it and when."""
    caller.require(*EDITORS)
    versions = store.history(proof)
    if not versions:
        raise NotFound(detail="No such abolished proof.")
    return [
        {**_published(v), "version": v["version"], "updatedAt": v["updatedAt"],
         "updatedBy": v["updatedBy"]}
        for v in versions
    ]  # fmt: skip


@dataclass
class ImportReport:
    imported: int
    updated: int
    unchanged: int
    rejected: list[dict[str, Any]]

    def as_api(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [
                {"line": r["line"], "errors": [e.as_dict() for e in r["errors"]]}
                for r in self.rejected
            ],
        }


def import_csv(store: CatalogueStore, caller: Caller, text: str) -> ImportReport:
    """Import a CSV file: new entries created, changed entries versioned, identical ones
    left alone, bad lines reported. Running it twice changes nothing the second time."""
    caller.require(*EDITORS)
    if len(text.encode()) > MAX_IMPORT_BYTES:
        raise invalid("body", f"send at most {MAX_IMPORT_BYTES} bytes of CSV per request")
    parsed = parse_csv(text)
    if len(parsed.entries) + len(parsed.rejected) > MAX_IMPORT_LINES:
        raise invalid("body", f"send at most {MAX_IMPORT_LINES} lines per request")
    return import_entries(store, caller.sub, parsed.entries, parsed.rejected)


def import_entries(
    store: CatalogueStore,
    by: str,
    entries: Sequence[tuple[int, ProofEntry]],
    rejected: list[dict[str, Any]] | None = None,
) -> ImportReport:
    """The import after parsing (the benchmark calls this with any number of entries)."""
    report = ImportReport(0, 0, 0, list(rejected or []))
    at = now_iso()
    for start in range(0, len(entries), _IMPORT_CHUNK):
        chunk = entries[start : start + _IMPORT_CHUNK]
        owners = store.owners(entry.natural_key for _, entry in chunk)
        ids = {
            e.natural_key: owners.get(e.natural_key) or proof_id(e.natural_key) for _, e in chunk
        }
        currents = store.currents(sorted(set(ids.values())))
        fresh: list[tuple[str, ProofEntry]] = []
        for line, entry in chunk:
            owner = owners.get(entry.natural_key)
            record = currents.get(ids[entry.natural_key])
            if owner is None and record is not None:
                # A renamed entry holds this key's first-choice id.
                fresh.append((_free_id(store, entry.natural_key), entry))
            elif record is None:
                # New, or a rerun after a crash left it half-written: same id, same puts.
                fresh.append((ids[entry.natural_key], entry))
            elif _entry(record) == entry:
                report.unchanged += 1
            else:
                _import_change(store, by, at, line, record, entry, report)
        if fresh:
            store.put_new(fresh, at=at, by=by)
            report.imported += len(fresh)
    report.rejected.sort(key=lambda r: r["line"])
    if report.imported or report.updated:
        store.bump_catalogue_version()
    return report


def _import_change(
    store: CatalogueStore,
    by: str,
    at: str,
    line: int,
    record: dict[str, Any],
    entry: ProofEntry,
    report: ImportReport,
) -> None:
    writes = store.update_writes(
        record["proofId"], _entry(record), entry, version=record["version"], at=at, by=by
    )
    try:
        transact(writes)
    except TransactionCancelled:
        report.rejected.append(
            {"line": line, "errors": _stale(None).errors}  # edited meanwhile: send it again
        )
        return
    report.updated += 1


def _free_id(store: CatalogueStore, natural_key: str) -> str:
    """The natural key's id, unless a renamed entry already holds it (then the next)."""
    attempt = 0
    while store.current(candidate := proof_id(natural_key, attempt)) is not None:
        attempt += 1
    return candidate


def _with_version(record: dict[str, Any] | None) -> dict[str, Any]:
    assert record is not None
    return {**_published(record), "version": record["version"], "updatedAt": record["updatedAt"]}


def _name_taken() -> Conflict:
    return Conflict(detail="Another entry of this former issuer already has this name.")


def _stale(current: int | None) -> Conflict:
    now = f" (now version {current})" if current is not None else ""
    return Conflict(
        detail=f"The entry was changed meanwhile{now}; read it again and resend your edit.",
        errors=[FieldError("version", "is not the current version")],
    )
