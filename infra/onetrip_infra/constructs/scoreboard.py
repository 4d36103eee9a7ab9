"""The bureau's scoreboard: a table of monthly counters, kept by a consumer of the domain
events (rule -> queue + DLQ -> Scoreboard function), read by the stats routes."""

from __future__ import annotations

from aws_cdk import aws_lambda
from constructs import Construct
from onetrip.logic.scoreboard import COUNTED_EVENTS

from onetrip_infra import config
from onetrip_infra.config import FunctionDefaults, pin_logical_id
from onetrip_infra.constructs.api import Api
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus
from onetrip_infra.constructs.petitions import PetitionWorkflow

SCOREBOARD_ROUTES = [("GET", "/stats/identity-changes"), ("GET", "/stats/districts")]
# The leaders' chart page: static, public; the figures it draws need a reader's token.
CHART_PAGE_ROUTES = [("GET", "/stats")]


class Scoreboard(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
        api: Api,
        petitions: PetitionWorkflow,
    ) -> None:
        super().__init__(scope, construct_id)
        self.table = data.add_table("Scoreboard")

        # A record the consumer cannot count (e.g. its petition is missing) stays here,
        # alarmed; `onetrip ops redrive` sends it back, `rebuild-scoreboard` repairs.
        self.dead_letters = config.dead_letter_queue(self, "ScoreboardDeadLetters")
        self.queue = config.consumer_queue(self, "ScoreboardQueue", self.dead_letters)
        self.rule = bus.route(
            self, "ScoreboardEvents", COUNTED_EVENTS, self.queue, self.dead_letters,
            "Events whose facts the scoreboard counts",
        )  # fmt: skip

        self.consumer = defaults.function(
            self,
            "ScoreboardConsumer",
            handler="onetrip.handlers.scoreboard.handler",
            environment={
                "SCOREBOARD_TABLE": self.table.table_name,
                "PETITIONS_TABLE": petitions.petitions.table_name,
                "APPLICATIONS_TABLE": data.applications.table_name,
            },
            description="Counts the scoreboard's facts from the domain events, once each",
        )
        self.table.grant_read_write_data(self.consumer)
        petitions.petitions.grant_read_data(self.consumer)
        data.applications.grant_read_data(self.consumer)
        self.consumer.add_event_source(config.queue_batches(self.queue))
        for child in self.consumer.node.children:
            if isinstance(child, aws_lambda.EventSourceMapping):
                pin_logical_id(child, "ScoreboardQueueSource")

        # The stats routes read the counters (one Query per series and period).
        stats_api = petitions.stats_api
        stats_api.add_environment("SCOREBOARD_TABLE", self.table.table_name)
        self.table.grant_read_data(stats_api)
        api.add_routes(stats_api, SCOREBOARD_ROUTES)
        api.add_routes(
            stats_api, CHART_PAGE_ROUTES, public=True,
            public_reason="a static chart page; it asks for a token to read the figures",
        )  # fmt: skip
