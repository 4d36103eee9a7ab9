"""`onetrip local`: moto + the provisioned template + workers, pollers, scheduler, HTTP."""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
import threading
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from onetrip.routing import partner_party

from onetrip_local.api_destinations import Deliverer, urllib_transport
from onetrip_local.apigw import ApiResult, HttpRequest, problem_result, serve_request
from onetrip_local.cdn import serve_static
from onetrip_local.moto_server import MotoServer
from onetrip_local.pollers import Poller
from onetrip_local.provision import Options, Topology, check_types, provision
from onetrip_local.scheduler import Scheduler
from onetrip_local.server import ADMIN_PREFIX, LocalHttpServer
from onetrip_local.template import TemplateError, load_template
from onetrip_local.tokens import Verifier, mint
from onetrip_local.triggers import function_environment
from onetrip_local.workers import WorkerPool

log = logging.getLogger("onetrip.local")


@dataclass
class RuntimeOptions:
    port: int = 3000
    region: str = "us-east-1"
    context: Mapping[str, Any] = field(default_factory=dict)
    # Caps queue visibility timeouts (seconds) so a crashed batch returns quickly.
    max_visibility_timeout: int | None = None
    code_paths: Sequence[Path] = ()
    template: dict[str, Any] | None = None  # default: the app's (synthesized, cached)
    # API-destination endpoints' hosts -> "127.0.0.1:port" (plain HTTP locally).
    resolve: Mapping[str, str] = field(default_factory=dict)
    # Join another `onetrip local`'s moto instead of starting one (a partner city: moto
    # delivers a rule's event-bus target to another stack's bus in the same moto), with
    # this stack's prefix for generated names.
    moto_endpoint: str | None = None
    stack_name: str = "onetrip"


