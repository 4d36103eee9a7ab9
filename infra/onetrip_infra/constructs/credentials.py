"""No-certificate city (无证明城市): issuer key, credential tables, published status lists,
the wallet and issuer functions, and the re-issue subscriber of IdentityChanged.

Status lists and the rest of the API share one public host: a CloudFront distribution
whose default behaviour forwards to the HTTP API and whose `/status-lists/*` behaviour
serves the signed lists straight from S3 (docs/decisions.md, "Status lists from S3").
"""

from __future__ import annotations

from aws_cdk import (
    Duration,
    Stack,
    Tags,
    aws_cloudfront,
    aws_cloudfront_origins,
    aws_iam,
    aws_kms,
    aws_lambda,
    aws_s3,
)
from constructs import Construct
from onetrip.dal.status_objects import PREFIX
from onetrip.domain.credential import (
    ISSUER_KEY_SPEC,
    ISSUER_KEY_TAG,
    ISSUER_KEY_USAGE,
    STATUS_LIST_TTL_SECONDS,
)
from onetrip.events import IdentityChanged
from onetrip.routing import IdentityField

from onetrip_infra import config
from onetrip_infra.config import FunctionDefaults, acknowledge, pin_logical_id
from onetrip_infra.constructs.api import Api
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus
from onetrip_infra.constructs.schedules import invoke_on_schedule

CREDENTIALS_ROUTES = [
    ("GET", "/credential-types"),
    ("POST", "/credentials"),
    ("GET", "/credentials"),
    ("GET", "/credentials/{credentialId}"),
    ("POST", "/credentials/{credentialId}/revocation"),
    ("GET", "/credentials/activity"),
    ("POST", "/proof-requests"),
]
ISSUER_ROUTES = [("POST", "/issuer-keys/rotation")]
# No token (EUDI ARF VCR_16): verifiers fetch the issuer's keys; no personal data in it.
ISSUER_PUBLIC_ROUTES = [("GET", "/.well-known/jwt-vc-issuer")]
# Catches a publish a crash missed and re-signs tokens before they expire.
STATUS_SWEEP_RATE = "rate(1 minute)"


# Every IdentityChanged: each of the six fields is carried by some credential type.
CHANGED_FIELDS = {"changedFields": [f.value for f in IdentityField]}


