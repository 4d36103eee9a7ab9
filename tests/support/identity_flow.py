"""Drives the identity chain change through the emulated HTTP API, like a window would."""

from __future__ import annotations

from typing import Any

from onetrip.routing import Agency

from tests.builders import (
    APPROVER,
    CLERK,
    OPS,
    REGISTRAR,
    agency_record_body,
    claims,
    person_body,
)


class IdentityDesk:
    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud

    def register(self, **overrides: Any) -> dict[str, Any]:
        result = self.cloud.api("POST", "/persons", body=person_body(**overrides), claims=REGISTRAR)
        assert result.status == 201, result.json
        return dict(result.json)

    def seed_records(
        self, person: dict[str, Any], agencies: list[Agency] | None = None
    ) -> dict[Agency, dict[str, Any]]:
        records = {}
        for agency in agencies if agencies is not None else list(Agency):
            body = agency_record_body(
                agency, person, reference=f"{agency.value}-{person['personId'][-6:]}"
            )
            body["idNumber"] = person["idNumber"]
            result = self.cloud.api(
                "PUT",
                f"/agencies/{agency.value}/records",
                body=body,
                claims=claims("agency", agency=agency.value),
            )
            assert result.status == 201, result.json
            records[agency] = result.json
        return records

    def people_with_records(self, count: int, *, deliver: bool = True) -> list[dict[str, Any]]:
        """`count` new persons, each with a record at every agency (a change touches all
        seven); `deliver` drains what registering published (the in-process harness)."""
        people = [self.register() for _ in range(count)]
        for person in people:
            self.seed_records(person)
        if deliver:
            self.cloud.deliver()
        return people

    def submit(self, person: dict[str, Any], changes: dict[str, Any], **form: Any) -> Any:
        body = {
            "idNumber": person["idNumber"],
            "kind": "change",
            "changes": changes,
            "reason": "户口登记项目变更",
            "window": {"district": "海曙区", "counter": "A3"},
            **form,
        }
        return self.cloud.api("POST", "/identity-changes", body=body, claims=CLERK)

    def decide(self, application_id: str, decision: str = "approve") -> Any:
        return self.cloud.api(
            "POST",
            f"/identity-changes/{application_id}/decision",
            body={"decision": decision, "comment": "核实无误"},
            claims=APPROVER,
        )

    def change(self, person: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """Submit and approve; returns the approved application."""
        submitted = self.submit(person, changes)
        assert submitted.status == 201, submitted.json
        approved = self.decide(submitted.json["applicationId"])
        assert approved.status == 200, approved.json
        return dict(approved.json)

    def application(self, application_id: str) -> dict[str, Any]:
        result = self.cloud.api("GET", f"/identity-changes/{application_id}", claims=OPS)
        assert result.status == 200, result.json
        return dict(result.json)

    def person(self, person_id: str) -> dict[str, Any]:
        result = self.cloud.api("GET", f"/persons/{person_id}", claims=CLERK)
        assert result.status == 200, result.json
        return dict(result.json)

    def record(self, agency: Agency, id_number: str) -> Any:
        return self.cloud.api(
            "POST",
            f"/agencies/{agency.value}/records/lookup",
            body={"idNumber": id_number},
            claims=claims("agency", agency=agency.value),
        )

    def retry(self, application_id: str, agency: Agency) -> Any:
        return self.cloud.api(
            "POST",
            f"/identity-changes/{application_id}/linked-updates/{agency.value}/retry",
            claims=OPS,
        )

    def links(self, application: dict[str, Any]) -> dict[str, str]:
        return {lu["agency"]: lu["status"] for lu in application["linkedUpdates"]}
