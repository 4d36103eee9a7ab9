"""`onetrip` — the local runtime's command line: local, token, remind, inbox, ops, wallet,
verify, catalogue-demo, agency-sim."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from onetrip_ops import cli as ops_cli

from onetrip_local import agency_sim, wallet_cli
from onetrip_local.tokens import mint

DEFAULT_PORT = 3000
# Which schedule `remind` fires: the one whose target is this function (architecture.md).
REMINDER_FUNCTION = "ReminderSweep"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="onetrip", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    local = commands.add_parser("local", help="run the whole system on this machine")
    local.add_argument("--port", type=int, default=DEFAULT_PORT)
    local.add_argument("--seed", action="store_true", help="load a small demo city")
    local.add_argument(
        "--max-visibility-timeout",
        type=int,
        default=_env_int("ONETRIP_LOCAL_MAX_VISIBILITY_TIMEOUT"),
        metavar="SECONDS",
        help="cap every queue's visibility timeout (faster redelivery after a crash); "
        "default: $ONETRIP_LOCAL_MAX_VISIBILITY_TIMEOUT or the template's values",
    )
    local.add_argument(
        "-c", "--context", action="append", default=[], metavar="KEY=VALUE",
        help="CDK context for the synth (e.g. region=cn-north-1 with oidcIssuer/oidcAudience)",
    )  # fmt: skip
    local.add_argument(
        "--resolve", action="append", default=[], metavar="HOST=ADDR:PORT",
        help="deliver API-destination calls for HOST to 127.0.0.1 over plain HTTP "
        "(e.g. water.agency.test=127.0.0.1:9001 for `onetrip agency-sim`)",
    )  # fmt: skip
    local.add_argument(
        "--moto-endpoint", metavar="URL",
        help="join another onetrip local's moto (its /_local/topology endpointUrl), e.g. to "
        "run a partner city beside it; use a --stack-name of its own",
    )  # fmt: skip
    local.add_argument("--stack-name", default="onetrip", help="prefix of generated names")
    local.add_argument("-v", "--verbose", action="store_true", help="log every request")

    token = commands.add_parser("token", help="print a JWT the local runtime accepts")
    token.add_argument("--role", action="append", required=True, help="repeat for several")
    token.add_argument("--sub")
    token.add_argument("--agency")
    token.add_argument("--unit")
    token.add_argument("--id-number")
    token.add_argument("--district")
    token.add_argument("--venue", help="a registered venue's id (custom:venue)")

    remind = commands.add_parser("remind", help="fire the reminder schedule once")
    remind.add_argument("--at", required=True, help="the instant, e.g. 2026-03-01T09:00:00Z")
    remind.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}")

    inbox = commands.add_parser(
        "inbox", help="the messages citizens were sent (the CitizenInbox queue), by person"
    )
    inbox.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}")
    inbox.add_argument("--person", metavar="PERSON_ID", help="only this person's messages")
    inbox.add_argument("--reference", help="only this application's or petition's messages")
    inbox.add_argument(
        "--deliver", action="store_true",
        help="play the message service: remove the messages read (default: leave them)",
    )  # fmt: skip
    inbox.add_argument("--json", action="store_true", help="print JSON instead of text")

    demo = commands.add_parser(
        "catalogue-demo", help="print an invented abolished-proofs CSV for the import"
    )
    demo.add_argument("--rows", type=int, default=100)
    demo.add_argument("--seed", type=int, default=0, help="same seed, same file")

    verify = commands.add_parser(
        "verify", help="verify a presentation like a venue: online, or offline from the cache"
    )
    verify.add_argument("--presentation", required=True, metavar="FILE", help="'-' for stdin")
    verify.add_argument("--nonce", required=True)
    verify.add_argument("--audience", required=True)
    verify.add_argument("--offline", action="store_true", help="cached keys and lists only")
    verify.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}")
    verify.add_argument("--claim", action="append", default=[], help="a requested claim")
    verify.add_argument("--type", help="the requested credential type (checks vct)")
    verify.add_argument("--cache", help="where keys and lists are kept (.build/local/…)")

    ops_cli.add_parser(commands)
    wallet_cli.add_parser(commands)
    agency_sim.add_parser(commands)

    args = parser.parse_args(argv)
    if args.command == "ops":
        return ops_cli.run(args)
    if args.command == "wallet":
        return wallet_cli.run(args)
    if args.command == "agency-sim":
        return agency_sim.run(args)
    if args.command == "token":
        print(
            mint(
                args.role,
                sub=args.sub,
                agency=args.agency,
                unit=args.unit,
                id_number=args.id_number,
                district=args.district,
                venue=args.venue,
            )  # fmt: skip
        )
        return 0
    if args.command == "verify":
        return _verify(args)
    if args.command == "catalogue-demo":
        from onetrip_local.catalogue_demo import csv_text

        sys.stdout.write(csv_text(args.rows, args.seed))
        return 0
    if args.command == "remind":
        return _remind(args.url, args.at)
    if args.command == "inbox":
        return _inbox(args)
    return _local(args)


def _verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from onetrip_local.verifier import CACHE_DIR, Unavailable, verify_file

    text = sys.stdin.read() if args.presentation == "-" else Path(args.presentation).read_text()
    try:
        report = verify_file(
            text, nonce=args.nonce, audience=args.audience, url=args.url, offline=args.offline,
            claims=args.claim, type_=args.type, directory=Path(args.cache or CACHE_DIR),
        )  # fmt: skip
    except Unavailable as error:
        print(f"onetrip verify: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if "statusListAge" in report:
        source = "cached" if report["offline"] else "fetched"
        print(f"status list {source}, signed {report['statusListAge']} s ago", file=sys.stderr)
    return 0 if report["status"] == "verified" else 1


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


def _inbox(args: argparse.Namespace) -> int:
    from onetrip_ops import inbox
    from onetrip_ops.target import Target, TargetError

    try:
        messages = inbox.read(
            Target.local(args.url), person_id=args.person, reference=args.reference,
            deliver=args.deliver,
        )  # fmt: skip
    except TargetError as error:
        print(f"onetrip inbox: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([m.as_dict() for m in messages], ensure_ascii=False, indent=1))
        return 0
    by_recipient: dict[str, list[inbox.Message]] = {}
    for m in messages:
        recipient = f"person {m.person_id}" if m.person_id else f"{m.topic} {m.reference}"
        by_recipient.setdefault(recipient, []).append(m)
    for recipient, mine in by_recipient.items():
        print(f"{recipient} ({len(mine)})")
        for m in mine:
            print(f"  {m.at}  {m.reference}  {m.outcome}  {m.text}")
    if not messages:
        print("(no messages)")
    return 0


def _remind(url: str, at: str) -> int:
    request = urllib.request.Request(
        f"{url.rstrip('/')}/_local/schedules/{REMINDER_FUNCTION}",
        data=json.dumps({"at": at}).encode(),
        method="POST",
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            print(response.read().decode())
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode(), file=sys.stderr)
    except urllib.error.URLError as error:
        print(f"no local runtime at {url}: {error.reason}", file=sys.stderr)
    return 1


def _local(args: argparse.Namespace) -> int:
    from onetrip_local.runtime import LocalRuntime, RuntimeOptions
    from onetrip_local.template import TemplateError

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    if not args.verbose:
        logging.getLogger("onetrip.local.http").setLevel(logging.WARNING)
    context: dict[str, Any] = dict(item.split("=", 1) for item in args.context)
    options = RuntimeOptions(
        port=args.port,
        region=str(context.get("region", "us-east-1")),
        context=context,
        max_visibility_timeout=args.max_visibility_timeout,
        resolve=dict(item.split("=", 1) for item in args.resolve),
        moto_endpoint=args.moto_endpoint,
        stack_name=args.stack_name,
    )
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    runtime = LocalRuntime(options)
    try:
        url = runtime.start()
        if args.seed:
            from onetrip_local.seed import seed

            seed(url)
        print(f"onetrip local ready on {url}", flush=True)
        while not stopping.wait(1):
            pass
    except TemplateError as error:
        print(f"onetrip local: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"onetrip local: cannot serve on port {args.port}: {error}", file=sys.stderr)
        return 2
    finally:
        runtime.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
