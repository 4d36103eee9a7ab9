"""Agencies with their own systems (`webhook` connectors): signed notifications through
EventBridge API destinations, and the acknowledgement deadline sweep.

AgencyNotificationDue (outbox of the linked-update consumer, or a reminder)
  → rule WebhookNotificationsDue → WebhookQueue (+DLQ) → WebhookSigner (signs now)
  → AgencyNotificationSigned → rule <Agency>Webhooks → API destination (Connection) with
    the Standard Webhooks headers taken from the event, retries, DLQ <Agency>WebhookDeadLetters.
AcknowledgementSweep (schedule) re-sends what is past its deadline and counts it
(AcknowledgementsOverdue, alarmed per agency in Monitoring).

Why a signer step: API destinations add only static headers (the connection's auth), and
a Standard Webhooks signature covers each message's id and timestamp (decisions.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import (
    Duration,
    SecretValue,
    aws_events,
    aws_events_targets,
    aws_lambda,
    aws_secretsmanager,
    aws_sqs,
)
from constructs import Construct
from onetrip.events import AgencyNotificationDue, AgencyNotificationSigned
from onetrip.routing import Agency

from onetrip_infra import config
from onetrip_infra.config import FunctionDefaults, acknowledge, pin_logical_id
from onetrip_infra.connectors import Connector
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus
from onetrip_infra.constructs.linked_updates import pascal
from onetrip_infra.constructs.schedules import invoke_on_schedule

# Standard Webhooks receivers refuse a timestamp older than 5 minutes, so EventBridge
# retries a signed delivery for 4 minutes at most; longer outages are the sweep's job
# (a reminder is signed afresh), and what EventBridge gives up on is dead-lettered.
DELIVERY_MAX_AGE = Duration.minutes(4)
DELIVERY_RETRIES = 8
# Calls per second to one agency: its system is not ours to overload.
AGENCY_RATE_PER_SECOND = 10
SWEEP_EVERY = "rate(5 minutes)"
# A rotation window signs with the new secret and the one before it (dal.webhook_bus).
SIGNING_STAGES = ("AWSCURRENT", "AWSPREVIOUS")
# The headers the API destination sends, from the signed event (JSON paths).
WEBHOOK_HEADERS = {
    "webhook-id": "$.detail.webhookId",
    "webhook-timestamp": "$.detail.webhookTimestamp",
    "webhook-signature": "$.detail.webhookSignature",
}


class AgencyWebhook(Construct):
    """One webhook agency: its signing secret, connection, API destination, rule, DLQ."""

    def __init__(
        self, scope: Construct, construct_id: str, *, agency: Agency, connector: Connector,
        bus: EventBus,
    ) -> None:  # fmt: skip
        super().__init__(scope, construct_id)
        name = pascal(agency)
        self.agency = agency
        # The shared secret of Standard Webhooks (base64 alphabet: 48 letters and digits
        # decode to 36 random bytes). Handed to the agency out of band; see operations.md.
        self.secret = aws_secretsmanager.Secret(
            self,
            f"{name}WebhookSecret",
            secret_name=connector.secret_name,
            description=f"onetrip: Standard Webhooks signing secret shared with {agency.value}",
            generate_secret_string=aws_secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True
            ),
        )
        pin_logical_id(self.secret, f"{name}WebhookSecret")
        acknowledge(
            self.secret,
            "SMG4",
            "A shared webhook secret is rotated by agreement with the agency (`onetrip ops "
            "rotate-webhook-secret`; old and new both sign for rotationGraceHours), not on a "
            "timer: operations.md.",
        )
        # The connection's API key is a sender label, not a credential: the signature is
        # what authenticates a notification (the connection needs some authorization).
        self.connection = aws_events.Connection(
            self,
            f"{name}Connection",
            authorization=aws_events.Authorization.api_key(
                "x-onetrip-sender", SecretValue.unsafe_plain_text("onetrip")
            ),
            description=f"onetrip → {agency.value} webhook receiver",
        )
        self.destination = aws_events.ApiDestination(
            self,
            f"{name}ApiDestination",
            connection=self.connection,
            endpoint=str(connector.endpoint),
            http_method=aws_events.HttpMethod.POST,
            rate_limit_per_second=AGENCY_RATE_PER_SECOND,
            description=f"{agency.value}: Standard Webhooks notifications",
        )
        self.dead_letters = config.dead_letter_queue(self, f"{name}WebhookDeadLetters")
        acknowledge(
            self.dead_letters,
            "SQS3",
            "This queue is the dead-letter queue of an EventBridge rule target (the API "
            "destination), not of another queue: cdk-nag only recognises SQS redrive.",
        )
        self.rule = aws_events.Rule(
            self,
            f"{name}Webhooks",
            event_bus=bus.bus,
            event_pattern=aws_events.EventPattern(
                source=[AgencyNotificationSigned.source],
                detail_type=[AgencyNotificationSigned.detail_type],
                detail={"agency": [agency.value]},
            ),
            targets=[
                aws_events_targets.ApiDestination(
                    self.destination,
                    event=aws_events.RuleTargetInput.from_event_path("$.detail.payload"),
                    header_parameters=WEBHOOK_HEADERS,
                    dead_letter_queue=self.dead_letters,
                    max_event_age=DELIVERY_MAX_AGE,
                    retry_attempts=DELIVERY_RETRIES,
                )
            ],
            description=f"Signed notifications to {agency.value}'s system",
        )
        pin_logical_id(self.rule, f"{name}Webhooks")


class AgencyConnectors(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        connectors: Mapping[Agency, Connector],
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
    ) -> None:
        super().__init__(scope, construct_id)
        webhook = {a: c for a, c in connectors.items() if c.is_webhook}
        self.agencies = {
            agency: AgencyWebhook(self, pascal(agency), agency=agency, connector=connector, bus=bus)
            for agency, connector in webhook.items()
        }

        # The signer only where some agency is `webhook`; with partner cities alone only
        # the sweep (it reminds partners too).
        self.dead_letters: aws_sqs.Queue | None = None
        self.queue: aws_sqs.Queue | None = None
        self.signer: aws_lambda.Function | None = None
        if webhook:
            self._signer(defaults, bus, webhook)

        self.sweep = defaults.function(
            self,
            "AcknowledgementSweep",
            handler="onetrip.handlers.acknowledgement_sweep.handler",
            environment={
                "APPLICATIONS_TABLE": data.applications.table_name,
                "OUTBOX_TABLE": data.outbox.table_name,
                "EVENT_BUS_NAME": bus.name,
            },
            description="Reminds webhook agencies of notifications past their deadline",
        )
        for table in (data.applications, data.outbox):
            table.grant_read_write_data(self.sweep)
        bus.bus.grant_put_events_to(self.sweep)
        self.schedule = invoke_on_schedule(
            self, "AcknowledgementSchedule", self.sweep, SWEEP_EVERY,
            description="Remind webhook agencies of unacknowledged notifications",
        )  # fmt: skip

    def _signer(
        self, defaults: FunctionDefaults, bus: EventBus, webhook: Mapping[Agency, Connector]
    ) -> None:
        self.dead_letters = config.dead_letter_queue(self, "WebhookDeadLetters")
        self.queue = config.consumer_queue(self, "WebhookQueue", self.dead_letters)
        self.due_rule = aws_events.Rule(
            self,
            "WebhookNotificationsDue",
            event_bus=bus.bus,
            event_pattern=aws_events.EventPattern(
                source=[AgencyNotificationDue.source],
                detail_type=[AgencyNotificationDue.detail_type],
                detail={"agency": sorted(a.value for a in webhook)},
            ),
            targets=[aws_events_targets.SqsQueue(self.queue, dead_letter_queue=self.dead_letters)],
            description="Notifications due to webhook agencies, to be signed",
        )
        pin_logical_id(self.due_rule, "WebhookNotificationsDue")
        self.signer = defaults.function(
            self,
            "WebhookSigner",
            handler="onetrip.handlers.webhook_signer.handler",
            environment={
                "EVENT_BUS_NAME": bus.name,
                "WEBHOOK_SECRETS": json.dumps(
                    {a.value: hook.secret.secret_arn for a, hook in self.agencies.items()}
                ),
                "WEBHOOK_ROTATION_GRACE": json.dumps(
                    {a.value: webhook[a].rotation_grace_hours * 3600 for a in self.agencies},
                    sort_keys=True,
                ),
            },
            description="Signs notifications to webhook agencies (Standard Webhooks)",
        )
        for hook in self.agencies.values():
            # The two versions a rotation window signs with, and no older one.
            hook.secret.grant_read(self.signer, version_stages=list(SIGNING_STAGES))
        bus.bus.grant_put_events_to(self.signer)
        self.signer.add_event_source(config.queue_batches(self.queue, gather_seconds=0))
        for child in self.signer.node.children:
            if isinstance(child, aws_lambda.EventSourceMapping):
                pin_logical_id(child, "WebhookQueueSource")
