"""Per agency: rules built from the routing table, queue + DLQ, and the consumer."""

from __future__ import annotations

from typing import Any

import pytest
from onetrip.routing import HELD_FIELDS, Agency
from onetrip_infra.constructs.linked_updates import pascal

AGENCIES = list(HELD_FIELDS)


def _mappings_of(synth, function_id: str) -> list[dict[str, Any]]:
    return [
        r["Properties"]
        for r in synth.of_type("AWS::Lambda::EventSourceMapping").values()
        if r["Properties"]["FunctionName"] == {"Ref": function_id}
    ]


def test_there_is_one_consumer_per_agency_of_the_routing_table(synth) -> None:
    consumers = {
        lid
        for lid, r in synth.of_type("AWS::Lambda::Function").items()
        if r["Properties"]["Handler"] == "onetrip.handlers.linked_update.handler"
    }

    assert consumers == {f"LinkedUpdate{pascal(agency)}" for agency in AGENCIES}


@pytest.mark.parametrize("agency", AGENCIES)
def test_change_rule_matches_exactly_the_fields_the_agency_holds(synth, agency: Agency) -> None:
    rule = synth.props(f"{pascal(agency)}Changes")

    assert rule["EventBusName"] == {"Ref": "OnetripBus"}
    assert rule["EventPattern"] == {
        "source": ["onetrip.identity"],
        "detail-type": ["IdentityChanged"],
        "detail": {"changedFields": [field.value for field in HELD_FIELDS[agency]]},
    }
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [f"{pascal(agency)}Queue", "Arn"]}


@pytest.mark.parametrize("agency", AGENCIES)
def test_retry_rule_matches_the_agency(synth, agency: Agency) -> None:
    rule = synth.props(f"{pascal(agency)}Retries")

    assert rule["EventBusName"] == {"Ref": "OnetripBus"}
    assert rule["EventPattern"] == {
        "source": ["onetrip.identity"],
        "detail-type": ["LinkedUpdateRetryRequested"],
        "detail": {"agency": [agency.value]},
    }
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [f"{pascal(agency)}Queue", "Arn"]}


@pytest.mark.parametrize("agency", AGENCIES)
def test_queue_redrive_and_visibility_fit_the_consumer(synth, agency: Agency) -> None:
    name = pascal(agency)
    queue = synth.props(f"{name}Queue")
    consumer = synth.props(f"LinkedUpdate{name}")

    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": [f"{name}DeadLetters", "Arn"]
    }
    assert queue["RedrivePolicy"]["maxReceiveCount"] >= 5
    assert queue["VisibilityTimeout"] >= 6 * consumer["Timeout"]
    assert synth.props(f"{name}DeadLetters")["VisibilityTimeout"] >= 6 * consumer["Timeout"]
    assert synth.props(f"{name}DeadLetters")["MessageRetentionPeriod"] == 14 * 24 * 3600
    for queue_id in (f"{name}Queue", f"{name}DeadLetters"):
        assert synth.props(queue_id)["SqsManagedSseEnabled"] is True
    assert consumer["Environment"]["Variables"]["MAX_RECEIVE_COUNT"] == str(
        queue["RedrivePolicy"]["maxReceiveCount"]
    )


@pytest.mark.parametrize("agency", AGENCIES)
def test_queues_refuse_plain_http(synth, agency: Agency) -> None:
    name = pascal(agency)
    policies = synth.of_type("AWS::SQS::QueuePolicy").values()
    guarded = {
        queue["Ref"]
        for policy in policies
        for queue in policy["Properties"]["Queues"]
        if any(
            s["Effect"] == "Deny"
            and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
        )
    }

    assert {f"{name}Queue", f"{name}DeadLetters"} <= guarded


@pytest.mark.parametrize("agency", AGENCIES)
def test_consumer_reads_its_queue_and_its_dlq_with_partial_failures(synth, agency: Agency) -> None:
    name = pascal(agency)
    mappings = {
        m["EventSourceArn"]["Fn::GetAtt"][0]: m for m in _mappings_of(synth, f"LinkedUpdate{name}")
    }

    assert set(mappings) == {f"{name}Queue", f"{name}DeadLetters"}
    for mapping in mappings.values():
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == 10
    assert mappings[f"{name}Queue"]["MaximumBatchingWindowInSeconds"] == 1


@pytest.mark.parametrize("agency", AGENCIES)
def test_consumer_environment_names_its_agency_and_dlq(synth, agency: Agency) -> None:
    name = pascal(agency)
    env = synth.props(f"LinkedUpdate{name}")["Environment"]["Variables"]

    assert env["AGENCY"] == agency.value
    assert env["DEAD_LETTER_QUEUE_ARN"] == {"Fn::GetAtt": [f"{name}DeadLetters", "Arn"]}
    assert env["EVENT_BUS_NAME"] == {"Ref": "OnetripBus"}
    assert env["REGISTRY_TABLE"] == {"Ref": "Registry"}
    assert env["APPLICATIONS_TABLE"] == {"Ref": "Applications"}
    assert env["AGENCY_RECORDS_TABLE"] == {"Ref": "AgencyRecords"}
    assert env["OUTBOX_TABLE"] == {"Ref": "Outbox"}
    assert env["ID_HASH_SECRET_ARN"] == {"Ref": "IdHashKey"}
