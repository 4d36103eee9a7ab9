"""The applications table.

Items:
  APP#<id> / APP                 the application (gsi1: PERSON#<personId> / <submittedAt>;
                                 gsi2, while applying: APPLYING / <since>#<id>)
  APP#<id> / LINK#<agency>       one linked update's status
  APP#<id> / TL#<at>#<n>         timeline entries
  OPEN#<personId> / OPEN         held while the person has an application awaiting decision
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from onetrip.dal.models import Write, bound
from onetrip.dal.models.applications import ApplicationPart, OpenApplication
from onetrip.domain.application import Application, LinkedUpdate, Status

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


_APPLYING = "APPLYING"


def _app_pk(application_id: str) -> str:
    return f"APP#{application_id}"


def _linked_update(item: ApplicationPart) -> LinkedUpdate:
    return LinkedUpdate(
        agency=str(item.agency),
        status=str(item.status),
        attempts=int(item.attempts or 0),
        updated_at=item.updated_at or "",
        error=item.error,
    )


class ApplicationStore:
    def __init__(self, table: str) -> None:
        self.parts = bound(ApplicationPart, table)
        self.open_guards = bound(OpenApplication, table)

    # Reads

    def get(self, application_id: str) -> Application | None:
        items = list(self.parts.query(_app_pk(application_id), consistent_read=True))
        header = next((i for i in items if i.sk == "APP"), None)
        if header is None:
            return None
        record = header.to_record()
        application = Application(
            **{attr: record[key] for key, attr in _HEADER_FIELDS.items() if key in record}
        )
        application.linked_updates = [_linked_update(i) for i in items if i.sk.startswith("LINK#")]
        application.timeline = [
            {k: v for k, v in (("at", i.at), ("event", i.event), ("by", i.by)) if v is not None}
            for i in items
            if i.sk.startswith("TL#")
        ]
        return application

    def link(self, application_id: str, agency: str) -> LinkedUpdate | None:
        """One linked update, without reading the rest of the application."""
        item = self._link_item(application_id, agency)
        return _linked_update(item) if item else None

    def for_person(self, person_id: str) -> list[Application]:
        headers = self.parts.by_person.query(f"PERSON#{person_id}", scan_index_forward=False)
        found = [self.get(str(h.application_id)) for h in headers]
        return [a for a in found if a is not None]

    def every(self) -> Iterator[Application]:
        """Every application (a Scan: the scoreboard rebuild only, never a request)."""
        for header in self.parts.scan(self.parts.sk == "APP"):
            application = self.get(str(header.application_id))
            if application is not None:
                yield application

    def applying(self, *, since_before: str) -> Iterator[tuple[str, Application]]:
        """Applications in `applying` since before the instant `since_before`, oldest first,
        each with the instant it entered `applying` (a query of the sparse index)."""
        headers = self.parts.applying.query(_APPLYING, self.parts.gsi2sk < f"{since_before}#")
        for header in headers:
            application = self.get(str(header.application_id))
            if application is not None and application.status == Status.APPLYING:
                yield str(header.gsi2sk).rsplit("#", 1)[0], application

    def _link_item(self, application_id: str, agency: str) -> ApplicationPart | None:
        try:
            return self.parts.get(_app_pk(application_id), f"LINK#{agency}", consistent_read=True)
        except self.parts.DoesNotExist:
            return None

    # Transaction parts

    def put_new(self, application: Application) -> Write:
        record = {key: getattr(application, attr) for key, attr in _HEADER_FIELDS.items()}
        item = self.parts.from_record(
            {
                **record,
                "pk": _app_pk(application.application_id),
                "sk": "APP",
                "gsi1pk": f"PERSON#{application.person_id}",
                "gsi1sk": f"{application.submitted_at}#{application.application_id}",
            }
        )
        return Write.put("application", item, self.parts.pk.does_not_exist())

    def hold_open(self, person_id: str, application_id: str) -> Write:
        """One open application per person: a second hold on the same key fails."""
        guard = self.open_guards(f"OPEN#{person_id}", application_id=application_id)
        return Write.put("open_application", guard, self.open_guards.pk.does_not_exist())

    def release_open(self, person_id: str, application_id: str) -> Write:
        guards = self.open_guards
        return Write.delete(
            "open_application",
            guards(f"OPEN#{person_id}"),
            guards.application_id == application_id,
        )

    def transition(
        self,
        application_id: str,
        *,
        expected: str,
        status: str,
        applying_since: str | None = None,
        **fields: Any,
    ) -> Write:
        """Move the status on, only from `expected` (the guard against double decisions).
        Entering `applying` (at `applying_since`) puts the application on the `applying`
        index; leaving it takes it off."""
        parts = self.parts
        actions = [parts.status.set(status)] + [
            parts.attribute(name).set(value) for name, value in fields.items()
        ]
        if status == Status.APPLYING:
            if applying_since is None:
                raise ValueError("entering applying needs applying_since")
            actions += [
                parts.gsi2pk.set(_APPLYING),
                parts.gsi2sk.set(f"{applying_since}#{application_id}"),
            ]
        elif expected == Status.APPLYING:
            actions += [parts.gsi2pk.remove(), parts.gsi2sk.remove()]
        return Write.update(
            "application",
            parts(_app_pk(application_id), "APP"),
            actions,
            parts.status == expected,
        )

    def timeline(self, application_id: str, *, at: str, event: str, by: str | None = None) -> Write:
        entry = self.parts(_app_pk(application_id), f"TL#{at}#{event}", at=at, event=event, by=by)
        return Write.put("timeline", entry)

    def new_link(
        self, application_id: str, agency: str, *, at: str, notification_id: str | None = None
    ) -> Write:
        """A pending linked update; with `notification_id`, one notified at once (a partner
        city, told in the approval's own transaction)."""
        link = self.parts(
            _app_pk(application_id),
            f"LINK#{agency}",
            agency=agency,
            status="pending" if notification_id is None else "notified",
            attempts=0,
            updated_at=at,
            notification_id=notification_id,
        )
        return Write.put(f"link:{agency}", link, self.parts.pk.does_not_exist())

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
    ) -> Write:
        """Record a linked update's outcome, only from one of `from_statuses`."""
        parts = self.parts
        actions = [parts.status.set(status), parts.updated_at.set(at)]
        if count_attempt:
            actions.append(parts.attempts.set((parts.attempts | 0) + 1))
        actions.append(parts.error.set(error) if error is not None else parts.error.remove())
        return Write.update(
            f"link:{agency}",
            parts(_app_pk(application_id), f"LINK#{agency}"),
            actions,
            parts.status.is_in(*from_statuses),
        )

    def note_failed_attempt(self, application_id: str, agency: str, *, at: str, error: str) -> None:
        """Count a failed delivery and keep its error, while the link is still pending."""
        parts = self.parts
        parts(_app_pk(application_id), f"LINK#{agency}").update(
            [
                parts.attempts.set((parts.attempts | 0) + 1),
                parts.updated_at.set(at),
                parts.last_error.set(error),
            ],
            condition=parts.status == "pending",
        )

    def last_error(self, application_id: str, agency: str) -> str | None:
        item = self._link_item(application_id, agency)
        return item.last_error if item else None
