"""Partner cities (跨市通办): notifications to and from other stages of this app, in other
accounts, over EventBridge (onetrip_infra.partners).

Out, per partner: AgencyNotificationDue for `partner:<city>` (the approval's or the
acknowledgement sweep's outbox event: ids and field names only) → rule Partner<City>Out →
the partner's bus (cross-account `EventBus` target; role PartnerForwardingRole; what
EventBridge cannot deliver → PartnerDeadLetters, and the sweep re-sends at the deadline).
Our bus's policy lets each partner's account put its own notifications for
`partner:<our city>` (one EventBusPolicy per partner).
In: rule PartnerNotificationsIn (those notifications, from the partners' accounts) →
PartnerInbox (+ PartnerDeadLetters) → PartnerInbox function: pull at the partner with our
own token, mirror into our agencies' records, acknowledge at the partner.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_events, aws_events_targets, aws_iam, aws_lambda, aws_secretsmanager
from constructs import Construct
from onetrip.domain.partners import dump
from onetrip.events import AgencyNotificationDue
from onetrip.routing import partner_party

from onetrip_infra import config
from onetrip_infra.config import FunctionDefaults, acknowledge, pin_logical_id
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus
from onetrip_infra.partners import Partner


def notifications_for(party: str) -> dict[str, object]:
    """The pattern of notifications addressed to `party` (an EventPattern's fields)."""
    return {
        "source": [AgencyNotificationDue.source],
        "detail_type": [AgencyNotificationDue.detail_type],
        "detail": {"agency": [party]},
    }


class PartnerCities(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        city: str,
        partners: Mapping[str, Partner],
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
    ) -> None:
        super().__init__(scope, construct_id)
        self.partners = dict(partners)
        # One DLQ for both directions: a cross-city delivery given up (out: EventBridge's,
        # in: the inbox queue's). Either way the sender's sweep re-sends at the deadline.
        self.dead_letters = config.dead_letter_queue(self, "PartnerDeadLetters")
        acknowledge(
            self.dead_letters,
            "SQS3",
            "Also the dead-letter queue of the partner rules' EventBridge targets, not only "
            "of another queue: cdk-nag only recognises SQS redrive.",
        )
        self.role = aws_iam.Role(
            self,
            "PartnerForwardingRole",
            assumed_by=aws_iam.ServicePrincipal("events.amazonaws.com"),
            description="EventBridge puts notifications on partner cities' buses",
        )
        self.rules: dict[str, aws_events.Rule] = {}
        for name, partner in sorted(self.partners.items()):
            target_bus = aws_events.EventBus.from_event_bus_arn(
                self, f"{name.capitalize()}Bus", partner.bus_arn
            )
            rule = aws_events.Rule(
                self,
                f"Partner{name.capitalize()}Out",
                event_bus=bus.bus,
                event_pattern=aws_events.EventPattern(**notifications_for(partner_party(name))),  # type: ignore[arg-type]
                targets=[
                    aws_events_targets.EventBus(
                        target_bus, dead_letter_queue=self.dead_letters, role=self.role
                    )
                ],
                description=f"Notifications to partner city {name} (ids and field names)",
            )
            pin_logical_id(rule, f"Partner{name.capitalize()}Out")
            self.rules[name] = rule
            # The partner's own rule puts its notifications for us on our bus.
            bus.bus.add_to_resource_policy(
                aws_iam.PolicyStatement(
                    sid=f"Partner{name.capitalize()}PutsNotifications",
                    principals=[aws_iam.AccountPrincipal(partner.account)],
                    actions=["events:PutEvents"],
                    resources=[bus.bus.event_bus_arn],
                    conditions={
                        "StringEquals": {
                            "events:source": AgencyNotificationDue.source,
                            "events:detail-type": AgencyNotificationDue.detail_type,
                        }
                    },
                )
            )

        self.inbox = config.consumer_queue(self, "PartnerInboxQueue", self.dead_letters)
        inbound = notifications_for(partner_party(city))
        self.inbound_rule = aws_events.Rule(
            self,
            "PartnerNotificationsIn",
            event_bus=bus.bus,
            event_pattern=aws_events.EventPattern(
                **inbound,  # type: ignore[arg-type]
                account=sorted({p.account for p in self.partners.values()}),
            ),
            targets=[aws_events_targets.SqsQueue(self.inbox, dead_letter_queue=self.dead_letters)],
            description=f"Partner cities' notifications for {city}",
        )
        pin_logical_id(self.inbound_rule, "PartnerNotificationsIn")
        self.consumer = defaults.function(
            self,
            "PartnerInbox",
            handler="onetrip.handlers.partner_inbox.handler",
            environment={
                "CITY": city,
                "PARTNERS": self.partners_json,
                "AGENCY_RECORDS_TABLE": data.agency_records.table_name,
                "ID_HASH_SECRET_ARN": data.id_hash_secret.secret_arn,
            },
            description="Changes registered in partner cities: pull, mirror, acknowledge",
        )
        data.agency_records.grant_read_write_data(self.consumer)
        data.id_hash_secret.grant_read(self.consumer)
        for name, partner in sorted(self.partners.items()):
            # Handed over out of band (like a webhook secret): no resource of ours.
            aws_secretsmanager.Secret.from_secret_name_v2(
                self, f"{name.capitalize()}Client", partner.credentials_secret
            ).grant_read(self.consumer)
        self.consumer.add_event_source(config.queue_batches(self.inbox, gather_seconds=0))
        for child in self.consumer.node.children:
            if isinstance(child, aws_lambda.EventSourceMapping):
                pin_logical_id(child, "PartnerInboxSource")

    @property
    def partners_json(self) -> str:
        return dump({c: p.for_functions() for c, p in self.partners.items()})


def partners_environment(partners: Mapping[str, Partner]) -> dict[str, str]:
    """What the approving function needs: whose records each partner holds."""
    return (
        {"PARTNERS": dump({c: p.for_functions() for c, p in partners.items()})} if partners else {}
    )
