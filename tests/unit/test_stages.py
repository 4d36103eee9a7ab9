"""Stage configuration: defaults, overrides, and the deploy pre-flight check."""

from __future__ import annotations

import pytest
from aws_cdk import RemovalPolicy
from onetrip_infra.stages import STAGES, ConfigurationError, OidcProvider, main, stage_from_context


def test_no_stage_means_dev_where_cognito_exists() -> None:
    stage = stage_from_context({})

    assert (stage.name, stage.stack_name, stage.region) == ("dev", "Onetrip-dev", "us-east-1")
    assert stage.oidc is None  # a Cognito pool is created
    assert stage.removal_policy == RemovalPolicy.DESTROY


def test_staging_and_prod_keep_personal_data_in_china_and_retain_it() -> None:
    for name, region in [("staging", "cn-northwest-1"), ("prod", "cn-north-1")]:
        stage = stage_from_context({"stage": name})
        assert stage.region == region
        assert stage.oidc is not None
        assert stage.removal_policy == RemovalPolicy.RETAIN
        assert stage.metrics_namespace == f"Onetrip/{name}"


def test_context_overrides_one_synth() -> None:
    stage = stage_from_context(
        {
            "stage": "prod",
            "account": "123456789012",
            "oidcIssuer": "https://idp.zj.gov.cn/oidc",
            "oidcAudience": "onetrip-nb",
            "alarmEmails": "a@gaj.ningbo.gov.cn, b@gaj.ningbo.gov.cn",
        }
    )

    assert stage.account == "123456789012"
    assert stage.oidc == OidcProvider("https://idp.zj.gov.cn/oidc", "onetrip-nb")
    assert stage.alarm_emails == ("a@gaj.ningbo.gov.cn", "b@gaj.ningbo.gov.cn")
    assert stage.problems() == []


@pytest.mark.parametrize(
    "context,message",
    [
        ({"stage": "qa"}, "Unknown stage 'qa'"),
        ({"stage": "dev", "oidcIssuer": "https://idp"}, "both oidcIssuer and oidcAudience"),
        ({"stage": "dev", "region": "cn-northwest-1"}, "has no Amazon Cognito"),
    ],
)
def test_bad_context_fails_with_a_reason(context: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        stage_from_context(context)


def test_deploy_preflight_refuses_example_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "prod"]) == 1
    errors = capsys.readouterr().err
    assert "oidcIssuer is the example value https://idp.example.gov.cn/oidc" in errors
    assert "onetrip-oncall@example.gov.cn is an example address" in errors

    ready = ["-c", "oidcIssuer=https://idp.zj.gov.cn/oidc", "-c", "oidcAudience=onetrip",
             "-c", "alarmEmails=oncall@gaj.ningbo.gov.cn"]  # fmt: skip
    assert main(["check", "prod", *ready]) == 0
    assert "Onetrip-prod in cn-north-1, ready to deploy" in capsys.readouterr().out


def test_a_retained_stage_without_alarm_recipients_is_not_ready() -> None:
    stage = stage_from_context({"stage": "staging", "alarmEmails": ""})
    assert "no alarm recipients (alarmEmails)" in stage.problems()
    assert STAGES["dev"].problems() == []  # dev pages nobody, by design
