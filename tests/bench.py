"""`make bench`: latency and AWS request counts of the identity chain change, on moto.

Latencies are moto's (an upper bound of the code path, not of AWS); the request counts are
exact and turn into a cost estimate with the us-east-1 prices of DESIGN.md.
"""

from __future__ import annotations

import logging
import random
import statistics
import sys
import time
from collections import Counter
from typing import Any

from onetrip.dal.aws import client
from onetrip.routing import Agency
from onetrip_local.harness import LocalCloud

from tests.integration.identity_flow import IdentityDesk

CHANGES = 30

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

    for service in ("dynamodb", "events", "sqs"):
        client(service).meta.events.register("provide-client-params.*.*", count)


def _percentile(values: list[float], q: float) -> float:
    return sorted(values)[max(0, int(round(q * len(values))) - 1)]


def credential_bench(rounds: int = 40, blocks: int = 15) -> None:
    """SD-JWT VC work in process, each next to the bare pyjwt cost it builds on (issues 8, 9).

    The two sides run in alternating blocks and each keeps its fastest block, so a noisy
    neighbour on a shared machine slows both sides alike instead of skewing the ratio.
    """
    import jwt
    from onetrip.vc.jws import LocalSigner
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
    holder_key = holder.private_key.public_key()
    no_time = {"verify_exp": False, "verify_iat": False, "verify_aud": False}

    def bare_checks() -> None:
        jwt.decode(issuer_jwt, issuer_key, algorithms=["ES256"], options=no_time)
        jwt.decode(kb_jwt, holder_key, algorithms=["ES256"], options=no_time)

    assert issuer.verify(shown, requested).verified
    verify, bare_verify = side_by_side(lambda: issuer.verify(shown, requested), bare_checks)
    print(
        f"verify one presentation {verify * 1e6:5.0f} us vs its two bare pyjwt ES256 checks "
        f"{bare_verify * 1e6:5.0f} us: {verify / bare_verify:.2f}x (target <= 2x), "
        f"{1 / verify:,.0f} presentations/s on one core"
    )

    size = 1 << 20
    status_list = StatusList(size, bits=2)
    rng = random.Random(20)
    for index in rng.sample(range(size), size // 100):
        status_list.set(index, Status.INVALID)
    started = time.perf_counter()
    status_list.set(rng.randrange(size), Status.INVALID)
    lst = status_list.encode()
    republish = time.perf_counter() - started
    print(
        f"status list 2^20 entries x 2 bits, 1% revoked at random: lst {len(lst) / 1024:.1f} KB "
        f"base64url ({len(lst) * 3 // 4 / 1024:.1f} KB ZLIB; the draft's ~14 KB is for 1 bit); "
        f"set one bit + re-encode {republish * 1000:.0f} ms"
    )


def main() -> int:
    logging.disable(logging.INFO)  # the functions' INFO lines would drown the figures
    credential_bench()
    cloud = LocalCloud.start()
    try:
        desk = IdentityDesk(cloud)
        people = []
        for _ in range(CHANGES):
            person = desk.register()
            desk.seed_records(person)
            people.append(person)
        cloud.deliver()

        calls: Counter[str] = Counter()
        _count_calls(calls)
        submit, approve = [], []
        for person in people:
            started = time.perf_counter()
            app = desk.submit(person, {"surname": "李"}).json
            submit.append(time.perf_counter() - started)
            started = time.perf_counter()
            desk.decide(app["applicationId"])
            approve.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = cloud.deliver()
        deliver_seconds = time.perf_counter() - started

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

        per_change = {k: v / CHANGES for k, v in calls.items()}
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
        return 0
    finally:
        cloud.stop()


if __name__ == "__main__":
    sys.exit(main())
