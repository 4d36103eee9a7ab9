"""Operations in the template: alarms (metric, threshold, action), the dashboard, log
retention, removal policies per stage, and dev/staging/prod differing only where meant to.

Expected thresholds are the runbook's (docs/operations.md), written out here rather than
read from the monitoring construct.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from onetrip.metrics import Metric
from onetrip.routing import Agency
from onetrip_infra.constructs.linked_updates import pascal

from tests.infrastructure.conftest import NO_BUNDLING, Synth, _synth

AGENCIES = list(Agency)
FUNCTIONS = {
    "PersonsApi", "IdentityChangesApi", "AgenciesApi", "DocsApi", "OutboxRelay",
    "PetitionsApi", "TasksApi", "StatsApi", "TaskOpener", "ReminderSweep", "CatalogueApi",
    "ScoreboardConsumer", "Notifier", "VerificationsApi",
    *(f"LinkedUpdate{pascal(a)}" for a in AGENCIES),
    "CredentialsApi", "IssuerApi", "CredentialChain", "StatusListSweep",
}  # fmt: skip
# Alarm name -> (queue, dead-letter queue): most follow <name>Queue / <name>DeadLetters.
QUEUES = {
    name: (f"{prefix}Queue", f"{prefix}DeadLetters")
    for name, prefix in {
        **{f"LinkedUpdates-{a.value}": pascal(a) for a in AGENCIES},
        "PetitionTasks": "PetitionTask",
        "CredentialChain": "CredentialChain",
        "Scoreboard": "Scoreboard",
        "Notifier": "Notifier",
    }.items()
} | {"CitizenInbox": ("CitizenInbox", "CitizenInboxDeadLetters")}
# Every table of the stack, written out: a new table must be added here, and the test
# below then fails until it has its alarms.
TABLES = {
    "Registry", "Applications", "AgencyRecords", "Outbox", "Petitions", "Tasks",
    "Catalogue", "Credentials", "StatusLists", "IssuerKeys", "Scoreboard", "Notices",
    "Verifications",
}  # fmt: skip
TABLE_ALARMS = ("Throttled-Events-Count-Critical", "SystemError-Count-Critical")
SIX_MONTHS_DAYS = 180  # Cybersecurity Law art. 21: no less than six months


def alarms(synth: Synth) -> dict[str, dict[str, Any]]:
    """Alarm name (stage prefix removed) -> what it watches and when it fires."""
    found: dict[str, dict[str, Any]] = {}
    for resource in synth.of_type("AWS::CloudWatch::Alarm").values():
        props = resource["Properties"]
        # One metric, or a sum of metrics (tables: per Operation, or read + write throttles)
        stats = [m["MetricStat"] for m in props["Metrics"] if "MetricStat" in m]
        stat = stats[0]
        dimensions = [
            {d["Name"]: _ref(d["Value"]) for d in s["Metric"].get("Dimensions", [])} for s in stats
        ]
        operations = sorted(d.pop("Operation") for d in dimensions if "Operation" in d)
        assert all(d == dimensions[0] for d in dimensions), props["AlarmName"]
        name = re.sub(r"^Onetrip-(dev|staging|prod)-", "", props["AlarmName"])
        found[name] = {
            "metric": "+".join(sorted({s["Metric"]["MetricName"] for s in stats})),
            "namespace": stat["Metric"]["Namespace"],
            "dimensions": dimensions[0],
            "operations": operations,
            "stat": stat["Stat"],
            "period": stat["Period"],
            "operator": props["ComparisonOperator"],
            "threshold": props["Threshold"],
            "missing": props["TreatMissingData"],
            "periods": (props["EvaluationPeriods"], props["DatapointsToAlarm"]),
            "actions": (props["ActionsEnabled"], props["AlarmActions"], props["OKActions"]),
        }
    return found


def _ref(value: Any) -> Any:
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return value["Fn::GetAtt"][0]
    return value


def expected_alarm_names() -> set[str]:
    names = {"Api-Fault-Rate-Critical", "Api-Latency-P99-Warning"}
    names |= {f"{f}-Fault-Count-Critical" for f in FUNCTIONS}
    names |= {"OutboxRelay-Usage-Count-Critical", "ReminderSweep-Usage-Count-Critical"}
    names |= {"StatusListSweep-Usage-Count-Critical"}
    for queue in QUEUES:
        names |= {
            f"{queue}-Queue-Message-Age-Max-Warning",
            f"{queue}-DLQ-Queue-Message-Count-Max-Critical",
        }
    names |= {"PetitionWorkflow-Failure-Count-Critical", "PetitionWorkflow-TimedOut-Count-Critical"}
    names |= {f"Business-LinkedUpdatesFailed-{a.value}-Critical" for a in AGENCIES}
    names |= {"Business-OutboxOldestItemAge-Critical"}
    names |= {f"{table}-{alarm}" for table in TABLES for alarm in TABLE_ALARMS}
    return names


@pytest.fixture(scope="module")
def dev_alarms(synth: Synth) -> dict[str, dict[str, Any]]:
    return alarms(synth)


def test_the_alarms_are_exactly_the_runbook_s(dev_alarms: dict[str, Any]) -> None:
    assert set(dev_alarms) == expected_alarm_names()


@pytest.mark.parametrize("which", ["synth", "prod_synth"])
def test_every_alarm_notifies_its_stage_topic_on_alarm_and_on_ok(
    which: str, request: pytest.FixtureRequest
) -> None:
    stage: Synth = request.getfixturevalue(which)
    (topic,) = stage.of_type("AWS::SNS::Topic")
    assert topic == "AlarmTopic"
    found = alarms(stage)
    assert found
    for name, alarm in found.items():
        assert alarm["actions"] == (True, [{"Ref": topic}], [{"Ref": topic}]), name


def test_prod_alarms_reach_the_on_call_recipients_and_dev_pages_nobody(
    synth: Synth, prod_synth: Synth
) -> None:
    (subscription,) = prod_synth.of_type("AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["TopicArn"] == {"Ref": "AlarmTopic"}
    assert synth.of_type("AWS::SNS::Subscription") == {}
    # The topic refuses plain HTTP publishers (cdk-nag SNS3).
    (policy,) = prod_synth.of_type("AWS::SNS::TopicPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("queue,names", sorted(QUEUES.items()))
def test_any_dead_letter_pages_and_an_old_queue_message_warns(
    dev_alarms: dict[str, Any], queue: str, names: tuple[str, str]
) -> None:
    queue_name, dead_letters_name = names
    dlq = dev_alarms[f"{queue}-DLQ-Queue-Message-Count-Max-Critical"]
    assert (dlq["metric"], dlq["namespace"], dlq["stat"]) == (
        "ApproximateNumberOfMessagesVisible", "AWS/SQS", "Maximum",
    )  # fmt: skip
    assert dlq["dimensions"] == {"QueueName": dead_letters_name}
    assert (dlq["operator"], dlq["threshold"]) == ("GreaterThanThreshold", 0)
    assert dlq["periods"] == (1, 1)

    age = dev_alarms[f"{queue}-Queue-Message-Age-Max-Warning"]
    assert (age["metric"], age["stat"]) == ("ApproximateAgeOfOldestMessage", "Maximum")
    assert age["dimensions"] == {"QueueName": queue_name}
    assert (age["operator"], age["threshold"]) == ("GreaterThanThreshold", 600)


def test_every_table_of_the_stack_pages_on_throttles_and_system_errors(
    synth: Synth, dev_alarms: dict[str, Any]
) -> None:
    tables = set(synth.of_type("AWS::DynamoDB::Table"))
    assert tables == TABLES  # a new table? add it to TABLES: its alarms are checked here
    # What DynamoDB reports SystemErrors for, of what onetrip's stores call (AWS docs:
    # DynamoDB metrics and dimensions); transactions are most of the writes.
    operations = ["BatchGetItem", "BatchWriteItem", "DeleteItem", "GetItem", "PutItem"]
    operations += ["Query", "Scan", "TransactGetItems", "TransactWriteItems", "UpdateItem"]
    for table in tables:
        watched = {
            "Throttled-Events-Count-Critical": ("ReadThrottleEvents+WriteThrottleEvents", []),
            "SystemError-Count-Critical": ("SystemErrors", operations),
        }
        for alarm_name, (metric, operations) in watched.items():
            alarm = dev_alarms[f"{table}-{alarm_name}"]
            assert (alarm["metric"], alarm["namespace"]) == (metric, "AWS/DynamoDB")
            assert (alarm["dimensions"], alarm["operations"]) == ({"TableName": table}, operations)
            assert (alarm["operator"], alarm["threshold"], alarm["missing"]) == (
                "GreaterThanThreshold", 0, "notBreaching",
            )  # fmt: skip


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_any_function_error_pages(dev_alarms: dict[str, Any], function: str) -> None:
    alarm = dev_alarms[f"{function}-Fault-Count-Critical"]
    assert (alarm["metric"], alarm["namespace"], alarm["stat"]) == ("Errors", "AWS/Lambda", "Sum")
    assert alarm["dimensions"] == {"FunctionName": function}
    assert (alarm["operator"], alarm["threshold"], alarm["missing"]) == (
        "GreaterThanThreshold", 0, "notBreaching",
    )  # fmt: skip


@pytest.mark.parametrize("sweep,silence_minutes", [("OutboxRelay", 15), ("ReminderSweep", 45)])
def test_a_sweep_that_stops_running_pages(
    dev_alarms: dict[str, Any], sweep: str, silence_minutes: int
) -> None:
    alarm = dev_alarms[f"{sweep}-Usage-Count-Critical"]
    assert (alarm["metric"], alarm["stat"]) == ("Invocations", "Sum")
    assert alarm["dimensions"] == {"FunctionName": sweep}
    assert alarm["period"] == silence_minutes * 60
    # No data at all is the sweep not running: that breaches too.
    assert (alarm["operator"], alarm["threshold"], alarm["missing"]) == (
        "LessThanThreshold", 1, "breaching",
    )  # fmt: skip


def test_failed_or_timed_out_petition_workflows_page(dev_alarms: dict[str, Any]) -> None:
    for name, metric in [("Failure", "ExecutionsFailed"), ("TimedOut", "ExecutionsTimedOut")]:
        alarm = dev_alarms[f"PetitionWorkflow-{name}-Count-Critical"]
        assert (alarm["metric"], alarm["namespace"], alarm["stat"]) == (
            metric, "AWS/States", "Sum",
        )  # fmt: skip
        assert alarm["dimensions"] == {"StateMachineArn": "PetitionWorkflow"}
        assert (alarm["operator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)


def test_api_5xx_rate_and_p99_latency_alarm(dev_alarms: dict[str, Any]) -> None:
    faults = dev_alarms["Api-Fault-Rate-Critical"]
    # 5xx of an HTTP API is 0 or 1 per request: its average is the 5xx rate.
    assert (faults["metric"], faults["namespace"], faults["stat"]) == (
        "5xx",
        "AWS/ApiGateway",
        "Average",
    )
    assert faults["dimensions"]["ApiId"] == "HttpApi"
    assert (faults["operator"], faults["threshold"]) == ("GreaterThanThreshold", 0.01)

    latency = dev_alarms["Api-Latency-P99-Warning"]
    assert (latency["metric"], latency["stat"]) == ("Latency", "p99")
    assert latency["dimensions"]["ApiId"] == "HttpApi"
    assert (latency["operator"], latency["threshold"]) == ("GreaterThanThreshold", 3000)  # ms
    assert latency["periods"] == (3, 3)  # sustained for 15 minutes, not one slow request


@pytest.mark.parametrize("agency", AGENCIES)
def test_a_given_up_linked_update_pages_per_agency(
    dev_alarms: dict[str, Any], agency: Agency
) -> None:
    alarm = dev_alarms[f"Business-LinkedUpdatesFailed-{agency.value}-Critical"]
    assert (alarm["metric"], alarm["namespace"], alarm["stat"]) == (
        Metric.LINKED_UPDATES_FAILED.value, "Onetrip/dev", "Sum",
    )  # fmt: skip
    # Exactly the dimensions Powertools emits (service) plus the agency.
    assert alarm["dimensions"] == {"service": "onetrip", "agency": agency.value}
    assert (alarm["operator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)


def test_an_outbox_item_older_than_six_minutes_pages(dev_alarms: dict[str, Any]) -> None:
    alarm = dev_alarms["Business-OutboxOldestItemAge-Critical"]
    assert (alarm["metric"], alarm["namespace"], alarm["stat"]) == (
        "OutboxOldestItemAge", "Onetrip/dev", "Maximum",
    )  # fmt: skip
    assert alarm["dimensions"] == {"service": "onetrip"}
    assert (alarm["operator"], alarm["threshold"]) == ("GreaterThanThreshold", 360)


def test_the_functions_emit_metrics_into_their_stage_namespace(
    synth: Synth, prod_synth: Synth
) -> None:
    for stage, namespace in [(synth, "Onetrip/dev"), (prod_synth, "Onetrip/prod")]:
        for lid, function in stage.of_type("AWS::Lambda::Function").items():
            env = function["Properties"]["Environment"]["Variables"]
            assert env["POWERTOOLS_METRICS_NAMESPACE"] == namespace, lid
            assert env["POWERTOOLS_SERVICE_NAME"] == "onetrip", lid


def dashboard_text(synth: Synth) -> tuple[str, str]:
    (dashboard,) = synth.of_type("AWS::CloudWatch::Dashboard").values()
    parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    body = "".join(p if isinstance(p, str) else json.dumps(p) for p in parts)
    return dashboard["Properties"]["DashboardName"], body


def test_one_dashboard_per_stage_shows_every_capability_and_business_metric(
    synth: Synth, prod_synth: Synth
) -> None:
    name, body = dashboard_text(synth)
    assert name == "Onetrip-dev"
    assert dashboard_text(prod_synth)[0] == "Onetrip-prod"
    for header in ("HTTP API", "Identity chain change", "Linked updates", "Petition handling",
                   "Tables", "Business metrics"):  # fmt: skip
        assert header in body
    for function in FUNCTIONS:
        assert f'{{"Ref": "{function}"}}' in body, function
    for queue, dead_letters in QUEUES.values():
        assert queue in body and dead_letters in body, queue
    for table in TABLES:
        assert f'{{"Ref": "{table}"}}' in body, table
    # The webhook connectors' metrics appear where a stage has webhook agencies
    # (tests/infrastructure/test_agency_connectors.py); dev and prod have none.
    for metric in set(Metric) - WEBHOOK_METRICS:
        assert f'"{metric.value}"' in body, metric
    assert "ExecutionsFailed" in body and "5xx" in body and "Latency" in body


WEBHOOK_METRICS = {
    Metric.AGENCY_NOTIFICATIONS_SENT,
    Metric.AGENCY_ACKNOWLEDGEMENTS,
    Metric.ACKNOWLEDGEMENTS_OVERDUE,
}


def log_groups(synth: Synth) -> dict[str, dict[str, Any]]:
    return synth.of_type("AWS::Logs::LogGroup")


@pytest.mark.parametrize("which", ["synth", "prod_synth"])
def test_every_log_group_is_kept_six_months(which: str, request: pytest.FixtureRequest) -> None:
    stage: Synth = request.getfixturevalue(which)
    groups = log_groups(stage)
    for lid, group in groups.items():
        assert group["Properties"]["RetentionInDays"] >= SIX_MONTHS_DAYS, lid
    # …and every function, the state machine and the API write to one of them.
    for lid, function in stage.of_type("AWS::Lambda::Function").items():
        assert function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] in groups, lid
    (machine,) = stage.of_type("AWS::StepFunctions::StateMachine").values()
    (destination,) = machine["Properties"]["LoggingConfiguration"]["Destinations"]
    assert destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0] in groups
    (api_stage,) = stage.of_type("AWS::ApiGatewayV2::Stage").values()
    access = api_stage["Properties"]["AccessLogSettings"]["DestinationArn"]
    assert access["Fn::GetAtt"][0] in groups


def test_api_access_logs_carry_request_facts_only(synth: Synth) -> None:
    (api_stage,) = synth.of_type("AWS::ApiGatewayV2::Stage").values()
    line = json.loads(api_stage["Properties"]["AccessLogSettings"]["Format"])

    assert line == {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "routeKey": "$context.routeKey",  # the route template: /persons/{personId}, no ids
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
    }
    # Nothing that can carry a body, a claim (idNumber) or a concrete path with ids.
    for forbidden in ("body", "claims", "$context.path", "rawPath", "querystring", "principal"):
        assert all(forbidden not in value for value in line.values()), forbidden


RETAINED_TYPES = (
    "AWS::DynamoDB::Table",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
)


def test_prod_retains_its_data_and_protects_its_tables(prod_synth: Synth) -> None:
    for resource_type in RETAINED_TYPES:
        for lid, resource in prod_synth.of_type(resource_type).items():
            assert resource["DeletionPolicy"] == "Retain", lid
            assert resource["UpdateReplacePolicy"] == "Retain", lid
    tables = prod_synth.of_type("AWS::DynamoDB::Table")
    # registry, applications, agency records, outbox, petitions, tasks; credentials, status
    # lists, issuer keys; catalogue; scoreboard; citizen notices; verifications
    assert len(tables) == 6 + 3 + 1 + 1 + 1 + 1
    for lid, table in tables.items():
        props = table["Properties"]
        assert props["DeletionProtectionEnabled"] is True, lid
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, (
            lid
        )


def test_dev_is_destroyed_cleanly(synth: Synth) -> None:
    for resource_type in (*RETAINED_TYPES, "AWS::Cognito::UserPool"):
        for lid, resource in synth.of_type(resource_type).items():
            assert resource["DeletionPolicy"] == "Delete", lid
    for lid, table in synth.of_type("AWS::DynamoDB::Table").items():
        assert table["Properties"]["DeletionProtectionEnabled"] is False, lid
        # PITR everywhere: dev rehearses the restore runbook too.
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }, lid
    # Nothing in dev outlives `cdk destroy`.
    assert [lid for lid, r in synth.resources.items() if r.get("DeletionPolicy") == "Retain"] == []


# -- dev vs prod, staging vs prod: only the intended differences -----------------------------

STAGE_WORDS = re.compile(
    r"Onetrip-(dev|staging|prod)|Onetrip/(dev|staging|prod)|onetrip (dev|staging|prod) "
)
REGIONS = re.compile(r"(us-east-1|cn-north-1|cn-northwest-1)")


def normalized(synth: Synth) -> dict[str, Any]:
    """Stage names and the region made neutral; alarms keyed by their stage-free name
    (their logical ids derive from the stage-prefixed name)."""
    text = json.dumps(synth.template, ensure_ascii=False)
    text = STAGE_WORDS.sub("<stage>", text)
    text = REGIONS.sub("<region>", text)
    template = json.loads(text)
    resources: dict[str, Any] = {}
    for lid, resource in template["Resources"].items():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            lid = resource["Properties"]["AlarmName"]
        resources[lid] = resource
    template["Resources"] = resources
    return dict(template)


def differences(a: Synth, b: Synth) -> set[tuple[str, str]]:
    """(resource type or section, property path) of everything that differs."""
    left, right = normalized(a), normalized(b)
    found: set[tuple[str, str]] = set()
    for section in set(left) | set(right):
        if section != "Resources":
            for path in _diff(left.get(section), right.get(section), ""):
                found.add((section, re.sub(r"/\d+", "", path)))
    for lid in set(left["Resources"]) | set(right["Resources"]):
        l_res, r_res = left["Resources"].get(lid), right["Resources"].get(lid)
        kind = (l_res or r_res)["Type"]
        if l_res is None or r_res is None:
            found.add((kind, "<only in one stage>"))
            continue
        for path in _diff(l_res, r_res, ""):
            found.add((kind, re.sub(r"/\d+", "", path).split("/Fn::")[0]))
    return found


def _diff(a: Any, b: Any, path: str) -> Iterator[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in set(a) | set(b):
            yield from _diff(a.get(key), b.get(key), f"{path}/{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{path}/{i}")
    elif a != b:
        yield path


# Why each difference is there: retention and deletion protection (prod keeps its data),
# identity provider (Cognito only where it exists; the government OIDC provider in China),
# alarm recipients, and what CDK generates from the stack name: the bus name (so two
# stages can share an account), the statement ids of the queue policies, CloudFront's origin
# ids, cache policy name and access-identity comment, and the credential chain's event source
# mapping id. The status-list bucket is retained in prod; CloudFront reads it with an origin
# access control in aws and with an origin access identity in China (no OAC there).
STACK_NAMED = {
    ("AWS::Events::EventBus", "/Properties/Name"),
    ("AWS::SQS::QueuePolicy", "/Properties/PolicyDocument/Statement/Sid"),
    ("AWS::CloudFront::CachePolicy", "/Properties/CachePolicyConfig/Name"),
    (
        "AWS::CloudFront::Distribution",
        "/Properties/DistributionConfig/CacheBehaviors/TargetOriginId",
    ),
    (
        "AWS::CloudFront::Distribution",
        "/Properties/DistributionConfig/DefaultCacheBehavior/TargetOriginId",
    ),
    ("AWS::CloudFront::Distribution", "/Properties/DistributionConfig/Origins/Id"),
    ("AWS::Lambda::EventSourceMapping", "<only in one stage>"),
}
DEV_VS_PROD = STACK_NAMED | {
    ("AWS::S3::Bucket", "/DeletionPolicy"),
    ("AWS::S3::Bucket", "/UpdateReplacePolicy"),
    ("AWS::CloudFront::OriginAccessControl", "<only in one stage>"),
    ("AWS::CloudFront::CloudFrontOriginAccessIdentity", "<only in one stage>"),
    (
        "AWS::CloudFront::Distribution",
        "/Properties/DistributionConfig/Origins/OriginAccessControlId",
    ),
    (
        "AWS::CloudFront::Distribution",
        "/Properties/DistributionConfig/Origins/S3OriginConfig/OriginAccessIdentity",
    ),
    ("AWS::S3::BucketPolicy", "/Properties/PolicyDocument/Statement/Condition"),
    ("AWS::S3::BucketPolicy", "/Properties/PolicyDocument/Statement/Principal/CanonicalUser"),
    ("AWS::S3::BucketPolicy", "/Properties/PolicyDocument/Statement/Principal/Service"),
    ("AWS::DynamoDB::Table", "/DeletionPolicy"),
    ("AWS::DynamoDB::Table", "/UpdateReplacePolicy"),
    ("AWS::DynamoDB::Table", "/Properties/DeletionProtectionEnabled"),
    ("AWS::Logs::LogGroup", "/DeletionPolicy"),
    ("AWS::Logs::LogGroup", "/UpdateReplacePolicy"),
    ("AWS::KMS::Key", "/DeletionPolicy"),
    ("AWS::KMS::Key", "/UpdateReplacePolicy"),
    ("AWS::SecretsManager::Secret", "/DeletionPolicy"),
    ("AWS::SecretsManager::Secret", "/UpdateReplacePolicy"),
    ("AWS::Cognito::UserPool", "<only in one stage>"),
    ("AWS::Cognito::UserPoolClient", "<only in one stage>"),
    ("AWS::Cognito::UserPoolGroup", "<only in one stage>"),
    ("AWS::ApiGatewayV2::Authorizer", "/Properties/JwtConfiguration/Issuer"),
    ("AWS::ApiGatewayV2::Authorizer", "/Properties/JwtConfiguration/Audience"),
    ("AWS::SNS::Subscription", "<only in one stage>"),
}
STAGING_VS_PROD = STACK_NAMED | {
    (
        "AWS::CloudFront::CloudFrontOriginAccessIdentity",
        "/Properties/CloudFrontOriginAccessIdentityConfig/Comment",
    ),
    ("AWS::ApiGatewayV2::Authorizer", "/Properties/JwtConfiguration/Issuer"),
    ("AWS::ApiGatewayV2::Authorizer", "/Properties/JwtConfiguration/Audience"),
}


def test_dev_and_prod_differ_only_where_intended(synth: Synth, prod_synth: Synth) -> None:
    assert differences(synth, prod_synth) == DEV_VS_PROD


@pytest.fixture(scope="module")
def staging_synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return _synth(tmp_path_factory.mktemp("synth-staging"), {**NO_BUNDLING, "stage": "staging"})


def test_staging_rehearses_prod_with_its_own_identity_provider(
    staging_synth: Synth, prod_synth: Synth
) -> None:
    assert differences(staging_synth, prod_synth) == STAGING_VS_PROD
    assert staging_synth.manifest()["artifacts"]["Onetrip-staging"]["environment"].endswith(
        "/cn-northwest-1"
    )
    for report in staging_synth.validation_report()["pluginReports"]:
        assert report["violations"] == [], report["pluginName"]