class LocalRuntime:
    def __init__(self, options: RuntimeOptions) -> None:
        self.options = options
        self._threads: list[Poller | Scheduler | Deliverer] = []

    def start(self) -> str:
        """Provision and start serving; returns the base URL."""
        opts = self.options
        template = opts.template or load_template(opts.context, log=log.info)
        check_types(template)  # before anything starts: an unknown type is a clear error
        self.moto: MotoServer | None = None if opts.moto_endpoint else MotoServer()
        self.endpoint_url = opts.moto_endpoint or (self.moto.endpoint_url if self.moto else "")
        os.environ.update(
            AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION=opts.region, AWS_ENDPOINT_URL=self.endpoint_url,
        )  # fmt: skip
        self.topology: Topology = provision(
            template, endpoint_url=self.endpoint_url, region=opts.region,
            options=Options(max_visibility_timeout=opts.max_visibility_timeout,
                            stack_name=opts.stack_name),
        )  # fmt: skip
        environments = {
            lid: function_environment(spec, endpoint_url=self.endpoint_url,
                                      region=opts.region)
            for lid, spec in self.topology.functions.items()
        }  # fmt: skip
        self.pool = WorkerPool(self.topology.functions, environments, opts.code_paths)
        self.pool.start_all()
        self.verifier = Verifier()
        self.scheduler = Scheduler(
            self.topology.schedules, self.pool.invoke,
            region=opts.region, account=self.topology.account,
        )  # fmt: skip
        self._threads = [self.scheduler]
        for mapping in self.topology.event_source_mappings:
            if mapping.enabled:
                self._threads.append(
                    Poller(
                        mapping,
                        self.topology.queues[mapping.queue],
                        self._sqs(),
                        self.pool.invoke,
                        opts.region,
                    )  # fmt: skip
                )
        transport = urllib_transport(opts.resolve)
        for target in self.topology.api_targets:
            destination = self.topology.api_destinations[target.destination]
            self._threads.append(Deliverer(target, destination, self._sqs(), transport))
        for thread in self._threads:
            thread.start()
        self.http = LocalHttpServer(opts.port, self._api, self._admin)
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, name="http", daemon=True).start()
        return f"http://127.0.0.1:{self.port}"

    @functools.cached_property
    def _s3(self) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            "s3", endpoint_url=self.endpoint_url, region_name=self.options.region
        )

    def _sqs(self) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            "sqs", endpoint_url=self.endpoint_url, region_name=self.options.region
        )

    def stop(self) -> None:
        """Stop accepting requests, stop pollers and schedules, end every worker."""
        if hasattr(self, "http"):
            self.http.shutdown()
            self.http.server_close()
        for thread in self._threads:
            thread.stop()
        if hasattr(self, "pool"):
            self.pool.stop_all()
        for thread in self._threads:
            thread.join(timeout=5)
        own_moto: MotoServer | None = getattr(self, "moto", None)
        if own_moto is not None:
            own_moto.stop()  # not a joined one: its owner stops it

    # -- HTTP -----------------------------------------------------------------------------

    def _api(self, request: HttpRequest) -> ApiResult:
        static = serve_static(request, self.topology.static_routes, self._s3)
        if static is not None:
            return static
        return serve_request(
            request, self.topology.routes, verifier=self.verifier, invoke=self.pool.invoke,
            account=self.topology.account,
        )  # fmt: skip

    def _admin(self, request: HttpRequest) -> ApiResult:
        path = request.path[len(ADMIN_PREFIX) :].strip("/")
        if request.method == "POST" and path == "token":
            return _client_credentials(request)
        body = json.loads(request.body or b"{}")
        try:
            if request.method == "POST" and path.startswith("schedules/"):
                schedule = self.scheduler.find(path.removeprefix("schedules/"))
                at = _instant(body.get("at")) if body.get("at") else datetime.now(UTC)
                result = self.scheduler.fire(schedule, at)
                return _json(200, {"schedule": schedule.name, "function": schedule.function,
                                   "at": at.isoformat(), "result": result})  # fmt: skip
            if request.method == "GET" and path == "workers":
                return _json(200, {lid: asdict(w.status()) for lid, w in self.pool.workers.items()})
            if request.method == "POST" and path == "faults":
                worker = self.pool.workers[body["function"]]
                worker.pause_next(float(body["pauseSeconds"]), int(body.get("times", 1)))
                return _json(202, {"function": body["function"]})
            if request.method == "GET" and path == "topology":
                return _json(200, self.describe())
        except (KeyError, ValueError, TemplateError) as error:
            return problem_result(400, "Bad admin request", str(error))
        return problem_result(404, "Not found", f"No admin route {request.method} {path}.")

    def describe(self) -> dict[str, Any]:
        t = self.topology
        return {
            "endpointUrl": t.endpoint_url,
            "region": t.region,
            "routes": [
                f"{r.route_key} → {r.function}" + ("" if r.authorizer else " (public)")
                for r in t.routes
            ],  # fmt: skip
            "functions": sorted(t.functions),
            "tables": t.tables,
            "queues": {lid: q.url for lid, q in t.queues.items()},
            "eventSourceMappings": [
                f"{m.queue} → {m.function} (batch {m.batch_size})" for m in t.event_source_mappings
            ],  # fmt: skip
            "schedules": [f"{s.name}: {s.expression} → {s.function}" for s in t.schedules],
            "stateMachines": t.state_machines,
            "buses": t.buses,
            "buckets": t.buckets,
            "keys": t.keys,
            "secrets": t.secrets,  # logical id -> ARN (names only, never values)
            "staticRoutes": [
                f"{r.path_pattern} → s3://{r.bucket}{r.origin_path}" for r in t.static_routes
            ],  # fmt: skip
            "ignored": sorted(f"{lid} ({type_})" for lid, type_ in t.ignored.items()),
        }


def _client_credentials(request: HttpRequest) -> ApiResult:
    """The local identity provider's token endpoint for machine clients (a partner city's
    system): the client-credentials grant with HTTP Basic; the client id is the city (a
    Basic user-id has no colon), the token an `agency` token for `partner:<city>`. Local
    only: no secret check, like `onetrip token`."""
    kind, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        client_id = base64.b64decode(encoded).decode().split(":", 1)[0]
    except ValueError:
        client_id = ""
    form = urllib.parse.parse_qs((request.body or b"").decode())
    if kind.lower() != "basic" or not client_id or form.get("grant_type") != ["client_credentials"]:
        return _json(400, {"error": "invalid_request"})
    party = partner_party(client_id)
    token = mint(["agency"], sub=f"{party}-system", agency=party)
    return _json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})


def _instant(text: str) -> datetime:
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _json(status: int, document: Any) -> ApiResult:
    body = json.dumps(document, ensure_ascii=False, default=str).encode()
    return ApiResult(status, {"content-type": "application/json"}, body)
