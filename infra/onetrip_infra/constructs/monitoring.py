"""Alarms, the stage's alarm topic and its dashboard (cdk-monitoring-constructs).

What pages on-call (every alarm notifies the stage's SNS topic, on ALARM and on OK):
- any message in any dead-letter queue; any linked update given up (LinkedUpdatesFailed,
  per agency: the consumers drain their own DLQ, so a DLQ's size alone can miss it);
- any function error (consumers, sweeps, API handlers, and functions added later);
- the oldest message of a linked-update or task queue older than QUEUE_AGE_ALARM;
- a failed or timed-out petition workflow execution;
- API 5xx rate above API_5XX_RATE, p99 latency above API_P99 for 15 minutes;
- a sweep (outbox relay, reminder sweep) that failed or did not run;
- an outbox item older than OUTBOX_AGE_ALARM (the relay's own metric);
- any throttled request or system error on any table (every table of the stack, also
  tables added later);
- a `webhook` agency that let a notification pass its acknowledgement deadline
  (AcknowledgementsOverdue, per agency), or whose deliveries EventBridge gave up on
  (its webhook DLQ).
The dashboard groups golden signals (traffic, errors, latency, saturation) by capability,
then the business metrics (onetrip.metrics).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aws_cdk import Duration, aws_cloudwatch, aws_dynamodb, aws_lambda, aws_sns, aws_sqs
from aws_cdk import aws_sns_subscriptions as subscriptions
from cdk_monitoring_constructs import (
    AlarmFactoryDefaults,
    CustomMetricGroup,
    CustomMetricWithAlarm,
    CustomThreshold,
    DefaultDashboardFactory,
    ErrorCountThreshold,
    ErrorRateThreshold,
    LatencyThreshold,
    MaxMessageAgeThreshold,
    MaxMessageCountThreshold,
    MinUsageCountThreshold,
    MonitoringFacade,
    SnsAlarmActionStrategy,
)
from constructs import Construct
from onetrip.metrics import Metric
from onetrip.routing import Agency, partner_party

from onetrip_infra.config import SERVICE_NAME, acknowledge, pin_logical_id
from onetrip_infra.stages import Stage

if TYPE_CHECKING:
    from onetrip_infra.stack import OnetripStack

# A linked update takes seconds; a message this old has been retried for a while.
QUEUE_AGE_ALARM = Duration.minutes(10)
# "Never a 5xx" (project standard): at our traffic one 5xx in five minutes crosses this.
API_5XX_RATE = 0.01
API_P99 = Duration.seconds(3)
# The relay runs every 5 minutes and leaves items younger than 30 s: a healthy sweep finds
# nothing older than 5.5 minutes, so an older item was missed by a sweep at least once.
OUTBOX_AGE_ALARM = Duration.minutes(6)
# A sweep that did not run for three of its intervals is not running.
SWEEP_SILENCE = {
    "AcknowledgementSweep": Duration.minutes(15),
    "OutboxRelay": Duration.minutes(15),
    "ReminderSweep": Duration.minutes(45),
    # Runs every minute; it is what keeps a missed status-list publish under 60 s.
    "StatusListSweep": Duration.minutes(5),
}

_ANY = ErrorCountThreshold(max_error_count=0)
# The operations onetrip's stores use (no streams): 10, an alarm's most metrics.
_TABLE_OPERATIONS = (
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
    "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
)  # fmt: skip
_ABOVE = aws_cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
_NOT_BREACHING = aws_cloudwatch.TreatMissingData.NOT_BREACHING
_SUM = aws_cloudwatch.Stats.SUM


class Monitoring(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, stage: Stage, stack: OnetripStack
    ) -> None:
        super().__init__(scope, construct_id)
        self.stage = stage
        self.topic = aws_sns.Topic(
            self,
            "AlarmTopic",
            display_name=f"onetrip {stage.name} alarms",
            enforce_ssl=True,
        )
        pin_logical_id(self.topic, "AlarmTopic")
        acknowledge(
            self.topic,
            "SNS2",
            "Alarm notifications carry alarm names and metric values, no personal data; "
            "CloudWatch cannot publish to a topic under the AWS managed SNS key.",
        )
        for email in stage.alarm_emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        if stage.alarm_emails:
            acknowledge(
                self.topic,
                "SNSRedrivePolicy",
                "E-mail notifications of alarms: a lost mail leaves nothing to redrive, and "
                "the alarm's state and history stay in CloudWatch (and on the dashboard).",
                pack="Serverless",
            )

        self.facade = MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=AlarmFactoryDefaults(
                alarm_name_prefix=f"Onetrip-{stage.name}",
                actions_enabled=True,
                action=SnsAlarmActionStrategy(on_alarm_topic=self.topic, on_ok_topic=self.topic),
                evaluation_periods=1,
                datapoints_to_alarm=1,
                runbook_link="docs/operations.md",
            ),
            dashboard_factory=DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix=f"Onetrip-{stage.name}",
                create_dashboard=True,
                create_summary_dashboard=False,
                create_alarm_dashboard=False,
            ),
        )
        self._watched: set[str] = set()
        self._api(stack)
        self._identity(stack)
        self._linked_updates(stack)
        self._petitions(stack)
        self._credentials(stack)
        self._scoreboard(stack)
        self._connectors(stack)
        self._other_functions(stack)
        self._tables(stack)
        self._business(stack)

    # -- capabilities ---------------------------------------------------------------------

    def _api(self, stack: OnetripStack) -> None:
        self.facade.add_large_header("HTTP API")
        self.facade.monitor_api_gateway_v2_http_api(
            api=stack.api.http_api,
            human_readable_name="onetrip HTTP API",
            alarm_friendly_name="Api",
            add5xx_rate_alarm={"Critical": ErrorRateThreshold(max_error_rate=API_5XX_RATE)},
            add_latency_p99_alarm={
                "Warning": LatencyThreshold(
                    max_latency=API_P99, evaluation_periods=3, datapoints_to_alarm=3
                )
            },
        )

    def _identity(self, stack: OnetripStack) -> None:
        identity = stack.identity
        self.facade.add_large_header("Identity chain change")
        for function in (identity.persons, identity.identity_changes, identity.agencies):
            self._function(function)
        self._function(identity.docs)
        self._sweep(identity.outbox_relay, "OutboxRelay")

    def _linked_updates(self, stack: OnetripStack) -> None:
        self.facade.add_large_header("Linked updates (per agency)")
        for agency, link in stack.linked_updates.agencies.items():
            self._queue(link.queue, link.dead_letters, f"LinkedUpdates-{agency.value}")
            self._function(link.consumer)

    def _petitions(self, stack: OnetripStack) -> None:
        petitions = stack.petitions
        self.facade.add_large_header("Petition handling")
        self.facade.monitor_step_function(
            state_machine=petitions.state_machine,
            alarm_friendly_name="PetitionWorkflow",
            human_readable_name="Petition workflow (一案三评八步法)",
            add_failed_execution_count_alarm={"Critical": _ANY},
            add_timed_out_execution_count_alarm={"Critical": _ANY},
        )
        self._queue(petitions.queue, petitions.dead_letters, "PetitionTasks")
        for function in (petitions.petitions_api, petitions.tasks_api, petitions.stats_api):
            self._function(function)
        self._function(petitions.task_opener)
        self._sweep(petitions.reminder_sweep, "ReminderSweep")

    def _credentials(self, stack: OnetripStack) -> None:
        credentials = stack.credentials
        self.facade.add_large_header("E-certificates (无证明城市)")
        self._queue(credentials.queue, credentials.dead_letters, "CredentialChain")
        self._function(credentials.chain_function)
        self._sweep(credentials.sweep_function, "StatusListSweep")

    def _scoreboard(self, stack: OnetripStack) -> None:
        self.facade.add_large_header("Scoreboard and citizen notices")
        self._queue(stack.scoreboard.queue, stack.scoreboard.dead_letters, "Scoreboard")
        notices = stack.notifications
        self._queue(notices.queue, notices.dead_letters, "Notifier")
        # Read by the message service, not by onetrip: an old message means it stopped.
        self._queue(notices.inbox, notices.inbox_dead_letters, "CitizenInbox")

    def _connectors(self, stack: OnetripStack) -> None:
        connectors = stack.connectors
        if connectors is None:
            return
        self.facade.add_large_header("Agencies with their own systems (webhooks)")
        if connectors.signer is not None:
            assert connectors.queue is not None and connectors.dead_letters is not None
            self._queue(connectors.queue, connectors.dead_letters, "WebhookSigner")
            self._function(connectors.signer)
        self._sweep(connectors.sweep, "AcknowledgementSweep")
        if stack.partners is not None:
            # What was given up on, either way (the inbox's, and what EventBridge could not
            # forward to a partner); no age alarm for the inbox (the overdue alarm at the
            # sender covers a stuck partner, and the stack is near CloudFormation's 500).
            # Its function is watched with the other functions.
            self.facade.monitor_sqs_queue(
                queue=stack.partners.dead_letters,
                alarm_friendly_name="PartnerDeadLetters",
                add_queue_max_size_alarm={
                    "Critical": MaxMessageCountThreshold(
                        max_message_count=0,
                        treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                    )
                },
            )
        for agency, hook in connectors.agencies.items():
            # What EventBridge could not deliver within the retry window lands here; the
            # notification is still open, and the sweep re-sends it when it falls due.
            self.facade.monitor_sqs_queue(
                queue=hook.dead_letters,
                alarm_friendly_name=f"Webhooks-{agency.value}",
                add_queue_max_size_alarm={
                    "Critical": MaxMessageCountThreshold(
                        max_message_count=0,
                        treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                    )
                },
            )
        overdue = [
            CustomMetricWithAlarm(
                metric=self.business_metric(Metric.ACKNOWLEDGEMENTS_OVERDUE, agency=str(agency)),
                alarm_friendly_name=f"AcknowledgementsOverdue-{_label(agency)}",
                add_alarm={
                    "Critical": CustomThreshold(
                        threshold=0,
                        comparison_operator=aws_cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                        treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                        dedupe_string=f"AcknowledgementsOverdue-{_label(agency)}",
                        additional_description=f"{agency} has not acknowledged a "
                        "notification by its deadline (reminded): see docs/operations.md, "
                        "An agency does not acknowledge.",
                    )
                },
            )
            for agency in [*connectors.agencies, *_partner_parties(stack)]
        ]
        if not connectors.agencies:
            self.facade.monitor_custom(
                alarm_friendly_name="Partners",
                human_readable_name="Notifications to partner cities",
                metric_groups=[CustomMetricGroup(title="Acknowledgements overdue",
                                                 metrics=overdue)],
            )  # fmt: skip
            return
        self.facade.monitor_custom(
            alarm_friendly_name="Webhooks",
            human_readable_name="Notifications to agencies with their own systems",
            metric_groups=[
                CustomMetricGroup(
                    title="Notifications sent",
                    metrics=[
                        self.business_metric(Metric.AGENCY_NOTIFICATIONS_SENT, agency=a.value)
                        for a in connectors.agencies
                    ],
                ),
                CustomMetricGroup(
                    title="Acknowledgements",
                    metrics=[
                        self.business_metric(
                            Metric.AGENCY_ACKNOWLEDGEMENTS, agency=a.value, result=result
                        )
                        for a in connectors.agencies
                        for result in ("applied", "not_applicable", "failed")
                    ],
                ),
                CustomMetricGroup(title="Acknowledgements overdue", metrics=overdue),
            ],
        )

    def _other_functions(self, stack: OnetripStack) -> None:
        """Functions other capabilities add later (e-certificates, status lists) are
        watched too, without a change here."""
        others = [
            child
            for child in stack.node.find_all()
            if isinstance(child, aws_lambda.Function) and child.node.path not in self._watched
        ]
        if others:
            self.facade.add_large_header("Other functions")
        for function in others:
            self._function(function)

    def _tables(self, stack: OnetripStack) -> None:
        """Every table of the stack, whichever construct added it: on demand, a throttle
        means a partition is hot or a limit is reached; a system error is AWS's side.
        Two alarms a table (not the library's four): the stack is near CloudFormation's
        500 resources, and an alarm may sum up to 10 metrics."""
        self.facade.add_large_header("Tables")
        tables = [c for c in stack.node.find_all() if isinstance(c, aws_dynamodb.Table)]
        for table in sorted(tables, key=lambda t: t.node.id):
            self.facade.monitor_dynamo_table(table=table, alarm_friendly_name=table.node.id)
            self._table_alarms(table)

    def _table_alarms(self, table: aws_dynamodb.Table) -> None:
        name = table.node.id

        def metric(metric_name: str, operation: str | None = None) -> aws_cloudwatch.Metric:
            dimensions = {"TableName": table.table_name}
            if operation:
                dimensions["Operation"] = operation
            return aws_cloudwatch.Metric(
                namespace="AWS/DynamoDB", metric_name=metric_name, dimensions_map=dimensions,
                statistic=_SUM, period=Duration.minutes(5),
            )  # fmt: skip

        throttles = {"read": metric("ReadThrottleEvents"), "write": metric("WriteThrottleEvents")}
        # Transactions too: most of onetrip's writes are TransactWriteItems, which the
        # library's system-error alarm leaves out.
        errors = {f"e{op}": metric("SystemErrors", op) for op in _TABLE_OPERATIONS}
        watched = (
            ("Throttled-Events-Count", "throttled requests (read or write)", throttles,
             "A hot partition or an account limit: see the dashboard's Tables section."),
            ("SystemError-Count", "system errors (any operation, transactions included)",
             errors, "DynamoDB failed requests on its side (retried; a run is an outage)."),
        )  # fmt: skip
        self.facade.monitor_custom(
            alarm_friendly_name=name,
            human_readable_name=f"{name}: throttles and system errors",
            add_to_summary_dashboard=False,
            metric_groups=[
                CustomMetricGroup(
                    title=f"{name}: {label}",
                    metrics=[
                        CustomMetricWithAlarm(
                            metric=aws_cloudwatch.MathExpression(
                                expression="+".join(f"FILL({m},0)" for m in metrics),
                                using_metrics=metrics,
                                label=label,
                                period=Duration.minutes(5),
                            ),
                            alarm_friendly_name=friendly,
                            add_alarm={
                                "Critical": CustomThreshold(
                                    threshold=0,
                                    comparison_operator=_ABOVE,
                                    treat_missing_data_override=_NOT_BREACHING,
                                    dedupe_string=f"{name}-{friendly}",
                                    additional_description=description,
                                )
                            },
                        )
                    ],
                )
                for friendly, label, metrics, description in watched
            ],
        )

    def _business(self, stack: OnetripStack) -> None:
        self.facade.add_large_header("Business metrics")
        metric = self.business_metric
        completed = [
            metric(Metric.APPLICATIONS_COMPLETED, outcome=o)
            for o in ("completed", "completed_with_failures")
        ]
        failed_per_agency = [
            CustomMetricWithAlarm(
                metric=metric(Metric.LINKED_UPDATES_FAILED, agency=agency.value),
                alarm_friendly_name=f"LinkedUpdatesFailed-{agency.value}",
                add_alarm={
                    "Critical": CustomThreshold(
                        threshold=0,
                        comparison_operator=aws_cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                        treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                        dedupe_string=f"LinkedUpdatesFailed-{agency.value}",
                        additional_description=f"Linked updates for {agency.value} given up "
                        "(dead-lettered): see docs/operations.md, Retry a failed linked update.",
                    )
                },
            )
            for agency in Agency
        ]
        outbox_age = CustomMetricWithAlarm(
            metric=metric(Metric.OUTBOX_OLDEST_AGE, statistic=aws_cloudwatch.Stats.MAXIMUM),
            alarm_friendly_name="OutboxOldestItemAge",
            add_alarm={
                "Critical": CustomThreshold(
                    threshold=OUTBOX_AGE_ALARM.to_seconds(),
                    comparison_operator=aws_cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                    dedupe_string="OutboxOldestItemAge",
                    additional_description="Committed events are not being published.",
                )
            },
        )
        self.facade.monitor_custom(
            alarm_friendly_name="Business",
            human_readable_name="onetrip business metrics",
            metric_groups=[
                CustomMetricGroup(
                    title="Identity changes",
                    metrics=[
                        metric(Metric.APPLICATIONS_SUBMITTED),
                        metric(Metric.APPLICATIONS_APPROVED),
                        *completed,
                    ],
                ),
                CustomMetricGroup(
                    title="Linked updates applied",
                    metrics=[metric(Metric.LINKED_UPDATES_APPLIED, agency=a.value) for a in Agency],
                ),
                CustomMetricGroup(title="Linked updates failed", metrics=failed_per_agency),
                CustomMetricGroup(title="Outbox: oldest unpublished item", metrics=[outbox_age]),
                CustomMetricGroup(
                    title="Petitions",
                    metrics=[
                        metric(Metric.PETITIONS_OPENED),
                        metric(Metric.PETITIONS_CLOSED),
                        metric(Metric.PETITIONS_NOT_ACCEPTED),
                        metric(Metric.TASKS_OVERDUE),
                    ],
                ),
                CustomMetricGroup(
                    title="Reminders sent",
                    metrics=[
                        metric(Metric.REMINDERS_SENT, kind=k)
                        for k in ("half", "eighty", "due", "overdue", "escalated")
                    ],
                ),
            ],
        )

    # -- building blocks ------------------------------------------------------------------

    def business_metric(
        self, name: Metric, *, statistic: str = _SUM, **dimensions: str
    ) -> aws_cloudwatch.Metric:
        """A metric exactly as onetrip.metrics emits it (Powertools adds `service`)."""
        return aws_cloudwatch.Metric(
            namespace=self.stage.metrics_namespace,
            metric_name=name.value,
            dimensions_map={"service": SERVICE_NAME, **dimensions},
            statistic=statistic,
            period=Duration.minutes(5),
            label=" ".join([name.value, *dimensions.values()]),
        )

    def _function(self, function: aws_lambda.IFunction, **alarms: Mapping[str, object]) -> None:
        self._watched.add(function.node.path)
        self.facade.monitor_lambda_function(
            lambda_function=function,
            alarm_friendly_name=function.node.id,
            add_fault_count_alarm={"Critical": _ANY},
            **alarms,  # type: ignore[arg-type]
        )

    def _sweep(self, function: aws_lambda.IFunction, name: str) -> None:
        """A scheduled sweep: its errors and its silence both page."""
        self._function(
            function,
            add_min_invocations_count_alarm={
                "Critical": MinUsageCountThreshold(
                    min_count=1,
                    period=SWEEP_SILENCE[name],
                    treat_missing_data_override=aws_cloudwatch.TreatMissingData.BREACHING,
                )
            },
        )

    def _queue(self, queue: aws_sqs.IQueue, dead_letters: aws_sqs.IQueue, name: str) -> None:
        self.facade.monitor_sqs_queue_with_dlq(
            queue=queue,
            dead_letter_queue=dead_letters,
            alarm_friendly_name=name,
            add_dead_letter_queue_max_size_alarm={
                "Critical": MaxMessageCountThreshold(
                    max_message_count=0,
                    treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            },
            add_queue_max_message_age_alarm={
                "Warning": MaxMessageAgeThreshold(
                    max_age_in_seconds=QUEUE_AGE_ALARM.to_seconds(),
                    treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            },
        )


def _partner_parties(stack: OnetripStack) -> list[str]:
    """`partner:<city>` of each partner city (its overdue acknowledgements page too)."""
    return [partner_party(city) for city in sorted(stack.stage.partners)]


def _label(party: str) -> str:
    """A party as part of an alarm name (no colon)."""
    return str(party).replace(":", "-")
