"""Webhook connectors in the template: API destinations with retries and a DLQ, the
signer, the deadline sweep and its alarms. The app with water and gas in `webhook` mode
is the cached template the local runtime and the integration tests use (one synth; a
synth that cdk-nag objects to fails, so its existence means nag found nothing)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from onetrip.routing import Agency
from onetrip_local.template import load_template

from tests.webhooks import WEBHOOK_CONTEXT, endpoint


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(WEBHOOK_CONTEXT)


def _of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == kind}


def test_each_webhook_agency_has_an_https_api_destination_on_an_api_key_connection(
    template: dict[str, Any],
) -> None:
    destinations = _of_type(template, "AWS::Events::ApiDestination")
    endpoints = sorted(d["Properties"]["InvocationEndpoint"] for d in destinations.values())
    assert endpoints == sorted([endpoint(Agency.GAS), endpoint(Agency.WATER)])
    for destination in destinations.values():
        assert destination["Properties"]["HttpMethod"] == "POST"
        assert destination["Properties"]["InvocationRateLimitPerSecond"] == 10
    connections = _of_type(template, "AWS::Events::Connection")
    assert {c["Properties"]["AuthorizationType"] for c in connections.values()} == {"API_KEY"}


def test_the_rule_sends_the_payload_with_the_signature_headers_retries_and_dead_letters(
    template: dict[str, Any],
) -> None:
    rule = template["Resources"]["WaterWebhooks"]["Properties"]
    assert rule["EventPattern"] == {
        "source": ["onetrip.identity"],
        "detail-type": ["AgencyNotificationSigned"],
        "detail": {"agency": ["water"]},
    }
    (target,) = rule["Targets"]
    assert target["InputPath"] == "$.detail.payload"
    assert target["HttpParameters"]["HeaderParameters"] == {
        "webhook-id": "$.detail.webhookId",
        "webhook-timestamp": "$.detail.webhookTimestamp",
        "webhook-signature": "$.detail.webhookSignature",
    }
    # Within the Standard Webhooks tolerance (5 minutes): a retry is never stale.
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 240, "MaximumRetryAttempts": 8}
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["WaterWebhookDeadLetters", "Arn"]}


def test_only_webhook_agencies_consumers_notify(template: dict[str, Any]) -> None:
    functions = _of_type(template, "AWS::Lambda::Function")
    modes = {
        env["AGENCY"]: (env.get("CONNECTOR_MODE"), env.get("ACK_DEADLINE_SECONDS"))
        for f in functions.values()
        if "AGENCY" in (env := f["Properties"].get("Environment", {}).get("Variables", {}))
    }
    assert modes == {
        **dict.fromkeys(
            ("social_security", "student_roll", "exit_entry", "driving_licence", "electricity"),
            (None, None),
        ),
        "water": ("webhook", "3600"),
        "gas": ("webhook", "3600"),
    }


def test_the_signer_reads_exactly_the_webhook_secrets(template: dict[str, Any]) -> None:
    secrets = _of_type(template, "AWS::SecretsManager::Secret")
    named = sorted(s["Properties"].get("Name", "") for s in secrets.values())
    assert [n for n in named if n] == ["onetrip/webhooks/gas", "onetrip/webhooks/water"]
    (signer,) = [f for lid, f in _of_type(template, "AWS::Lambda::Function").items()
                 if lid.startswith("WebhookSigner")]  # fmt: skip
    secrets_env = json.dumps(signer["Properties"]["Environment"]["Variables"]["WEBHOOK_SECRETS"])
    assert '\\"water\\"' in secrets_env and '\\"gas\\"' in secrets_env
    assert "electricity" not in secrets_env


def test_an_overdue_acknowledgement_and_a_dead_lettered_webhook_page(
    template: dict[str, Any],
) -> None:
    alarms = _of_type(template, "AWS::CloudWatch::Alarm")
    names = json.dumps([a["Properties"].get("AlarmName") for a in alarms.values()])
    for agency in ("water", "gas"):
        assert f"AcknowledgementsOverdue-{agency}" in names
        assert f"Webhooks-{agency}" in names
    overdue = [a["Properties"] for a in alarms.values()
               if "AcknowledgementsOverdue-water" in json.dumps(a["Properties"])]  # fmt: skip
    assert "AcknowledgementsOverdue" in json.dumps(overdue[0])
    assert overdue[0]["Threshold"] == 0
    assert overdue[0]["ComparisonOperator"] == "GreaterThanThreshold"


@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1"])
def test_cfn_lint_finds_no_errors(template: dict[str, Any], region: str) -> None:
    from cfnlint.api import lint

    # The whole template; in cn-north-1 only this capability's resources are judged (the
    # us-east-1 app carries Cognito, which the prod stage replaces in China).
    ours = [lid for lid, r in template["Resources"].items()
            if r["Type"].startswith(("AWS::Events::", "AWS::SecretsManager::"))]  # fmt: skip
    errors = [
        str(m) for m in lint(json.dumps(template), regions=[region])
        if m.rule.id.startswith("E")
        and (region == "us-east-1" or any(lid in str(m) for lid in ours))
    ]  # fmt: skip
    assert errors == []


def test_the_dashboard_shows_notifications_acknowledgements_and_overdue(
    template: dict[str, Any],
) -> None:
    (dashboard,) = _of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in ("AgencyNotificationsSent", "AgencyAcknowledgements", "AcknowledgementsOverdue"):
        assert metric in body, metric


def test_the_signer_may_read_the_current_and_previous_version_of_each_secret_only(
    template: dict[str, Any],
) -> None:
    # A rotation window signs with AWSCURRENT and AWSPREVIOUS (dal.webhook_bus): the
    # signer's role reads both, of the two webhook secrets, and no older version.
    (signer,) = [f for lid, f in _of_type(template, "AWS::Lambda::Function").items()
                 if lid.startswith("WebhookSigner")]  # fmt: skip
    role = signer["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = [
        statement
        for policy in _of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    reads = [s for s in statements if "secretsmanager:GetSecretValue" in _listed(s["Action"])]
    assert sorted(json.dumps(s["Resource"]) for s in reads) == sorted(
        json.dumps({"Ref": lid}) for lid in ("GasWebhookSecret", "WaterWebhookSecret")
    )
    for statement in reads:
        assert statement["Effect"] == "Allow"
        assert statement["Condition"] == {
            "ForAnyValue:StringEquals": {"secretsmanager:VersionStage": ["AWSCURRENT",
                                                                         "AWSPREVIOUS"]}
        }  # fmt: skip
    grace = signer["Properties"]["Environment"]["Variables"]["WEBHOOK_ROTATION_GRACE"]
    assert json.loads(grace) == {"gas": 86400, "water": 86400}


def _listed(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]
