"""The app as a whole: cdk-nag clean, China regions, the layer without Docker."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from aws_cdk.assertions import Template
from onetrip_infra.app import ConfigurationError, create_app
from onetrip_infra.constructs.layer import PipPlatformInstall

NAG_PACKS = ["AwsSolutions", "Serverless"]


def _nag_reports(synth) -> dict[str, dict]:
    return {r["pluginName"]: r for r in synth.validation_report()["pluginReports"]}


@pytest.mark.parametrize("synthesized", ["synth", "china_synth"])
def test_cdk_nag_packs_report_no_unacknowledged_findings(synthesized, request) -> None:
    reports = _nag_reports(request.getfixturevalue(synthesized))

    assert sorted(reports) == NAG_PACKS
    for report in reports.values():
        assert report["conclusion"] == "success"
        assert report["violations"] == []
        # Every accepted finding is deliberate: listed with its reason, not silently absent.
        for accepted in report.get("suppressedViolations", []):
            assert len(accepted["reason"]) > 40, accepted["ruleName"]


def test_the_acknowledged_findings_are_the_reviewed_ones(synth) -> None:
    accepted = {
        v["ruleName"].split("[")[0]  # IAM5[Resource::...] findings counted once
        for r in _nag_reports(synth).values()
        for v in r["suppressedViolations"]
    }
    assert accepted == {
        "AwsSolutions-APIG4",
        # The public endpoint (CloudFront) and the status-list bucket (docs/decisions.md,
        # "Status lists from S3 behind CloudFront"): geo, WAF, logging, TLS per deployment.
        "AwsSolutions-CFR1",
        "AwsSolutions-CFR2",
        "AwsSolutions-CFR3",
        "AwsSolutions-CFR4",
        "AwsSolutions-S1",
        "AwsSolutions-COG8",
        "AwsSolutions-IAM4",
        "AwsSolutions-IAM5",
        "AwsSolutions-L1",
        "AwsSolutions-SMG4",
        "Serverless-LambdaDLQ",
        "Serverless-LambdaEventSourceMappingDestination",
        "Serverless-LambdaLatestVersion",
        "Serverless-SQSRedrivePolicy",
    }


@pytest.mark.parametrize(
    ("synthesized", "region"), [("synth", "us-east-1"), ("china_synth", "cn-north-1")]
)
def test_cfn_lint_finds_no_errors_in_either_partition(synthesized, region, request) -> None:
    from cfnlint.api import lint

    template = json.dumps(request.getfixturevalue(synthesized).template)
    errors = [str(m) for m in lint(template, regions=[region]) if m.rule.id.startswith("E")]
    assert errors == []


def test_china_synth_uses_the_oidc_provider_and_no_cognito(china_synth) -> None:
    template = Template.from_json(china_synth.template)
    template.resource_count_is("AWS::Cognito::UserPool", 0)
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Authorizer",
        {
            "JwtConfiguration": {
                "Issuer": "https://idp.example.gov.cn/oidc",
                "Audience": ["onetrip"],
            }
        },
    )


def test_china_synth_targets_cn_north_1_with_partition_agnostic_arns(china_synth) -> None:
    stack = china_synth.manifest()["artifacts"]["Onetrip-prod"]
    text = json.dumps(china_synth.template)

    assert stack["environment"].endswith("/cn-north-1")
    # ARNs are built from AWS::Partition, which CloudFormation resolves to aws-cn there;
    # a literal "arn:aws:" would break in China.
    assert "arn:aws:" not in text
    assert '{"Ref": "AWS::Partition"}' in text
    assert "amazonaws.com/" not in text  # no Cognito issuer URL


def test_china_synth_without_an_identity_provider_fails_clearly() -> None:
    with pytest.raises(ConfigurationError, match="oidcIssuer"):
        create_app(context={"aws:cdk:bundling-stacks": [], "region": "cn-northwest-1"})


def test_layer_is_built_by_pip_for_lambda_arm64_without_docker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_pip(command: list[str], check: bool) -> None:
        calls.append(command)
        target = Path(command[command.index("--target") + 1])
        (target / "botocore").mkdir(parents=True)
        (target / "pydantic").mkdir()

    monkeypatch.setattr(subprocess, "run", fake_pip)

    assert PipPlatformInstall(Path("layers")).try_bundle(str(tmp_path), None) is True
    (command,) = calls
    assert command[command.index("--platform") + 1] == "manylinux2014_aarch64"
    assert command[command.index("--python-version") + 1] == "3.13"
    assert "--only-binary=:all:" in command
    assert command[command.index("--target") + 1] == str(tmp_path / "python")
    assert sorted(p.name for p in (tmp_path / "python").iterdir()) == ["pydantic"]


def test_layer_requirements_leave_boto_to_the_runtime() -> None:
    text = (Path(__file__).parents[2] / "layers" / "requirements.txt").read_text()
    names = [line.split(">")[0].split("=")[0] for line in text.splitlines() if line[:1].isalpha()]

    assert names == [
        "aws-lambda-powertools[tracer]",
        "pydantic",
        "python-stdnum",
        "pyjwt[crypto]",
        "cryptography",
        "pynamodb",
        "segno",
        "standardwebhooks",
    ]


# CloudFormation refuses a stack of more than 500 resources. Measured: the default app
# 403 (440 before one invoke permission per API function instead of per route), with
# water and gas as webhook agencies 445 (482): the signer and the sweep add 22, each
# webhook agency 10 (water alone: 435), so all seven agencies as webhooks would be 495.
DEFAULT_APP_RESOURCES = 403
WEBHOOK_APP_RESOURCES = 445  # tests/webhooks.WEBHOOK_CONTEXT


def test_the_stack_stays_under_cloudformations_500_resources(synth) -> None:
    from onetrip_local.template import load_template

    from tests.webhooks import WEBHOOK_CONTEXT

    # Exact: a change that adds resources says how many, here.
    assert len(synth.resources) == DEFAULT_APP_RESOURCES
    assert len(load_template(WEBHOOK_CONTEXT)["Resources"]) == WEBHOOK_APP_RESOURCES
    assert WEBHOOK_APP_RESOURCES + 5 * 10 <= 500  # room for the other five as webhooks
