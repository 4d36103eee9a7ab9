"""The Onetrip stack: a thin composition of one construct per capability."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from onetrip_infra.config import FunctionDefaults
from onetrip_infra.constructs.agency_connectors import AgencyConnectors
from onetrip_infra.constructs.api import Api
from onetrip_infra.constructs.catalogue import Catalogue
from onetrip_infra.constructs.credentials import Credentials
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus
from onetrip_infra.constructs.identity import IdentityChange
from onetrip_infra.constructs.layer import DependencyLayer
from onetrip_infra.constructs.linked_updates import LinkedUpdates
from onetrip_infra.constructs.monitoring import Monitoring
from onetrip_infra.constructs.notifications import CitizenNotifications
from onetrip_infra.constructs.partner_cities import PartnerCities, partners_environment
from onetrip_infra.constructs.petitions import PetitionWorkflow
from onetrip_infra.constructs.scoreboard import Scoreboard
from onetrip_infra.constructs.verification import Verification
from onetrip_infra.stages import STAGES, Stage


class OnetripStack(Stack):
    """Shared building blocks are attributes so a capability is added with one line,
    e.g. `self.petitions = PetitionWorkflow(self, "PetitionWorkflow", stack=self)`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: Stage = STAGES["dev"],
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.stage = stage
        self.layer = DependencyLayer(self, "Dependencies").layer
        self.defaults = FunctionDefaults(
            self.layer,
            removal_policy=stage.removal_policy,
            environment={"POWERTOOLS_METRICS_NAMESPACE": stage.metrics_namespace},
        )
        self.data = DataStores(self, "Data", removal_policy=stage.removal_policy)
        self.bus = EventBus(self, "Events")
        self.api = Api(self, "Api", oidc=stage.oidc, removal_policy=stage.removal_policy)
        self.identity = IdentityChange(
            self, "IdentityChange", defaults=self.defaults, data=self.data, bus=self.bus,
            api=self.api,
        )  # fmt: skip
        self.linked_updates = LinkedUpdates(
            self, "LinkedUpdates", defaults=self.defaults, data=self.data, bus=self.bus,
            connectors=stage.connectors,
        )  # fmt: skip
        # Only where some agency runs its own system (stages.py / context `connectors`), or
        # a partner city is notified (its reminders are the same acknowledgement sweep's).
        self.connectors = (
            AgencyConnectors(
                self,
                "AgencyConnectors",
                connectors=stage.connectors,
                defaults=self.defaults,
                data=self.data,
                bus=self.bus,
            )  # fmt: skip
            if stage.webhook_agencies or stage.partners
            else None
        )
        # Partner cities (跨市通办): other stages of this app, in their own accounts.
        self.partners = (
            PartnerCities(
                self,
                "PartnerCities",
                city=stage.city,
                partners=stage.partners,
                defaults=self.defaults,
                data=self.data,
                bus=self.bus,
            )  # fmt: skip
            if stage.partners
            else None
        )
        for name, value in partners_environment(stage.partners).items():
            self.identity.identity_changes.add_environment(name, value)
        self.petitions = PetitionWorkflow(
            self, "PetitionWorkflow", defaults=self.defaults, data=self.data, bus=self.bus,
            api=self.api,
        )  # fmt: skip
        self.credentials = Credentials(
            self, "Credentials", defaults=self.defaults, data=self.data, bus=self.bus,
            api=self.api,
        )  # fmt: skip
        self.verification = Verification(
            self, "Verification", defaults=self.defaults, data=self.data, api=self.api,
            credentials=self.credentials,
        )  # fmt: skip
        self.catalogue = Catalogue(
            self, "Catalogue", defaults=self.defaults, data=self.data, api=self.api
        )
        self.scoreboard = Scoreboard(
            self, "Scoreboard", defaults=self.defaults, data=self.data, bus=self.bus,
            api=self.api, petitions=self.petitions,
        )  # fmt: skip
        self.notifications = CitizenNotifications(
            self, "CitizenNotifications", defaults=self.defaults, data=self.data, bus=self.bus
        )
        # Last: it watches what the capabilities above created.
        self.monitoring = Monitoring(self, "Monitoring", stage=stage, stack=self)
