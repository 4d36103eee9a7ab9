"""Provision a synthesized template into moto, and describe what moto does not run.

Every resource type is either provisioned, described for the emulators (functions, event
source mappings, schedules, API routes) or on the explicit ignore list; any other type is
a startup error, so a new kind of resource can never be skipped silently.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from onetrip_local.api_destinations import ApiDestination, ApiDestinationTarget
from onetrip_local.expressions import ScheduleExpression
from onetrip_local.template import Resolver, Template, TemplateError, references

LOCAL_ACCOUNT = "123456789012"  # moto's default account

# Types with no local meaning: permissions, observability, encryption, deployment plumbing.
# Ref/GetAtt on them resolve to stable fake ids/ARNs.
IGNORED_TYPES = frozenset(
    {
        "AWS::CDK::Metadata",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::Lambda::Permission",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::Version",
        "AWS::Lambda::Alias",
        "AWS::Logs::LogGroup",
        "AWS::Logs::MetricFilter",
        "AWS::Logs::ResourcePolicy",
        "AWS::KMS::Alias",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::Dashboard",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SNS::Subscription",
        "AWS::SQS::QueuePolicy",
        "AWS::Events::Archive",
        "AWS::Events::EventBusPolicy",
        "AWS::ApiGatewayV2::Stage",
        "AWS::ApiGatewayV2::Deployment",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::UserPoolDomain",
        "AWS::Scheduler::ScheduleGroup",
        "AWS::S3::BucketPolicy",
        "AWS::CloudFront::OriginAccessControl",
        "AWS::CloudFront::CloudFrontOriginAccessIdentity",
        "AWS::CloudFront::CachePolicy",
    }
)


def is_ignored(resource: Mapping[str, Any]) -> bool:
    """Ignored types, and symmetric KMS keys (encryption at rest has no local meaning).
    Signing keys are real moto keys: the issuer signs with KMS locally as in AWS."""
    if resource["Type"] == "AWS::KMS::Key":
        return resource.get("Properties", {}).get("KeyUsage") != "SIGN_VERIFY"
    return resource["Type"] in IGNORED_TYPES


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    arn: str
    handler: str
    runtime: str
    env: dict[str, str]
    timeout: int = 3
    memory: int = 128

    @property
    def module_and_attr(self) -> tuple[str, str]:
        module, _, attr = self.handler.rpartition(".")
        return module, attr


@dataclass(frozen=True)
class Queue:
    logical_id: str
    name: str
    url: str
    arn: str
    visibility_timeout: int
    dead_letter_arn: str | None = None
    max_receive_count: int | None = None


@dataclass(frozen=True)
class EventSourceMapping:
    logical_id: str
    function: str  # function logical id
    queue: str  # queue logical id
    batch_size: int = 10
    batching_window: int = 0
    report_batch_item_failures: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class Schedule:
    logical_id: str
    name: str
    arn: str
    expression: str
    function: str  # target function logical id
    input: str | None = None
    enabled: bool = True
    timezone: str = "UTC"


@dataclass(frozen=True)
class Authorizer:
    logical_id: str
    issuer: str
    audience: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    logical_id: str
    method: str  # "ANY" or an HTTP method; "$default" routes use "ANY"
    path: str  # "/persons/{personId}"; "" for $default
    route_key: str
    function: str
    authorizer: str | None  # Authorizer logical id when the route needs a JWT
    scopes: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        return self.authorizer is None


@dataclass(frozen=True)
class StaticRoute:
    """A CloudFront behaviour served from an S3 bucket (no Lambda): `path_pattern` as
    CloudFront matches it, the object key being `origin_path` + the request path."""

    logical_id: str
    path_pattern: str
    bucket: str
    origin_path: str = ""


@dataclass
class Topology:
    region: str
    account: str
    endpoint_url: str
    tables: dict[str, str] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    buses: dict[str, str] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # logical id -> ARN
    parameters: dict[str, str] = field(default_factory=dict)
    state_machines: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    event_source_mappings: list[EventSourceMapping] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    authorizers: dict[str, Authorizer] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)  # logical id -> bucket name
    keys: dict[str, str] = field(default_factory=dict)  # logical id -> KMS key ARN
    static_routes: list[StaticRoute] = field(default_factory=list)
    connections: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    api_destinations: dict[str, ApiDestination] = field(default_factory=dict)
    api_targets: list[ApiDestinationTarget] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)  # logical id -> type
    paths: dict[str, str] = field(default_factory=dict)  # logical id -> aws:cdk:path

    def function_by_arn_or_name(self, value: str) -> str:
        for spec in self.functions.values():
            if value in (spec.arn, spec.name, spec.logical_id) or spec.arn in value:
                return spec.logical_id
        raise TemplateError(f"{value!r} is not a function of this template")

    def queue_by_arn(self, arn: str) -> Queue:
        for queue in self.queues.values():
            if queue.arn == arn:
                return queue
        raise TemplateError(f"{arn!r} is not a queue of this template")


# ---------------------------------------------------------------------------------------


@dataclass
class Options:
    # Caps every queue's VisibilityTimeout (seconds) so redelivery after a crash is quick
    # in fault tests; None keeps the template's values.
    max_visibility_timeout: int | None = None
    # Generated secret values by logical id; reused across re-provisioning (reset).
    secret_values: dict[str, str] = field(default_factory=dict)
    # Prefix of generated physical names, like CloudFormation's stack name.
    stack_name: str = "onetrip"


def check_types(template: Template) -> None:
    """Fail before touching moto if any resource type is neither handled nor ignored."""
    unknown = [
        f"{lid} ({res['Type']})"
        for lid, res in template.get("Resources", {}).items()
        if res["Type"] not in _PROVISIONERS and not is_ignored(res)
    ]
    if unknown:
        raise TemplateError(
            "the local runtime does not know these resource types: "
            + ", ".join(unknown)
            + " — add a provisioner in onetrip_local/provision.py or, if the type has no "
            "local meaning, add it to IGNORED_TYPES"
        )


def provision(
    template: Template,
    *,
    endpoint_url: str,
    region: str = "us-east-1",
    options: Options | None = None,
) -> Topology:
    check_types(template)
    opts = options or Options()
    topology = Topology(region=region, account=LOCAL_ACCOUNT, endpoint_url=endpoint_url)
    resolver = Resolver(template, region=region, account=LOCAL_ACCOUNT, stack_name=opts.stack_name)
    clients = _Clients(endpoint_url, region)
    resources: dict[str, Any] = template.get("Resources", {})
    for lid, res in resources.items():
        topology.paths[lid] = res.get("Metadata", {}).get("aws:cdk:path", lid)

    # Ignored resources first: others may Ref/GetAtt them (a role ARN, a key id).
    for lid, res in resources.items():
        if is_ignored(res):
            topology.ignored[lid] = res["Type"]
            resolver.refs[lid] = _fake_id(lid, res["Type"], region)
            resolver.attrs[lid] = _FakeAttributes(lid, res["Type"], resolver)

    for lid in _dependency_order(resources, topology.ignored):
        res = resources[lid]
        if "Condition" in res and not resolver.condition(res["Condition"]):
            continue
        ctx = _Context(lid, res, resolver, clients, topology, opts)
        try:
            _PROVISIONERS[res["Type"]](ctx)
        except TemplateError as error:
            raise TemplateError(f"{lid} ({res['Type']}): {error}") from error
    return topology


# ---------------------------------------------------------------------------------------
# Provisioners


class _Clients:
    def __init__(self, endpoint_url: str, region: str) -> None:
        self._session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
        )
        self._endpoint_url = endpoint_url
        self._cache: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._cache:
            self._cache[service] = self._session.client(
                service,
                endpoint_url=self._endpoint_url,  # type: ignore[call-overload]
            )
        return self._cache[service]


@dataclass
class _Context:
    lid: str
    res: dict[str, Any]
    resolver: Resolver
    client: _Clients
    topology: Topology
    options: Options

    @property
    def props(self) -> dict[str, Any]:
        resolved: dict[str, Any] = self.resolver.resolve(self.res.get("Properties", {}))
        return resolved

    def arn(self, service: str, resource: str) -> str:
        r = self.resolver
        return f"arn:{r.partition}:{service}:{r.region}:{r.account}:{resource}"

    def publish(self, ref: Any, **attrs: Any) -> None:
        self.resolver.refs[self.lid] = ref
        self.resolver.attrs[self.lid] = attrs


def _local_name(ctx: _Context, limit: int) -> str:
    return f"{ctx.options.stack_name}-{ctx.lid}"[:limit]


def _table(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("TableName") or _local_name(ctx, 255)
    args: dict[str, Any] = {
        "TableName": name,
        "KeySchema": p["KeySchema"],
        "AttributeDefinitions": p["AttributeDefinitions"],
        "BillingMode": p.get("BillingMode", "PROVISIONED"),
    }
    throughput = p.get("ProvisionedThroughput")
    if throughput:
        args["ProvisionedThroughput"] = _ints(throughput)
    if p.get("GlobalSecondaryIndexes"):
        args["GlobalSecondaryIndexes"] = [
            {k: _ints(v) if k == "ProvisionedThroughput" else v for k, v in gsi.items()
             if k in {"IndexName", "KeySchema", "Projection", "ProvisionedThroughput"}}
            for gsi in p["GlobalSecondaryIndexes"]
        ]  # fmt: skip
    if p.get("LocalSecondaryIndexes"):
        args["LocalSecondaryIndexes"] = p["LocalSecondaryIndexes"]
    description = ctx.client("dynamodb").create_table(**args)["TableDescription"]
    ttl = p.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        ctx.client("dynamodb").update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
        )
    ctx.topology.tables[ctx.lid] = name
    ctx.publish(
        name,
        Arn=description["TableArn"],
        StreamArn=description.get("LatestStreamArn", description["TableArn"] + "/stream/local"),
    )


def _ints(value: Mapping[str, Any]) -> dict[str, int]:
    return {k: int(v) for k, v in value.items()}


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


def _queue(ctx: _Context) -> None:
    p = ctx.props
    fifo = str(p.get("FifoQueue", "false")).lower() == "true"
    name = p.get("QueueName") or _local_name(ctx, 75) + (".fifo" if fifo else "")
    attributes = {k: _attr_str(p[k]) for k in _QUEUE_ATTRIBUTES if k in p}
    visibility = int(p.get("VisibilityTimeout", 30))
    cap = ctx.options.max_visibility_timeout
    if cap is not None and visibility > cap:
        visibility = cap
    attributes["VisibilityTimeout"] = str(visibility)
    redrive = p.get("RedrivePolicy")
    if isinstance(redrive, str):
        redrive = json.loads(redrive)
    if redrive:
        attributes["RedrivePolicy"] = json.dumps(redrive)
    url = ctx.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = ctx.arn("sqs", name)
    ctx.topology.queues[ctx.lid] = Queue(
        logical_id=ctx.lid,
        name=name,
        url=url,
        arn=arn,
        visibility_timeout=visibility,
        dead_letter_arn=redrive["deadLetterTargetArn"] if redrive else None,
        max_receive_count=int(redrive["maxReceiveCount"]) if redrive else None,
    )
    ctx.publish(url, Arn=arn, QueueName=name, QueueUrl=url)


def _attr_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _event_bus(ctx: _Context) -> None:
    name = ctx.props["Name"]
    if ctx.options.stack_name != Options.stack_name:
        # A second stack in the same moto (tests): CDK names the bus after its path,
        # which is the same in both, so the stack's prefix keeps them apart.
        name = f"{ctx.options.stack_name}-{name}"
    arn = ctx.client("events").create_event_bus(Name=name)["EventBusArn"]
    ctx.topology.buses[ctx.lid] = name
    ctx.publish(name, Arn=arn, Name=name)


_TARGET_KEYS = ("Id", "Arn", "Input", "InputPath", "InputTransformer", "SqsParameters")


def _rule(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("Name") or _local_name(ctx, 64)
    bus = p.get("EventBusName", "default")
    args: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": p.get("State", "ENABLED")}
    if "EventPattern" in p:
        pattern = p["EventPattern"]
        args["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    if "ScheduleExpression" in p:
        raise TemplateError("scheduled EventBridge rules are not emulated; use a Scheduler")
    arn = ctx.client("events").put_rule(**args)["RuleArn"]
    targets = []
    for target in p.get("Targets", []):
        if ":lambda:" in target["Arn"]:
            # moto's put_events breaks on Lambda targets; route through a queue instead.
            raise TemplateError("rules with Lambda targets are not supported locally")
        if ":api-destination/" in target["Arn"]:
            target = _api_destination_target(ctx, target)
        targets.append({k: target[k] for k in _TARGET_KEYS if k in target})
    if targets:
        ctx.client("events").put_targets(Rule=name, EventBusName=bus, Targets=targets)
    ctx.topology.rules[ctx.lid] = name
    ctx.publish(f"{bus}|{name}" if bus != "default" else name, Arn=arn)


def _api_destination_target(ctx: _Context, target: dict[str, Any]) -> dict[str, Any]:
    """moto calls no HTTP endpoint: the rule delivers to a local queue instead, and the
    deliverer (onetrip_local.api_destinations) makes the calls as EventBridge would."""
    destination = next(
        (d for d in ctx.topology.api_destinations.values() if d.arn == target["Arn"]), None
    )
    if destination is None:
        raise TemplateError(f"target {target['Id']} names an unknown API destination")
    name = f"{ctx.options.stack_name}-{ctx.lid}-{target['Id']}-delivery"[:80]
    url = ctx.client("sqs").create_queue(QueueName=name, Attributes={"VisibilityTimeout": "30"})[
        "QueueUrl"
    ]
    retry = target.get("RetryPolicy", {})
    ctx.topology.api_targets.append(
        ApiDestinationTarget(
            rule=ctx.lid,
            target_id=target["Id"],
            destination=destination.logical_id,
            queue_url=url,
            header_parameters=tuple(
                sorted(target.get("HttpParameters", {}).get("HeaderParameters", {}).items())
            ),
            input_path=target.get("InputPath"),
            retry_attempts=int(retry.get("MaximumRetryAttempts", 185)),
            max_event_age=int(retry.get("MaximumEventAgeInSeconds", 24 * 3600)),
            dead_letter_arn=target.get("DeadLetterConfig", {}).get("Arn"),
        )
    )
    return {"Id": target["Id"], "Arn": ctx.arn("sqs", name)}


def _connection(ctx: _Context) -> None:
    p = ctx.props
    if p.get("AuthorizationType") != "API_KEY":
        raise TemplateError("only API_KEY connections are emulated")
    key = p["AuthParameters"]["ApiKeyAuthParameters"]
    ctx.topology.connections[ctx.lid] = ((str(key["ApiKeyName"]), str(key["ApiKeyValue"])),)
    name = p.get("Name") or _local_name(ctx, 64)
    arn = ctx.arn("events", f"connection/{name}/local")
    ctx.publish(name, Arn=arn, SecretArn=ctx.arn("secretsmanager", f"secret:events!{name}"))


def _api_destination(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("Name") or _local_name(ctx, 64)
    arn = ctx.arn("events", f"api-destination/{name}/local")
    connection = next(
        (lid for lid in ctx.topology.connections if p["ConnectionArn"].endswith(f"/{lid}/local")
         or ctx.resolver.attrs.get(lid, {}).get("Arn") == p["ConnectionArn"]),
        None,
    )  # fmt: skip
    if connection is None:
        raise TemplateError("the API destination's connection is not in the template")
    ctx.topology.api_destinations[ctx.lid] = ApiDestination(
        logical_id=ctx.lid,
        arn=arn,
        endpoint=str(p["InvocationEndpoint"]),
        method=str(p.get("HttpMethod", "POST")),
        connection_headers=ctx.topology.connections[connection],
    )
    ctx.publish(name, Arn=arn)


def _secret(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("Name") or _local_name(ctx, 512)
    if p.get("Name") and ctx.options.stack_name != Options.stack_name:
        # A second stack in the same moto (tests): a named secret (a webhook agency's)
        # would exist already; the stack's prefix keeps them apart, as for the bus.
        name = f"{ctx.options.stack_name}-{name}"
    value = p.get("SecretString")
    if value is None:
        value = ctx.options.secret_values.get(ctx.lid) or _generate_secret(
            p.get("GenerateSecretString", {})
        )
        ctx.options.secret_values[ctx.lid] = value
    arn = ctx.client("secretsmanager").create_secret(Name=name, SecretString=value)["ARN"]
    ctx.topology.secrets[ctx.lid] = arn
    ctx.publish(arn, Id=arn)


def _generate_secret(spec: Mapping[str, Any]) -> str:
    """Like GenerateSecretString: a random password, optionally inside a JSON template."""
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation"):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    excluded = set(spec.get("ExcludeCharacters", ""))
    alphabet = "".join(c for c in alphabet if c not in excluded)
    length = int(spec.get("PasswordLength", 32))
    password = "".join(secrets.choice(alphabet) for _ in range(length))
    if "SecretStringTemplate" in spec:
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = password
        return json.dumps(document)
    return password


def _parameter(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("Name") or f"/{ctx.options.stack_name}/{ctx.lid}"
    ctx.client("ssm").put_parameter(
        Name=name, Value=p["Value"], Type=p.get("Type", "String"), Overwrite=True
    )
    ctx.topology.parameters[ctx.lid] = name
    ctx.publish(name, Type=p.get("Type", "String"), Value=p["Value"])


def _state_machine(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("StateMachineName") or _local_name(ctx, 80)
    if "DefinitionString" in p:
        definition = p["DefinitionString"]
    elif "Definition" in p:
        definition = json.dumps(p["Definition"])
    else:
        raise TemplateError("state machines must carry their definition in the template")
    for key, value in p.get("DefinitionSubstitutions", {}).items():
        definition = definition.replace("${" + key + "}", str(value))
    arn = ctx.client("stepfunctions").create_state_machine(
        name=name,
        definition=definition,
        roleArn=p["RoleArn"],
        type=p.get("StateMachineType", "STANDARD"),
    )["stateMachineArn"]
    ctx.topology.state_machines[ctx.lid] = arn
    ctx.publish(arn, Arn=arn, Name=name)


def _function(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("FunctionName") or _local_name(ctx, 64)
    arn = ctx.arn("lambda", f"function:{name}")
    env = p.get("Environment", {}).get("Variables", {})
    for key, value in env.items():
        if not isinstance(value, str):
            raise TemplateError(f"environment variable {key} did not resolve to a string")
    ctx.topology.functions[ctx.lid] = FunctionSpec(
        logical_id=ctx.lid,
        name=name,
        arn=arn,
        handler=p.get("Handler", ""),
        runtime=p.get("Runtime", ""),
        env=dict(env),
        timeout=int(p.get("Timeout", 3)),
        memory=int(p.get("MemorySize", 128)),
    )
    ctx.publish(name, Arn=arn)


def _event_source_mapping(ctx: _Context) -> None:
    p = ctx.props
    source = p.get("EventSourceArn", "")
    if ":sqs:" not in source:
        raise TemplateError(f"only SQS event sources run locally, not {source!r}")
    queue = ctx.topology.queue_by_arn(source)
    function = ctx.topology.function_by_arn_or_name(p["FunctionName"])
    _require_python(ctx.topology.functions[function])
    ctx.topology.event_source_mappings.append(
        EventSourceMapping(
            logical_id=ctx.lid,
            function=function,
            queue=queue.logical_id,
            batch_size=int(p.get("BatchSize", 10)),
            batching_window=int(p.get("MaximumBatchingWindowInSeconds", 0)),
            report_batch_item_failures="ReportBatchItemFailures"
            in p.get("FunctionResponseTypes", []),
            enabled=bool(p.get("Enabled", True)),
        )
    )
    ctx.publish(ctx.lid)


def _schedule(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("Name") or _local_name(ctx, 64)
    target = p["Target"]
    if ":lambda:" not in target["Arn"]:
        raise TemplateError("only schedules that invoke a Lambda function run locally")
    function = ctx.topology.function_by_arn_or_name(target["Arn"])
    _require_python(ctx.topology.functions[function])
    ScheduleExpression(p["ScheduleExpression"], p.get("ScheduleExpressionTimezone", "UTC"))
    group = p.get("GroupName", "default")
    arn = ctx.arn("scheduler", f"schedule/{group}/{name}")
    ctx.topology.schedules.append(
        Schedule(
            logical_id=ctx.lid,
            name=name,
            arn=arn,
            expression=p["ScheduleExpression"],
            function=function,
            input=target.get("Input"),
            enabled=p.get("State", "ENABLED") == "ENABLED",
            timezone=p.get("ScheduleExpressionTimezone", "UTC"),
        )
    )
    ctx.publish(name, Arn=arn)


def _require_python(spec: FunctionSpec) -> None:
    if not spec.runtime.startswith("python"):
        raise TemplateError(f"function {spec.logical_id} ({spec.runtime}) cannot run locally")


def _http_api(ctx: _Context) -> None:
    if ctx.props.get("ProtocolType", "HTTP") != "HTTP":
        raise TemplateError("only HTTP APIs are emulated")
    api_id = ctx.lid.lower()[:10]
    ctx.publish(api_id, ApiId=api_id, ApiEndpoint="http://127.0.0.1")


def _integration(ctx: _Context) -> None:
    p = ctx.props
    if p.get("IntegrationType") != "AWS_PROXY":
        raise TemplateError("only Lambda proxy integrations are emulated")
    function = ctx.topology.function_by_arn_or_name(p["IntegrationUri"])
    if str(p.get("PayloadFormatVersion", "2.0")) != "2.0":
        raise TemplateError("only payload format 2.0 is emulated")
    # Routes target "integrations/<Ref>": let the Ref name the function directly.
    ctx.publish(f"fn:{function}")


def _authorizer(ctx: _Context) -> None:
    p = ctx.props
    if p.get("AuthorizerType") != "JWT":
        raise TemplateError("only JWT authorizers are emulated")
    jwt = p.get("JwtConfiguration", {})
    ctx.topology.authorizers[ctx.lid] = Authorizer(
        logical_id=ctx.lid,
        issuer=str(jwt.get("Issuer", "")),
        audience=tuple(jwt.get("Audience", [])),
    )
    ctx.publish(f"auth:{ctx.lid}")


def _route(ctx: _Context) -> None:
    p = ctx.props
    route_key = p["RouteKey"]
    target = str(p.get("Target", ""))
    if "fn:" not in target:
        raise TemplateError(f"route {route_key} has no Lambda integration")
    function = target.split("fn:", 1)[1]
    method, _, path = route_key.partition(" ")
    if route_key == "$default":
        method, path = "ANY", ""
    authorizer = None
    if p.get("AuthorizationType", "NONE") == "JWT":
        authorizer = str(p["AuthorizerId"]).removeprefix("auth:")
    elif p.get("AuthorizationType", "NONE") != "NONE":
        raise TemplateError(f"authorization type {p['AuthorizationType']} is not emulated")
    ctx.topology.routes.append(
        Route(
            logical_id=ctx.lid,
            method=method.upper(),
            path=path,
            route_key=route_key,
            function=function,
            authorizer=authorizer,
            scopes=tuple(p.get("AuthorizationScopes", [])),
        )
    )
    ctx.publish(ctx.lid)


def _kms_key(ctx: _Context) -> None:
    """A signing key (symmetric keys are ignored, see is_ignored): moto signs ECDSA."""
    p = ctx.props
    tags = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in p.get("Tags", [])]
    metadata = ctx.client("kms").create_key(
        KeySpec=p.get("KeySpec", "SYMMETRIC_DEFAULT"),
        KeyUsage=p["KeyUsage"],
        Description=p.get("Description", ctx.lid),
        **({"Tags": tags} if tags else {}),
    )["KeyMetadata"]
    ctx.topology.keys[ctx.lid] = metadata["Arn"]
    ctx.publish(metadata["KeyId"], Arn=metadata["Arn"], KeyId=metadata["KeyId"])


def _bucket(ctx: _Context) -> None:
    p = ctx.props
    name = p.get("BucketName") or _local_name(ctx, 63).lower()
    s3 = ctx.client("s3")
    if ctx.resolver.region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": ctx.resolver.region}
        )
    ctx.topology.buckets[ctx.lid] = name
    suffix = ctx.resolver.url_suffix
    ctx.publish(
        name,
        Arn=f"arn:{ctx.resolver.partition}:s3:::{name}",
        DomainName=f"{name}.s3.{suffix}",
        RegionalDomainName=f"{name}.s3.{ctx.resolver.region}.{suffix}",
    )


def _distribution(ctx: _Context) -> None:
    """Behaviours with an S3 origin become static routes of the local API; the default
    behaviour must forward to the HTTP API, which the local API is."""
    config = ctx.props["DistributionConfig"]
    origins = {o["Id"]: o for o in config.get("Origins", [])}
    buckets = {
        f"{name}.s3.{ctx.resolver.region}.{ctx.resolver.url_suffix}": name
        for name in ctx.topology.buckets.values()
    }
    default = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    if ".execute-api." not in str(default["DomainName"]):
        raise TemplateError("only distributions in front of the HTTP API are emulated")
    for behaviour in config.get("CacheBehaviors", []):
        origin = origins[behaviour["TargetOriginId"]]
        bucket = buckets.get(str(origin["DomainName"]))
        if bucket is None:
            raise TemplateError(f"behaviour {behaviour['PathPattern']}: only S3 origins")
        ctx.topology.static_routes.append(
            StaticRoute(
                logical_id=ctx.lid,
                path_pattern=behaviour["PathPattern"],
                bucket=bucket,
                origin_path=str(origin.get("OriginPath", "")),
            )
        )
    domain = f"{ctx.lid.lower()}.cloudfront.local"
    ctx.publish(domain, DomainName=domain, Id=ctx.lid)


_PROVISIONERS: dict[str, Callable[[_Context], None]] = {
    "AWS::KMS::Key": _kms_key,
    "AWS::S3::Bucket": _bucket,
    "AWS::CloudFront::Distribution": _distribution,
    "AWS::DynamoDB::Table": _table,
    "AWS::SQS::Queue": _queue,
    "AWS::Events::EventBus": _event_bus,
    "AWS::Events::Rule": _rule,
    "AWS::Events::Connection": _connection,
    "AWS::Events::ApiDestination": _api_destination,
    "AWS::SecretsManager::Secret": _secret,
    "AWS::SSM::Parameter": _parameter,
    "AWS::StepFunctions::StateMachine": _state_machine,
    "AWS::Lambda::Function": _function,
    "AWS::Lambda::EventSourceMapping": _event_source_mapping,
    "AWS::Scheduler::Schedule": _schedule,
    "AWS::ApiGatewayV2::Api": _http_api,
    "AWS::ApiGatewayV2::Integration": _integration,
    "AWS::ApiGatewayV2::Authorizer": _authorizer,
    "AWS::ApiGatewayV2::Route": _route,
}


# ---------------------------------------------------------------------------------------


def _dependency_order(resources: Mapping[str, Any], ignored: Mapping[str, str]) -> list[str]:
    """Resources in an order where everything a resource refers to comes first."""
    pending = {
        lid: {
            dep
            for dep in references(res.get("Properties", {})) | _depends_on(res)
            if dep in resources and dep not in ignored
        }
        for lid, res in resources.items()
        if lid not in ignored
    }
    order: list[str] = []
    while pending:
        ready = sorted(lid for lid, deps in pending.items() if not deps - set(order))
        if not ready:
            raise TemplateError(f"reference cycle among: {', '.join(sorted(pending))}")
        order.extend(ready)
        for lid in ready:
            del pending[lid]
    return order


def _depends_on(res: Mapping[str, Any]) -> set[str]:
    value = res.get("DependsOn", [])
    return {value} if isinstance(value, str) else set(value)


_SERVICE_OF_TYPE = {
    "AWS::IAM::Role": ("iam", "role/"),
    "AWS::IAM::Policy": ("iam", "policy/"),
    "AWS::IAM::ManagedPolicy": ("iam", "policy/"),
    "AWS::KMS::Key": ("kms", "key/"),
    "AWS::KMS::Alias": ("kms", "alias/"),
    "AWS::Logs::LogGroup": ("logs", "log-group:"),
    "AWS::Lambda::LayerVersion": ("lambda", "layer:"),
    "AWS::SNS::Topic": ("sns", ""),
    "AWS::Cognito::UserPool": ("cognito-idp", "userpool/"),
    "AWS::Events::Archive": ("events", "archive/"),
}


def _fake_id(lid: str, type_: str, region: str) -> str:
    if type_ == "AWS::Cognito::UserPool":
        return f"{region}_{lid[:9]}"
    return lid


class _FakeAttributes(dict[str, Any]):
    """GetAtt on an ignored resource: a stable, plausible value (an ARN for `Arn`)."""

    def __init__(self, lid: str, type_: str, resolver: Resolver) -> None:
        super().__init__()
        self._lid, self._type, self._r = lid, type_, resolver

    def __missing__(self, attribute: str) -> Any:
        r = self._r
        service, prefix = _SERVICE_OF_TYPE.get(self._type, (self._type.split("::")[1].lower(), ""))
        ident = _fake_id(self._lid, self._type, r.region)
        region = "" if service == "iam" else r.region  # IAM is global
        arn = f"arn:{r.partition}:{service}:{region}:{r.account}:{prefix}{ident}"
        if attribute == "Arn":
            return arn
        if attribute == "ProviderURL":
            return f"https://cognito-idp.{r.region}.{r.url_suffix}/{ident}"
        if attribute == "ProviderName":
            return f"cognito-idp.{r.region}.{r.url_suffix}/{ident}"
        return ident
