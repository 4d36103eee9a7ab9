"""The abolished-proofs catalogue (无证明城市: 取消的证明事项清单): rules, CSV, search terms.

An entry says which proof citizens no longer fetch, who used to issue it, since when, on
what basis, and what replaces it: an e-credential, data sharing between departments, the
citizen's own declaration (告知承诺), or nothing. Pure: no AWS, no HTTP.

Identity. An entry's natural key is (former issuer, name), both normalized (NFKC, case,
letters and digits only), so "户籍证明" and "户籍 证明" are one entry. Its `proofId` is
derived from the natural key it was created with, so an import that is run twice, or
resumed after a crash, writes the same ids; a renamed entry keeps its id.

Search. Chinese has no spaces, so the text index is the set of character bigrams of the
normalized name (domain.similarity.bigrams); a query of n ≥ 2 characters matches an entry
whose name holds every bigram of the query and, checked afterwards, the query itself.
One character is too little to search on (422): it would list most of the catalogue.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import hmac
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from onetrip.domain.credential_types import CREDENTIAL_TYPES
from onetrip.domain.similarity import bigrams, normalize
from onetrip.errors import FieldError, InvalidInput, invalid


class Replacement(StrEnum):
    CREDENTIAL = "credential"  # an e-credential of the wallet
    DATA_SHARING = "data_sharing"  # departments share the data; the citizen brings nothing
    DECLARATION = "declaration"  # 告知承诺制: the citizen's own written declaration
    NONE = "none"  # simply no longer required


CSV_COLUMNS = ("name", "formerIssuer", "abolishedAt", "basis", "replacement", "credentialType")
# Limits. A name's bigrams and a rename's index changes must fit one transaction (100
# items: ≤ 39 removed + 39 added postings + entry, version, name keys); real proof names
# are far shorter ("无犯罪记录证明").
MAX_NAME = 40
MAX_ISSUER = 50
MAX_BASIS = 500
MIN_QUERY = 2


@dataclass(frozen=True)
class ProofEntry:
    """One abolished proof, as the catalogue publishes it (without id and version)."""

    name: str
    former_issuer: str
    abolished_at: str  # YYYY-MM-DD
    basis: str
    replacement: Replacement
    credential_type: str | None = None

    @property
    def natural_key(self) -> str:
        return natural_key(self.former_issuer, self.name)

    @property
    def grams(self) -> set[str]:
        return bigrams(self.name)

    @property
    def issuer_key(self) -> str:
        return normalize(self.former_issuer)

    def as_record(self) -> dict[str, Any]:
        """camelCase fields as the API shows them (credentialType only when set)."""
        record: dict[str, Any] = {
            "name": self.name,
            "formerIssuer": self.former_issuer,
            "abolishedAt": self.abolished_at,
            "basis": self.basis,
            "replacement": self.replacement.value,
        }
        if self.credential_type:
            record["credentialType"] = self.credential_type
        return record


def natural_key(former_issuer: str, name: str) -> str:
    return f"{normalize(former_issuer)}#{normalize(name)}"


def proof_id(key: str, attempt: int = 0) -> str:
    """The id of an entry created with natural key `key`; `attempt` > 0 only when a
    renamed entry already holds the first choice."""
    seed = key if attempt == 0 else f"{key}#{attempt}"
    return "ap_" + hashlib.sha256(seed.encode()).hexdigest()[:24]


def entry_errors(fields: Mapping[str, Any]) -> list[FieldError]:
    """Every broken rule, each naming its field (= its CSV column)."""
    errors: list[FieldError] = []

    def text(name: str, limit: int) -> str:
        value = fields.get(name)
        if not isinstance(value, str) or not value.strip():
            errors.append(FieldError(name, "is required"))
            return ""
        if len(value.strip()) > limit:
            errors.append(FieldError(name, f"is longer than {limit} characters"))
        return value.strip()

    name = text("name", MAX_NAME)
    if name and len(normalize(name)) < MIN_QUERY:
        errors.append(FieldError("name", f"needs at least {MIN_QUERY} letters or digits"))
    issuer = text("formerIssuer", MAX_ISSUER)
    if issuer and not normalize(issuer):
        errors.append(FieldError("formerIssuer", "needs letters or digits"))
    text("basis", MAX_BASIS)
    abolished = text("abolishedAt", 10)
    if abolished and not _is_date(abolished):
        errors.append(FieldError("abolishedAt", "must be a real date written YYYY-MM-DD"))
    replacement = fields.get("replacement")
    credential_type = fields.get("credentialType") or None
    if replacement not in set(Replacement):
        errors.append(FieldError("replacement", f"must be one of {', '.join(Replacement)}"))
    elif replacement == Replacement.CREDENTIAL:
        if credential_type is None:
            errors.append(
                FieldError("credentialType", "is required when replacement is credential")
            )
        elif credential_type not in CREDENTIAL_TYPES:
            errors.append(FieldError("credentialType", "is not a known credential type"))
    elif credential_type is not None:
        errors.append(FieldError("credentialType", "is given only when replacement is credential"))
    return errors


def _is_date(value: str) -> bool:
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_entry(fields: Mapping[str, Any]) -> ProofEntry:
    """The entry, or InvalidInput naming every bad field."""
    errors = entry_errors(fields)
    if errors:
        raise InvalidInput(
            detail="; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors
        )
    return ProofEntry(
        name=fields["name"].strip(),
        former_issuer=fields["formerIssuer"].strip(),
        abolished_at=fields["abolishedAt"].strip(),
        basis=fields["basis"].strip(),
        replacement=Replacement(fields["replacement"]),
        credential_type=fields.get("credentialType") or None,
    )


@dataclass
class CsvImport:
    """A CSV file read line by line: the good entries (with their line numbers) and the
    rejected lines with their errors. Line 1 is the header."""

    entries: list[tuple[int, ProofEntry]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)


def parse_csv(text: str) -> CsvImport:
    """Read the import file (RFC 4180, UTF-8, header `CSV_COLUMNS` in that order).

    A bad header makes the whole file unusable (InvalidInput on `header`); a bad line is
    rejected on its own, naming each bad column. A line whose natural key repeats an
    earlier line of the file is rejected too: the file would contradict itself.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    if header is None or tuple(h.strip() for h in header) != CSV_COLUMNS:
        raise invalid("header", f"the first line must be exactly: {','.join(CSV_COLUMNS)}")
    result = CsvImport()
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader, None)
        except csv.Error as error:
            result.rejected.append({"line": line, "errors": [FieldError("line", str(error))]})
            continue
        if row is None:
            break
        if not any(cell.strip() for cell in row):
            continue  # blank lines (e.g. a trailing newline) carry nothing
        line = reader.line_num  # a quoted cell may span lines: report where the row ends
        if len(row) != len(CSV_COLUMNS):
            message = f"has {len(row)} columns, expected {len(CSV_COLUMNS)}"
            result.rejected.append({"line": line, "errors": [FieldError("line", message)]})
            continue
        fields = dict(zip(CSV_COLUMNS, (cell.strip() for cell in row), strict=True))
        errors = entry_errors(fields)
        if not errors:
            entry = parse_entry(fields)
            first = seen.setdefault(entry.natural_key, line)
            if first != line:
                errors = [FieldError("name", f"repeats line {first} (same name and issuer)")]
        if errors:
            result.rejected.append({"line": line, "errors": errors})
        else:
            result.entries.append((line, entry))
    return result


