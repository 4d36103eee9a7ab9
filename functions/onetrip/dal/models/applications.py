"""The Applications table: identity-change applications and what hangs off them."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from onetrip.dal.models.attributes import DocumentAttribute, DocumentListAttribute
from onetrip.dal.models.base import TableModel


class ByPerson(GlobalSecondaryIndex["ApplicationPart"]):
    """byPerson: a person's applications, newest first (gsi1sk = submittedAt#id)."""

    class Meta:
        index_name = "byPerson"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Applying(GlobalSecondaryIndex["ApplicationPart"]):
    """applying: the applications now applying, oldest first (gsi2sk = since#id).

    Sparse: only a header in `applying` carries gsi2pk, so `onetrip ops stuck` reads the
    few in flight, never the table. One partition key is fine at this write rate (each
    application enters and leaves once, ~0.3/s at 28,000 a day)."""

    class Meta:
        index_name = "applying"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class ApplicationPart(TableModel):
    """One item of an application's collection, APP#<applicationId> / <sk>:

    - APP: the application itself (the header fields; gsi1 keys for byPerson);
    - LINK#<agency>: one linked update's status (agency, status, attempts, error);
    - TL#<at>#<event>: a timeline entry (at, event, by).

    One model for the collection so that reading an application stays one Query.
    """

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # APP
    application_id = UnicodeAttribute(attr_name="applicationId", null=True)
    status = UnicodeAttribute(null=True)  # also LINK#
    person_id = UnicodeAttribute(attr_name="personId", null=True)
    id_number = UnicodeAttribute(attr_name="idNumber", null=True)
    kind = UnicodeAttribute(null=True)
    changes = DocumentAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    window = DocumentAttribute(null=True)
    submitted_at = UnicodeAttribute(attr_name="submittedAt", null=True)
    submitted_by = UnicodeAttribute(attr_name="submittedBy", null=True)
    base_version = NumberAttribute(attr_name="baseVersion", null=True)
    decided_at = UnicodeAttribute(attr_name="decidedAt", null=True)
    decided_by = UnicodeAttribute(attr_name="decidedBy", null=True)
    comment = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_person = ByPerson()
    gsi2pk = UnicodeAttribute(null=True)  # APPLYING while status = applying
    gsi2sk = UnicodeAttribute(null=True)  # <since>#<applicationId>
    applying = Applying()
    # LINK#<agency>
    agency = UnicodeAttribute(null=True)
    notification_id = UnicodeAttribute(attr_name="notificationId", null=True)
    attempts = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(attr_name="updatedAt", null=True)
    error = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(attr_name="lastError", null=True)
    # TL#<at>#<event>
    at = UnicodeAttribute(null=True)
    event = UnicodeAttribute(null=True)
    by = UnicodeAttribute(null=True)


class OpenApplication(TableModel):
    """OPEN#<personId> / OPEN: held while the person has an application awaiting decision."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="OPEN")
    application_id = UnicodeAttribute(attr_name="applicationId")


class AckDue(GlobalSecondaryIndex["AgencyNotification"]):
    """The byPerson index, overloaded: open notifications sit under gsi1pk = ACKDUE with
    gsi1sk = <next check instant>#<notificationId>; settled ones leave it (sparse)."""

    class Meta:
        index_name = "byPerson"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class AgencyNotification(TableModel):
    """NOTIF#<notificationId> / NOTIF: one notification to a `webhook` agency (ids only).

    Settled by the agency's acknowledgement; until then the acknowledgement sweep finds
    it through AckDue and reminds the agency.
    """

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="NOTIF")
    notification_id = UnicodeAttribute(attr_name="notificationId")
    application_id = UnicodeAttribute(attr_name="applicationId")
    person_id = UnicodeAttribute(attr_name="personId")
    agency = UnicodeAttribute()
    changed_fields = DocumentListAttribute(attr_name="changedFields")
    registry_version = NumberAttribute(attr_name="registryVersion")
    status = UnicodeAttribute()  # notified | applied | not_applicable | failed
    deliveries = NumberAttribute(default=1)
    deadline_seconds = NumberAttribute(attr_name="deadlineSeconds")
    notified_at = UnicodeAttribute(attr_name="notifiedAt")
    ack_due_at = UnicodeAttribute(attr_name="ackDueAt")
    acknowledged_at = UnicodeAttribute(attr_name="acknowledgedAt", null=True)
    reference = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    ack_due = AckDue()
