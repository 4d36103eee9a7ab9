"""DynamoDB tables, their encryption key and the ID-number hashing secret."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import RemovalPolicy, Stack, aws_dynamodb, aws_kms, aws_secretsmanager
from constructs import Construct

from onetrip_infra.config import acknowledge, pin_logical_id


@dataclass(frozen=True)
class Gsi:
    """A global secondary index on string keys, all attributes projected."""

    name: str
    partition_key: str
    sort_key: str | None = None


_STRING = aws_dynamodb.AttributeType.STRING


class DataStores(Construct):
    """Registry, Applications, AgencyRecords and Outbox, all encrypted with one
    customer-managed key; other capabilities add their tables with `add_table`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        # RETAIN (prod, staging): tables keep deletion protection and outlive the stack;
        # DESTROY (dev): `cdk destroy` leaves nothing behind.
        self.removal_policy = removal_policy
        self.tables: dict[str, aws_dynamodb.Table] = {}
        # A CMK (not the AWS-owned key) so access to personal data is auditable and
        # revocable through the key policy (PIPL).
        self.key = aws_kms.Key(
            self,
            "DataKey",
            enable_key_rotation=True,
            description="onetrip: personal data at rest (tables, secret)",
            removal_policy=removal_policy,
        )
        pin_logical_id(self.key, "DataKey")
        for action in ("GenerateDataKey*", "ReEncrypt*"):
            # Grants land on function roles anywhere in the stack, hence the stack scope.
            acknowledge(
                Stack.of(self),
                f"IAM5[Action::kms:{action}]",
                f"kms:{action} comes from CDK grants on the tables and the secret; the "
                "statement's resource is the single customer-managed DataKey, not '*'.",
            )

        self.registry = self.add_table("Registry")
        self.applications = self.add_table(
            "Applications",
            gsis=[Gsi("byPerson", "gsi1pk", "gsi1sk"), Gsi("applying", "gsi2pk", "gsi2sk")],
        )
        self.agency_records = self.add_table("AgencyRecords")
        self.outbox = self.add_table("Outbox")

        # HMAC key for ID-number index keys: the number itself is never a key (PII).
        self.id_hash_secret = aws_secretsmanager.Secret(
            self,
            "IdHashKey",
            description="onetrip: HMAC key for ID-number index keys",
            encryption_key=self.key,
            generate_secret_string=aws_secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=removal_policy,
        )
        pin_logical_id(self.id_hash_secret, "IdHashKey")
        acknowledge(
            self.id_hash_secret,
            "SMG4",
            "The HMAC key derives the stored ID-number index keys; rotating it would orphan "
            "every index entry, so it is rotated only by a planned re-keying migration.",
        )

    def add_table(
        self, logical_id: str, *, gsis: Sequence[Gsi] = (), time_to_live: str | None = None
    ) -> aws_dynamodb.Table:
        """A pk/sk table with the house rules: on demand, PITR, the CMK, the stage's removal
        policy; `time_to_live` names the attribute DynamoDB deletes expired items by."""
        table = aws_dynamodb.Table(
            self,
            logical_id,
            partition_key=aws_dynamodb.Attribute(name="pk", type=_STRING),
            sort_key=aws_dynamodb.Attribute(name="sk", type=_STRING),
            billing_mode=aws_dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=aws_dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=aws_dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            deletion_protection=self.removal_policy == RemovalPolicy.RETAIN,
            removal_policy=self.removal_policy,
            time_to_live_attribute=time_to_live,
        )
        for gsi in gsis:
            table.add_global_secondary_index(
                index_name=gsi.name,
                partition_key=aws_dynamodb.Attribute(name=gsi.partition_key, type=_STRING),
                sort_key=(
                    aws_dynamodb.Attribute(name=gsi.sort_key, type=_STRING)
                    if gsi.sort_key
                    else None
                ),
                projection_type=aws_dynamodb.ProjectionType.ALL,
            )
        pin_logical_id(table, logical_id)
        acknowledge(
            Stack.of(self),
            f"IAM5[Resource::<{logical_id}.Arn>/index/*]",
            f"CDK table grants include the {logical_id} table's own indexes (queries by "
            "GSI); the wildcard covers only that table's indexes.",
        )
        self.tables[logical_id] = table
        return table
