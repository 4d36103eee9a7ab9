"""Citizen notifications: outcome events -> queue + DLQ -> Notifier -> CitizenMessage on
the bus -> the citizen inbox queue, which the message service (SMS, the city app) reads.
Locally, `onetrip inbox` reads it."""

from __future__ import annotations

from aws_cdk import aws_lambda
from constructs import Construct
from onetrip.events import CitizenMessage
from onetrip.logic.notifications import NOTIFIED_EVENTS

from onetrip_infra import config
from onetrip_infra.config import FunctionDefaults, pin_logical_id
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus


class CitizenNotifications(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
    ) -> None:
        super().__init__(scope, construct_id)
        self.table = data.add_table("Notices")

        self.dead_letters = config.dead_letter_queue(self, "NotifierDeadLetters")
        self.queue = config.consumer_queue(self, "NotifierQueue", self.dead_letters)
        bus.route(
            self, "NotifierOutcomes", NOTIFIED_EVENTS, self.queue, self.dead_letters,
            "Outcomes a citizen is told about",
        )  # fmt: skip

        self.notifier = defaults.function(
            self,
            "Notifier",
            handler="onetrip.handlers.notifier.handler",
            environment={
                "NOTICES_TABLE": self.table.table_name,
                "OUTBOX_TABLE": data.outbox.table_name,
                "EVENT_BUS_NAME": bus.name,
            },
            description="One message to the citizen per outcome (marker + outbox)",
        )
        self.table.grant_read_write_data(self.notifier)
        data.outbox.grant_read_write_data(self.notifier)
        bus.bus.grant_put_events_to(self.notifier)
        self.notifier.add_event_source(config.queue_batches(self.queue))
        for child in self.notifier.node.children:
            if isinstance(child, aws_lambda.EventSourceMapping):
                pin_logical_id(child, "NotifierQueueSource")

        # The message service's subscription: it reads, sends, deletes.
        self.inbox_dead_letters = config.dead_letter_queue(self, "CitizenInboxDeadLetters")
        self.inbox = config.consumer_queue(self, "CitizenInbox", self.inbox_dead_letters)
        bus.route(
            self, "CitizenMessages", [CitizenMessage], self.inbox, self.inbox_dead_letters,
            "Messages to citizens, for the message service",
        )  # fmt: skip
