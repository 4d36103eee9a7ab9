"""LocalCloud: the whole topology in moto, with functions invoked in this process.

For integration tests. It shares template reading and provisioning with `onetrip local`;
the difference is that functions run here (environment swapped per invocation) and
triggers run when a test asks (`deliver`, `fire_schedule`), so tests are deterministic.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import boto3

from onetrip_local import api_destinations
from onetrip_local.apigw import ApiResult, HttpRequest, serve_request
from onetrip_local.cdn import serve_static
from onetrip_local.esm import receive_batch, run_batch
from onetrip_local.moto_server import MotoServer
from onetrip_local.provision import EventSourceMapping, FunctionSpec, Options, Topology, provision
from onetrip_local.template import Template, load_template
from onetrip_local.tokens import Verifier
from onetrip_local.triggers import LambdaContext, function_environment, scheduled_event

DEFAULT_REGION = "us-east-1"


@dataclass
class DeliveryReport:
    rounds: int = 0
    invocations: Counter[str] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # records left for redelivery
    errors: list[str] = field(default_factory=list)  # tracebacks of raised exceptions
    drained: bool = False


class LocalCloud:
    def __init__(
        self, template: Template, *, region: str, server: MotoServer, options: Options
    ) -> None:
        self.template = template
        self.region = region
        self.endpoint_url = server.endpoint_url
        self._server = server
        self._options = options
        self._lock = threading.RLock()
        self._verifier: Verifier | None = None
        # How API-destination deliveries reach their endpoints: real HTTP by default (with
        # `resolve`: host -> 127.0.0.1:port); a test may plug a receiver in directly.
        self.resolve: dict[str, str] = {}
        self.webhook_transport: api_destinations.Transport | None = None
        self.topology: Topology = self._provision()
        _LIVE.append(self)

    @classmethod
    def start(
        cls,
        template: Template | str | Path | None = None,
        *,
        context: Mapping[str, Any] | None = None,
        region: str | None = None,
        max_visibility_timeout: int | None = None,
        code_paths: Sequence[str | Path] = (),
        stack_name: str = "onetrip",
    ) -> LocalCloud:
        """Start moto on a free port and provision the template (the app's by default).

        `code_paths`: where handler modules live besides `functions/` (test-only stacks);
        `stack_name` prefixes generated physical names (two stacks can share one moto).
        """
        for code_path in code_paths:
            if str(code_path) not in sys.path:
                sys.path.insert(0, str(code_path))
        if template is None:
            loaded = load_template(context)
        elif isinstance(template, dict):
            loaded = template
        else:
            loaded = json.loads(Path(template).read_text())
        region = region or str((context or {}).get("region") or DEFAULT_REGION)
        server = _shared_server()
        # In-process code (tests, handlers) reaches moto through the standard variables.
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": server.endpoint_url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": region,
                "AWS_REGION": region,
            }
        )
        options = Options(max_visibility_timeout=max_visibility_timeout, stack_name=stack_name)
        return cls(loaded, region=region, server=server, options=options)

    def _provision(self) -> Topology:
        return provision(
            self.template, endpoint_url=self.endpoint_url, region=self.region,
            options=self._options,
        )  # fmt: skip

    def reset(self) -> None:
        """Wipe moto's state and provision again (fast: no synth, same secret values).

        moto's backends are per process, so every live LocalCloud is provisioned again.
        """
        with self._lock:
            self._server.reset()
            for cloud in _LIVE:
                cloud.topology = cloud._provision()

    def stop(self) -> None:
        global _SERVER
        if self in _LIVE:
            _LIVE.remove(self)
        if not _LIVE and _SERVER is not None:
            _SERVER.stop()
            _SERVER = None

    # -- look-ups -----------------------------------------------------------------------

    def table(self, name: str) -> str:
        return self.topology.tables[self._lookup(self.topology.tables, name)]

    def queue_url(self, name: str) -> str:
        return self.topology.queues[self._lookup(self.topology.queues, name)].url

    def queue_arn(self, name: str) -> str:
        return self.topology.queues[self._lookup(self.topology.queues, name)].arn

    def state_machine_arn(self, name: str | None = None) -> str:
        machines = self.topology.state_machines
        if name is None and len(machines) == 1:
            return next(iter(machines.values()))
        return machines[self._lookup(machines, name or "")]

    def bucket(self, name: str) -> str:
        return self.topology.buckets[self._lookup(self.topology.buckets, name)]

    def key_arn(self, name: str) -> str:
        return self.topology.keys[self._lookup(self.topology.keys, name)]

    def secret_arn(self, name: str) -> str:
        return self.topology.secrets[self._lookup(self.topology.secrets, name)]

    @property
    def bus_name(self) -> str:
        (name,) = self.topology.buses.values()
        return name

    def function(self, name: str) -> FunctionSpec:
        return self.topology.functions[self._lookup(self.topology.functions, name)]

    def env_for(self, function: str) -> dict[str, str]:
        return function_environment(
            self.function(function), endpoint_url=self.endpoint_url, region=self.region
        )

    def boto(self, service: str) -> Any:
        return _client(service, self.endpoint_url, self.region)

    def _lookup(self, mapping: Mapping[str, Any], name: str) -> str:
        """A logical id; else the resource whose CDK path has `name` as a segment, or whose
        logical id is `name` plus CDK's 8-hex hash; else an unambiguous prefix."""
        if name in mapping:
            return name
        paths = self.topology.paths
        tiers = [
            [lid for lid in mapping if name in paths.get(lid, "").split("/")],
            [lid for lid in mapping if re.fullmatch(re.escape(name) + "[0-9A-F]{8}", lid)],
            [lid for lid in mapping if lid.startswith(name)],
        ]
        for candidates in tiers:
            if len(candidates) == 1:
                return candidates[0]
        raise KeyError(f"{name!r} names no single one of {sorted(mapping)}")

    # -- invocation ---------------------------------------------------------------------

    def invoke(self, function: str, event: Any) -> Any:
        """Run the function's handler here, with exactly its environment (as in Lambda)."""
        spec = self.function(function)
        module_name, attr = spec.module_and_attr
        with self._lock, _environment(self.env_for(spec.logical_id)):
            handler = getattr(importlib.import_module(module_name), attr)
            return handler(event, LambdaContext.for_function(spec))

    def api(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        claims: Mapping[str, Any] | None = None,
        raw_body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiResult:
        """One request through the emulated HTTP API: route, authorizer, function.

        `claims` are the verified token's claims (rendered as API Gateway renders them);
        without them an `Authorization` header is verified like `onetrip local` does.
        """
        path, _, query = path.partition("?")
        request_headers = {k.lower(): v for k, v in (headers or {}).items()}
        data: bytes | None = None
        if raw_body is not None:
            data = raw_body.encode() if isinstance(raw_body, str) else raw_body
        elif body is not None:
            data = json.dumps(body).encode()
            request_headers.setdefault("content-type", "application/json")
        if data is not None:
            request_headers.setdefault("content-length", str(len(data)))
        request_headers.setdefault("host", "127.0.0.1")
        return self.serve(HttpRequest(method, path, query, request_headers, data), claims)

    def serve(self, request: HttpRequest, claims: Mapping[str, Any] | None = None) -> ApiResult:
        """Answer one HTTP request as `onetrip local` does (static behaviours first);
        also what `LocalHttpServer` calls when a test serves this cloud over real HTTP."""
        static = serve_static(request, self.topology.static_routes, self.boto("s3"))
        if static is not None:
            return static
        return serve_request(
            request, self.topology.routes, verifier=self.verifier, invoke=self.invoke,
            account=self.topology.account, claims=claims,
        )  # fmt: skip

    @property
    def verifier(self) -> Verifier:
        if self._verifier is None:
            self._verifier = Verifier()
        return self._verifier

    def deliver(self, max_rounds: int = 50, *, wait_seconds: float = 0.0) -> DeliveryReport:
        """Run every SQS event source mapping until its queue is empty.

        Failed records are made visible again at once, so redelivery and moto's DLQ
        redrive (after maxReceiveCount) happen without waiting for visibility timeouts.
        `wait_seconds` waits that long for the first message (Step Functions sends its
        task messages from a background thread).
        """
        report = DeliveryReport()
        deadline = time.monotonic() + wait_seconds
        idle_rounds = 0
        while report.rounds < max_rounds:
            report.rounds += 1
            busy = False
            for mapping in self.topology.event_source_mappings:
                if mapping.enabled:
                    busy |= self._deliver_batch(mapping, report)
            for target in self.topology.api_targets:
                busy |= self._deliver_api_target(target, report)
            if busy:
                idle_rounds = 0
                continue
            if not report.records and time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            # moto redrives to a DLQ during a receive that returns nothing: one more
            # idle round lets the DLQ's own mapping see the message.
            idle_rounds += 1
            if idle_rounds >= 2:
                report.drained = True
                break
        return report

    def _deliver_batch(self, mapping: EventSourceMapping, report: DeliveryReport) -> bool:
        queue = self.topology.queues[mapping.queue]
        sqs = self.boto("sqs")
        # Tests send before they deliver, so waiting out the batching window would only
        # add a pause per queue per round; moto returns what the batch can hold at once.
        messages = receive_batch(sqs, queue, replace(mapping, batching_window=0))
        if not messages:
            return False
        outcome = run_batch(
            sqs, queue, mapping, messages,
            lambda event: self.invoke(mapping.function, event),
            region=self.region, retry_now=True,
        )  # fmt: skip
        report.invocations[mapping.function] += 1
        report.records[mapping.function] += outcome.records
        report.failures[mapping.function] += outcome.failed
        if outcome.error:
            report.errors.append(outcome.error)
        return True

    def _deliver_api_target(
        self, target: api_destinations.ApiDestinationTarget, report: DeliveryReport
    ) -> bool:
        """One round of an API destination's deliveries; a retry is due at once (tests),
        and still counts against the target's retry attempts."""
        sqs = self.boto("sqs")
        messages = api_destinations.receive(sqs, target)
        destination = self.topology.api_destinations[target.destination]
        transport = self.webhook_transport or api_destinations.urllib_transport(self.resolve)
        for message in messages:
            outcome = api_destinations.attempt(message, target, destination, transport, sqs)
            key = f"api-destination:{target.destination}"
            report.records[key] += 1
            if not outcome.delivered:
                report.failures[key] += 1
            if outcome.retry_in is not None:
                api_destinations.retry_later(sqs, target, message, 0)
        return bool(messages)

    def fire_schedule(self, target_function: str, at: datetime) -> Any:
        """Invoke the function of the schedule that targets `target_function`, as of `at`."""
        logical_id = self.function(target_function).logical_id
        schedule = next(s for s in self.topology.schedules if s.function == logical_id)
        event = scheduled_event(schedule, at, region=self.region, account=self.topology.account)
        return self.invoke(logical_id, event)


# moto keeps its backends in module globals: one server per process serves every cloud.
_SERVER: MotoServer | None = None
_LIVE: list[LocalCloud] = []


def _shared_server() -> MotoServer:
    global _SERVER
    if _SERVER is None:
        _SERVER = MotoServer()
    return _SERVER


@cache
def _client(service: str, endpoint_url: str, region: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


class _environment:
    """Put one function's environment in place for one invocation, by setting values only.

    Other threads read os.environ while functions run: moto's Step Functions thread
    resumes executions in the background, and creating its clients walks the whole
    environment (urllib's proxy lookup lists the keys, then reads each one). A variable
    deleted between those two steps is a KeyError in that thread, which fails the
    execution. So nothing is ever deleted here:
    - a variable the function has is set to its value;
    - one an earlier invocation left and this function lacks is set to "" for the
      invocation (Settings reads "" as unset), so the function sees what it would see in
      Lambda;
    - afterwards the process's own variables get their values back; variables only
      functions have keep their last value (no one reads them between invocations).
    """

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self._saved: dict[str, str] = {}

    def __enter__(self) -> None:
        self._saved = dict(os.environ)
        absent = {key: "" for key in _FUNCTION_ONLY if key not in self._env}
        _apply({**absent, **self._env})
        _FUNCTION_ONLY.update(key for key in self._env if key not in self._saved)
        _forget_settings()

    def __exit__(self, *exc: object) -> None:
        _apply({key: value for key, value in self._saved.items() if key not in _FUNCTION_ONLY})
        _forget_settings()


# Variables that only functions' environments have (never the process's own).
_FUNCTION_ONLY: set[str] = set()


def _apply(values: Mapping[str, str]) -> None:
    for key, value in values.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _forget_settings() -> None:
    from onetrip.settings import get_settings

    get_settings.cache_clear()
