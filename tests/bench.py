"""`make bench`: latency and AWS request counts of the identity chain change and of the
petition operations, on moto.

Latencies are moto's (an upper bound of the code path, not of AWS); the request counts are
exact and turn into a cost estimate with the us-east-1 prices of DESIGN.md. Requests are
counted on every client the functions use: the boto3 clients of `dal/aws.py` and any
client a PynamoDB connection hands out (so a DescribeTable or a client PynamoDB made on
its own would show up here).
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from onetrip.clock import now
from onetrip.dal.aws import client
from onetrip.routing import Agency
from onetrip_local.harness import LocalCloud
from pynamodb.connection.base import Connection

from tests.bench_cost import cost_bench
from tests.builders import REGISTRAR
from tests.support.identity_flow import IdentityDesk
from tests.support.petitions import (
    LEADER,
    PETITION_OFFICE,
    UNIT,
    PetitionDesk,
)
from tests.support.wallet_flow import Wallet, citizen, holder_key
from tests.webhooks import WEBHOOK_AGENCIES, WEBHOOK_CONTEXT, in_process_simulators, webhook_city

CHANGES = 30
WALLET_ROUNDS = 10  # each: issue, revoke, identity change and its re-issue
PETITIONS = 5
IMPORT_RUNS = 7
HANDLERS = [
    "agencies", "docs", "identity_changes", "linked_update", "outbox_relay", "persons",
    "petitions", "reminders", "stats", "task_opener", "tasks", "credentials",
    "credential_chain", "issuer", "status_list_sweep", "catalogue", "scoreboard", "notifier",
]  # fmt: skip

# us-east-1 list prices (DESIGN.md, "Numbers to design against"), per request.
PRICE = {
    "lambda": 0.20 / 1e6 + 0.0000133334 * 0.5 * 0.1,  # request + ~100 ms at 512 MB arm64
    "http_api": 1.00 / 1e6,
    "events": 1.00 / 1e6,
    "sqs": 0.40 / 1e6,
    "ddb_write": 0.625 / 1e6,
    "ddb_read": 0.125 / 1e6,
}


def _count_calls(counter: Counter[str]) -> None:
    def count(event_name: str, params: dict[str, Any], **_: Any) -> None:
        operation = event_name.split(".", 1)[1]
        counter[operation] += 1
        if operation.endswith("TransactWriteItems"):
            counter["dynamodb.TransactWriteItems.items"] += len(params["TransactItems"])
        if operation == "eventbridge.PutEvents":
            counter["eventbridge.PutEvents.entries"] += len(params["Entries"])

    hooked: set[int] = set()

    def hook(any_client: Any) -> Any:
        if id(any_client) not in hooked:
            hooked.add(id(any_client))
            any_client.meta.events.register("provide-client-params.*.*", count)
        return any_client

    for service in ("dynamodb", "events", "sqs", "stepfunctions", "secretsmanager", "kms", "s3"):
        hook(client(service))
    pynamodb_client = Connection.client
    assert isinstance(pynamodb_client, property) and pynamodb_client.fget is not None
    fget = pynamodb_client.fget
    Connection.client = property(lambda self: hook(fget(self)))  # type: ignore[method-assign,assignment]


def _measure(
    counts: dict[str, Counter[str]], calls: Counter[str], name: str, action: Callable[[], Any]
) -> Any:
    before = Counter(calls)
    result = action()
    counts.setdefault(name, Counter()).update(calls - before)
    counts[name]["runs"] += 1
    return result


def _print_counts(counts: dict[str, Counter[str]]) -> None:
    print("AWS requests per operation (mean per run):")
    for name, counter in counts.items():
        runs = counter["runs"]
        line = ", ".join(
            f"{op} {n / runs:.2f}" for op, n in sorted(counter.items()) if op != "runs"
        )
        print(f"  {name:30s} {line or 'none'}")


def _percentile(values: list[float], q: float) -> float:
    return sorted(values)[max(0, int(round(q * len(values))) - 1)]


def credential_bench(rounds: int = 10, blocks: int = 80) -> None:
    """SD-JWT VC work in process, each next to the bare pyjwt cost it builds on (issues 8, 9).

    The two sides run in alternating blocks and each keeps its fastest block, so a noisy
    neighbour on a shared machine slows both sides alike instead of skewing the ratio.
    """
    import jwt
    from onetrip.vc.b64 import b64url_decode
    from onetrip.vc.jws import LocalSigner
    from onetrip.vc.jws import _p256_point as parsed_points
    from onetrip.vc.sdjwt import SD_JWT_VC_TYP, issue_sd_jwt, unverified_claims
    from onetrip.vc.status_list import Status, StatusList

    from tests.credentials import RESIDENT_ID, Issuer, presentation

    def side_by_side(ours: Any, bare: Any) -> tuple[float, float]:
        best = [float("inf"), float("inf")]
        for _ in range(blocks):
            for side, action in enumerate((ours, bare)):
                started = time.perf_counter()
                for _ in range(rounds):
                    action()
                best[side] = min(best[side], (time.perf_counter() - started) / rounds)
        return best[0], best[1]

    issuer, holder = Issuer(), LocalSigner.generate()
    claims = unverified_claims(issuer.issue(holder))
    visible = {k: v for k, v in claims.items() if k not in RESIDENT_ID}  # iss, vct, cnf, status...
    private_key = issuer.signer.private_key
    issue, bare_sign = side_by_side(
        lambda: issue_sd_jwt(
            header={"typ": SD_JWT_VC_TYP},
            payload=visible,
            sd_claims=RESIDENT_ID,
            signer=issuer.signer,
        ),
        lambda: jwt.encode(claims, private_key, algorithm="ES256", headers={"typ": SD_JWT_VC_TYP}),
    )
    print(
        f"issue one credential ({len(RESIDENT_ID)} disclosures) {issue * 1e6:5.0f} us vs bare "
        f"pyjwt ES256 sign of the same claims {bare_sign * 1e6:4.0f} us: "
        f"{issue / bare_sign:.2f}x (target <= 3x)"
    )

    requested = ["surname", "ageOver18"]
    shown = presentation(issuer.issue(holder), holder, disclose=requested)
    issuer_jwt, kb_jwt = shown.split("~")[0], shown.rsplit("~", 1)[1]
    issuer_key = issuer.signer.private_key.public_key()
    no_time = {"verify_exp": False, "verify_iat": False, "verify_aud": False}

    holder_jwk = holder.public_jwk()

    def bare_checks() -> None:  # the holder key arrives in the credential's cnf: load it too
        jwt.decode(issuer_jwt, issuer_key, algorithms=["ES256"], options=no_time)
        holder_key = jwt.PyJWK(holder_jwk).key
        jwt.decode(kb_jwt, holder_key, algorithms=["ES256"], options=no_time)

    assert issuer.verify(shown, requested).verified

    def verify_uncached() -> None:
        parsed_points.cache_clear()  # a new holder key each time; the issuer key is resolved
        issuer.verify(shown, requested, keys=lambda iss, header: issuer_key)

    verify, bare_verify = side_by_side(verify_uncached, bare_checks)
    print(
        f"verify one presentation {verify * 1e6:5.0f} us vs its two bare pyjwt ES256 checks "
        f"{bare_verify * 1e6:5.0f} us: {verify / bare_verify:.2f}x (target <= 2x), "
        f"{1 / verify:,.0f} presentations/s on one core"
    )

    size = 1 << 20
    revoked = random.Random(20).sample(range(size), size // 100)
    one_bit = StatusList(size, bits=1)
    status_list = StatusList(size, bits=2)
    for index in revoked:
        one_bit.set(index, Status.INVALID)
        status_list.set(index, Status.INVALID)
    started = time.perf_counter()
    status_list.set(random.Random(21).randrange(size), Status.INVALID)
    lst = status_list.encode()
    republish = time.perf_counter() - started
    zlib_kb = len(b64url_decode(lst)) / 1024
    one_bit_kb = len(b64url_decode(one_bit.encode())) / 1024
    print(
        f"status list 2^20 entries, 1% revoked at random: 2 bits {zlib_kb:.1f} KB ZLIB "
        f"({len(lst) / 1024:.1f} KB as lst), 1 bit {one_bit_kb:.1f} KB "
        f"(draft: ~14 KB); set one bit + re-encode at level 9: {republish * 1000:.0f} ms"
    )
    _verify_with_trust(issuer, holder, shown, requested, status_list, blocks=max(1, blocks // 8))


def _verify_with_trust(issuer: Any, holder: Any, shown: str, requested: list[str],
                       status_list: Any, blocks: int) -> None:  # fmt: skip
    """The verifier service's path (vc/trust.py): keys from the JWKS, the published 2^20
    list fetched, its signature checked and inflated, or served from the ttl cache."""
    from onetrip.vc.jws import sign_compact
    from onetrip.vc.status_list import status_list_header, status_list_payload
    from onetrip.vc.trust import IssuerKeys, StatusLists

    from tests.credentials import ISSUER, NOW, STATUS_URI

    def token(ttl: int) -> str:
        payload = status_list_payload(uri=STATUS_URI, lst_obj=status_list.to_json(),
                                      iat=NOW - 5, exp=NOW + 86400, ttl=ttl)  # fmt: skip
        return str(sign_compact(status_list_header(), payload, issuer.signer))

    def clock() -> int:
        return NOW

    metadata = {"issuer": ISSUER, "jwks": {"keys": [issuer.signer.public_jwk()]}}
    for ttl, label in ((30, "fetched each time (ttl 30 s)"), (3600, "cached (ttl 1 h)")):
        keys = IssuerKeys(ISSUER, lambda: metadata, clock)
        published = token(ttl)
        statuses = StatusLists(lambda uri, t=published: t, keys, clock)
        best = float("inf")
        for _ in range(blocks):
            started = time.perf_counter()
            for _ in range(10):
                assert issuer.verify(shown, requested, keys=keys, statuses=statuses).verified
            best = min(best, (time.perf_counter() - started) / 10)
        print(f"verify with the service's trust, status list {label}: {best * 1e6:6.0f} us "
              f"({1 / best:,.0f} presentations/s on one core)")  # fmt: skip


def _import_seconds(module: str) -> tuple[float, float]:
    """Import `module` in a fresh interpreter (a cold start's import phase): (wall, CPU)
    seconds. CPU time is what a shared, loaded machine still measures fairly."""
    code = (
        "import time; w, c = time.perf_counter(), time.process_time(); import " + module + "; "
        "print(time.perf_counter() - w, time.process_time() - c)"
    )
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "true"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def cold_starts() -> None:
    """p50 of IMPORT_RUNS fresh imports of each handler module, and of PynamoDB alone."""
    print(f"import time of each handler module (p50 of {IMPORT_RUNS} fresh interpreters):")
    print(f"  {'module':36s} {'CPU':>9s} {'wall':>9s}")
    for name in [*(f"onetrip.handlers.{h}" for h in HANDLERS), "pynamodb.models"]:
        runs = [_import_seconds(name) for _ in range(IMPORT_RUNS)]
        wall = statistics.median(r[0] for r in runs) * 1000
        cpu = statistics.median(r[1] for r in runs) * 1000
        print(f"  {name:36s} {cpu:6.0f} ms {wall:6.0f} ms")


def main() -> int:
    if "--imports" in sys.argv:
        cold_starts()
        return 0
    if "--verification" in sys.argv:
        logging.disable(logging.INFO)
        credential_bench()
        verification_round_trip()
        return 0
    if "--catalogue" in sys.argv:  # only the 47,580-row import and the searches
        logging.disable(logging.INFO)
        cloud = LocalCloud.start()
        try:
            catalogue_bench(cloud)
        finally:
            cloud.stop()
        return 0
    if "--cost" in sys.argv:  # only the cost suite (in process, a few minutes)
        logging.disable(logging.INFO)
        cost_only()
        return 0
    if "--local" in sys.argv:  # `--local [N]`: over `onetrip local`, N changes (default 100)
        at = sys.argv.index("--local")
        local_bench(int(sys.argv[at + 1]) if len(sys.argv) > at + 1 else 100)
        return 0
    logging.disable(logging.INFO)  # the functions' INFO lines would drown the figures
    credential_bench()
    cloud = LocalCloud.start()
    try:
        desk = IdentityDesk(cloud)
        people = desk.people_with_records(CHANGES)

        calls: Counter[str] = Counter()
        _count_calls(calls)
        counts: dict[str, Counter[str]] = {}
        submit, approve = [], []
        for person in people:
            started = time.perf_counter()
            app = _measure(
                counts, calls, "identity: submit",
                lambda p=person: desk.submit(p, {"surname": "李"}).json,
            )  # fmt: skip
            submit.append(time.perf_counter() - started)
            started = time.perf_counter()
            _measure(
                counts, calls, "identity: approve",
                lambda a=app: desk.decide(a["applicationId"]),
            )  # fmt: skip
            approve.append(time.perf_counter() - started)
        started = time.perf_counter()
        total_before = Counter(calls)
        report = cloud.deliver()
        deliver_seconds = time.perf_counter() - started
        counts["identity: 7 linked updates"] = (calls - total_before) + Counter(runs=CHANGES)
        totals = Counter(calls)

        linked = CHANGES * len(Agency)
        print(f"changes: {CHANGES}, linked updates: {linked}")
        for name, values in (("submit", submit), ("approve", approve)):
            print(
                f"{name:8s} p50 {statistics.median(values) * 1000:6.1f} ms"
                f"  p95 {_percentile(values, 0.95) * 1000:6.1f} ms"
            )
        print(
            f"delivery: {linked / deliver_seconds:6.1f} linked updates/s "
            f"({report.invocations.total()} consumer invocations)"
        )

        per_change = {k: v / CHANGES for k, v in totals.items()}
        print("AWS requests per change (submit + approve + its 7 linked updates):")
        for operation, count in sorted(per_change.items()):
            print(f"  {operation:28s} {count:6.2f}")
        transact_items = per_change.get("dynamodb.TransactWriteItems.items", 0)
        writes = sum(
            per_change.get(f"dynamodb.{op}", 0) for op in ("PutItem", "UpdateItem", "DeleteItem")
        )
        cost = (
            (2 + report.invocations.total() / CHANGES) * PRICE["lambda"]
            + 2 * PRICE["http_api"]
            + per_change.get("eventbridge.PutEvents", 0) * PRICE["events"]
            + (3 * len(Agency)) * PRICE["sqs"]  # receive + delete + send per linked update
            + (writes + 2 * transact_items) * PRICE["ddb_write"]  # transactions cost double
            + per_change.get("dynamodb.GetItem", 0) * PRICE["ddb_read"]
            + per_change.get("dynamodb.Query", 0) * PRICE["ddb_read"] * 2
        )
        print(f"estimated cost: ${cost * 1e6:,.2f} per million changes (7 linked updates each)")
        _petitions(cloud, counts, calls)
        _wallet(cloud, counts, calls)
        _verification(cloud, counts, calls)
        cost_bench(cloud, calls)
        catalogue_bench(cloud)
        _print_counts(counts)
        webhook_bench(calls)
    finally:
        cloud.stop()
    verification_round_trip()
    cold_starts()
    return 0


WEBHOOK_CHANGES = 10
MIRROR_FUNCTIONS = ("SocialSecurity", "StudentRoll", "ExitEntry", "DrivingLicence", "Electricity")


def webhook_bench(calls: Counter[str] | None = None, changes: int = WEBHOOK_CHANGES) -> None:
    """Issue 10: requests per linked update in each mode (in process, AWS requests counted
    per function), then notification -> acknowledgement p50 on `onetrip local` with two
    `agency-sim` systems over HTTP (both measured on onetrip's timeline)."""
    hooks = LocalCloud.start(context=WEBHOOK_CONTEXT, stack_name="hooks")
    if calls is None:  # standalone: count on the clients now that moto's endpoint is set
        calls = Counter()
        _count_calls(calls)
    try:
        sims = in_process_simulators(hooks)
        desk = IdentityDesk(hooks)
        for _ in range(changes):
            person = desk.register()
            records = desk.seed_records(person)
            for agency, sim in sims.items():
                sim.seed(dict(records[agency]))
            desk.change(person, {"surname": "欧阳"})
        per_function: dict[str, Counter[str]] = {}
        invoke = hooks.invoke

        def counted(function: str, event: Any) -> Any:
            before = Counter(calls)
            try:
                return invoke(function, event)
            finally:
                name = hooks.function(function).logical_id
                per_function.setdefault(name, Counter()).update(calls - before)
                per_function[name]["invocations"] += 1

        hooks.invoke = counted  # type: ignore[method-assign]
        report = hooks.deliver()
    finally:
        hooks.stop()

    def total(prefixes: tuple[str, ...]) -> Counter[str]:
        found: Counter[str] = Counter()
        for name, counter in per_function.items():
            if name.startswith(prefixes):
                found.update(counter)
        return found

    mirror = total(tuple(f"LinkedUpdate{n}" for n in MIRROR_FUNCTIONS))
    webhook = total(("LinkedUpdateWater", "LinkedUpdateGas", "WebhookSigner", "AgenciesApi"))
    deliveries = sum(n for k, n in report.records.items() if k.startswith("api-destination:"))
    modes = (
        ("mirror", mirror, len(MIRROR_FUNCTIONS) * changes),
        ("webhook", webhook, len(WEBHOOK_AGENCIES) * changes),
    )
    for mode, counter, links in modes:
        aws = sum(n for k, n in counter.items() if k not in ("invocations",) and "." in k
                  and not k.endswith(".items"))  # fmt: skip
        line = ", ".join(f"{k} {n / links:.2f}" for k, n in sorted(counter.items())
                         if k != "invocations")  # fmt: skip
        print(f"{mode:8s} per linked update: {aws / links:5.2f} AWS requests "
              f"({counter['invocations'] / links:.2f} Lambda invocations): {line}")  # fmt: skip
    print(
        f"webhook  per linked update: {deliveries / (2 * changes):.2f} webhook deliveries, "
        f"{(sum(sim.requests for sim in sims.values())) / (2 * changes):.2f} agency API "
        "requests (pull + ack); the completion check runs in whichever settles last"
    )

    with webhook_city() as (url, live):
        from tests.support.local_runtime import HttpCloud, wait_until

        http_desk = IdentityDesk(HttpCloud(url))
        ids = []
        for _ in range(changes):
            person = http_desk.register()
            records = http_desk.seed_records(person)
            for agency, sim in live.items():
                sim.seed(dict(records[agency]))
            ids.append(http_desk.change(person, {"givenName": "晓东"})["applicationId"])
        done = [
            wait_until(
                lambda a=a: (x := http_desk.application(a))["status"] == "completed" and x,
                timeout=300,
            )  # fmt: skip
            for a in ids
        ]
    latencies = []
    for application in done:
        at = {e["event"]: e["at"] for e in application["timeline"]}
        for agency in WEBHOOK_AGENCIES:
            sent, acked = at[f"notified:{agency}"], at[f"acknowledged:{agency}"]
            latencies.append((_instant(acked) - _instant(sent)).total_seconds())
    print(
        f"notification -> ack on onetrip local: p50 {statistics.median(latencies):.2f} s, "
        f"p95 {_percentile(latencies, 0.95):.2f} s ({len(latencies)} notifications)"
    )


def _instant(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


CATALOGUE_ROWS = 47_580  # issue 9: the proofs the city abolished


def catalogue_bench(cloud: LocalCloud, rows: int = CATALOGUE_ROWS) -> None:
    """Import the demo list (`onetrip catalogue-demo`) through the import logic and store,
    then search it: first pages of typical queries (rare, common, with an agency)."""
    from onetrip.dal.catalogue import CatalogueStore
    from onetrip.domain.catalogue import parse_csv
    from onetrip.logic import catalogue
    from onetrip_local.catalogue_demo import csv_text

    store = CatalogueStore(cloud.table("Catalogue"))
    parsed = parse_csv(csv_text(rows, seed=1))
    started = time.perf_counter()
    report = catalogue.import_entries(store, "bench", parsed.entries)
    seconds = time.perf_counter() - started
    assert report.imported == rows and not report.rejected
    queries = [
        ("无犯罪记录证明", None), ("户籍", None), ("证明", None), ("遗失户籍证明", None),
        ("居住", "海曙区派出所"), (None, "江北区民政局"), ("同一人身份", None), (None, None),
    ]  # fmt: skip
    times: list[float] = []
    for _ in range(5):
        for q, agency in queries:
            started = time.perf_counter()
            catalogue.search(store, b"bench", q=q, agency=agency, cursor=None)
            times.append(time.perf_counter() - started)
    print(
        f"catalogue: import {rows} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
        f"search (first page of 20) p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {_percentile(times, 0.95) * 1000:.1f} ms over {len(times)} searches"
    )


def _petitions(cloud: LocalCloud, counts: dict[str, Counter[str]], calls: Counter[str]) -> None:
    """Each petition operation once per petition: register, open the triage task, read,
    list, complete triage, open the next task, extend, and one reminder sweep."""
    desk = PetitionDesk(cloud)
    for _ in range(PETITIONS):
        pid = _measure(counts, calls, "petition: register", lambda: desk.register()["petitionId"])
        task = _measure(
            counts, calls, "petition: open task (+deliver)",
            lambda p=pid: desk.wait_for_task(p, "triage"),
        )  # fmt: skip
        _measure(
            counts, calls, "petition: read",
            lambda p=pid: cloud.api("GET", f"/petitions/{p}", claims=PETITION_OFFICE),
        )  # fmt: skip
        _measure(
            counts, calls, "petition: worklist",
            lambda: cloud.api("GET", "/tasks?status=open", claims=PETITION_OFFICE),
        )  # fmt: skip
        body = {"accepted": True, "summary": "初访登记，属公安职权", "handlingUnit": UNIT}
        done = _measure(
            counts, calls, "petition: complete task",
            lambda t=task, b=body: desk.complete(t["taskId"], b, PETITION_OFFICE),
        )  # fmt: skip
        assert done.status == 200, done.json
        desk.wait_for_task(pid, "enforcement_review")
        extended = _measure(
            counts, calls, "petition: extend",
            lambda p=pid: cloud.api(
                "POST", f"/petitions/{p}/extension",
                body={"days": 10, "reason": "案情复杂，需补充调查"}, claims=LEADER,
            ),
        )  # fmt: skip
        assert extended.status == 200, extended.json
    _measure(
        counts, calls, "petition: reminder sweep",
        lambda: cloud.fire_schedule("ReminderSweep", now() + timedelta(days=30)),
    )  # fmt: skip


def _wallet(cloud: LocalCloud, counts: dict[str, Counter[str]], calls: Counter[str]) -> None:
    """Issue 8: AWS requests per credential issued, per revocation (+ republish), and
    identity change -> re-issued credential in the wallet (approve + delivery, in process)."""
    desk, wallet = IdentityDesk(cloud), Wallet(cloud)
    people = [desk.register() for _ in range(WALLET_ROUNDS)]
    issue_times, reissue_times = [], []
    for person in people:
        started = time.perf_counter()
        issued = _measure(
            counts, calls, "credential: issue",
            lambda p=person: wallet.issued(p, "resident_id"),
        )  # fmt: skip
        issue_times.append(time.perf_counter() - started)
        second = wallet.issued(person, "household_proof")
        _measure(
            counts, calls, "credential: revoke + publish",
            lambda c=second: wallet.revoke(c["credentialId"], REGISTRAR),
        )  # fmt: skip
        started = time.perf_counter()
        desk.change(person, {"surname": "李"})
        cloud.deliver()
        reissue_times.append(time.perf_counter() - started)
        held = wallet.list(citizen(person))
        assert any(c.get("replaces") == issued["credentialId"] for c in held)
    print(
        f"credential issue (API, in process) p50 {statistics.median(issue_times) * 1000:6.1f} ms; "
        f"identity change -> re-issued credential in the wallet p50 "
        f"{statistics.median(reissue_times) * 1000:6.1f} ms (approve + delivery, in process)"
    )


VERIFICATION_ROUNDS = 30


def _verifying_desk(cloud: Any) -> tuple[Any, dict[str, Any], Any]:
    """A hotel and a citizen whose wallet holds a resident ID bound to its key."""
    from tests.support.verification_flow import VenueDesk

    person = IdentityDesk(cloud).register()
    key, jwk = holder_key()
    credential = Wallet(cloud).issued(person, holderJwk=jwk)
    owner = {"key": key, "credential": credential["credential"], "citizen": citizen(person)}
    return VenueDesk.register(cloud, "hotel", "基准宾馆"), owner, person


def _one_verification(cloud: Any, desk: Any, owner: dict[str, Any],
                      step: Callable[[str, Callable[[], Any]], Any]) -> None:  # fmt: skip
    from tests.support.verification_flow import HOTEL_CLAIMS, present, send

    request = step("verification: create", lambda: desk.asked())
    shown = present(owner["key"], owner["credential"], HOTEL_CLAIMS, aud=request["audience"],
                    nonce=request["nonce"])  # fmt: skip
    verification_id = request["verificationId"]
    sent = step("verification: present",
                lambda: send(cloud, verification_id, owner["citizen"], shown))  # fmt: skip
    assert sent.json["status"] == "verified", sent.json
    result = step("verification: result", lambda: desk.result(request["verificationId"]))
    assert result.json["status"] == "verified"


def _verification(cloud: LocalCloud, counts: dict[str, Counter[str]], calls: Counter[str]) -> None:
    """Issue 9: AWS requests per verification request, presentation and result read."""
    desk, owner, _ = _verifying_desk(cloud)
    for _ in range(5):
        _one_verification(cloud, desk, owner,
                          lambda name, action: _measure(counts, calls, name, action))  # fmt: skip


def verification_round_trip(rounds: int = VERIFICATION_ROUNDS) -> None:
    """Issue 9: create -> present -> result over HTTP on `onetrip local` (HTTP server,
    JWT authorizer, one worker process per function, moto), p50 of each step."""
    from onetrip_local.runtime import LocalRuntime, RuntimeOptions

    from tests.support.local_runtime import HttpCloud

    runtime = LocalRuntime(RuntimeOptions(port=0))
    try:
        http = HttpCloud(runtime.start())
        desk, owner, _ = _verifying_desk(http)
        times: dict[str, list[float]] = {}

        def step(name: str, action: Callable[[], Any]) -> Any:
            started = time.perf_counter()
            result = action()
            times.setdefault(name, []).append(time.perf_counter() - started)
            return result

        _one_verification(http, desk, owner, step)  # warm the workers
        times.clear()
        for _ in range(rounds):
            started = time.perf_counter()
            _one_verification(http, desk, owner, step)
            times.setdefault("round trip", []).append(time.perf_counter() - started)
        parts = ", ".join(
            f"{name.removeprefix('verification: ')} {statistics.median(values) * 1000:.1f} ms"
            for name, values in times.items()
            if name != "round trip"
        )
        trip = times["round trip"]
        print(
            f"verification round trip on onetrip local (create -> present -> result, "
            f"{rounds} rounds): p50 {statistics.median(trip) * 1000:.1f} ms, "
            f"p95 {_percentile(trip, 0.95) * 1000:.1f} ms ({parts})"
        )
    finally:
        runtime.stop()


def cost_only() -> None:
    cloud = LocalCloud.start()
    try:
        calls: Counter[str] = Counter()
        _count_calls(calls)
        cost_bench(cloud, calls)
    finally:
        cloud.stop()


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) so far, in MB (Linux /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def _raw_moto_write_seconds(endpoint_url: str, region: str, writes: int = 200) -> float:
    """p50 of one PutItem on the runtime's own moto, into a scratch table (the unit the
    linked-update time is expressed in)."""
    import boto3

    dynamodb = boto3.client(
        "dynamodb", endpoint_url=endpoint_url, region_name=region,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    table = f"bench-raw-{os.getpid()}-{time.monotonic_ns()}"
    dynamodb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )  # fmt: skip
    times = []
    for i in range(writes):
        started = time.perf_counter()
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "v": {"N": str(i)}})
        times.append(time.perf_counter() - started)
    dynamodb.delete_table(TableName=table)
    return statistics.median(times)


def local_bench(changes: int) -> dict[str, float]:
    """Over `onetrip local` (HTTP API, worker processes, moto server), like a user runs it:
    - identity change -> re-issued credential in the wallet, p50 (issue 8);
    - `changes` surname changes touching all seven agencies, submitted and approved one
      after another, until every application is final: changes/s, time per linked update
      as a multiple of one raw moto PutItem measured in the same run, peak memory of the
      runtime (it hosts moto, so it holds the data) and of its workers (issue 14)."""
    from tests.builders import OPS
    from tests.support import local_runtime
    from tests.support.local_runtime import HttpCloud, wait_until

    running = local_runtime.start(startup_seconds=900)  # synth on a busy machine is slow
    try:
        http = HttpCloud(running.url)
        desk, wallet = IdentityDesk(http), Wallet(http)
        topology = http.request("GET", "/_local/topology").json
        raw_write = _raw_moto_write_seconds(topology["endpointUrl"], topology["region"])

        reissue = []
        for _ in range(WALLET_ROUNDS):
            person = desk.register()
            issued = wallet.issued(person, "resident_id")
            started = time.perf_counter()
            desk.change(person, {"surname": "李"})
            wait_until(
                lambda p=person, i=issued: any(
                    c.get("replaces") == i["credentialId"] for c in wallet.list(citizen(p))
                ),
                timeout=120, interval=0.05,
            )  # fmt: skip
            reissue.append(time.perf_counter() - started)
        print(
            f"local runtime: identity change -> re-issued credential in the wallet "
            f"p50 {statistics.median(reissue) * 1000:.0f} ms, max {max(reissue) * 1000:.0f} ms "
            f"over {len(reissue)} changes (submit + approve + delivery + re-issue, HTTP)"
        )

        people = desk.people_with_records(changes, deliver=False)
        print(f"  after registering {changes} persons with 7 records each: runtime RSS "
              f"{_rss_mb(running.process.pid):.0f} MB")  # fmt: skip
        started = time.perf_counter()
        ids, refused = [], []
        for person in people:
            submitted = desk.submit(person, {"surname": "李"})
            decided = submitted.status == 201 and desk.decide(submitted.json["applicationId"])
            if decided and decided.status == 200:
                ids.append(submitted.json["applicationId"])
            else:  # reported, never hidden: an emulated function timeout under load is a 500
                refused.append((submitted.status, decided and decided.status))
        accepted = time.perf_counter() - started

        def final(application_id: str) -> bool:
            got = http.api("GET", f"/identity-changes/{application_id}", claims=OPS)
            return got.json["status"] in ("completed", "completed_with_failures")

        for application_id in ids:
            wait_until(lambda a=application_id: final(a), timeout=1800, interval=0.2)
        seconds = time.perf_counter() - started
        statuses = Counter(
            http.api("GET", f"/identity-changes/{a}", claims=OPS).json["status"] for a in ids
        )
        linked = len(ids) * len(Agency)
        per_link = seconds / linked
        workers = http.workers()
        worker_peaks = [_peak_rss_mb(w["pid"]) for w in workers.values() if w.get("pid")]
        figures = {
            "changes": changes,
            "changes_per_s": len(ids) / seconds,
            "accept_seconds": accepted,
            "seconds": seconds,
            "per_linked_update_ms": per_link * 1000,
            "raw_write_ms": raw_write * 1000,
            "multiple": per_link / raw_write,
            "runtime_peak_mb": _peak_rss_mb(running.process.pid),
            "worker_peak_mb_max": max(worker_peaks, default=0.0),
            "workers": len(worker_peaks),
        }
        print(
            f"local runtime: {changes} changes x 7 agencies in {seconds:.1f} s "
            f"({figures['changes_per_s']:.2f} changes/s; submit+approve took {accepted:.1f} s); "
            f"outcomes {dict(statuses)}, refused {refused}; "
            f"per linked update {per_link * 1000:.1f} ms = "
            f"{figures['multiple']:.1f} x one raw moto PutItem ({raw_write * 1000:.2f} ms); "
            f"peak RSS: runtime (with moto) {figures['runtime_peak_mb']:.0f} MB, "
            f"largest of {len(worker_peaks)} workers {figures['worker_peak_mb_max']:.0f} MB"
        )
        return figures
    finally:
        local_runtime.stop(running, timeout=300)


if __name__ == "__main__":
    sys.exit(main())
