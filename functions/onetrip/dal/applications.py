"""The applications table.

Items:
  APP#<id> / APP                 the application (gsi1: PERSON#<personId> / <submittedAt>)
  APP#<id> / LINK#<agency>       one linked update's status
  APP#<id> / TL#<at>#<n>         timeline entries
  OPEN#<personId> / OPEN         held while the person has an application awaiting decision
"""

from __future__ import annotations

from typing import Any

from onetrip.dal.aws import client
from onetrip.dal.dynamo import from_item, query_items, to_item, values
from onetrip.dal.transact import RawWrite
from onetrip.domain.application import Application, LinkedUpdate

_HEADER_FIELDS = {
    "applicationId": "application_id",
    "status": "status",
    "personId": "person_id",
    "idNumber": "id_number",
    "kind": "kind",
    "changes": "changes",
    "reason": "reason",
    "window": "window",
    "submittedAt": "submitted_at",
    "submittedBy": "submitted_by",
    "baseVersion": "base_version",
    "decidedAt": "decided_at",
    "decidedBy": "decided_by",
    "comment": "comment",
}


def _app_key(application_id: str) -> dict[str, Any]:
    return to_item({"pk": f"APP#{application_id}", "sk": "APP"})


def _link_key(application_id: str, agency: str) -> dict[str, Any]:
    return to_item({"pk": f"APP#{application_id}", "sk": f"LINK#{agency}"})


def _linked_update(item: dict[str, Any]) -> LinkedUpdate:
    return LinkedUpdate(
        agency=item["agency"],
        status=item["status"],
        attempts=int(item.get("attempts", 0)),
        updated_at=item.get("updatedAt", ""),
        error=item.get("error"),
    )


