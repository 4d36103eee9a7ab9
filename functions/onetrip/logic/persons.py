"""Household registry use cases: register a person, find them by id or ID number."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from onetrip.clock import new_id, now_iso
from onetrip.domain import id_number
from onetrip.domain.access import Caller, Role
from onetrip.domain.identity_rules import identity_errors, name_errors
from onetrip.domain.person import Gender, Person
from onetrip.errors import InvalidInput, NotFound


class Registry(Protocol):
    def get_person(self, person_id: str) -> Person | None: ...
    def resolve(self, id_number: str) -> tuple[str, bool] | None: ...
    def create(self, person: Person) -> None: ...


READERS = (Role.REGISTRAR, Role.CLERK, Role.APPROVER, Role.CITIZEN)
_UNKNOWN = "No person is registered with this ID number."


def may_see(caller: Caller, person: Person) -> bool:
    """Staff see everyone; a citizen only themselves (by current or former number)."""
    if caller.has(Role.REGISTRAR, Role.CLERK, Role.APPROVER, Role.OPS):
        return True
    if not caller.id_number:
        return False
    # The claim is written by the identity provider: "…x" or spaced must still match.
    return id_number.normalize(caller.id_number) in person.all_id_numbers()


def register(
    registry: Registry,
    caller: Caller,
    *,
    id_no: str,
    surname: str,
    given_name: str,
    gender: Gender,
    birth_date: date,
    ethnicity: str,
    district: str | None,
) -> Person:
    caller.require(Role.REGISTRAR)
    id_no = id_number.normalize(id_no)
    errors = name_errors(surname, field="surname") + name_errors(given_name, field="givenName")
    errors += identity_errors(
        id_no=id_no, birth_date=birth_date, gender=gender, ethnicity_name=ethnicity
    )
    if errors:
        raise InvalidInput(detail="The person's data is not valid.", errors=errors)
    at = now_iso()
    person = Person(
        person_id=new_id("per"),
        id_number=id_no,
        surname=surname.strip(),
        given_name=given_name.strip(),
        gender=gender,
        birth_date=birth_date.isoformat(),
        ethnicity=ethnicity,
        version=1,
        updated_at=at,
        created_at=at,
        district=district,
    )
    registry.create(person)
    return person


def get(registry: Registry, caller: Caller, person_id: str) -> Person:
    caller.require(*READERS)
    person = registry.get_person(person_id)
    if person is None or not may_see(caller, person):
        raise NotFound(detail="No such person.")
    return person


def find_by_id_number(registry: Registry, id_no: str) -> Person | None:
    """Current or former number → the person (with their current number)."""
    found = registry.resolve(id_number.normalize(id_no))
    return registry.get_person(found[0]) if found else None


def lookup(registry: Registry, caller: Caller, id_no: str) -> Person:
    caller.require(*READERS)
    person = find_by_id_number(registry, id_no)
    if person is None or not may_see(caller, person):
        raise NotFound(detail=_UNKNOWN)
    return person
