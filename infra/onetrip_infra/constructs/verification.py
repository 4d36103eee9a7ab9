"""Verification at venues (无证明城市): the Verifications table (venues, requests) and the
`VerificationsApi` function, which verifies presentations with the issuer's published keys
and status lists and writes each verdict together with the citizen's activity entry (in
the Credentials table, beside the credentials it is about)."""

from __future__ import annotations

from aws_cdk import aws_iam
from constructs import Construct
from onetrip.dal.models.verifications import StoredVerification
from onetrip.dal.status_objects import PREFIX

from onetrip_infra.config import FunctionDefaults, acknowledge
from onetrip_infra.constructs.api import Api
from onetrip_infra.constructs.credentials import Credentials
from onetrip_infra.constructs.data import DataStores

VERIFICATION_ROUTES = [
    ("POST", "/venues"),
    ("GET", "/venues/{venueId}"),
    ("POST", "/verifications"),
    ("GET", "/verifications/{verificationId}"),
    ("GET", "/verifications/{verificationId}/qr.svg"),
    ("GET", "/verifications/{verificationId}/request"),
    ("POST", "/verifications/{verificationId}/presentation"),
]
# The desk page asks for the venue's token itself; the page holds no data.
VERIFICATION_PUBLIC_ROUTES = [("GET", "/venue")]


class Verification(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        api: Api,
        credentials: Credentials,
    ) -> None:
        super().__init__(scope, construct_id)
        # Requests carry the disclosed values for the venue: TTL deletes them a day later.
        self.table = data.add_table(
            "Verifications", time_to_live=StoredVerification.expire_at.attr_name
        )
        self.function = defaults.function(
            self,
            "VerificationsApi",
            handler="onetrip.handlers.verification.handler",
            environment={
                "VERIFICATIONS_TABLE": self.table.table_name,
                "CREDENTIALS_TABLE": credentials.credentials.table_name,
                "REGISTRY_TABLE": data.registry.table_name,
                "ID_HASH_SECRET_ARN": data.id_hash_secret.secret_arn,
                "ISSUER_KEYS_TABLE": credentials.issuer_keys.table_name,
                "STATUS_LIST_BUCKET": credentials.bucket.bucket_name,
                "ISSUER_URL": credentials.issuer_url,
            },
            description="Venues, verification requests, presentations, the desk page",
        )
        self.table.grant_read_write_data(self.function)
        credentials.credentials.grant_write_data(self.function)  # activity entries only
        data.registry.grant_read_data(self.function)  # the citizen's personId
        data.id_hash_secret.grant_read(self.function)
        credentials.issuer_keys.grant_read_data(self.function)  # the published keys
        self.function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[credentials.bucket.arn_for_objects(f"{PREFIX}*")],
            )
        )
        acknowledge(
            self.function,
            f"IAM5[Resource::<StatusListBucket.Arn>/{PREFIX}*]",
            "Reads the published status lists (public by design): one object per shard, "
            "shards opened at run time, so the statement covers the status-lists/ prefix.",
        )
        api.add_routes(self.function, VERIFICATION_ROUTES)
        api.add_routes(
            self.function,
            VERIFICATION_PUBLIC_ROUTES,
            public=True,
            public_reason="the venue desk page: static HTML, it asks for the venue's token",
        )
