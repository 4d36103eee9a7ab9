"""The app as a whole: cdk-nag clean, China regions, the layer without Docker."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from aws_cdk.assertions import Template
from onetrip_infra.app import ConfigurationError, create_app
from onetrip_infra.constructs.layer import PipPlatformInstall


def test_cdk_nag_reports_no_unacknowledged_findings(synth) -> None:
    (report,) = synth.validation_report()["pluginReports"]

    assert report["pluginName"] == "AwsSolutions"
    assert report["conclusion"] == "success"
    assert report["violations"] == []
    # Every accepted finding is deliberate: it is listed, not silently absent.
    assert {v["ruleName"] for v in report.get("suppressedViolations", [])} >= {
        "AwsSolutions-APIG4",
        "AwsSolutions-L1",
    }


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
    (report,) = china_synth.validation_report()["pluginReports"]
    assert report["violations"] == []


def test_china_synth_targets_cn_north_1_with_partition_agnostic_arns(china_synth) -> None:
    stack = china_synth.manifest()["artifacts"]["Onetrip"]
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
    ]
