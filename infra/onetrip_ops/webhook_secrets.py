"""Rotate a webhook agency's Standard Webhooks signing secret (docs/operations.md).

A new version is put as AWSCURRENT; Secrets Manager moves the old one to AWSPREVIOUS.
The signer signs with both for the connector's `rotationGraceHours` after the new
version's creation (dal.webhook_bus), so the agency can install the new secret at any
time in that window: whether it has the old one, the new one or both, it verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from onetrip.dal.webhook_bus import SECRET_CACHE_SECONDS, created_at
from onetrip.routing import Agency

from onetrip_ops.target import Target, TargetError

# The generator the stack's secret uses (constructs/agency_connectors.py): 48 letters and
# digits, which the Standard Webhooks library decodes as base64 to 36 random bytes.
SECRET_LENGTH = 48


@dataclass(frozen=True)
class Rotation:
    agency: str
    secret_name: str
    version_id: str
    secret: str  # what the agency installs (shown once, to the operator)
    rotated_at: datetime  # the new version's CreatedDate: the window starts here
    new_signs_by: datetime  # every warm signer has re-read the secret by then
    previous_signs_until: datetime  # after this only the new secret signs


def rotate(
    target: Target, agency: Agency, *, grace: timedelta, now: datetime, force: bool = False
) -> Rotation:
    """Put a new signing secret for `agency`. Refuses while the previous rotation's window
    is open (unless `force`): a second rotation would stop the oldest secret at once, and
    an agency that has installed nothing since would miss deliveries."""
    secret_id = target.secret_arn(f"{_pascal(agency)}WebhookSecret")
    secrets = target.client("secretsmanager")
    try:
        described = secrets.describe_secret(SecretId=secret_id)
    except secrets.exceptions.ResourceNotFoundException as error:
        raise TargetError(f"no signing secret {secret_id}") from error
    stages = [s for listed in described.get("VersionIdsToStages", {}).values() for s in listed]
    if "AWSPREVIOUS" in stages and not force:
        # CreatedDate of the version itself (GetSecretValue; not ListSecretVersionIds,
        # whose dates moto reports as "now").
        current = secrets.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")
        window_ends = created_at(current["CreatedDate"]) + grace
        if now < window_ends:
            raise TargetError(
                f"{agency.value}'s previous rotation signs with both secrets until "
                f"{window_ends.isoformat()}; rotate after that (or --force: the secret "
                "before the current one then stops signing at once)"
            )
    value = secrets.get_random_password(
        PasswordLength=SECRET_LENGTH, ExcludePunctuation=True, IncludeSpace=False
    )["RandomPassword"]
    put = secrets.put_secret_value(SecretId=secret_id, SecretString=value)
    created = created_at(
        secrets.get_secret_value(SecretId=secret_id, VersionId=put["VersionId"])["CreatedDate"]
    )
    return Rotation(
        agency=agency.value,
        secret_name=str(described["Name"]),
        version_id=str(put["VersionId"]),
        secret=str(value),
        rotated_at=created,
        new_signs_by=created + timedelta(seconds=SECRET_CACHE_SECONDS),
        previous_signs_until=created + grace,
    )


def _pascal(agency: Agency) -> str:
    """As the stack names it (constructs.linked_updates.pascal, without importing CDK)."""
    return "".join(part.capitalize() for part in agency.value.split("_"))
