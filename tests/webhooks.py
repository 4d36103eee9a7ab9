"""Agencies in `webhook` mode for tests: the app's context, and simulators wired in.

One context for the integration tests, the e2e test and the bench, so the synthesized
template is cached once (.build/local/) for all of them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import boto3
from onetrip.routing import Agency
from onetrip_local.agency_sim import AgencySimulator, http_api, serve
from onetrip_local.api_destinations import HttpCall
from onetrip_local.tokens import mint

from tests.builders import claims
from tests.support import local_runtime

WEBHOOK_AGENCIES = (Agency.WATER, Agency.GAS)
ACK_DEADLINE_MINUTES = 60


def endpoint(agency: Agency) -> str:
    return f"https://{agency.value}.agency.test/onetrip/webhooks"


# The JSON string form, as `onetrip local -c connectors=…` passes it (same cache key).
WEBHOOK_CONTEXT: dict[str, Any] = {
    "connectors": json.dumps(
        {
            agency.value: {
                "mode": "webhook",
                "endpoint": endpoint(agency),
                "ackDeadlineMinutes": ACK_DEADLINE_MINUTES,
            }
            for agency in WEBHOOK_AGENCIES
        },
        sort_keys=True,
    )
}


def signing_secret(cloud: Any, agency: Agency) -> str:
    """What the operator hands the agency out of band (Secrets Manager, AWSCURRENT)."""
    secret_id = cloud.secret_arn(f"{pascal(agency)}WebhookSecret")
    found = cloud.boto("secretsmanager").get_secret_value(SecretId=secret_id)
    return str(found["SecretString"])


def pascal(agency: Agency) -> str:
    """As the stack names the agency's resources (`WaterWebhookSecret`)."""
    return "".join(part.capitalize() for part in agency.value.split("_"))


def in_process_simulators(cloud: Any) -> dict[Agency, AgencySimulator]:
    """A simulator per webhook agency, reached by the harness's API-destination
    deliveries without sockets, calling the API in process with the agency's token."""

    def api_for(agency: Agency) -> Any:
        def call(method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
            result = cloud.api(method, path, body=body, claims=claims("agency", agency=agency))
            return result.status, result.json

        return call

    sims = {
        agency: AgencySimulator(agency, signing_secret(cloud, agency), api_for(agency))
        for agency in WEBHOOK_AGENCIES
    }
    by_host = {urlsplit(endpoint(a)).hostname: sim for a, sim in sims.items()}

    def transport(call: HttpCall) -> int:
        sim = by_host[urlsplit(call.url).hostname]
        return sim.receive(call.headers, call.body)

    cloud.webhook_transport = transport
    return sims


STARTUP_SECONDS = 240  # the first start after a source change synthesizes


@contextmanager
def webhook_city() -> Iterator[tuple[str, dict[Agency, AgencySimulator]]]:
    """`onetrip local` with WEBHOOK_CONTEXT, and one `agency-sim` per webhook agency on
    real HTTP (its host resolved to the simulator); yields (API URL, simulators)."""
    sims: dict[Agency, AgencySimulator] = {}
    servers = []
    resolve: list[str] = []
    for agency in WEBHOOK_AGENCIES:
        sim = AgencySimulator(agency, "whsec_" + "A" * 32, lambda *a: (0, None))
        server = serve(sim)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sims[agency] = sim
        servers.append(server)
        resolve += ["--resolve", f"{urlsplit(endpoint(agency)).hostname}=127.0.0.1:"
                    f"{server.server_address[1]}"]  # fmt: skip
    running = local_runtime.start(
        "-c", f"connectors={WEBHOOK_CONTEXT['connectors']}", *resolve,
        startup_seconds=STARTUP_SECONDS,
    )  # fmt: skip
    try:
        url = running.url
        topology = json.loads(_get(f"{url}/_local/topology"))
        secrets = boto3.client(  # type: ignore[call-overload]
            "secretsmanager", endpoint_url=topology["endpointUrl"], region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        for agency, sim in sims.items():
            found = secrets.get_secret_value(SecretId=f"onetrip/webhooks/{agency}")
            sim.use_secret(found["SecretString"])
            sim.api = http_api(url, mint(["agency"], sub=f"{agency}-system", agency=agency.value))
        yield url, sims
    finally:
        local_runtime.stop(running)
        for server in servers:
            server.shutdown()
            server.server_close()


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())
