"""EventBridge Scheduler schedules that invoke a function (outbox sweep, reminders)."""

from __future__ import annotations

from aws_cdk import Stack, aws_lambda, aws_scheduler, aws_scheduler_targets
from constructs import Construct

from onetrip_infra.config import acknowledge, pin_logical_id


def invoke_on_schedule(
    scope: Construct,
    logical_id: str,
    function: aws_lambda.Function,
    expression: str,
    *,
    description: str,
) -> aws_scheduler.Schedule:
    """A schedule (not an events.Rule) invoking `function`: Scheduler retries on its own
    role, and the local runtime fires it from the template's ScheduleExpression."""
    schedule = aws_scheduler.Schedule(
        scope,
        logical_id,
        schedule=aws_scheduler.ScheduleExpression.expression(expression),
        target=aws_scheduler_targets.LambdaInvoke(function, retry_attempts=2),
        description=description,
    )
    pin_logical_id(schedule, logical_id)
    function_id = Stack.of(scope).resolve(function.function_arn)["Fn::GetAtt"][0]
    # The target's role is a stack-level singleton, so the finding sits on the stack.
    acknowledge(
        Stack.of(scope),
        f"IAM5[Resource::<{function_id}.Arn>:*]",
        f"LambdaInvoke grants lambda:InvokeFunction on {function_id} and its versions/aliases "
        "(ARN:*) only; the role is assumable by EventBridge Scheduler alone.",
    )
    return schedule
