"""The abolished-proofs catalogue store (keys: dal/models/catalogue.py).

Edits are one transaction each: the entry (version condition), its version item, its
name key and exactly the postings that change, so a renamed entry is found under its new
name only. Imports of new entries go by BatchWriteItem: every item is a plain put of what
the file says, under ids derived from the natural key, so a rerun writes the same items;
the CURRENT item goes last, so its presence means the others are there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from pynamodb.models import Model

from onetrip.dal.models import Write, bound
from onetrip.dal.models.catalogue import (
    CatalogueEntry,
    CatalogueMeta,
    CatalogueName,
    CataloguePosting,
    CatalogueVersion,
)
from onetrip.domain.catalogue import ProofEntry

ALL = "ALL"
# Postings read per range query; a seek past the page starts a new query at the target.
_POSTINGS_PAGE = 200


def gram_list(gram: str) -> str:
    return f"GRAM#{gram}"


def agency_list(issuer_key: str) -> str:
    return f"AGENCY#{issuer_key}"


def _proof_pk(proof_id: str) -> str:
    return f"PROOF#{proof_id}"


def _version_sk(version: int) -> str:
    return f"V#{version:010d}"


def posting_lists(entry: ProofEntry) -> set[str]:
    return {gram_list(g) for g in entry.grams} | {agency_list(entry.issuer_key), ALL}


class CatalogueStore:
    def __init__(self, table: str) -> None:
        self.entry = bound(CatalogueEntry, table)
        self.version = bound(CatalogueVersion, table)
        self.name = bound(CatalogueName, table)
        self.posting = bound(CataloguePosting, table)
        self.meta = bound(CatalogueMeta, table)

    # -- reads ----------------------------------------------------------------------------

    def current(self, proof_id: str) -> dict[str, Any] | None:
        try:
            return self.entry.get(_proof_pk(proof_id), "CURRENT", consistent_read=True).to_record()
        except self.entry.DoesNotExist:
            return None

    def currents(self, proof_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        keys = [(_proof_pk(p), "CURRENT") for p in proof_ids]
        return {item.proof_id: item.to_record() for item in self.entry.batch_get(keys)}

    def history(self, proof_id: str) -> list[dict[str, Any]]:
        query = self.version.query(
            _proof_pk(proof_id), self.version.sk.startswith("V#"), consistent_read=True
        )
        return [item.to_record() for item in query]

    def owners(self, natural_keys: Iterable[str]) -> dict[str, str]:
        """natural key -> the proofId holding it, for the keys that are taken."""
        keys = [(f"NAME#{k}", "NAME") for k in set(natural_keys)]
        return {item.pk.removeprefix("NAME#"): item.proof_id for item in self.name.batch_get(keys)}

    def catalogue_version(self) -> int:
        try:
            return int(self.meta.get("CATALOGUE", "META").catalogue_version)
        except self.meta.DoesNotExist:
            return 0

    # -- writes ---------------------------------------------------------------------------

    def _items(self, proof_id: str, entry: ProofEntry, version: int, at: str, by: str) -> Any:
        fields = {
            **entry.as_record(),
            "proofId": proof_id,
            "version": version,
            "updatedAt": at,
            "updatedBy": by,
        }
        current = self.entry.from_record({**fields, "pk": _proof_pk(proof_id), "sk": "CURRENT"})
        snapshot = self.version.from_record(
            {**fields, "pk": _proof_pk(proof_id), "sk": _version_sk(version)}
        )
        return current, snapshot

    def _posting(self, list_key: str, proof_id: str, entry: ProofEntry) -> CataloguePosting:
        return self.posting(list_key, proof_id, name=entry.name)

    def create_writes(self, proof_id: str, entry: ProofEntry, *, at: str, by: str) -> list[Write]:
        current, snapshot = self._items(proof_id, entry, 1, at, by)
        writes = [
            Write.put("entry", current, self.entry.pk.does_not_exist()),
            Write.put("version", snapshot),
            Write.put(
                "name",
                self.name(f"NAME#{entry.natural_key}", proof_id=proof_id),
                self.name.pk.does_not_exist(),
            ),
        ]
        writes += [
            Write.put(f"posting:{key}", self._posting(key, proof_id, entry))
            for key in sorted(posting_lists(entry))
        ]
        return writes

    def update_writes(
        self, proof_id: str, old: ProofEntry, new: ProofEntry, *, version: int, at: str, by: str
    ) -> list[Write]:
        """Version `version` + 1 of the entry, if the stored one is still `version`."""
        current, snapshot = self._items(proof_id, new, version + 1, at, by)
        writes = [
            Write.put("entry", current, self.entry.version == version),
            Write.put("version", snapshot, self.version.pk.does_not_exist()),
        ]
        if old.natural_key != new.natural_key:
            writes += [
                Write.delete("old_name", self.name(f"NAME#{old.natural_key}", proof_id=proof_id)),
                Write.put(
                    "name",
                    self.name(f"NAME#{new.natural_key}", proof_id=proof_id),
                    self.name.pk.does_not_exist(),
                ),
            ]
        before, after = posting_lists(old), posting_lists(new)
        writes += [
            Write.delete(f"posting:{key}", self.posting(key, proof_id, name=old.name))
            for key in sorted(before - after)
        ]
        # Kept postings are rewritten too when the name changed: they carry the name.
        kept = after if old.name != new.name else after - before
        writes += [
            Write.put(f"posting:{key}", self._posting(key, proof_id, new)) for key in sorted(kept)
        ]
        return writes

    def put_new(self, entries: Sequence[tuple[str, ProofEntry]], *, at: str, by: str) -> None:
        """Batch-write new entries (version 1): postings, version and name first, CURRENT
        last. Plain puts, so writing the same entries again changes nothing."""
        currents: list[Model] = []
        with self.posting.batch_write() as batch:
            others = cast(Any, batch)
            for proof_id, entry in entries:
                current, snapshot = self._items(proof_id, entry, 1, at, by)
                currents.append(current)
                others.save(snapshot)
                others.save(self.name(f"NAME#{entry.natural_key}", proof_id=proof_id))
                for key in posting_lists(entry):
                    others.save(self._posting(key, proof_id, entry))
        with self.entry.batch_write() as batch:
            for current in currents:
                batch.save(cast(CatalogueEntry, current))

    def bump_catalogue_version(self) -> int:
        item = self.meta()
        item.update(actions=[self.meta.catalogue_version.add(1)])
        return int(item.catalogue_version)

    # -- search ---------------------------------------------------------------------------

    def intersect(
        self,
        list_keys: Sequence[str],
        *,
        after: str | None,
        want: int,
        accept: Callable[[str], bool] = lambda _name: True,
    ) -> list[str]:
        """Up to `want` proofIds after `after` present in every posting list and whose
        name `accept`s, in proofId order: a leapfrog join of range queries, so the cost
        follows the shortest list, not the catalogue."""
        lists = [_Postings(self.posting, key) for key in list_keys]
        candidate = f"{after}\x00" if after else ""
        found: list[str] = []
        while len(found) < want:
            name: str | None = None
            for postings in lists:
                head = postings.seek(candidate)
                if head is None:
                    return found
                if head[0] != candidate:
                    candidate = head[0]
                    break
                name = head[1]
            else:
                if name is not None and accept(name):
                    found.append(candidate)
                candidate = f"{candidate}\x00"
        return found


class _Postings:
    """One posting list, read forward in pages, able to jump ahead."""

    def __init__(self, model: type[CataloguePosting], key: str) -> None:
        self.model = model
        self.key = key
        self.buffer: deque[tuple[str, str]] = deque()
        self.end = False  # the last query reached the end of the list

    def seek(self, target: str) -> tuple[str, str] | None:
        """The first (proofId, name) at or after `target`, or None past the end."""
        while True:
            while self.buffer and self.buffer[0][0] < target:
                self.buffer.popleft()
            if self.buffer:
                return self.buffer[0]
            if self.end:
                return None
            from_target = self.model.sk >= target if target else None  # "" = from the start
            results = self.model.query(
                self.key, from_target, limit=_POSTINGS_PAGE, page_size=_POSTINGS_PAGE
            )
            self.buffer.extend((item.sk, item.name) for item in results)
            self.end = results.last_evaluated_key is None or not self.buffer
