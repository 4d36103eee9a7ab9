"""The household registry table: persons, the ID-number index and audit entries.

Items:
  PERSON#<personId> / PROFILE         the person (system of record), with `version`
  ID#<hmac(idNumber)> / ID            index entry -> personId; `current` false for former numbers
  PERSON#<personId> / AUDIT#<at>#<id> what an approved application changed
"""

from __future__ import annotations

from typing import Any

from onetrip.dal.id_hash import id_hash
from onetrip.dal.models import TransactionCancelled, Write, bound, transact
from onetrip.dal.models.registry import AuditEntry, IdNumberEntry, PersonItem
from onetrip.domain.person import Person
from onetrip.errors import Conflict

PROFILE = "PROFILE"


def _person_pk(person_id: str) -> str:
    return f"PERSON#{person_id}"


def _index_pk(id_number: str) -> str:
    return f"ID#{id_hash(id_number)}"


class RegistryStore:
    def __init__(self, table: str) -> None:
        self.persons = bound(PersonItem, table)
        self.numbers = bound(IdNumberEntry, table)
        self.audits = bound(AuditEntry, table)

    def get_person(self, person_id: str) -> Person | None:
        try:
            item = self.persons.get(_person_pk(person_id), PROFILE, consistent_read=True)
        except self.persons.DoesNotExist:
            return None
        return Person.from_record(item.to_record())

    def resolve(self, id_number: str) -> tuple[str, bool] | None:
        """(personId, is current number) for a current or former ID number."""
        try:
            entry = self.numbers.get(_index_pk(id_number), "ID", consistent_read=True)
        except self.numbers.DoesNotExist:
            return None
        return entry.person_id, entry.current is not False

    def create(self, person: Person) -> None:
        try:
            transact(
                [
                    Write.put("person", self._person(person), self.persons.pk.does_not_exist()),
                    self.claim_number(person.id_number, person.person_id),
                ]
            )
        except TransactionCancelled as cancelled:
            if "id_index" in cancelled.failed:
                raise Conflict(detail="This ID number is already registered.") from cancelled
            raise

    def _person(self, person: Person) -> PersonItem:
        return self.persons.from_record(
            {**person.to_record(), "pk": _person_pk(person.person_id), "sk": PROFILE}
        )

    # Transaction parts, composed by the identity-change logic.

    def claim_number(self, id_number: str, person_id: str) -> Write:
        """Index a number for a person; fails if anyone holds it, now or formerly."""
        entry = self.numbers(_index_pk(id_number), person_id=person_id, current=True)
        return Write.put("id_index", entry, self.numbers.pk.does_not_exist())

    def retire_number(self, id_number: str) -> Write:
        """A former number keeps resolving to its person, marked not current."""
        numbers = self.numbers
        return Write.update(
            "id_index_retire",
            numbers(_index_pk(id_number)),
            [numbers.current.set(False)],
            numbers.pk.exists(),
        )

    def replace_person(self, person: Person, *, expected_version: int) -> Write:
        """Optimistic write: only if nobody changed the person since `expected_version`."""
        return Write.put("person", self._person(person), self.persons.version == expected_version)

    def check_version(self, person_id: str, version: int) -> Write:
        """A transaction part that holds only while the person is still at `version`."""
        persons = self.persons
        return Write.check(
            "registry_version", persons(_person_pk(person_id), PROFILE), persons.version == version
        )

    def audit(
        self, person_id: str, *, at: str, application_id: str, entry: dict[str, Any]
    ) -> Write:
        item = self.audits.from_record(
            {
                "pk": _person_pk(person_id),
                "sk": f"AUDIT#{at}#{application_id}",
                "applicationId": application_id,
                "at": at,
                **entry,
            }
        )
        return Write.put("audit", item)

    def audit_entries(self, person_id: str) -> list[dict[str, Any]]:
        found = self.audits.query(_person_pk(person_id), self.audits.sk.startswith("AUDIT#"))
        return [entry.to_record() for entry in found]
