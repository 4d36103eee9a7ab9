"""No-certificate city in the template: issuer key, status-list bucket behind CloudFront,
the re-issue subscriber (rule, queue, DLQ, alarm) and least-privilege grants."""

from __future__ import annotations

from typing import Any

import pytest

CREDENTIAL_FUNCTIONS = ("CredentialsApi", "IssuerApi", "CredentialChain", "StatusListSweep")


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def _statements_with(synth, function_id: str, action: str) -> list[dict[str, Any]]:
    return [s for s in synth.statements_of(function_id) if action in _actions(s)]


def test_the_issuer_key_is_an_asymmetric_p256_signing_key(synth) -> None:
    key = synth.props("IssuerKey")
    assert (key["KeySpec"], key["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    assert {"Key": "onetrip-purpose", "Value": "credential-issuer"} in key["Tags"]
    # The data key stays symmetric (encryption at rest)
    assert "KeySpec" not in synth.props("DataKey")


def test_the_chain_rule_takes_every_identity_change_to_its_queue(synth) -> None:
    rule = synth.props("CredentialChainChanges")
    assert rule["EventBusName"] == {"Ref": "OnetripBus"}
    assert rule["EventPattern"] == {
        "source": ["onetrip.identity"],
        "detail-type": ["IdentityChanged"],
        "detail": {"changedFields": ["surname", "givenName", "gender", "birthDate",
                                     "ethnicity", "idNumber"]},
    }  # fmt: skip
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["CredentialChainQueue", "Arn"]}


def test_the_chain_queue_has_a_dlq_an_alarm_and_one_consumer(synth) -> None:
    queue = synth.props("CredentialChainQueue")
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["CredentialChainDeadLetters", "Arn"]},
        "maxReceiveCount": 5,
    }
    assert queue["VisibilityTimeout"] == 180
    assert synth.props("CredentialChainDeadLetters")["MessageRetentionPeriod"] == 14 * 86400
    # The DLQ alarm comes from the Monitoring construct, as for every queue
    alarms = [
        a["Properties"]
        for a in synth.of_type("AWS::CloudWatch::Alarm").values()
        if a["Properties"]["AlarmName"].endswith(
            "CredentialChain-DLQ-Queue-Message-Count-Max-Critical"
        )
    ]
    assert len(alarms) == 1
    assert (alarms[0]["Threshold"], alarms[0]["ComparisonOperator"]) == (
        0, "GreaterThanThreshold",
    )  # fmt: skip
    assert synth.props("CredentialChainChanges")["Targets"][0]["DeadLetterConfig"] == {
        "Arn": {"Fn::GetAtt": ["CredentialChainDeadLetters", "Arn"]}
    }
    mappings = [
        m["Properties"]
        for m in synth.of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": "CredentialChain"}
    ]
    assert len(mappings) == 1
    assert mappings[0]["EventSourceArn"] == {"Fn::GetAtt": ["CredentialChainQueue", "Arn"]}
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_status_lists_are_served_from_s3_by_cloudfront_without_a_function(synth) -> None:
    bucket = synth.props("StatusListBucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }  # fmt: skip
    config = synth.props("PublicEndpoint")["DistributionConfig"]
    (behaviour,) = config["CacheBehaviors"]
    assert behaviour["PathPattern"] == "/status-lists/*"
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]
    origins = {o["Id"]: o for o in config["Origins"]}
    s3_origin = origins[behaviour["TargetOriginId"]]
    assert s3_origin["DomainName"] == {"Fn::GetAtt": ["StatusListBucket", "RegionalDomainName"]}
    assert "OriginAccessControlId" in s3_origin
    default_origin = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert "execute-api" in str(default_origin["DomainName"])
    cache = next(iter(synth.of_type("AWS::CloudFront::CachePolicy").values()))
    assert cache["Properties"]["CachePolicyConfig"]["MaxTTL"] == 30
    routes = {r["Properties"]["RouteKey"] for r in synth.of_type("AWS::ApiGatewayV2::Route")
              .values()}  # fmt: skip
    assert not any("status-lists" in route for route in routes)


def test_only_issuer_metadata_is_public_among_the_credential_routes(synth) -> None:
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"].get("AuthorizationType", "NONE")
        for r in synth.of_type("AWS::ApiGatewayV2::Route").values()
    }
    assert routes["GET /.well-known/jwt-vc-issuer"] == "NONE"
    for key in ("GET /credential-types", "POST /credentials", "GET /credentials",
                "GET /credentials/{credentialId}", "POST /credentials/{credentialId}/revocation",
                "POST /issuer-keys/rotation"):  # fmt: skip
        assert routes[key] == "JWT", key


@pytest.mark.parametrize("function_id", CREDENTIAL_FUNCTIONS)
def test_kms_use_is_limited_to_tagged_issuer_keys(synth, function_id: str) -> None:
    for statement in _statements_with(synth, function_id, "kms:GetPublicKey"):
        assert statement["Condition"] == {
            "StringEquals": {"aws:ResourceTag/onetrip-purpose": "credential-issuer"}
        }
    signs = _statements_with(synth, function_id, "kms:Sign")
    assert bool(signs) == (function_id != "IssuerApi")
    creates = _statements_with(synth, function_id, "kms:CreateKey")
    if function_id == "IssuerApi":
        (create,) = creates
        assert create["Condition"]["StringEquals"] == {
            "aws:RequestTag/onetrip-purpose": "credential-issuer",
            "kms:KeySpec": "ECC_NIST_P256",
            "kms:KeyUsage": "SIGN_VERIFY",
        }
    else:
        assert creates == []


@pytest.mark.parametrize("function_id", CREDENTIAL_FUNCTIONS)
def test_only_the_publishers_write_status_lists_and_only_there(synth, function_id: str) -> None:
    puts = _statements_with(synth, function_id, "s3:PutObject")
    if function_id == "IssuerApi":
        assert puts == []
        return
    (put,) = puts
    assert _actions(put) == {"s3:PutObject"}
    assert put["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": ["StatusListBucket", "Arn"]}, "/status-lists/*"]]
    }
    assert not any("s3:GetObject" in _actions(s) for s in synth.statements_of(function_id))


def test_only_the_chain_writes_the_applications_timeline(synth) -> None:
    for function_id in CREDENTIAL_FUNCTIONS:
        writes = [
            s
            for s in synth.statements_of(function_id)
            if "dynamodb:PutItem" in _actions(s)
            and {"Fn::GetAtt": ["Applications", "Arn"]} in (
                s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
            )
        ]  # fmt: skip
        assert bool(writes) == (function_id == "CredentialChain"), function_id
