"""Event contracts on the onetrip bus. Least data: ids and field names, never PII.

Each detail model carries `schemaVersion`; consumers accept the versions they know.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

IDENTITY_SOURCE = "onetrip.identity"
PETITION_SOURCE = "onetrip.petitions"
NOTIFICATION_SOURCE = "onetrip.notifications"


class EventDetail(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    source: ClassVar[str]
    detail_type: ClassVar[str]
    schema_version: Literal["1"] = Field(default="1", alias="schemaVersion")

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)


class IdentityChanged(EventDetail):
    """An approved change committed to the registry (公民身份信息变更已生效)."""

    source: ClassVar[str] = IDENTITY_SOURCE
    detail_type: ClassVar[str] = "IdentityChanged"

    application_id: str = Field(alias="applicationId")
    person_id: str = Field(alias="personId")
    registry_version: int = Field(alias="registryVersion")
    changed_fields: list[str] = Field(alias="changedFields")


class IdentityChangeSubmitted(EventDetail):
    """A clerk filed an application at a window (ids only; the district is on the record)."""

    source: ClassVar[str] = IDENTITY_SOURCE
    detail_type: ClassVar[str] = "IdentityChangeSubmitted"

    application_id: str = Field(alias="applicationId")


class LinkedUpdateRetryRequested(EventDetail):
    """Ops asked to try one agency's linked update again."""

    source: ClassVar[str] = IDENTITY_SOURCE
    detail_type: ClassVar[str] = "LinkedUpdateRetryRequested"

    application_id: str = Field(alias="applicationId")
    person_id: str = Field(alias="personId")
    registry_version: int = Field(alias="registryVersion")
    agency: str


class IdentityChangeCompleted(EventDetail):
    """Every linked update of an application is final."""

    source: ClassVar[str] = IDENTITY_SOURCE
    detail_type: ClassVar[str] = "IdentityChangeCompleted"

    application_id: str = Field(alias="applicationId")
    person_id: str = Field(alias="personId")
    status: Literal["completed", "completed_with_failures"]
    failed_agencies: list[str] = Field(default_factory=list, alias="failedAgencies")


class AgencyNotificationDue(EventDetail):
    """A `webhook` agency must hear of a linked update (first time, or a reminder): the
    signer signs it just in time and puts `AgencyNotificationSigned` on the bus."""

    source: ClassVar[str] = IDENTITY_SOURCE
    detail_type: ClassVar[str] = "AgencyNotificationDue"

    notification_id: str = Field(alias="notificationId")
    application_id: str = Field(alias="applicationId")
    agency: str
    changed_fields: list[str] = Field(alias="changedFields")
    registry_version: int = Field(alias="registryVersion")
    delivery: int = 1  # 1 = the notification, 2.. = reminders (each its own webhook-id)

    def payload(self) -> dict[str, object]:
        """The webhook body: the contract's five keys, ids and field names only."""
        return {
            "notificationId": self.notification_id,
            "applicationId": self.application_id,
            "agency": self.agency,
            "changedFields": self.changed_fields,
            "registryVersion": self.registry_version,
        }


class AgencyNotificationSigned(EventDetail):
    """A signed webhook ready for the agency's API destination: the rule sends `payload`
    (InputPath) with the three Standard Webhooks headers (HeaderParameters from the event).
    The signature covers the payload's canonical JSON (sorted keys, compact, ASCII) and
    `payload` holds its keys in that order, so the bytes EventBridge forwards are the
    signed bytes (docs/decisions.md, "Signing webhooks for EventBridge API destinations")."""

    source: ClassVar[str] = IDENTITY_SOURCE
    detail_type: ClassVar[str] = "AgencyNotificationSigned"

    agency: str
    webhook_id: str = Field(alias="webhookId")
    webhook_timestamp: str = Field(alias="webhookTimestamp")
    webhook_signature: str = Field(alias="webhookSignature")
    payload: dict[str, object]  # AgencyNotificationDue.payload(), keys sorted


class TaskReminder(EventDetail):
    """A reminder (催办) recorded on an open petition task."""

    source: ClassVar[str] = PETITION_SOURCE
    detail_type: ClassVar[str] = "TaskReminder"

    task_id: str = Field(alias="taskId")
    petition_id: str = Field(alias="petitionId")
    step: str
    kind: Literal["half", "eighty", "due", "overdue"]
    ordinal: int = 0


class TaskEscalated(EventDetail):
    """An overdue petition task handed up to the leader (督办)."""

    source: ClassVar[str] = PETITION_SOURCE
    detail_type: ClassVar[str] = "TaskEscalated"

    task_id: str = Field(alias="taskId")
    petition_id: str = Field(alias="petitionId")
    step: str
    escalated_to: str = Field(alias="escalatedTo")


class PetitionReceived(EventDetail):
    """A petition was registered (信访件登记); ids only, the facts are on the record."""

    source: ClassVar[str] = PETITION_SOURCE
    detail_type: ClassVar[str] = "PetitionReceived"

    petition_id: str = Field(alias="petitionId")


class PetitionClosed(EventDetail):
    """A petition left the workflow: closed after accountability, or not accepted."""

    source: ClassVar[str] = PETITION_SOURCE
    detail_type: ClassVar[str] = "PetitionClosed"

    petition_id: str = Field(alias="petitionId")
    status: Literal["closed", "not_accepted"]


class PetitionProgressed(EventDetail):
    """A milestone of a petition in progress that the petitioner is told about: accepted
    at triage (受理), the conclusion deadline extended (延期), or the handling unit's reply
    delivered at conclusion (答复意见)."""

    source: ClassVar[str] = PETITION_SOURCE
    detail_type: ClassVar[str] = "PetitionProgressed"

    petition_id: str = Field(alias="petitionId")
    milestone: Literal["accepted", "extended", "replied"]


class CitizenMessage(EventDetail):
    """One message to a citizen about an outcome they wait for. The message service finds
    the recipient's contact from the reference (personId, petitionId): never an ID number
    or a name here. `messageId` is the same for every redelivery of the outcome."""

    source: ClassVar[str] = NOTIFICATION_SOURCE
    detail_type: ClassVar[str] = "CitizenMessage"

    message_id: str = Field(alias="messageId")
    topic: Literal["identity_change", "petition"]
    outcome: str
    reference: str  # applicationId or petitionId
    person_id: str | None = Field(default=None, alias="personId")
    text: str
