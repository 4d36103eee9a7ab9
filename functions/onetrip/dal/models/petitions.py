"""The Petitions and Tasks tables of the petition workflow (一案三评八步法)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from onetrip.dal.models.attributes import DocumentAttribute, DocumentListAttribute
from onetrip.dal.models.base import TableModel


class ByStatus(GlobalSecondaryIndex["PetitionItem"]):
    """byStatus: petitions by status and receipt (lists, statistics by period)."""

    class Meta:
        index_name = "byStatus"
        projection = AllProjection()

    status_key = UnicodeAttribute(attr_name="statusKey", hash_key=True)
    received_at = UnicodeAttribute(attr_name="receivedAt", range_key=True)


class ByPetitioner(GlobalSecondaryIndex["PetitionItem"]):
    """byPetitioner: a petitioner's petitions by the keyed hash of their ID number."""

    class Meta:
        index_name = "byPetitioner"
        projection = AllProjection()

    petitioner_key = UnicodeAttribute(attr_name="petitionerKey", hash_key=True)
    received_at = UnicodeAttribute(attr_name="receivedAt", range_key=True)


class PetitionItem(TableModel):
    """PETITION#<petitionId> / PETITION: one petition (信访件)."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="PETITION")
    petition_id = UnicodeAttribute(attr_name="petitionId")
    status = UnicodeAttribute()
    status_key = UnicodeAttribute(attr_name="statusKey")
    current_step = UnicodeAttribute(attr_name="currentStep", null=True)
    petitioner = DocumentAttribute(null=True)  # name, idNumber, phone: never a key
    petitioner_key = UnicodeAttribute(attr_name="petitionerKey", null=True)
    category = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    content = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)
    district = UnicodeAttribute(null=True)
    received_at = UnicodeAttribute(attr_name="receivedAt", null=True)
    repeat_of = DocumentListAttribute(attr_name="repeatOf", null=True)
    acceptance_due_at = UnicodeAttribute(attr_name="acceptanceDueAt", null=True)
    conclusion_due_at = UnicodeAttribute(attr_name="conclusionDueAt", null=True)
    extended = BooleanAttribute(null=True)
    extension = DocumentAttribute(null=True)
    steps = DocumentAttribute(null=True)  # taskId -> step entry
    evaluations = DocumentListAttribute(null=True)
    rework_rounds = NumberAttribute(attr_name="reworkRounds", null=True)
    rework_limit_reached = BooleanAttribute(attr_name="reworkLimitReached", null=True)
    created_by = UnicodeAttribute(attr_name="createdBy", null=True)
    handling_unit = UnicodeAttribute(attr_name="handlingUnit", null=True)
    accepted_at = UnicodeAttribute(attr_name="acceptedAt", null=True)
    not_accepted_reason = UnicodeAttribute(attr_name="notAcceptedReason", null=True)
    rectification_due_days = NumberAttribute(attr_name="rectificationDueDays", null=True)
    satisfaction = NumberAttribute(null=True)
    resolution = UnicodeAttribute(null=True)
    replied_at = UnicodeAttribute(attr_name="repliedAt", null=True)
    closed_at = UnicodeAttribute(attr_name="closedAt", null=True)
    by_status = ByStatus()
    by_petitioner = ByPetitioner()


class ByAssignee(GlobalSecondaryIndex["TaskItem"]):
    """byAssignee: open tasks of a role or unit by due date (sparse: removed on completion)."""

    class Meta:
        index_name = "byAssignee"
        projection = AllProjection()

    assignee_key = UnicodeAttribute(attr_name="assigneeKey", hash_key=True)
    due_at = UnicodeAttribute(attr_name="dueAt", range_key=True)


class OpenByReminder(GlobalSecondaryIndex["TaskItem"]):
    """openByReminder: open tasks per shard by when their next reminder falls due."""

    class Meta:
        index_name = "openByReminder"
        projection = AllProjection()

    open_shard = UnicodeAttribute(attr_name="openShard", hash_key=True)
    remind_at = UnicodeAttribute(attr_name="remindAt", range_key=True)


class ByEscalation(GlobalSecondaryIndex["TaskItem"]):
    """byEscalation: escalated open tasks on the leader's list."""

    class Meta:
        index_name = "byEscalation"
        projection = AllProjection()

    escalation_key = UnicodeAttribute(attr_name="escalationKey", hash_key=True)
    due_at = UnicodeAttribute(attr_name="dueAt", range_key=True)


class TaskItem(TableModel):
    """TASK#<taskId> / TASK: one human task of the workflow."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="TASK")
    task_id = UnicodeAttribute(attr_name="taskId")
    petition_id = UnicodeAttribute(attr_name="petitionId")
    step = UnicodeAttribute()
    attempt = NumberAttribute(null=True)
    role = UnicodeAttribute(null=True)
    assignee = UnicodeAttribute(null=True)
    unit = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    opened_at = UnicodeAttribute(attr_name="openedAt", null=True)
    due_at = UnicodeAttribute(attr_name="dueAt", null=True)
    token = UnicodeAttribute(null=True)  # Step Functions task token
    assignee_key = UnicodeAttribute(attr_name="assigneeKey", null=True)
    open_shard = UnicodeAttribute(attr_name="openShard", null=True)
    remind_at = UnicodeAttribute(attr_name="remindAt", null=True)
    reminders = DocumentListAttribute(null=True)
    escalated = BooleanAttribute(null=True)
    escalation_key = UnicodeAttribute(attr_name="escalationKey", null=True)
    completed_at = UnicodeAttribute(attr_name="completedAt", null=True)
    completed_by = UnicodeAttribute(attr_name="completedBy", null=True)
    outcome = DocumentAttribute(null=True)
    workflow_output = DocumentAttribute(attr_name="workflowOutput", null=True)
    resumed_at = UnicodeAttribute(attr_name="resumedAt", null=True)
    by_assignee = ByAssignee()
    open_by_reminder = OpenByReminder()
    by_escalation = ByEscalation()


class TaskReminderItem(TableModel):
    """TASK#<taskId> / REMINDER#<kind>#<ordinal>: a reminder, put once (the condition on
    this key is what makes it happen once)."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    kind = UnicodeAttribute()
    ordinal = NumberAttribute()
