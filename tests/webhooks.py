"""Agencies in `webhook` mode for tests: the app's context, and simulators wired in.

One context for the integration tests, the e2e test and the bench, so the synthesized
template is cached once (.build/local/) for all of them.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from onetrip.routing import Agency
from onetrip_local.agency_sim import AgencySimulator
from onetrip_local.api_destinations import HttpCall

from tests.builders import claims

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
    """What the operator hands the agency out of band (Secrets Manager)."""
    found = cloud.boto("secretsmanager").get_secret_value(SecretId=f"onetrip/webhooks/{agency}")
    return str(found["SecretString"])


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
