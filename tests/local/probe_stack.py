"""A small test-only CDK stack with one of every kind of resource the runtime provisions.

`extra=True` adds a queue and a rule: the test shows they appear locally without any
change to the runtime's code, because the runtime only reads the synthesized template.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import (
    aws_apigatewayv2,
    aws_apigatewayv2_authorizers,
    aws_apigatewayv2_integrations,
    aws_dynamodb,
    aws_events,
    aws_events_targets,
    aws_lambda,
    aws_lambda_event_sources,
    aws_scheduler,
    aws_secretsmanager,
    aws_sqs,
    aws_stepfunctions,
    aws_stepfunctions_tasks,
)
from constructs import Construct
from onetrip_local.tokens import LOCAL_AUDIENCE, LOCAL_ISSUER

PROBE_CODE = Path(__file__).parent / "probe_code"
PROBE_BUS = "probe-bus"


class ProbeStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, *, extra: bool = False) -> None:
        super().__init__(scope, construct_id, env=cdk.Environment(region="us-east-1"))
        table = aws_dynamodb.Table(
            self, "Things",
            partition_key=aws_dynamodb.Attribute(name="pk", type=aws_dynamodb.AttributeType.STRING),
            sort_key=aws_dynamodb.Attribute(name="sk", type=aws_dynamodb.AttributeType.STRING),
            billing_mode=aws_dynamodb.BillingMode.PAY_PER_REQUEST,
        )  # fmt: skip
        table.add_global_secondary_index(
            index_name="bySource",
            partition_key=aws_dynamodb.Attribute(
                name="source", type=aws_dynamodb.AttributeType.STRING
            ),
        )
        dead_letters = aws_sqs.Queue(self, "WorkDeadLetters")
        work = aws_sqs.Queue(
            self, "Work",
            visibility_timeout=cdk.Duration.seconds(60),
            dead_letter_queue=aws_sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=2),
        )  # fmt: skip
        bus = aws_events.EventBus(
            self, "Bus", event_bus_name=PROBE_BUS + ("-extra" if extra else "")
        )
        aws_events.Rule(
            self, "WorkRule", event_bus=bus,
            event_pattern=aws_events.EventPattern(source=["probe"], detail={"kind": ["work"]}),
            targets=[aws_events_targets.SqsQueue(work)],
        )  # fmt: skip
        aws_secretsmanager.Secret(self, "Key")

        code = aws_lambda.Code.from_asset(str(PROBE_CODE))
        common: dict[str, Any] = {"runtime": aws_lambda.Runtime.PYTHON_3_13, "code": code}
        consumer = aws_lambda.Function(
            self, "Consumer", handler="probe.consume",
            environment={"TABLE_NAME": table.table_name}, **common,
        )  # fmt: skip
        consumer.add_event_source(
            aws_lambda_event_sources.SqsEventSource(
                work, batch_size=5, report_batch_item_failures=True
            )
        )
        echo = aws_lambda.Function(
            self, "Echo", handler="probe.echo",
            environment={"TABLE_NAME": table.table_name}, **common,
        )  # fmt: skip
        ticker = aws_lambda.Function(self, "Ticker", handler="probe.tick", **common)
        aws_scheduler.CfnSchedule(
            self, "Tick",
            schedule_expression="rate(1 minute)",
            flexible_time_window=aws_scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=aws_scheduler.CfnSchedule.TargetProperty(
                arn=ticker.function_arn, role_arn="arn:aws:iam::123456789012:role/scheduler"
            ),
        )  # fmt: skip

        api = aws_apigatewayv2.HttpApi(
            self, "Api",
            default_authorizer=aws_apigatewayv2_authorizers.HttpJwtAuthorizer(
                "Jwt", LOCAL_ISSUER, jwt_audience=[LOCAL_AUDIENCE]
            ),
        )  # fmt: skip
        integration = aws_apigatewayv2_integrations.HttpLambdaIntegration("EchoInt", echo)
        api.add_routes(path="/things/{thingId}", methods=[aws_apigatewayv2.HttpMethod.GET],
                       integration=integration)  # fmt: skip
        api.add_routes(path="/things/special", methods=[aws_apigatewayv2.HttpMethod.GET],
                       integration=integration)  # fmt: skip
        api.add_routes(path="/public", methods=[aws_apigatewayv2.HttpMethod.GET],
                       integration=integration,
                       authorizer=aws_apigatewayv2.HttpNoneAuthorizer())  # fmt: skip

        send = aws_stepfunctions_tasks.SqsSendMessage(
            self, "SendWork", queue=work,
            message_body=aws_stepfunctions.TaskInput.from_object(
                {"id": aws_stepfunctions.JsonPath.string_at("$.id")}
            ),
        )  # fmt: skip
        aws_stepfunctions.StateMachine(
            self, "Flow", definition_body=aws_stepfunctions.DefinitionBody.from_chainable(send)
        )

        if extra:
            audit = aws_sqs.Queue(self, "Audit")
            aws_events.Rule(
                self, "AuditRule", event_bus=bus,
                event_pattern=aws_events.EventPattern(source=["probe"], detail_type=["Audited"]),
                targets=[aws_events_targets.SqsQueue(audit)],
            )  # fmt: skip


def synth_probe(*, extra: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="probe-synth-") as outdir:
        app = cdk.App(outdir=outdir, context={"aws:cdk:bundling-stacks": []})
        ProbeStack(app, "Probe", extra=extra)
        assembly = app.synth()
        path = Path(outdir) / assembly.get_stack_by_name("Probe").template_file
        template: dict[str, Any] = json.loads(path.read_text())
        return template
