"""`onetrip agency-sim`: an agency's own system, for the demo and the tests.

Receives onetrip's webhook, verifies it with the shared helper (onetrip.domain.webhooks:
a forged, stale or replayed webhook-id is refused with 400 and never processed), pulls the
held fields with the agency's token, applies them to its own store (re-keying a record
whose ID number changed) and acknowledges. It can be told to be:
- `up` (default); `down` (503 to every delivery); `slow` (waits `slow_seconds` before
  answering, past EventBridge's 5 s timeout by default); `wrong` (acknowledges with a
  malformed body, which onetrip refuses with 422, so the linked update stays open).

It holds one signing secret or two (a rotation: the new one installed beside the old;
a delivery verifies when any of its signatures matches either).

HTTP (plain, local): `POST <any path>` the webhook; `GET /store` the records;
`PUT /store` {"records": [...]} seeds them; `POST /mode` {"mode", "slowSeconds"?};
`POST /secrets` {"secrets": ["…", …]} installs the secrets it verifies with.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from onetrip.domain.webhooks import MemorySeenIds, Receiver, Rejected
from onetrip.routing import HELD_FIELDS, Agency

MODES = ("up", "down", "slow", "wrong")

# api(method, path, body) -> (status, json body): onetrip's API with the agency's token.
Api = Callable[[str, str, dict[str, Any]], tuple[int, Any]]


@dataclass
class AgencySimulator:
    agency: Agency
    secret: str | Sequence[str]  # one, or two during a rotation
    api: Api
    mode: str = "up"
    slow_seconds: float = 6.0
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # by current idNumber
    rejected: list[str] = field(default_factory=list)  # rejection reasons, in order
    received: list[dict[str, Any]] = field(default_factory=list)  # verified payloads
    acks: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: int = 0  # calls this agency made to onetrip (pull + ack)
    # Over HTTP (serve) the delivery is answered at once and processed afterwards, as a
    # receiver should (EventBridge waits 5 s); in process (tests) it runs inline.
    background: bool = False
    errors: list[str] = field(default_factory=list)
    address: str = ""  # http://127.0.0.1:<port> once served

    def __post_init__(self) -> None:
        self.receiver = Receiver(self.secret, MemorySeenIds())
        self._lock = threading.Lock()

    def use_secret(self, *secrets: str) -> None:
        """The secret(s) handed over by onetrip's operator (known once onetrip runs; two
        while a rotation is installed). Ids seen stay seen: a replay is still a replay."""
        if not secrets or not all(secrets):
            raise ValueError("a simulator needs at least one non-empty secret")
        self.secret = secrets[0] if len(secrets) == 1 else tuple(secrets)
        self.receiver = Receiver(self.secret, self.receiver.seen, clock=self.receiver.clock)

    def seed(self, record: dict[str, Any]) -> None:
        self.records[record["idNumber"]] = dict(record)

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        """One webhook delivery -> the HTTP status the agency answers with."""
        if self.mode == "down":
            return 503
        try:
            payload = self.receiver.verify(body, headers)
        except Rejected as rejection:
            self.rejected.append(rejection.reason.value)
            return 400
        self.received.append(payload)
        if self.mode == "slow":
            time.sleep(self.slow_seconds)
        if self.background:
            threading.Thread(target=self._process_safely, args=(payload,), daemon=True).start()
        else:
            self._process_safely(payload, reraise=True)
        return 200

    def _process_safely(self, payload: dict[str, Any], reraise: bool = False) -> None:
        try:
            with self._lock:
                self._process(str(payload["notificationId"]))
        except Exception as error:
            self.errors.append(f"{type(error).__name__}: {error}")
            if reraise:
                raise

    def _process(self, notification_id: str) -> None:
        base = f"/agencies/{self.agency.value}/changes"
        self.requests += 1
        status, pulled = self.api("POST", f"{base}/lookup", {"notificationId": notification_id})
        if status == 409:
            return  # settled already (a reminder crossed our acknowledgement)
        if status != 200:
            raise RuntimeError(f"pull failed: {status} {pulled}")
        result, reference = self._apply(pulled)
        ack: dict[str, Any] = {"result": result}
        if reference:
            ack["reference"] = reference
        if self.mode == "wrong":
            ack = {"result": "done", "note": "not the contract"}
        self.requests += 1
        self.acks.append(self.api("POST", f"{base}/{notification_id}/ack", ack))

    def _apply(self, pulled: dict[str, Any]) -> tuple[str, str | None]:
        numbers = [pulled["idNumber"], *pulled.get("formerIdNumbers", [])]
        current = next((n for n in numbers if n in self.records), None)
        if current is None:
            return "not_applicable", None
        record = self.records.pop(current)
        for held in HELD_FIELDS[self.agency]:
            record[held.value] = pulled[held.value]
        self.records[record["idNumber"]] = record
        return "applied", record.get("reference")


def serve(simulator: AgencySimulator, port: int = 0) -> ThreadingHTTPServer:
    """Serve the simulator on 127.0.0.1:port (0 = a free port); call serve_forever."""
    simulator.background = True

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path == "/mode":
                change = json.loads(body or b"{}")
                if change.get("mode") not in MODES:
                    return self._json(422, {"detail": f"mode is one of {MODES}"})
                simulator.mode = change["mode"]
                simulator.slow_seconds = float(change.get("slowSeconds", simulator.slow_seconds))
                return self._json(200, {"mode": simulator.mode})
            if self.path == "/secrets":
                installed = json.loads(body or b"{}").get("secrets")
                if not isinstance(installed, list) or not all(
                    isinstance(s, str) and s for s in installed
                ) or not 1 <= len(installed) <= 2:  # fmt: skip
                    return self._json(422, {"detail": "secrets is a list of 1 or 2 secrets"})
                simulator.use_secret(*installed)
                return self._json(200, {"secrets": len(installed)})
            status = simulator.receive(dict(self.headers.items()), body)
            self._json(status, {"status": status})

        def do_GET(self) -> None:  # noqa: N802
            self._json(200, {"records": list(simulator.records.values()),
                             "rejected": simulator.rejected, "mode": simulator.mode})  # fmt: skip

        def do_PUT(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            for record in body.get("records", []):
                simulator.seed(record)
            self._json(200, {"records": len(simulator.records)})

        def _json(self, status: int, document: Any) -> None:
            data = json.dumps(document, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    simulator.address = f"http://127.0.0.1:{server.server_address[1]}"
    return server


def http_api(base_url: str, token: str) -> Api:
    """onetrip's API over HTTP with the agency's bearer token."""
    import urllib.error
    import urllib.request

    def call(method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(
            base_url.rstrip("/") + path, data=json.dumps(body).encode(), method=method,
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status), json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return int(error.code), json.loads(error.read() or b"null")

    return call


def add_parser(commands: Any) -> None:
    sim = commands.add_parser(
        "agency-sim", help="run a simulated agency system that receives onetrip's webhooks"
    )
    sim.add_argument("--agency", required=True, choices=[a.value for a in Agency])
    sim.add_argument("--port", type=int, default=0, help="where the webhook arrives")
    sim.add_argument("--url", default="http://127.0.0.1:3000", help="onetrip's API")
    sim.add_argument("--secret", action="append",
                     help="a signing secret; twice while a rotation is installed (default: "
                     "read from --url's local runtime, Secrets Manager onetrip/webhooks/"
                     "<agency>: its current and previous versions)")  # fmt: skip
    sim.add_argument("--mode", choices=MODES, default="up")


def run(args: Any) -> int:
    from onetrip_local.tokens import mint

    agency = Agency(args.agency)
    secrets = args.secret or _local_secrets(args.url, agency)
    token = mint(["agency"], sub=f"{agency.value}-system", agency=agency.value)
    simulator = AgencySimulator(agency, secrets[0], http_api(args.url, token), mode=args.mode)
    simulator.use_secret(*secrets)
    server = serve(simulator, args.port)
    print(f"agency-sim {agency.value} ready on http://127.0.0.1:{server.server_address[1]}",
          flush=True)  # fmt: skip
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _local_secrets(url: str, agency: Agency) -> list[str]:
    """The secret as the operator would hand it over, from the local runtime's moto (and
    the previous one, if it was rotated)."""
    import urllib.request

    import boto3

    with urllib.request.urlopen(f"{url.rstrip('/')}/_local/topology", timeout=10) as response:
        topology = json.loads(response.read())
    client = boto3.client(  # type: ignore[call-overload]
        "secretsmanager", endpoint_url=topology["endpointUrl"], region_name=topology["region"],
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    found = []
    for stage in ("AWSCURRENT", "AWSPREVIOUS"):
        try:
            value = client.get_secret_value(
                SecretId=f"onetrip/webhooks/{agency}", VersionStage=stage
            )
        except client.exceptions.ResourceNotFoundException:
            continue  # never rotated
        found.append(str(value["SecretString"]))
    return found
