"""The person as the household registry (户籍) holds them: the system of record."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Gender = Literal["male", "female"]

# Fields a linked update may carry to an agency, in the order of API.md.
IDENTITY_FIELDS = ("surname", "givenName", "gender", "birthDate", "ethnicity", "idNumber")


@dataclass
class Person:
    person_id: str
    id_number: str
    surname: str
    given_name: str
    gender: str
    birth_date: str  # YYYY-MM-DD
    ethnicity: str
    version: int
    updated_at: str
    created_at: str
    district: str | None = None
    former_id_numbers: list[str] = field(default_factory=list)

    def field_value(self, name: str) -> str:
        return str(self.as_api()[name])

    def all_id_numbers(self) -> list[str]:
        """Current number first, then former ones, newest first."""
        return [self.id_number, *reversed(self.former_id_numbers)]

    def as_api(self) -> dict[str, Any]:
        body = {
            "personId": self.person_id,
            "idNumber": self.id_number,
            "formerIdNumbers": list(self.former_id_numbers),
            "surname": self.surname,
            "givenName": self.given_name,
            "gender": self.gender,
            "birthDate": self.birth_date,
            "ethnicity": self.ethnicity,
            "version": self.version,
            "updatedAt": self.updated_at,
        }
        if self.district:
            body["district"] = self.district
        return body

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Person:
        names = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in names})


def with_changes(person: Person, changes: dict[str, str], *, at: str) -> Person:
    """The person after an approved change; the registry version moves on by one."""
    api = person.as_api()
    api.update(changes)
    former = list(person.former_id_numbers)
    if api["idNumber"] != person.id_number:
        former.append(person.id_number)
    return Person(
        person_id=person.person_id,
        id_number=api["idNumber"],
        surname=api["surname"],
        given_name=api["givenName"],
        gender=api["gender"],
        birth_date=api["birthDate"],
        ethnicity=api["ethnicity"],
        version=person.version + 1,
        updated_at=at,
        created_at=person.created_at,
        district=person.district,
        former_id_numbers=former,
    )
