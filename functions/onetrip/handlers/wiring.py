"""The composition root: what each function is built from, once per settings.

Handlers call these with `get_settings()` where an invocation starts; routes and logic
receive what they return and never build stores themselves. Each factory is cached per
settings object (settings are frozen, so equal environments share one set of stores):
Lambda builds them once per cold start, and the in-process test harness, which swaps
environments per invocation, gets the stores of the function it is invoking.
"""

from __future__ import annotations

from functools import lru_cache

from onetrip.dal.activity import ActivityLog, ActivityStore
from onetrip.dal.agency_notifications import NotificationStore
from onetrip.dal.agency_records import AgencyRecordStore
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.credentials import CredentialStore
from onetrip.dal.issuer_keys import IssuerKeyStore
from onetrip.dal.notices import NoticeStore
from onetrip.dal.outbox import Outbox
from onetrip.dal.partner_api import PartnerApi
from onetrip.dal.petition_workflow import Workflow
from onetrip.dal.petitions import PetitionStore
from onetrip.dal.registry import RegistryStore
from onetrip.dal.scoreboard import ScoreboardStore
from onetrip.dal.status_lists import StatusListStore
from onetrip.dal.status_objects import StatusObjects
from onetrip.dal.tasks import TaskStore
from onetrip.dal.webhook_bus import WebhookBus
from onetrip.domain import partners
from onetrip.logic.agency_changes import AgencyApiStores, AgencyChangeStores, ReminderStores
from onetrip.logic.credentials.stores import CredentialStores
from onetrip.logic.identity_changes import IdentityStores
from onetrip.logic.linked_updates import LinkedStores
from onetrip.logic.notifications import NoticeStores
from onetrip.logic.petition_ports import PetitionStores
from onetrip.logic.scoreboard import ScoreboardStores, StatsStores
from onetrip.logic.scoreboard_rebuild import RebuildSources
from onetrip.logic.verification.stores import VerificationStores
from onetrip.settings import Settings

_FUNCTIONS_PER_PROCESS = 4  # one in Lambda; a few when tests run functions in-process


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def outbox(settings: Settings) -> Outbox:
    return Outbox(settings.outbox_table, settings.event_bus_name)


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def registry(settings: Settings) -> RegistryStore:
    return RegistryStore(settings.registry_table)


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def agency_records(settings: Settings) -> AgencyRecordStore:
    return AgencyRecordStore(settings.agency_records_table)


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def identity(settings: Settings) -> IdentityStores:
    return IdentityStores(
        registry=RegistryStore(settings.registry_table),
        applications=ApplicationStore(settings.applications_table),
        outbox=outbox(settings),
        notifications=NotificationStore(settings.applications_table),
        partners=partners.parse(settings.partners),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def linked(settings: Settings) -> LinkedStores:
    return LinkedStores(
        registry=RegistryStore(settings.registry_table),
        applications=ApplicationStore(settings.applications_table),
        records=AgencyRecordStore(settings.agency_records_table),
        outbox=outbox(settings),
        notifications=NotificationStore(settings.applications_table),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def agencies(settings: Settings) -> AgencyApiStores:
    """Agency records, and the pull and acknowledgement of webhook notifications."""
    return AgencyApiStores(
        records=agency_records(settings),
        changes=AgencyChangeStores(
            linked=linked(settings), activity=ActivityLog(settings.registry_table)
        ),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def petition_workflow(settings: Settings) -> PetitionStores:
    """Petitions, tasks (with the outbox where the function announces events) and the
    workflow."""
    events = outbox(settings) if settings.outbox_table else None
    return PetitionStores(
        petitions=PetitionStore(
            settings.petitions_table, tasks_table=settings.tasks_table, outbox=events
        ),
        tasks=TaskStore(settings.tasks_table, settings.petitions_table, events),
        workflow=Workflow(settings.state_machine_arn),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def stats(settings: Settings) -> StatsStores:
    return StatsStores(
        petitions=PetitionStore(settings.petitions_table),
        scoreboard=ScoreboardStore(settings.scoreboard_table),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def scoreboard(settings: Settings) -> ScoreboardStores:
    """The Scoreboard consumer and the rebuild: counters and the records they come from."""
    return ScoreboardStores(
        scoreboard=ScoreboardStore(settings.scoreboard_table),
        petitions=PetitionStore(settings.petitions_table),
        applications=ApplicationStore(settings.applications_table),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def verification(settings: Settings) -> VerificationStores:
    """Venues, requests, the activity log, and the verifier's cached trust (issuer keys,
    status lists): built once, so the caches live as long as the function instance."""
    return VerificationStores.build(
        verifications_table=settings.verifications_table,
        credentials_table=settings.credentials_table,
        registry_table=settings.registry_table,
        issuer_keys_table=settings.issuer_keys_table,
        status_list_bucket=settings.status_list_bucket,
        issuer_url=settings.issuer_url,
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def rebuild_sources(settings: Settings) -> RebuildSources:
    """`onetrip ops rebuild-scoreboard`: the counters and every record they come from."""
    return RebuildSources(
        scoreboard=ScoreboardStore(settings.scoreboard_table),
        petitions=PetitionStore(settings.petitions_table),
        tasks=TaskStore(settings.tasks_table, settings.petitions_table),
        applications=ApplicationStore(settings.applications_table),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def credentials(settings: Settings) -> CredentialStores:
    """Issuance, the wallet, status lists, issuer keys and the re-issue chain."""
    return CredentialStores(
        registry=RegistryStore(settings.registry_table),
        credentials=CredentialStore(settings.credentials_table),
        status_lists=StatusListStore(settings.status_lists_table),
        keys=IssuerKeyStore(settings.issuer_keys_table),
        objects=StatusObjects(settings.status_list_bucket),
        applications=ApplicationStore(settings.applications_table),
        activity=ActivityStore(settings.credentials_table),
        agency_pulls=ActivityLog(settings.registry_table),
        issuer_url=settings.issuer_url.rstrip("/"),
        first_key_id=settings.issuer_key_id,
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def notices(settings: Settings) -> NoticeStores:
    """The Notifier: its markers and the outbox the messages go out through."""
    return NoticeStores(notices=NoticeStore(settings.notices_table), outbox=outbox(settings))


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def webhook_bus(settings: Settings) -> WebhookBus:
    return WebhookBus(
        settings.event_bus_name, settings.webhook_secrets, settings.webhook_rotation_grace
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def acknowledgement_reminders(settings: Settings) -> ReminderStores:
    return ReminderStores(
        notifications=NotificationStore(settings.applications_table),
        applications=ApplicationStore(settings.applications_table),
        outbox=outbox(settings),
    )


@lru_cache(maxsize=_FUNCTIONS_PER_PROCESS)
def partner_api(settings: Settings, city: str) -> PartnerApi:
    """A partner city's API, with this city's client (token kept per function instance)."""
    partner = partners.parse(settings.partners)[city]
    return PartnerApi(partner.api_url, partner.credentials_secret)
