"""The local topology follows the synthesized template, whatever the template holds."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest
from onetrip_local.harness import LocalCloud
from onetrip_local.provision import check_types
from onetrip_local.runtime import LocalRuntime, RuntimeOptions
from onetrip_local.template import TemplateError

from tests.local.probe_stack import PROBE_CODE, synth_probe


def test_a_queue_and_rule_added_to_the_stack_appear_locally_and_route_events(
    probe: LocalCloud,
) -> None:
    # Given the probe stack with one more queue and rule (no change to the runtime)
    extended = LocalCloud.start(
        synth_probe(extra=True), code_paths=[PROBE_CODE], stack_name="extended"
    )
    bus = extended.bus_name
    try:
        audit_url = extended.queue_url("Audit")
        sqs, events = extended.boto("sqs"), extended.boto("events")
        rules = events.list_rules(EventBusName=bus)["Rules"]
        assert any(r["Name"].startswith("extended-AuditRule") for r in rules)

        # When events are put on the bus
        events.put_events(
            Entries=[
                {"EventBusName": bus, "Source": "probe", "DetailType": "Audited",
                 "Detail": json.dumps({"n": 1})},
                {"EventBusName": bus, "Source": "probe", "DetailType": "Other",
                 "Detail": json.dumps({"n": 2})},
            ]
        )  # fmt: skip

        # Then only the one matching the rule's pattern reaches the new queue
        messages = sqs.receive_message(QueueUrl=audit_url, MaxNumberOfMessages=10)["Messages"]
        assert [json.loads(m["Body"])["detail"] for m in messages] == [{"n": 1}]
    finally:
        extended.stop()
    with pytest.raises(KeyError):
        probe.queue_url("Audit")  # the base stack has no such queue


def test_tables_queues_and_redrive_are_provisioned_as_declared(probe: LocalCloud) -> None:
    table = probe.boto("dynamodb").describe_table(TableName=probe.table("Things"))["Table"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["bySource"]

    attributes = probe.boto("sqs").get_queue_attributes(
        QueueUrl=probe.queue_url("Work"), AttributeNames=["All"]
    )["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive == {"deadLetterTargetArn": probe.queue_arn("WorkDeadLetters"),
                       "maxReceiveCount": 2}  # fmt: skip
    assert attributes["VisibilityTimeout"] == "60"


def test_functions_get_their_template_environment_resolved(probe: LocalCloud) -> None:
    env = probe.env_for("Consumer")
    assert env["TABLE_NAME"] == probe.table("Things")
    assert env["AWS_ENDPOINT_URL"] == probe.endpoint_url
    secret = probe.boto("secretsmanager").get_secret_value(SecretId=probe.secret_arn("Key"))
    assert len(secret["SecretString"]) == 32


def test_the_state_machine_runs_its_synthesized_definition(probe: LocalCloud) -> None:
    sfn = probe.boto("stepfunctions")
    execution = sfn.start_execution(
        stateMachineArn=probe.state_machine_arn(), name="probe-1", input=json.dumps({"id": "x1"})
    )
    status = "RUNNING"
    for _ in range(100):
        status = sfn.describe_execution(executionArn=execution["executionArn"])["status"]
        if status != "RUNNING":
            break
        time.sleep(0.1)
    assert status == "SUCCEEDED"
    report = probe.deliver()
    assert report.records[probe.function("Consumer").logical_id] == 1


def test_an_unknown_resource_type_is_a_startup_error_naming_it(
    probe_template: dict[str, Any],
) -> None:
    template = copy.deepcopy(probe_template)
    template["Resources"]["Network"] = {"Type": "AWS::EC2::VPC", "Properties": {}}
    with pytest.raises(TemplateError, match=r"Network \(AWS::EC2::VPC\)"):
        check_types(template)


def test_onetrip_local_refuses_to_start_on_an_unknown_type(
    probe_template: dict[str, Any],
) -> None:
    template = copy.deepcopy(probe_template)
    template["Resources"]["Cache"] = {"Type": "AWS::ElastiCache::CacheCluster"}
    runtime = LocalRuntime(RuntimeOptions(port=0, template=template))
    with pytest.raises(TemplateError, match=r"Cache \(AWS::ElastiCache::CacheCluster\)"):
        runtime.start()
    runtime.stop()


def test_the_reset_wipes_data_but_keeps_the_topology(probe: LocalCloud) -> None:
    sqs = probe.boto("sqs")
    sqs.send_message(QueueUrl=probe.queue_url("Work"), MessageBody="{}")
    probe.reset()
    got = sqs.receive_message(QueueUrl=probe.queue_url("Work")).get("Messages", [])
    assert got == []
