"""The PetitionWorkflow construct in the synthesized template."""

from __future__ import annotations

import json
from typing import Any

from onetrip.domain.petition import MAX_REWORK_ROUNDS, PetitionStep

PETITION_FUNCTIONS = {
    "PetitionsApi": "onetrip.handlers.petitions.handler",
    "TasksApi": "onetrip.handlers.tasks.handler",
    "StatsApi": "onetrip.handlers.stats.handler",
    "TaskOpener": "onetrip.handlers.task_opener.handler",
    "ReminderSweep": "onetrip.handlers.reminders.handler",
}
TASK_RESPONSES = {"states:SendTaskSuccess", "states:SendTaskFailure"}


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return set(action if isinstance(action, list) else [action])


def _definition(synth: Any) -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(synth.props("PetitionWorkflow")["DefinitionString"])
    return definition


def test_the_state_machine_is_standard_logged_without_data_and_traced(synth: Any) -> None:
    props = synth.props("PetitionWorkflow")

    assert props["StateMachineType"] == "STANDARD"
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert props["TracingConfiguration"] == {"Enabled": True}
    assert props["DefinitionSubstitutions"]["TaskQueueUrl"] == {"Ref": "PetitionTaskQueue"}


def test_the_definition_waits_on_the_task_queue_for_each_of_the_eight_steps(synth: Any) -> None:
    states = _definition(synth)["States"]
    tasks = {name: s for name, s in states.items() if s["Type"] == "Task"}

    # Lambda-less: every task is an SQS callback, so moto runs the real definition
    assert {t["Resource"] for t in tasks.values()} == {"${SendTaskAndWait}"}
    assert synth.props("PetitionWorkflow")["DefinitionSubstitutions"]["SendTaskAndWait"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":states:::sqs:sendMessage.waitForTaskToken"],
        ]
    }
    steps = [t["Parameters"]["MessageBody"]["step"] for t in tasks.values()]
    assert steps == [s.value for s in PetitionStep]
    # ids only in the message (no personal data in Step Functions state or SQS)
    for task in tasks.values():
        keys = {k.removesuffix(".$") for k in task["Parameters"]["MessageBody"]}
        assert keys == {"petitionId", "step", "attempt", "taskToken"}
    rework = states["TrackingPassed?"]["Choices"][0]["And"][1]
    assert rework["NumericLessThan"] == MAX_REWORK_ROUNDS


def test_the_reminder_sweep_runs_every_15_minutes_with_the_scheduled_time(synth: Any) -> None:
    schedule = synth.props("ReminderSweepSchedule")

    assert schedule["ScheduleExpression"] == "rate(15 minutes)"
    assert schedule["Target"]["Arn"] == {"Fn::GetAtt": ["ReminderSweep", "Arn"]}
    assert json.loads(schedule["Target"]["Input"]) == {"time": "<aws.scheduler.scheduled-time>"}


def test_only_tasks_api_may_resume_the_workflow_and_only_this_one(synth: Any) -> None:
    holders = []
    for policy in synth.of_type("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if _actions(statement) & TASK_RESPONSES:
                holders.append((policy["Properties"]["Roles"], statement["Resource"]))

    assert holders == [([{"Ref": synth.role_of("TasksApi")}], {"Ref": "PetitionWorkflow"})]


def test_petitions_api_may_start_executions_of_the_workflow(synth: Any) -> None:
    starts = [
        s for s in synth.statements_of("PetitionsApi") if "states:StartExecution" in _actions(s)
    ]
    assert [s["Resource"] for s in starts] == [{"Ref": "PetitionWorkflow"}]
    for other in ("StatsApi", "TaskOpener", "ReminderSweep"):
        actions = set().union(*(_actions(s) for s in synth.statements_of(other)))
        assert not any(a.startswith("states:") for a in actions), other


def test_functions_tables_and_queue(synth: Any) -> None:
    for lid, handler in PETITION_FUNCTIONS.items():
        assert synth.props(lid)["Handler"] == handler
    gsis = {
        table: {g["IndexName"] for g in synth.props(table)["GlobalSecondaryIndexes"]}
        for table in ("Petitions", "Tasks")
    }
    assert gsis == {
        "Petitions": {"byStatus", "byPetitioner"},
        "Tasks": {"byAssignee", "openByReminder", "byEscalation"},
    }
    redrive = synth.props("PetitionTaskQueue")["RedrivePolicy"]
    assert redrive["maxReceiveCount"] >= 5
    mapping = synth.props("TaskOpenerQueueSource")
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    env = synth.props("StatsApi")["Environment"]["Variables"]
    assert "STATE_MACHINE_ARN" not in env and "ID_HASH_SECRET_ARN" not in env


def test_the_china_partition_is_substituted(china_synth: Any) -> None:
    props = china_synth.props("PetitionWorkflow")
    assert {"Ref": "AWS::Partition"} in props["DefinitionSubstitutions"]["SendTaskAndWait"][
        "Fn::Join"
    ][1]


def test_petitions_api_may_only_read_and_update_tasks_for_an_extension(synth: Any) -> None:
    env = synth.props("PetitionsApi")["Environment"]["Variables"]
    assert env["TASKS_TABLE"] == {"Ref": "Tasks"}

    on_tasks = [
        s
        for s in synth.statements_of("PetitionsApi")
        if {"Fn::GetAtt": ["Tasks", "Arn"]}
        in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    ]
    # GetItem to read the open tasks, UpdateItem (in the extension's transaction) to move
    # a capped dueAt: no Query, Scan, Put or Delete on the Tasks table
    assert [_actions(s) for s in on_tasks] == [{"dynamodb:GetItem", "dynamodb:UpdateItem"}]
