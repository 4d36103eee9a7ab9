"""The StatusLists table: status-list shards, their bits and the indices handed out.

Items:
  LISTS / CURRENT              the shard new credentials get indices from, and whether
                               it has been published yet (verifiers can fetch it at once)
  LIST#<listId> / COUNT        how many indices the shard has handed out
  LIST#<listId> / IDX#<index>  an index, claimed once for one credential: never reused
  LIST#<listId> / BITS         the list (`lst`, ZLIB + base64url), its version, and what
                               was last published (version, token expiry)

The bits are changed by read-modify-write under a version condition, in the same
transaction as the credential's status, so a status and its bit never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import PutError, UpdateError

from onetrip.dal.models import Write, bound
from onetrip.dal.models.credentials import StatusListEntry

FIRST_LIST = "1"
_CONDITION_FAILED = "ConditionalCheckFailedException"


@dataclass(frozen=True)
class ListBits:
    list_id: str
    lst: str | None  # None: nothing set yet (every entry valid)
    version: int
    published_version: int  # -1 if never published
    published_exp: int  # epoch seconds; 0 if never published


class StatusListStore:
    def __init__(self, table: str) -> None:
        self.model = bound(StatusListEntry, table)

    def current_list(self) -> tuple[str, bool]:
        """(shard id, whether it has been published)."""
        try:
            item = self.model.get("LISTS", "CURRENT", consistent_read=True)
        except self.model.DoesNotExist:
            return FIRST_LIST, False
        return str(item.list_id), bool(item.published)

    def open_next(self, full_list: str) -> None:
        """Move new allocations to the next shard (once, however many callers race)."""
        model = self.model
        try:
            model("LISTS", "CURRENT", list_id=str(int(full_list) + 1)).save(
                condition=model.pk.does_not_exist() | (model.list_id == full_list)
            )
        except PutError as error:
            if error.cause_response_code != _CONDITION_FAILED:
                raise  # otherwise another caller moved it already

    def note_current_published(self, list_id: str) -> None:
        model = self.model
        try:
            model("LISTS", "CURRENT").update(
                actions=[model.list_id.set(list_id), model.published.set(True)],
                condition=model.pk.does_not_exist() | (model.list_id == list_id),
            )
        except UpdateError as error:
            if error.cause_response_code != _CONDITION_FAILED:
                raise  # otherwise a newer shard is current; its first use publishes it

    def list_ids(self) -> list[str]:
        return [str(n) for n in range(1, int(self.current_list()[0]) + 1)]

    def claim_index(self, list_id: str, index: int, credential_id: str) -> Write:
        item = self.model(f"LIST#{list_id}", f"IDX#{index}", credential_id=credential_id)
        return Write.put("status_index", item, self.model.pk.does_not_exist())

    def count_allocation(self, list_id: str, cap: int) -> Write:
        """One more index handed out, refused once the shard holds `cap`."""
        model = self.model
        return Write.update(
            f"status_list_full:{list_id}",
            model(f"LIST#{list_id}", "COUNT"),
            [model.allocated.add(1)],
            model.allocated.does_not_exist() | (model.allocated < cap),
        )

    def bits(self, list_id: str) -> ListBits:
        try:
            item = self.model.get(f"LIST#{list_id}", "BITS", consistent_read=True)
        except self.model.DoesNotExist:
            return ListBits(list_id, None, 0, -1, 0)
        return ListBits(
            list_id=list_id,
            lst=item.lst,
            version=int(item.version or 0),
            published_version=-1 if item.published_version is None else int(item.published_version),
            published_exp=int(item.published_exp or 0),
        )

    def put_bits(self, list_id: str, lst: str, *, expected_version: int) -> Write:
        """The new list, only if nobody changed it since `expected_version` (0: new)."""
        model = self.model
        condition = (
            model.version.does_not_exist()
            if expected_version == 0
            else model.version == expected_version
        )
        return Write.update(
            f"status_bits:{list_id}",
            model(f"LIST#{list_id}", "BITS"),
            [model.lst.set(lst), model.version.set(expected_version + 1)],
            condition,
        )

    def mark_published(self, list_id: str, *, version: int, exp: int) -> None:
        """Record a publication unless a newer one was recorded meanwhile."""
        model = self.model
        try:
            model(f"LIST#{list_id}", "BITS").update(
                actions=[model.published_version.set(version), model.published_exp.set(exp)],
                condition=model.published_version.does_not_exist()
                | (model.published_version < version)
                | ((model.published_version == version) & (model.published_exp < exp)),
            )
        except UpdateError as error:
            if error.cause_response_code != _CONDITION_FAILED:
                raise
