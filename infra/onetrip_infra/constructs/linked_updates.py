"""Linked updates (连锁变更): per agency a queue, its DLQ, two rules and a consumer.

The agencies and their fields come from `onetrip.routing.HELD_FIELDS`, the same table
the code uses, so CDK never retypes the routing.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import (
    aws_events,
    aws_events_targets,
    aws_lambda,
)
from constructs import Construct
from onetrip.events import IdentityChanged, LinkedUpdateRetryRequested
from onetrip.routing import HELD_FIELDS, Agency, IdentityField

from onetrip_infra import config
from onetrip_infra.config import FunctionDefaults, pin_logical_id
from onetrip_infra.connectors import Connector
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus


def pascal(agency: Agency) -> str:
    """`driving_licence` -> `DrivingLicence`: the agency's part of logical ids."""
    return "".join(part.capitalize() for part in agency.value.split("_"))


def changes_pattern(fields: tuple[IdentityField, ...]) -> aws_events.EventPattern:
    """IdentityChanged events that touch at least one field the agency holds."""
    return aws_events.EventPattern(
        source=[IdentityChanged.source],
        detail_type=[IdentityChanged.detail_type],
        detail={"changedFields": [field.value for field in fields]},
    )


def retries_pattern(agency: Agency) -> aws_events.EventPattern:
    """Retries ops asked for this agency."""
    return aws_events.EventPattern(
        source=[LinkedUpdateRetryRequested.source],
        detail_type=[LinkedUpdateRetryRequested.detail_type],
        detail={"agency": [agency.value]},
    )


class AgencyLink(Construct):
    """One agency: queue + DLQ, its two rules, its consumer (alarms: Monitoring)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        agency: Agency,
        fields: tuple[IdentityField, ...],
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
        connector: Connector,
    ) -> None:
        super().__init__(scope, construct_id)
        name = pascal(agency)
        self.agency = agency
        self.connector = connector

        self.dead_letters = config.dead_letter_queue(self, f"{name}DeadLetters")
        # SQS-managed SSE: messages carry ids only (no personal data), and EventBridge can
        # deliver to it without a key policy.
        self.queue = config.consumer_queue(self, f"{name}Queue", self.dead_letters)

        # An event the bus cannot deliver lands in the same DLQ, where the consumer marks
        # the linked update failed and ops can retry it (nothing is silently dropped).
        target = aws_events_targets.SqsQueue(self.queue, dead_letter_queue=self.dead_letters)
        self.changes_rule = aws_events.Rule(
            self,
            f"{name}Changes",
            event_bus=bus.bus,
            event_pattern=changes_pattern(fields),
            targets=[target],
            description=f"IdentityChanged touching a field {agency.value} holds",
        )
        pin_logical_id(self.changes_rule, f"{name}Changes")
        self.retries_rule = aws_events.Rule(
            self,
            f"{name}Retries",
            event_bus=bus.bus,
            event_pattern=retries_pattern(agency),
            targets=[target],
            description=f"LinkedUpdateRetryRequested for {agency.value}",
        )
        pin_logical_id(self.retries_rule, f"{name}Retries")

        self.consumer = defaults.function(
            self,
            f"LinkedUpdate{name}",
            handler="onetrip.handlers.linked_update.handler",
            environment={
                "AGENCY": agency.value,
                "DEAD_LETTER_QUEUE_ARN": self.dead_letters.queue_arn,
                "MAX_RECEIVE_COUNT": str(config.MAX_RECEIVE_COUNT),
                "REGISTRY_TABLE": data.registry.table_name,
                "APPLICATIONS_TABLE": data.applications.table_name,
                "AGENCY_RECORDS_TABLE": data.agency_records.table_name,
                "OUTBOX_TABLE": data.outbox.table_name,
                "EVENT_BUS_NAME": bus.name,
                "ID_HASH_SECRET_ARN": data.id_hash_secret.secret_arn,
                **(
                    {
                        "CONNECTOR_MODE": connector.mode,
                        "ACK_DEADLINE_SECONDS": str(connector.ack_deadline_seconds),
                    }
                    if connector.is_webhook
                    else {}
                ),
            },
            description=f"Linked update for {agency.value} ({connector.mode})",
        )
        data.registry.grant_read_data(self.consumer)
        for table in (data.applications, data.agency_records, data.outbox):
            table.grant_read_write_data(self.consumer)
        bus.bus.grant_put_events_to(self.consumer)
        data.id_hash_secret.grant_read(self.consumer)

        self.consumer.add_event_source(config.queue_batches(self.queue))
        # Records arriving here exhausted their retries: the consumer marks the linked
        # update failed, so the application can still complete (with failures).
        self.consumer.add_event_source(config.queue_batches(self.dead_letters, gather_seconds=0))
        self._pin_event_source_ids(self.consumer, name)

    @staticmethod
    def _pin_event_source_ids(function: aws_lambda.Function, name: str) -> None:
        mappings = [
            child
            for child in function.node.children
            if isinstance(child, aws_lambda.EventSourceMapping)
        ]
        for mapping, suffix in zip(mappings, ("QueueSource", "DeadLettersSource"), strict=True):
            pin_logical_id(mapping, f"LinkedUpdate{name}{suffix}")


class LinkedUpdates(Construct):
    """All agencies of the routing table, keyed by agency."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
        connectors: Mapping[Agency, Connector] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        chosen = connectors or {}
        self.agencies: dict[Agency, AgencyLink] = {
            agency: AgencyLink(
                self,
                pascal(agency),
                agency=agency,
                fields=fields,
                defaults=defaults,
                data=data,
                bus=bus,
                connector=chosen.get(agency, Connector()),
            )
            for agency, fields in HELD_FIELDS.items()
        }