def search_grams(q: str) -> set[str]:
    """The bigrams a name must hold to match `q`; 422 when q is too short to search."""
    if len(normalize(q)) < MIN_QUERY:
        raise invalid("q", f"give at least {MIN_QUERY} letters or digits to search for")
    return bigrams(q)


def matches(q: str, name: str) -> bool:
    return normalize(q) in normalize(name)


# -- cursors ----------------------------------------------------------------------------
# A cursor is base64url(JSON {after, q, agency}) + "." + HMAC-SHA256 (truncated): opaque to
# clients, refused when altered or when sent with another query than the one it continues.
_MAC_BYTES = 16


def encode_cursor(key: bytes, after: str, q: str | None, agency: str | None) -> str:
    payload = json.dumps({"after": after, "q": q, "agency": agency}, ensure_ascii=False)
    body = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=")
    mac = hmac.new(key, body, hashlib.sha256).digest()[:_MAC_BYTES]
    return f"{body.decode()}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def decode_cursor(key: bytes, cursor: str, q: str | None, agency: str | None) -> str:
    """The proofId after which the page continues; InvalidInput on `cursor` otherwise."""
    bad = invalid("cursor", "is not a cursor this search returned")
    body, _, mac = cursor.partition(".")
    try:
        expected = hmac.new(key, body.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
        if not hmac.compare_digest(_unpad(mac), expected):
            raise bad
        payload = json.loads(_unpad(body))
    except (binascii.Error, ValueError, UnicodeError):
        raise bad from None
    if not isinstance(payload, dict) or not isinstance(payload.get("after"), str):
        raise bad
    if payload.get("q") != q or payload.get("agency") != agency:
        raise invalid("cursor", "continues a different search (q and agency must not change)")
    return str(payload["after"])


def _unpad(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