class Credentials(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
        api: Api,
    ) -> None:
        super().__init__(scope, construct_id)
        self.credentials = data.add_table("Credentials")
        self.status_lists = data.add_table("StatusLists")
        self.issuer_keys = data.add_table("IssuerKeys")

        # The signing key never leaves KMS (JWS ES256 = KMS Sign ECDSA_SHA_256).
        self.issuer_key = aws_kms.Key(
            self,
            "IssuerKey",
            key_spec=aws_kms.KeySpec(ISSUER_KEY_SPEC),
            key_usage=aws_kms.KeyUsage(ISSUER_KEY_USAGE),
            description="onetrip: credential issuer signing key (SD-JWT VC, status lists)",
            removal_policy=defaults.removal_policy,
        )
        pin_logical_id(self.issuer_key, "IssuerKey")
        Tags.of(self.issuer_key).add(*ISSUER_KEY_TAG)

        self.bucket = aws_s3.Bucket(
            self,
            "StatusListBucket",
            block_public_access=aws_s3.BlockPublicAccess.BLOCK_ALL,
            encryption=aws_s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            removal_policy=defaults.removal_policy,
        )
        pin_logical_id(self.bucket, "StatusListBucket")
        acknowledge(
            self.bucket,
            "S1",
            "Holds only signed status lists (public by design, no personal data); reads "
            "are logged at CloudFront, writes by the issuer functions in CloudTrail.",
        )

        self.distribution = self._distribution(api)
        self.issuer_url = issuer_url = str(
            self.node.try_get_context("issuerUrl")
            or f"https://{self.distribution.distribution_domain_name}"
        )

        common = {
            "REGISTRY_TABLE": data.registry.table_name,
            "CREDENTIALS_TABLE": self.credentials.table_name,
            "STATUS_LISTS_TABLE": self.status_lists.table_name,
            "ISSUER_KEYS_TABLE": self.issuer_keys.table_name,
            "ISSUER_KEY_ID": self.issuer_key.key_arn,
            "ISSUER_URL": issuer_url,
            "STATUS_LIST_BUCKET": self.bucket.bucket_name,
            "APPLICATIONS_TABLE": data.applications.table_name,
        }

        self.api_function = defaults.function(
            self,
            "CredentialsApi",
            handler="onetrip.handlers.credentials.handler",
            environment={**common, "ID_HASH_SECRET_ARN": data.id_hash_secret.secret_arn},
            description="Credential types, issuance, the wallet, revocation",
        )
        data.id_hash_secret.grant_read(self.api_function)
        api.add_routes(self.api_function, CREDENTIALS_ROUTES)

        self.issuer_function = defaults.function(
            self,
            "IssuerApi",
            handler="onetrip.handlers.issuer.handler",
            environment=common,
            description="Issuer metadata (JWKS) and key rotation",
        )
        api.add_routes(self.issuer_function, ISSUER_ROUTES)
        api.add_routes(
            self.issuer_function,
            ISSUER_PUBLIC_ROUTES,
            public=True,
            public_reason="issuer public keys, fetched by verifiers without a token (VCR_16)",
        )
        self._allow_key_creation(self.issuer_function)

        self.chain_function = defaults.function(
            self,
            "CredentialChain",
            handler="onetrip.handlers.credential_chain.handler",
            environment=common,
            description="Supersedes and re-issues credentials after an identity change",
        )
        data.applications.grant_write_data(self.chain_function)  # the timeline entry

        self.sweep_function = defaults.function(
            self,
            "StatusListSweep",
            handler="onetrip.handlers.status_list_sweep.handler",
            environment=common,
            description="Republishes status lists (missed publishes, token refresh)",
        )
        self.sweep_schedule = invoke_on_schedule(
            self, "StatusListSweepSchedule", self.sweep_function, STATUS_SWEEP_RATE,
            description="onetrip: status list sweep",
        )  # fmt: skip

        for function in (
            self.api_function,
            self.issuer_function,
            self.chain_function,
            self.sweep_function,
        ):
            data.registry.grant_read_data(function)
            for table in (self.credentials, self.status_lists, self.issuer_keys):
                table.grant_read_write_data(function)
        # The issuer API reads public keys only; the others sign and publish status lists.
        self._allow_key_use(self.issuer_function, "kms:GetPublicKey")
        for function in (self.api_function, self.chain_function, self.sweep_function):
            self._allow_key_use(function, "kms:Sign", "kms:GetPublicKey")
            self._allow_publishing(function)

        self._subscribe(defaults, bus)

    def _distribution(self, api: Api) -> aws_cloudfront.Distribution:
        stack = Stack.of(self)
        api_domain = f"{api.http_api.api_id}.execute-api.{stack.region}.{stack.url_suffix}"
        # Honour the object's Cache-Control (max-age = the token's ttl), never longer.
        status_cache = aws_cloudfront.CachePolicy(
            self,
            "StatusListCache",
            default_ttl=Duration.seconds(STATUS_LIST_TTL_SECONDS),
            max_ttl=Duration.seconds(STATUS_LIST_TTL_SECONDS),
            min_ttl=Duration.seconds(0),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        distribution = aws_cloudfront.Distribution(
            self,
            "PublicEndpoint",
            comment="onetrip: API and published status lists",
            default_behavior=aws_cloudfront.BehaviorOptions(
                origin=aws_cloudfront_origins.HttpOrigin(api_domain),
                allowed_methods=aws_cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=aws_cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=(
                    aws_cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER
                ),
                viewer_protocol_policy=aws_cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            ),
            additional_behaviors={
                f"/{PREFIX}*": aws_cloudfront.BehaviorOptions(
                    origin=self._bucket_origin(),
                    allowed_methods=aws_cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                    cache_policy=status_cache,
                    viewer_protocol_policy=aws_cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                )
            },
            minimum_protocol_version=aws_cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        )
        pin_logical_id(distribution, "PublicEndpoint")
        for rule, reason in (
            ("CFR1", "Status lists and the API serve the whole country's verifiers; "
                     "access is controlled per route by the JWT authorizer, not by geography."),
            ("CFR2", "WAF is attached per deployment (shared web ACL managed by the "
                     "bureau's security team), not created per stack."),
            ("CFR3", "Access logs go to the bureau's central logging account, configured "
                     "per deployment; the API keeps its own access log."),
            ("CFR4", "The default *.cloudfront.net certificate allows TLSv1 at the viewer; "
                     "a custom domain with TLS_V1_2_2021 is set per deployment (issuerUrl)."),
        ):  # fmt: skip
            acknowledge(distribution, rule, reason)
        return distribution

    def _bucket_origin(self) -> aws_cloudfront.IOrigin:
        """Origin access control; the China regions have only the older access identity."""
        if Stack.of(self).region.startswith("cn-"):
            acknowledge(
                self,
                "CFR7",
                "CloudFront in the China regions has no origin access control (CloudFormation "
                "lacks the type there); the origin access identity is its equivalent.",
            )
            return aws_cloudfront_origins.S3BucketOrigin.with_origin_access_identity(self.bucket)
        return aws_cloudfront_origins.S3BucketOrigin.with_origin_access_control(self.bucket)

    def _allow_key_use(self, function: aws_lambda.Function, *actions: str) -> None:
        """Only on issuer keys (the stack's and rotated ones), told apart from every
        other key by the purpose tag."""
        stack = Stack.of(self)
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=list(actions),
                resources=[stack.format_arn(service="kms", resource="key", resource_name="*")],
                conditions={
                    "StringEquals": {f"aws:ResourceTag/{ISSUER_KEY_TAG[0]}": ISSUER_KEY_TAG[1]}
                },
            )
        )
        acknowledge(
            function,
            f"IAM5[Resource::arn:<AWS::Partition>:kms:{stack.region}:<AWS::AccountId>:key/*]",
            "Rotation creates keys at run time, so their ARNs cannot be listed; the "
            "statement is limited to keys tagged as credential-issuer keys.",
        )

    def _allow_publishing(self, function: aws_lambda.Function) -> None:
        """PutObject under status-lists/ only (the objects CloudFront serves)."""
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[self.bucket.arn_for_objects(f"{PREFIX}*")]
            )
        )
        acknowledge(
            function,
            f"IAM5[Resource::<StatusListBucket.Arn>/{PREFIX}*]",
            "One object per status-list shard; shards are opened at run time, so the "
            "statement covers the status-lists/ prefix of this bucket only.",
        )

    def _allow_key_creation(self, function: aws_lambda.Function) -> None:
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=["kms:CreateKey", "kms:TagResource"],
                resources=["*"],
                conditions={
                    "StringEquals": {
                        f"aws:RequestTag/{ISSUER_KEY_TAG[0]}": ISSUER_KEY_TAG[1],
                        "kms:KeySpec": ISSUER_KEY_SPEC,
                        "kms:KeyUsage": ISSUER_KEY_USAGE,
                    }
                },
            )
        )
        acknowledge(
            function,
            "IAM5[Resource::*]",
            "kms:CreateKey has no resource ARN before the key exists; the statement only "
            "allows ECC_NIST_P256 SIGN_VERIFY keys carrying the issuer purpose tag.",
        )

    def _subscribe(self, defaults: FunctionDefaults, bus: EventBus) -> None:
        """IdentityChanged → queue (+DLQ) → CredentialChain, like the agencies (the DLQ
        alarm is the Monitoring construct's, as for every queue)."""
        self.dead_letters = config.dead_letter_queue(self, "CredentialChainDeadLetters")
        self.queue = config.consumer_queue(self, "CredentialChainQueue", self.dead_letters)
        self.rule = bus.route(
            self, "CredentialChainChanges", [IdentityChanged], self.queue, self.dead_letters,
            "IdentityChanged: supersede and re-issue credentials",
            detail=CHANGED_FIELDS,
        )  # fmt: skip
        self.chain_function.add_event_source(config.queue_batches(self.queue))
