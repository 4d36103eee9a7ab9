"""cdk-nag (AwsSolutionsChecks) findings accepted for the whole stack, with reasons.

Findings that belong to one construct are acknowledged where it is built (config.py for
every function, data.py, api.py, identity.py); here only what CDK grants produce across
constructs. Call it last in the stack so tables added by later capabilities are covered.
"""

from __future__ import annotations

from aws_cdk import Stack

from onetrip_infra.config import acknowledge
from onetrip_infra.constructs.data import DataStores


def acknowledge_stack_findings(stack: Stack, data: DataStores) -> None:
    for action in ("GenerateDataKey*", "ReEncrypt*"):
        acknowledge(
            stack,
            f"IAM5[Action::kms:{action}]",
            f"kms:{action} comes from CDK grants on the tables and the secret; the statement's "
            "resource is the single customer-managed DataKey, not '*'.",
        )
    for logical_id in data.tables:
        acknowledge(
            stack,
            f"IAM5[Resource::<{logical_id}.Arn>/index/*]",
            f"CDK table grants include the {logical_id} table's own indexes (queries by GSI); "
            "the wildcard covers only that table's indexes.",
        )
