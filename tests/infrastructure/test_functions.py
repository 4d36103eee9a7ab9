"""Every function: runtime, architecture, logs, tracing; per function env and grants."""

from __future__ import annotations

import json
from typing import Any

import pytest

API_FUNCTIONS = {
    "PersonsApi": "onetrip.handlers.persons.handler",
    "IdentityChangesApi": "onetrip.handlers.identity_changes.handler",
    "AgenciesApi": "onetrip.handlers.agencies.handler",
    "DocsApi": "onetrip.handlers.docs.handler",
    "OutboxRelay": "onetrip.handlers.outbox_relay.handler",
}
POWERTOOLS = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_TRACER_CAPTURE_RESPONSE",
    "POWERTOOLS_LOG_LEVEL",
    "POWERTOOLS_METRICS_NAMESPACE",
}
WRITE_ACTIONS = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                 "dynamodb:BatchWriteItem"}  # fmt: skip


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _mentions(statements: list[dict[str, Any]], logical_id: str) -> bool:
    return f'"{logical_id}"' in json.dumps([s["Resource"] for s in statements])


def test_every_function_is_python313_arm64_traced_with_json_logs(synth) -> None:
    functions = synth.of_type("AWS::Lambda::Function")

    assert functions
    for lid, resource in functions.items():
        props = resource["Properties"]
        assert props["Runtime"] == "python3.13", lid
        assert props["Architectures"] == ["arm64"], lid
        assert props["MemorySize"] == 512, lid
        assert props["Timeout"] == 30, lid
        assert props["TracingConfig"] == {"Mode": "Active"}, lid
        assert props["LoggingConfig"]["LogFormat"] == "JSON", lid
        assert props["Layers"] == [{"Ref": "DependencyLayer"}], lid
        env = props["Environment"]["Variables"]
        assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false", lid


def test_logs_are_kept_six_months(synth) -> None:
    groups = synth.of_type("AWS::Logs::LogGroup")
    function_groups = {
        r["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        for r in synth.of_type("AWS::Lambda::Function").values()
    }

    assert function_groups <= set(groups)
    for lid, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == 180, lid


@pytest.mark.parametrize(("function_id", "handler"), API_FUNCTIONS.items())
def test_handlers_match_the_architecture_contract(synth, function_id: str, handler: str) -> None:
    assert synth.props(function_id)["Handler"] == handler


@pytest.mark.parametrize(
    ("function_id", "expected"),
    [
        ("PersonsApi", {"REGISTRY_TABLE", "ID_HASH_SECRET_ARN"}),
        (
            "IdentityChangesApi",
            {
                "REGISTRY_TABLE",
                "APPLICATIONS_TABLE",
                "OUTBOX_TABLE",
                "EVENT_BUS_NAME",
                "ID_HASH_SECRET_ARN",
            },
        ),  # fmt: skip
        # Pull and acknowledgement (webhook agencies): the person, the activity log, the
        # notification and linked update, and the completion event through the outbox.
        (
            "AgenciesApi",
            {
                "AGENCY_RECORDS_TABLE",
                "ID_HASH_SECRET_ARN",
                "REGISTRY_TABLE",
                "APPLICATIONS_TABLE",
                "OUTBOX_TABLE",
                "EVENT_BUS_NAME",
            },
        ),  # fmt: skip
        ("DocsApi", set()),
        ("OutboxRelay", {"OUTBOX_TABLE", "EVENT_BUS_NAME"}),
    ],
)
def test_each_function_gets_only_the_environment_it_needs(
    synth, function_id: str, expected: set[str]
) -> None:
    env = synth.props(function_id)["Environment"]["Variables"]

    assert set(env) - POWERTOOLS == expected


def test_persons_api_cannot_touch_applications_or_publish(synth) -> None:
    statements = synth.statements_of("PersonsApi")
    actions = {a for s in statements for a in _as_list(s["Action"])}

    assert _mentions(statements, "Registry")
    assert not _mentions(statements, "Applications")
    assert not _mentions(statements, "Outbox")
    assert "events:PutEvents" not in actions


def test_docs_api_has_no_data_access(synth) -> None:
    actions = {a for s in synth.statements_of("DocsApi") for a in _as_list(s["Action"])}

    assert actions == {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def test_agencies_api_touches_only_the_identity_tables(synth) -> None:
    """Records; and for pull and ack the registry (the person, the activity log), the
    applications (notification, linked update) and the outbox — nothing else."""
    statements = synth.statements_of("AgenciesApi")
    writes = [s for s in statements if WRITE_ACTIONS & set(_as_list(s["Action"]))]

    for table in ("AgencyRecords", "Registry", "Applications", "Outbox"):
        assert _mentions(writes, table), table
    for table in ("Petitions", "Tasks", "Credentials", "Catalogue", "Scoreboard"):
        assert not _mentions(statements, table), table


def test_outbox_relay_only_touches_the_outbox_and_the_bus(synth) -> None:
    statements = synth.statements_of("OutboxRelay")
    actions = {a for s in statements for a in _as_list(s["Action"])}

    assert _mentions(statements, "Outbox")
    assert "events:PutEvents" in actions
    for table in ("Registry", "Applications", "AgencyRecords", "IdHashKey"):
        assert not _mentions(statements, table), table


def test_linked_update_consumers_never_write_the_registry(synth) -> None:
    consumers = [lid for lid in synth.of_type("AWS::Lambda::Function") if "LinkedUpdate" in lid]

    assert consumers
    for consumer in consumers:
        statements = synth.statements_of(consumer)
        writes = [s for s in statements if WRITE_ACTIONS & set(_as_list(s["Action"]))]
        assert _mentions(statements, "Registry"), consumer
        assert _mentions(writes, "Applications"), consumer
        assert not _mentions(writes, "Registry"), consumer


def test_outbox_relay_runs_every_five_minutes_on_eventbridge_scheduler(synth) -> None:
    schedules = synth.of_type("AWS::Scheduler::Schedule")
    props = schedules["OutboxRelaySchedule"]["Properties"]

    assert props["ScheduleExpression"] == "rate(5 minutes)"
    assert props["Target"]["Arn"] == {"Fn::GetAtt": ["OutboxRelay", "Arn"]}
    assert props["State"] == "ENABLED"
    # Nothing is triggered by a schedule-expression events.Rule instead.
    for rule in synth.of_type("AWS::Events::Rule").values():
        assert "ScheduleExpression" not in rule["Properties"]


def test_the_only_star_resource_of_a_function_is_x_ray(synth) -> None:
    # Backs the IAM5[Resource::*] acknowledgement on every function. The one exception:
    # key rotation creates KMS keys, which have no ARN before they exist (conditioned).
    for lid in synth.of_type("AWS::Lambda::Function"):
        for statement in synth.statements_of(lid):
            if "*" in _as_list(statement["Resource"]):
                services = {a.split(":")[0] for a in _as_list(statement["Action"])}
                if lid == "IssuerApi" and services == {"kms"}:
                    assert set(statement["Action"]) == {"kms:CreateKey", "kms:TagResource"}
                    assert (
                        "aws:RequestTag/onetrip-purpose" in statement["Condition"]["StringEquals"]
                    )
                    continue
                assert services == {"xray"}, lid
