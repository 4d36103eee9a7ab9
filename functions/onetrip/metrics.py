"""Business metrics (CloudWatch EMF through Powertools): what the bureau and on-call watch.

Logic calls `count(...)` after the change it counts has committed, so a metric never
counts a transaction that was rolled back, and a duplicate delivery that finds nothing to
do counts nothing. Each call is one EMF line on stdout (Lambda ships it to CloudWatch
Logs, which extracts the metric): no client, no flush decorator, no extra latency.
Dimensions are `service` (Powertools adds it) plus the ones given here; the CDK alarms
and dashboard (onetrip_infra.constructs.monitoring) use exactly these names.
"""

from __future__ import annotations

import os
from enum import StrEnum

from aws_lambda_powertools import Logger, single_metric
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(child=True)

# Outside Lambda (unit tests, scripts) no namespace is configured; CDK sets one per stage.
FALLBACK_NAMESPACE = "Onetrip/local"


class Metric(StrEnum):
    APPLICATIONS_SUBMITTED = "ApplicationsSubmitted"
    APPLICATIONS_APPROVED = "ApplicationsApproved"
    APPLICATIONS_COMPLETED = "ApplicationsCompleted"  # dimension: outcome
    LINKED_UPDATES_APPLIED = "LinkedUpdatesApplied"  # dimension: agency
    LINKED_UPDATES_FAILED = "LinkedUpdatesFailed"  # dimension: agency
    AGENCY_NOTIFICATIONS_SENT = "AgencyNotificationsSent"  # dimension: agency
    AGENCY_ACKNOWLEDGEMENTS = "AgencyAcknowledgements"  # dimensions: agency, result
    # A `webhook` agency let a notification pass its deadline (each reminder counts once).
    ACKNOWLEDGEMENTS_OVERDUE = "AcknowledgementsOverdue"  # dimension: agency
    PETITIONS_OPENED = "PetitionsOpened"
    PETITIONS_CLOSED = "PetitionsClosed"
    PETITIONS_NOT_ACCEPTED = "PetitionsNotAccepted"
    TASKS_OVERDUE = "TasksOverdue"
    REMINDERS_SENT = "RemindersSent"  # dimension: kind
    # Seconds the oldest unpublished outbox item has waited (0 when the outbox is empty):
    # published by every outbox sweep, so "old items" and "sweep not running" both show.
    OUTBOX_OLDEST_AGE = "OutboxOldestItemAge"


def count(metric: Metric, value: float = 1, **dimensions: str) -> None:
    """Record `value` of `metric`; never raises (a metric must not fail a committed change)."""
    unit = MetricUnit.Seconds if metric is Metric.OUTBOX_OLDEST_AGE else MetricUnit.Count
    namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or FALLBACK_NAMESPACE
    try:
        with single_metric(
            name=metric.value, unit=unit, value=value, namespace=namespace
        ) as emitted:
            for name, dimension in dimensions.items():
                emitted.add_dimension(name=name, value=dimension)
    except Exception:  # noqa: BLE001 - observability must not break the business path
        logger.exception("could not emit metric", extra={"metric": metric.value})
