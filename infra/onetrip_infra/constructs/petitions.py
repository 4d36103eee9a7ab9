"""Petition handling (一案三评八步法): tables, the task queue, the Standard state machine of
the eight human steps, the API functions, the task opener and the reminder sweep.

Orchestration is Lambda-less: each step is `sqs:sendMessage.waitForTaskToken`; the task
opener (SQS consumer) writes the task, `POST /tasks/{id}/completion` resumes the workflow
with SendTaskSuccess. moto runs this same definition in the tests.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import (
    Aws,
    Stack,
    aws_lambda,
    aws_scheduler,
    aws_scheduler_targets,
    aws_stepfunctions,
)
from constructs import Construct
from onetrip.domain.petition import MAX_REWORK_ROUNDS, PetitionStep

from onetrip_infra import config
from onetrip_infra.config import FunctionDefaults, acknowledge, pin_logical_id
from onetrip_infra.constructs.api import Api
from onetrip_infra.constructs.data import DataStores, Gsi
from onetrip_infra.constructs.events import EventBus

PETITIONS_ROUTES = [
    ("POST", "/petitions"),
    ("GET", "/petitions"),
    ("POST", "/petitions/search"),
    ("GET", "/petitions/{petitionId}"),
    ("POST", "/petitions/{petitionId}/extension"),
]
TASKS_ROUTES = [("GET", "/tasks"), ("POST", "/tasks/{taskId}/completion")]
STATS_ROUTES = [("GET", "/stats/petitions")]
REMINDER_SWEEP_RATE = "rate(15 minutes)"
# The Step Functions service integration every human step uses (SQS callback pattern).
SEND_TASK_AND_WAIT = f"arn:{Aws.PARTITION}:states:::sqs:sendMessage.waitForTaskToken"

# Step state names (PascalCase of the step) and where each step's output lands in state.
_STATE = {step: "".join(part.title() for part in step.value.split("_")) for step in PetitionStep}
# A human step may legitimately wait for months (extensions, rework); a year is the outer
# bound after which the execution fails visibly instead of waiting forever.
_TASK_TIMEOUT_SECONDS = 365 * 24 * 3600


def _human_step(step: PetitionStep, next_state: str, *, rework: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "petitionId.$": "$.petitionId",
        "step": step.value,
        "taskToken.$": "$$.Task.Token",
    }
    if rework:
        body["attempt.$"] = "$.rework.round"
    else:
        body["attempt"] = 0
    return {
        "Type": "Task",
        "Comment": f"{step.value}: wait for the {step.role} to complete the task",
        "Resource": "${SendTaskAndWait}",
        "Parameters": {"QueueUrl": "${TaskQueueUrl}", "MessageBody": body},
        "TimeoutSeconds": _TASK_TIMEOUT_SECONDS,
        "ResultPath": f"$.outcomes.{step.value}",
        "Next": next_state,
    }


def petition_definition() -> dict[str, Any]:
    """The ASL, with ${SendTaskAndWait} and ${TaskQueueUrl} left for DefinitionSubstitutions.

    State holds ids, step outcomes as flags ({"accepted"}, {"passed"}) and the rework
    round: nothing personal (execution history lives outside our tables).
    """
    s = _STATE
    step = PetitionStep
    return {
        "Comment": "一案三评八步法: eight human steps, three evaluations",
        "StartAt": s[step.TRIAGE],
        "States": {
            s[step.TRIAGE]: _human_step(step.TRIAGE, "Accepted?"),
            "Accepted?": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.outcomes.triage.accepted",
                        "BooleanEquals": False,
                        "Next": "NotAccepted",
                    }
                ],
                "Default": s[step.ENFORCEMENT_REVIEW],
            },
            "NotAccepted": {"Type": "Succeed", "Comment": "ends as not_accepted"},
            s[step.ENFORCEMENT_REVIEW]: _human_step(
                step.ENFORCEMENT_REVIEW, s[step.LEADER_INSTRUCTION]
            ),
            s[step.LEADER_INSTRUCTION]: _human_step(step.LEADER_INSTRUCTION, "FirstRound"),
            "FirstRound": {
                "Type": "Pass",
                "Result": {"round": 0},
                "ResultPath": "$.rework",
                "Next": s[step.RECTIFICATION],
            },
            s[step.RECTIFICATION]: _human_step(
                step.RECTIFICATION, s[step.TRACKING_REVIEW], rework=True
            ),
            s[step.TRACKING_REVIEW]: _human_step(
                step.TRACKING_REVIEW, "TrackingPassed?", rework=True
            ),
            "TrackingPassed?": {
                "Type": "Choice",
                "Comment": f"a failed review goes back at most {MAX_REWORK_ROUNDS} times",
                "Choices": [
                    {
                        "And": [
                            {
                                "Variable": "$.outcomes.tracking_review.passed",
                                "BooleanEquals": False,
                            },
                            {
                                "Variable": "$.rework.round",
                                "NumericLessThan": MAX_REWORK_ROUNDS,
                            },
                        ],
                        "Next": "NextRound",
                    }
                ],
                "Default": s[step.CONCLUSION],
            },
            "NextRound": {
                "Type": "Pass",
                "Parameters": {"round.$": "States.MathAdd($.rework.round, 1)"},
                "ResultPath": "$.rework",
                "Next": s[step.RECTIFICATION],
            },
            s[step.CONCLUSION]: _human_step(step.CONCLUSION, s[step.PERFORMANCE_REVIEW]),
            s[step.PERFORMANCE_REVIEW]: _human_step(
                step.PERFORMANCE_REVIEW, s[step.ACCOUNTABILITY]
            ),
            s[step.ACCOUNTABILITY]: _human_step(step.ACCOUNTABILITY, "Closed"),
            "Closed": {"Type": "Succeed", "Comment": "closed by the accountability step"},
        },
    }


class PetitionWorkflow(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
        api: Api,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.petitions = data.add_table(
            "Petitions",
            gsis=[
                Gsi("byStatus", "statusKey", "receivedAt"),
                Gsi("byPetitioner", "petitionerKey", "receivedAt"),
            ],
        )
        self.tasks = data.add_table(
            "Tasks",
            gsis=[
                Gsi("byAssignee", "assigneeKey", "dueAt"),
                Gsi("openByReminder", "openShard", "remindAt"),
                Gsi("byEscalation", "escalationKey", "dueAt"),
            ],
        )

        self.dead_letters = config.dead_letter_queue(self, "PetitionTaskDeadLetters")
        # SQS-managed SSE: messages carry ids and the task token only.
        self.queue = config.consumer_queue(self, "PetitionTaskQueue", self.dead_letters)

        self.state_machine = self._state_machine(defaults)

        tables = {
            "PETITIONS_TABLE": self.petitions.table_name,
            "TASKS_TABLE": self.tasks.table_name,
        }
        workflow = {"STATE_MACHINE_ARN": self.state_machine.state_machine_arn}
        # Events commit with the change in the outbox; the outbox relay publishes stragglers.
        outbox = {"OUTBOX_TABLE": data.outbox.table_name, "EVENT_BUS_NAME": bus.name}

        self.petitions_api = defaults.function(
            self,
            "PetitionsApi",
            handler="onetrip.handlers.petitions.handler",
            environment={
                **tables,
                "ID_HASH_SECRET_ARN": data.id_hash_secret.secret_arn,
                **workflow,
                **outbox,
            },
            description="Petitions: register, read, list, search, extend",
        )
        self.petitions.grant_read_write_data(self.petitions_api)
        # PetitionReceived commits with the petition (the scoreboard counts it).
        data.outbox.grant_read_write_data(self.petitions_api)
        bus.bus.grant_put_events_to(self.petitions_api)
        # An extension reads the open tasks and moves the dueAt/remindAt of those the old
        # deadline capped (in its transaction): GetItem and UpdateItem only, no Query/Put/
        # Delete. Both tables share the data key, granted through the Petitions grant.
        self.tasks.grant(self.petitions_api, "dynamodb:GetItem", "dynamodb:UpdateItem")
        data.id_hash_secret.grant_read(self.petitions_api)
        self.state_machine.grant_start_execution(self.petitions_api)
        api.add_routes(self.petitions_api, PETITIONS_ROUTES)

        self.tasks_api = defaults.function(
            self,
            "TasksApi",
            handler="onetrip.handlers.tasks.handler",
            environment={**tables, **workflow, **outbox},
            description="Petition tasks: worklist, completion (resumes the workflow)",
        )
        self.petitions.grant_read_write_data(self.tasks_api)
        self.tasks.grant_read_write_data(self.tasks_api)
        # The only principal that may resume the workflow (SendTaskSuccess/Failure).
        self.state_machine.grant_task_response(self.tasks_api)
        data.outbox.grant_read_write_data(self.tasks_api)
        bus.bus.grant_put_events_to(self.tasks_api)
        api.add_routes(self.tasks_api, TASKS_ROUTES)

        self.stats_api = defaults.function(
            self,
            "StatsApi",
            handler="onetrip.handlers.stats.handler",
            environment={"PETITIONS_TABLE": self.petitions.table_name},
            description="Petition statistics",
        )
        self.petitions.grant_read_data(self.stats_api)
        api.add_routes(self.stats_api, STATS_ROUTES)

        self.task_opener = defaults.function(
            self,
            "TaskOpener",
            handler="onetrip.handlers.task_opener.handler",
            environment=tables,
            description="Opens the task a petition workflow step waits on",
        )
        self.petitions.grant_read_write_data(self.task_opener)
        self.tasks.grant_read_write_data(self.task_opener)
        self.task_opener.add_event_source(config.queue_batches(self.queue))
        for child in self.task_opener.node.children:
            if isinstance(child, aws_lambda.EventSourceMapping):
                pin_logical_id(child, "TaskOpenerQueueSource")

        self.reminder_sweep = defaults.function(
            self,
            "ReminderSweep",
            handler="onetrip.handlers.reminders.handler",
            environment={**tables, **outbox},
            description="Reminds and escalates open petition tasks",
        )
        self.tasks.grant_read_write_data(self.reminder_sweep)
        data.outbox.grant_read_write_data(self.reminder_sweep)
        bus.bus.grant_put_events_to(self.reminder_sweep)
        self.reminder_schedule = aws_scheduler.Schedule(
            self,
            "ReminderSweepSchedule",
            schedule=aws_scheduler.ScheduleExpression.expression(REMINDER_SWEEP_RATE),
            target=aws_scheduler_targets.LambdaInvoke(
                self.reminder_sweep,
                retry_attempts=2,
                # The sweep's "now" is the scheduled instant, not the invocation's clock.
                input=aws_scheduler.ScheduleTargetInput.from_object(
                    {"time": aws_scheduler.ContextAttribute.scheduled_time}
                ),
            ),
            description="onetrip: petition task reminders",
        )
        pin_logical_id(self.reminder_schedule, "ReminderSweepSchedule")
        acknowledge(
            stack,
            "IAM5[Resource::<ReminderSweep.Arn>:*]",
            "LambdaInvoke grants lambda:InvokeFunction on ReminderSweep and its versions/"
            "aliases (ARN:*) only; the role is assumable by the scheduler alone.",
        )

    def _state_machine(self, defaults: FunctionDefaults) -> aws_stepfunctions.StateMachine:
        log_group = defaults.log_group(self, "PetitionWorkflowLogs")
        state_machine = aws_stepfunctions.StateMachine(
            self,
            "PetitionWorkflow",
            state_machine_type=aws_stepfunctions.StateMachineType.STANDARD,
            definition_body=aws_stepfunctions.DefinitionBody.from_string(
                json.dumps(petition_definition(), ensure_ascii=False)
            ),
            definition_substitutions={
                # The whole Resource ARN is one substitution: its partition differs in
                # China (aws-cn), and cfn-lint checks a literal ARN against `arn:aws:` only.
                "SendTaskAndWait": SEND_TASK_AND_WAIT,
                "TaskQueueUrl": self.queue.queue_url,
            },
            # Every transition logged, but never the state data (PIPL: least data in logs).
            logs=aws_stepfunctions.LogOptions(
                destination=log_group,
                level=aws_stepfunctions.LogLevel.ALL,
                include_execution_data=False,
            ),
            tracing_enabled=True,
        )
        pin_logical_id(state_machine, "PetitionWorkflow")
        self.queue.grant_send_messages(state_machine)
        acknowledge(
            state_machine,
            "IAM5[Resource::*]",
            "Step Functions log delivery (logs:*LogDelivery*, DescribeResourcePolicies) and "
            "X-Ray tracing (xray:PutTraceSegments...) only accept Resource '*' (AWS docs).",
        )
        return state_machine
