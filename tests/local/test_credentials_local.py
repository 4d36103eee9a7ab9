"""The local runtime provisions the issuer's resources for real in moto: the signing key
(symmetric keys stay ignored), the status-list bucket, and CloudFront's S3 behaviour."""

from __future__ import annotations

from typing import Any

from onetrip_local.provision import StaticRoute


def test_the_issuer_key_is_a_real_p256_signing_key_and_the_data_key_is_ignored(
    fresh_cloud: Any,
) -> None:
    key_arn = fresh_cloud.key_arn("IssuerKey")
    kms = fresh_cloud.boto("kms")
    metadata = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
    assert (metadata["KeySpec"], metadata["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    tags = kms.list_resource_tags(KeyId=key_arn)["Tags"]
    assert {"TagKey": "onetrip-purpose", "TagValue": "credential-issuer"} in tags
    signature = kms.sign(KeyId=key_arn, Message=b"x", MessageType="RAW",
                         SigningAlgorithm="ECDSA_SHA_256")["Signature"]  # fmt: skip
    assert signature[0] == 0x30  # DER ECDSA-Sig-Value, as AWS returns it
    assert fresh_cloud.topology.ignored["DataKey"] == "AWS::KMS::Key"
    for function in ("CredentialsApi", "CredentialChain", "StatusListSweep", "IssuerApi"):
        assert fresh_cloud.env_for(function)["ISSUER_KEY_ID"] == key_arn


def test_status_lists_are_served_from_the_bucket_like_cloudfront_does(fresh_cloud: Any) -> None:
    bucket = fresh_cloud.bucket("StatusListBucket")
    assert fresh_cloud.topology.static_routes == [
        StaticRoute("PublicEndpoint", "/status-lists/*", bucket)
    ]
    fresh_cloud.boto("s3").put_object(
        Bucket=bucket, Key="status-lists/7", Body=b"token",
        ContentType="application/statuslist+jwt", CacheControl="public, max-age=30",
    )  # fmt: skip
    served = fresh_cloud.api("GET", "/status-lists/7")
    assert (served.status, served.body) == (200, b"token")
    assert served.headers["content-type"] == "application/statuslist+jwt"
    assert served.headers["cache-control"] == "public, max-age=30"
    assert fresh_cloud.api("GET", "/status-lists/8").status == 403  # OAC: no ListBucket
    assert fresh_cloud.api("POST", "/status-lists/7", body={}).status == 403  # GET/HEAD only
    assert fresh_cloud.api("GET", "/health").status == 200  # the rest goes to the API
