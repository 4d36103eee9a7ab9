"""Partner cities (跨市通办) in the template: the cross-account rule to the partner's bus
(role, DLQ), our bus's policy for the partner's account, the inbox and its function. The
two cities' templates are the ones the integration tests run (tests/partners.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from onetrip_infra.stages import ConfigurationError, stage_from_context
from onetrip_local.template import load_template

from tests.partners import (
    HOME_CONTEXT,
    LOCAL_ACCOUNT,
    PARTNER,
    PARTNER_CONTEXT,
    PARTNER_DISTRICT,
    bus_arn,
)

CITIES = ("ningbo", "zhoushan")
NOTIFICATION = {"source": ["onetrip.identity"], "detail-type": ["AgencyNotificationDue"]}
# What a partner adds to a stack that has webhook agencies (their acknowledgement sweep
# is shared): 2 rules, 1 bus policy, 2 queues + 2 queue policies, the forwarding role and
# its policy, the inbox function with role, policy, log group and event source mapping,
# and 3 alarms (the DLQ, function faults, the partner's overdue acknowledgements).
PARTNER_RESOURCES = 17
# Without webhook agencies the acknowledgement sweep comes with the first partner: its
# function, role, policy, log group, schedule, scheduler role and policy, 2 alarms.
SWEEP_RESOURCES = 9


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(HOME_CONTEXT)


@pytest.fixture(scope="module")
def plain() -> dict[str, Any]:
    return load_template()


def _resources(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == kind}


def test_notifications_for_the_partner_go_to_its_bus_with_a_role_and_a_dlq(
    template: dict[str, Any],
) -> None:
    rule = template["Resources"]["PartnerZhoushanOut"]["Properties"]
    assert rule["EventPattern"] == {**NOTIFICATION, "detail": {"agency": [f"partner:{PARTNER}"]}}
    assert rule["EventBusName"] == {"Ref": "OnetripBus"}
    (target,) = rule["Targets"]
    assert target["Arn"] == bus_arn(PARTNER)
    role = "PartnerCitiesPartnerForwardingRoleB8917FB6"
    assert target["RoleArn"] == {"Fn::GetAtt": [role, "Arn"]}
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["PartnerDeadLetters", "Arn"]}
    # No input transformation: the event crosses as it is (ids and field names).
    assert not {"Input", "InputPath", "InputTransformer"} & set(target)


def test_the_forwarding_role_may_put_events_on_the_partners_bus_only(
    template: dict[str, Any],
) -> None:
    role = template["Resources"]["PartnerCitiesPartnerForwardingRoleB8917FB6"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    policy = template["Resources"]["PartnerCitiesPartnerForwardingRoleDefaultPolicy264177CC"]
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "events:PutEvents"
    assert statement["Resource"] == bus_arn(PARTNER)


def test_our_bus_lets_the_partners_account_put_its_notifications_only(
    template: dict[str, Any],
) -> None:
    (policy,) = _resources(template, "AWS::Events::EventBusPolicy").values()
    statement = policy["Properties"]["Statement"]
    assert policy["Properties"]["EventBusName"] == {"Ref": "OnetripBus"}
    assert statement["Principal"] == {
        "AWS": {
            "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{LOCAL_ACCOUNT}:root"]]
        }  # fmt: skip
    }
    assert statement["Action"] == "events:PutEvents"
    assert statement["Resource"] == {"Fn::GetAtt": ["OnetripBus", "Arn"]}
    assert statement["Condition"] == {
        "StringEquals": {
            "events:source": "onetrip.identity",
            "events:detail-type": "AgencyNotificationDue",
        }
    }


def test_the_partners_notifications_for_us_reach_the_inbox_from_its_account_only(
    template: dict[str, Any],
) -> None:
    rule = template["Resources"]["PartnerNotificationsIn"]["Properties"]
    assert rule["EventPattern"] == {
        **NOTIFICATION,
        "detail": {"agency": ["partner:ningbo"]},
        "account": [LOCAL_ACCOUNT],
    }
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["PartnerInboxQueue", "Arn"]}
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["PartnerDeadLetters", "Arn"]}
    queue = template["Resources"]["PartnerInboxQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["PartnerDeadLetters", "Arn"]}  # fmt: skip


def test_the_functions_know_the_partner_by_districts_account_and_api(
    template: dict[str, Any],
) -> None:
    functions = _resources(template, "AWS::Lambda::Function")
    env = {lid: f["Properties"].get("Environment", {}).get("Variables", {})
           for lid, f in functions.items()}  # fmt: skip
    approving = next(v for lid, v in env.items() if lid.startswith("IdentityChangesApi"))
    partners = json.loads(approving["PARTNERS"])
    assert partners[PARTNER]["districts"] == [PARTNER_DISTRICT]
    assert partners[PARTNER]["ackDeadlineSeconds"] == 3600
    inbox = env["PartnerInbox"]
    assert inbox["CITY"] == "ningbo"
    assert json.loads(inbox["PARTNERS"])[PARTNER]["account"] == LOCAL_ACCOUNT
    assert set(inbox) >= {"AGENCY_RECORDS_TABLE", "ID_HASH_SECRET_ARN"}


def test_the_partner_is_the_same_app_as_a_second_stage_pointing_back(
    template: dict[str, Any],
) -> None:
    partner = load_template(PARTNER_CONTEXT)
    rule = partner["Resources"]["PartnerNingboOut"]["Properties"]
    assert rule["Targets"][0]["Arn"] == bus_arn("ningbo")
    assert partner["Resources"]["PartnerNotificationsIn"]["Properties"]["EventPattern"][
        "detail"] == {"agency": [f"partner:{PARTNER}"]}  # fmt: skip

    # The same resources, but for the names of the cities in them.
    def neutral(t: dict[str, Any]) -> set[str]:
        return {lid for lid in t["Resources"] if not any(c in lid.lower() for c in CITIES)}

    assert neutral(partner) == neutral(template)
    assert len(partner["Resources"]) == len(template["Resources"])


def test_resources_added_by_a_partner_are_counted_and_under_the_limit(
    template: dict[str, Any], plain: dict[str, Any]
) -> None:
    added = len(template["Resources"]) - len(plain["Resources"])
    assert added == PARTNER_RESOURCES + SWEEP_RESOURCES
    assert len(template["Resources"]) <= 500


@pytest.mark.parametrize(
    ("partners", "message"),
    [
        ({"zhoushan": {"busArn": "zhoushan-bus"}}, "busArn"),
        (
            {"ningbo": {"busArn": bus_arn("x"), "districts": ["x"], "apiUrl": "https://a.b"}},
            "own city",
        ),
        ({"zhoushan": {"busArn": bus_arn("x"), "districts": []}}, "districts"),
        ({"zhoushan": {"busArn": bus_arn("x"), "districts": ["x"], "apiUrl": "ftp://x"}}, "apiUrl"),
        ({"Zhou Shan": {}}, "city name"),
    ],
)
def test_an_unusable_partner_is_refused_at_synth(partners: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        stage_from_context({"partners": json.dumps(partners)})


@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1"])
def test_cfn_lint_finds_no_errors_in_the_partner_resources(
    template: dict[str, Any], region: str
) -> None:
    from cfnlint.api import lint

    ours = [lid for lid in template["Resources"] if "Partner" in lid]
    errors = [str(m) for m in lint(json.dumps(template), regions=[region])
              if m.rule.id.startswith("E") and any(lid in str(m) for lid in ours)]  # fmt: skip
    assert errors == []
