"""Runtime settings, read once per cold start from the function's environment.

Every name here is set by the CDK constructs (and, locally, resolved from the synthesized
template by the local runtime). Logic modules never read the environment themselves.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    registry_table: str = Field(default="", alias="REGISTRY_TABLE")
    applications_table: str = Field(default="", alias="APPLICATIONS_TABLE")
    agency_records_table: str = Field(default="", alias="AGENCY_RECORDS_TABLE")
    outbox_table: str = Field(default="", alias="OUTBOX_TABLE")
    petitions_table: str = Field(default="", alias="PETITIONS_TABLE")
    tasks_table: str = Field(default="", alias="TASKS_TABLE")
    notices_table: str = Field(default="", alias="NOTICES_TABLE")
    scoreboard_table: str = Field(default="", alias="SCOREBOARD_TABLE")
    event_bus_name: str = Field(default="", alias="EVENT_BUS_NAME")
    id_hash_secret_arn: str = Field(default="", alias="ID_HASH_SECRET_ARN")
    state_machine_arn: str = Field(default="", alias="STATE_MACHINE_ARN")
    catalogue_table: str = Field(default="", alias="CATALOGUE_TABLE")
    catalogue_cursor_secret_arn: str = Field(default="", alias="CATALOGUE_CURSOR_SECRET_ARN")
    agency: str = Field(default="", alias="AGENCY")
    dead_letter_queue_arn: str = Field(default="", alias="DEAD_LETTER_QUEUE_ARN")
    max_receive_count: int = Field(default=5, alias="MAX_RECEIVE_COUNT")
    # How the agency of a linked-update consumer learns of changes: mirror | webhook.
    connector_mode: str = Field(default="mirror", alias="CONNECTOR_MODE")
    ack_deadline_seconds: int = Field(default=86400, alias="ACK_DEADLINE_SECONDS")
    # The webhook signer: {"<agency>": "<signing secret ARN or name>"} (JSON).
    webhook_secrets: str = Field(default="{}", alias="WEBHOOK_SECRETS")
    # {"<agency>": seconds}: how long after a rotation the previous secret also signs.
    webhook_rotation_grace: str = Field(default="{}", alias="WEBHOOK_ROTATION_GRACE")
    # Partner cities (跨市通办), JSON: onetrip.domain.partners; CITY is this stage's city.
    partners: str = Field(default="{}", alias="PARTNERS")
    city: str = Field(default="", alias="CITY")
    credentials_table: str = Field(default="", alias="CREDENTIALS_TABLE")
    status_lists_table: str = Field(default="", alias="STATUS_LISTS_TABLE")
    issuer_keys_table: str = Field(default="", alias="ISSUER_KEYS_TABLE")
    issuer_key_id: str = Field(default="", alias="ISSUER_KEY_ID")  # the stack's first key
    issuer_url: str = Field(default="", alias="ISSUER_URL")  # `iss`; serves status lists
    status_list_bucket: str = Field(default="", alias="STATUS_LIST_BUCKET")
    verifications_table: str = Field(default="", alias="VERIFICATIONS_TABLE")

    @field_validator("max_receive_count", "ack_deadline_seconds", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object, info: ValidationInfo) -> object:
        if value != "":  # "" = not set (see onetrip_local.harness)
            return value
        return cls.model_fields[info.field_name or ""].default

    @field_validator(
        "connector_mode", "webhook_secrets", "webhook_rotation_grace", "partners", mode="before"
    )
    @classmethod
    def _blank_text_is_unset(cls, value: object, info: ValidationInfo) -> object:
        return cls.model_fields[info.field_name or ""].default if value == "" else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.model_validate(dict(os.environ))