class ApplicationStore:
    def __init__(self, table: str) -> None:
        self.table = table

    # Reads

    def get(self, application_id: str) -> Application | None:
        items = self._query_all(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=values({":pk": f"APP#{application_id}"}),
            ConsistentRead=True,
        )
        header = next((i for i in items if i["sk"] == "APP"), None)
        if header is None:
            return None
        application = Application(
            **{attr: header[key] for key, attr in _HEADER_FIELDS.items() if key in header}
        )
        application.linked_updates = [
            _linked_update(i) for i in items if str(i["sk"]).startswith("LINK#")
        ]
        application.timeline = [
            {k: i[k] for k in ("at", "event", "by") if k in i}
            for i in items
            if str(i["sk"]).startswith("TL#")
        ]
        return application

    def link(self, application_id: str, agency: str) -> LinkedUpdate | None:
        """One linked update, without reading the rest of the application."""
        response = client("dynamodb").get_item(
            TableName=self.table, Key=_link_key(application_id, agency), ConsistentRead=True
        )
        item = response.get("Item")
        return _linked_update(from_item(item)) if item else None

    def for_person(self, person_id: str) -> list[Application]:
        headers = self._query_all(
            IndexName="byPerson",
            KeyConditionExpression="gsi1pk = :p",
            ExpressionAttributeValues=values({":p": f"PERSON#{person_id}"}),
            ScanIndexForward=False,
        )
        found = [self.get(str(h["applicationId"])) for h in headers]
        return [a for a in found if a is not None]

    def _query_all(self, **kwargs: Any) -> list[dict[str, Any]]:
        return list(query_items(client("dynamodb"), self.table, **kwargs))

    # Transaction parts

    def put_new(self, application: Application) -> RawWrite:
        record = {key: getattr(application, attr) for key, attr in _HEADER_FIELDS.items()}
        record.update(
            gsi1pk=f"PERSON#{application.person_id}",
            gsi1sk=f"{application.submitted_at}#{application.application_id}",
        )
        return RawWrite(
            "application",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {**_app_key(application.application_id), **to_item(record)},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        )

    def hold_open(self, person_id: str, application_id: str) -> RawWrite:
        """One open application per person: a second hold on the same key fails."""
        return RawWrite(
            "open_application",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {"pk": f"OPEN#{person_id}", "sk": "OPEN", "applicationId": application_id}
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        )

    def release_open(self, person_id: str, application_id: str) -> RawWrite:
        return RawWrite(
            "open_application",
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": to_item({"pk": f"OPEN#{person_id}", "sk": "OPEN"}),
                    "ConditionExpression": "applicationId = :a",
                    "ExpressionAttributeValues": values({":a": application_id}),
                }
            },
        )

    def transition(
        self, application_id: str, *, expected: str, status: str, **fields: Any
    ) -> RawWrite:
        """Move the status on, only from `expected` (the guard against double decisions)."""
        names = {"#s": "status"}
        sets = ["#s = :status"]
        vals: dict[str, Any] = {":status": status, ":expected": expected}
        for i, (key, value) in enumerate(fields.items()):
            names[f"#f{i}"] = key
            vals[f":f{i}"] = value
            sets.append(f"#f{i} = :f{i}")
        return RawWrite(
            "application",
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _app_key(application_id),
                    "UpdateExpression": "SET " + ", ".join(sets),
                    "ConditionExpression": "#s = :expected",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values(vals),
                }
            },
        )

    def timeline(
        self, application_id: str, *, at: str, event: str, by: str | None = None
    ) -> RawWrite:
        return RawWrite(
            "timeline",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "pk": f"APP#{application_id}",
                            "sk": f"TL#{at}#{event}",
                            "at": at,
                            "event": event,
                            "by": by,
                        }
                    ),
                }
            },
        )

    def new_link(self, application_id: str, agency: str, *, at: str) -> RawWrite:
        return RawWrite(
            f"link:{agency}",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        **_link_key(application_id, agency),
                        **to_item(
                            {"agency": agency, "status": "pending", "attempts": 0, "updatedAt": at}
                        ),
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        )

    def settle_link(
        self,
        application_id: str,
        agency: str,
        *,
        status: str,
        at: str,
        from_statuses: tuple[str, ...],
        error: str | None = None,
        count_attempt: bool = True,
    ) -> RawWrite:
        """Record a linked update's outcome, only from one of `from_statuses`."""
        vals: dict[str, Any] = {":s": status, ":at": at}
        conditions = []
        for i, s in enumerate(from_statuses):
            vals[f":from{i}"] = s
            conditions.append(f"#s = :from{i}")
        update = "SET #s = :s, updatedAt = :at"
        if count_attempt:
            update += ", attempts = if_not_exists(attempts, :zero) + :one"
            vals.update({":zero": 0, ":one": 1})
        if error is not None:
            update += ", #e = :e"
            vals[":e"] = error
        else:
            update += " REMOVE #e"
        return RawWrite(
            f"link:{agency}",
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _link_key(application_id, agency),
                    "UpdateExpression": update,
                    "ConditionExpression": "(" + " OR ".join(conditions) + ")",
                    "ExpressionAttributeNames": {"#s": "status", "#e": "error"},
                    "ExpressionAttributeValues": values(vals),
                }
            },
        )

    def note_failed_attempt(self, application_id: str, agency: str, *, at: str, error: str) -> None:
        """Count a failed delivery and keep its error, while the link is still pending."""
        client("dynamodb").update_item(
            TableName=self.table,
            Key=_link_key(application_id, agency),
            UpdateExpression="SET attempts = if_not_exists(attempts, :zero) + :one, "
            "updatedAt = :at, lastError = :e",
            ConditionExpression="#s = :pending",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values(
                {":zero": 0, ":one": 1, ":at": at, ":e": error, ":pending": "pending"}
            ),
        )

    def last_error(self, application_id: str, agency: str) -> str | None:
        response = client("dynamodb").get_item(
            TableName=self.table, Key=_link_key(application_id, agency), ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(item).get("lastError") if item else None
