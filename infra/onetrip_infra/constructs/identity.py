"""Identity chain change (公民身份信息连锁变更): the API functions and the outbox relay."""

from __future__ import annotations

from constructs import Construct

from onetrip_infra.config import FunctionDefaults
from onetrip_infra.constructs.api import Api
from onetrip_infra.constructs.data import DataStores
from onetrip_infra.constructs.events import EventBus
from onetrip_infra.constructs.schedules import invoke_on_schedule

PERSONS_ROUTES = [
    ("POST", "/persons"),
    ("POST", "/persons/lookup"),
    ("GET", "/persons/{personId}"),
]
IDENTITY_CHANGES_ROUTES = [
    ("POST", "/identity-changes"),
    ("GET", "/identity-changes"),
    ("GET", "/identity-changes/{applicationId}"),
    ("POST", "/identity-changes/{applicationId}/decision"),
    ("POST", "/identity-changes/{applicationId}/linked-updates/{agency}/retry"),
]
AGENCIES_ROUTES = [
    ("PUT", "/agencies/{agency}/records"),
    ("POST", "/agencies/{agency}/records/lookup"),
    # Agencies with their own systems (webhook mode): pull what a notification is about,
    # then acknowledge it.
    ("POST", "/agencies/{agency}/changes/lookup"),
    ("POST", "/agencies/{agency}/changes/{notificationId}/ack"),
]
# Unauthenticated on purpose: liveness probe and the API's own documentation.
DOCS_ROUTES = [
    ("GET", "/health"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
]
# The sweep republishes outbox items whose publish-after-commit did not happen.
OUTBOX_SWEEP_RATE = "rate(5 minutes)"


class IdentityChange(Construct):
    """Persons, identity-change applications, agency records, API docs and the outbox
    relay. Each function gets only the environment and grants it uses."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        bus: EventBus,
        api: Api,
    ) -> None:
        super().__init__(scope, construct_id)
        registry = {"REGISTRY_TABLE": data.registry.table_name}
        secret = {"ID_HASH_SECRET_ARN": data.id_hash_secret.secret_arn}

        self.persons = defaults.function(
            self,
            "PersonsApi",
            handler="onetrip.handlers.persons.handler",
            environment={**registry, **secret},
            description="Persons: register, look up by ID number, read",
        )
        data.registry.grant_read_write_data(self.persons)
        data.id_hash_secret.grant_read(self.persons)
        api.add_routes(self.persons, PERSONS_ROUTES)

        self.identity_changes = defaults.function(
            self,
            "IdentityChangesApi",
            handler="onetrip.handlers.identity_changes.handler",
            environment={
                **registry,
                "APPLICATIONS_TABLE": data.applications.table_name,
                "OUTBOX_TABLE": data.outbox.table_name,
                "EVENT_BUS_NAME": bus.name,
                **secret,
            },
            description="Identity-change applications: apply, decide, retry linked updates",
        )
        data.registry.grant_read_write_data(self.identity_changes)
        data.applications.grant_read_write_data(self.identity_changes)
        data.outbox.grant_read_write_data(self.identity_changes)
        bus.bus.grant_put_events_to(self.identity_changes)
        data.id_hash_secret.grant_read(self.identity_changes)
        api.add_routes(self.identity_changes, IDENTITY_CHANGES_ROUTES)

        self.agencies = defaults.function(
            self,
            "AgenciesApi",
            handler="onetrip.handlers.agencies.handler",
            environment={
                "AGENCY_RECORDS_TABLE": data.agency_records.table_name,
                # Pull and acknowledgement: the person's current values, the activity log
                # (registry), the notification and linked update, the completion event.
                **registry,
                "APPLICATIONS_TABLE": data.applications.table_name,
                "OUTBOX_TABLE": data.outbox.table_name,
                "EVENT_BUS_NAME": bus.name,
                **secret,
            },
            description="Agency records; pull and acknowledgement of notifications",
        )
        for table in (data.agency_records, data.registry, data.applications, data.outbox):
            table.grant_read_write_data(self.agencies)
        bus.bus.grant_put_events_to(self.agencies)
        data.id_hash_secret.grant_read(self.agencies)
        api.add_routes(self.agencies, AGENCIES_ROUTES)

        self.docs = defaults.function(
            self,
            "DocsApi",
            handler="onetrip.handlers.docs.handler",
            description="Health and OpenAPI documentation",
        )
        api.add_routes(self.docs, DOCS_ROUTES, public=True)

        self.outbox_relay = defaults.function(
            self,
            "OutboxRelay",
            handler="onetrip.handlers.outbox_relay.handler",
            environment={
                "OUTBOX_TABLE": data.outbox.table_name,
                "EVENT_BUS_NAME": bus.name,
            },
            description="Republishes outbox items missed after commit",
        )
        data.outbox.grant_read_write_data(self.outbox_relay)
        bus.bus.grant_put_events_to(self.outbox_relay)
        self.outbox_schedule = invoke_on_schedule(
            self,
            "OutboxRelaySchedule",
            self.outbox_relay,
            OUTBOX_SWEEP_RATE,
            description="onetrip: outbox sweep",
        )
