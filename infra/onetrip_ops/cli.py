"""`onetrip ops …`: argument parsing and printing; the work is in queues.py and cases.py."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from onetrip.clock import parse_instant

from onetrip_ops import cases, queues, scoreboard, webhook_secrets
from onetrip_ops.target import Target, TargetError

DEFAULT_STUCK_MINUTES = 30


def add_parser(commands: Any) -> None:
    ops = commands.add_parser(
        "ops",
        help="runbook commands against a stage (--stage) or the local runtime (--url)",
        description="Runbook commands (docs/operations.md). Target a deployed stage with "
        "--stage (boto3 default credentials, or --profile), or `onetrip local` with --url.",
    )
    where = ops.add_mutually_exclusive_group(required=True)
    where.add_argument("--stage", help="dev, staging or prod (stack Onetrip-<stage>)")
    where.add_argument("--url", help="a running `onetrip local`, e.g. http://127.0.0.1:3000")
    ops.add_argument("--region", help="default: the stage's region")
    ops.add_argument("--profile", help="an AWS CLI profile instead of the default credentials")
    ops.add_argument("--json", action="store_true", help="print JSON instead of text")
    verbs = ops.add_subparsers(dest="verb", required=True)

    verbs.add_parser("dlqs", help="messages waiting in each dead-letter queue")
    redrive = verbs.add_parser("redrive", help="move a dead-letter queue's messages back")
    redrive.add_argument("queue", help="an agency (water) or a DLQ's logical id (WaterDeadLetters)")
    redrive.add_argument("--limit", type=int, help="move at most this many (by hand)")
    redrive.add_argument(
        "--by-hand", action="store_true",
        help="receive → send → delete instead of SQS's StartMessageMoveTask",
    )  # fmt: skip

    retry = verbs.add_parser("retry", help="retry failed linked updates through the API")
    retry.add_argument("application_id")
    retry.add_argument("agencies", nargs="*", help="default: every failed one")
    retry.add_argument(
        "--token", default=os.environ.get("ONETRIP_TOKEN"),
        help="an ops JWT (default $ONETRIP_TOKEN; minted for the local runtime)",
    )  # fmt: skip

    stuck = verbs.add_parser(
        "stuck",
        help="applications still applying after N minutes, and webhook notifications "
        "not acknowledged by their deadline",
    )
    stuck.add_argument("--older-than", type=int, default=DEFAULT_STUCK_MINUTES, metavar="MINUTES")

    history = verbs.add_parser("history", help="a petition's workflow execution history")
    history.add_argument("petition_id")

    rotate = verbs.add_parser(
        "rotate-webhook-secret",
        help="put a new signing secret for a webhook agency; print what the agency installs",
    )
    rotate.add_argument("--agency", required=True, help="a webhook agency, e.g. water")
    rotate.add_argument(
        "--force", action="store_true",
        help="rotate even while the previous rotation's window is open",
    )  # fmt: skip

    rebuild = verbs.add_parser(
        "rebuild-scoreboard", help="recompute the scoreboard's counters from the records"
    )
    rebuild.add_argument(
        "--check", action="store_true",
        help="only compare the live counters with the records (exit 1 if they differ)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    try:
        target = _target(args)
        result = _VERBS[args.verb](target, args)
    except TargetError as error:
        print(f"onetrip ops: {error}", file=sys.stderr)
        return 2
    _print(result, as_json=args.json)
    return 1 if isinstance(result, dict) and result.get("ok") is False else 0


def _target(args: argparse.Namespace) -> Target:
    if args.url:
        return Target.local(args.url)
    from onetrip_infra.stages import STAGES

    if args.stage not in STAGES:
        raise TargetError(f"unknown stage {args.stage!r}; stages are {', '.join(STAGES)}")
    stage = STAGES[args.stage]
    return Target.aws(stage.stack_name, region=args.region or stage.region, profile=args.profile)


def _dlqs(target: Target, args: argparse.Namespace) -> Any:
    return queues.depths(target)


def _redrive(target: Target, args: argparse.Namespace) -> Any:
    result = queues.redrive(
        target, args.queue, limit=args.limit, native=not args.by_hand,
        progress=lambda line: print(line, file=sys.stderr),
    )  # fmt: skip
    return {**result.__dict__, "ok": result.failed == 0}


def _retry(target: Target, args: argparse.Namespace) -> Any:
    token = args.token
    if token is None and args.url:
        from onetrip_local.tokens import mint

        token = mint(["ops"], sub="ops-cli")
    if not token or not target.api_url:
        raise TargetError("retry needs the API URL and an ops token (--token or $ONETRIP_TOKEN)")
    results = cases.retry_failed(
        cases.http_api(target.api_url, token), args.application_id, args.agencies
    )
    return {
        "ok": all(status == 202 for _, status, _ in results),
        "retries": [{"agency": a, "status": s, "response": b} for a, s, b in results],
    }


def _stuck(target: Target, args: argparse.Namespace) -> Any:
    now = datetime.now(UTC)
    found = cases.stuck_applications(target, older_than=timedelta(minutes=args.older_than), now=now)
    overdue = cases.overdue_notifications(target, now=now)
    return {
        "applications": [
            {
                "applicationId": s.application_id,
                "decidedAt": s.decided_at,
                "waitingMinutes": int(s.waiting.total_seconds() // 60),
                "pending": list(s.pending),
                "notified": list(s.notified),
                "failed": list(s.failed),
            }
            for s in found
        ],
        "overdueNotifications": [
            {
                "agency": n.agency,
                "notificationId": n.notification_id,
                "applicationId": n.application_id,
                "notifiedAt": n.notified_at,
                "ackDueAt": n.ack_due_at,
                "overdueMinutes": int((now - parse_instant(n.ack_due_at)).total_seconds() // 60),
                "resends": n.resends,
            }
            for n in overdue
        ],
    }


def _history(target: Target, args: argparse.Namespace) -> Any:
    return cases.petition_history(target, args.petition_id)


def _rotate_webhook_secret(target: Target, args: argparse.Namespace) -> Any:
    from onetrip.routing import Agency
    from onetrip_infra.connectors import DEFAULT_ROTATION_GRACE_HOURS

    try:
        agency = Agency(args.agency)
    except ValueError:
        raise TargetError(f"unknown agency {args.agency!r}") from None
    # The window the signer applies (for what is printed): the stage's connector's, else
    # the default (the local runtime, or a connector given with -c at deploy time).
    grace_hours = DEFAULT_ROTATION_GRACE_HOURS
    if args.stage:
        from onetrip_infra.stages import STAGES

        connector = STAGES[args.stage].connectors.get(agency)
        if connector is not None and connector.is_webhook:
            grace_hours = connector.rotation_grace_hours
    rotation = webhook_secrets.rotate(
        target, agency, grace=timedelta(hours=grace_hours), now=datetime.now(UTC),
        force=args.force,
    )  # fmt: skip
    return {
        "agency": rotation.agency,
        "secretName": rotation.secret_name,
        "versionId": rotation.version_id,
        # Shown once, for the operator to hand over out of band (never logged).
        "install": rotation.secret,
        "rotatedAt": rotation.rotated_at.isoformat(),
        "newSignsBy": rotation.new_signs_by.isoformat(),
        "previousSignsUntil": rotation.previous_signs_until.isoformat(),
        "agencyAction": "install `install` beside the current secret now (both verify), "
        f"and drop the old one after {rotation.previous_signs_until.isoformat()}",
    }


def _rebuild_scoreboard(target: Target, args: argparse.Namespace) -> Any:
    return scoreboard.rebuild(target, check_only=args.check)


_VERBS = {
    "dlqs": _dlqs,
    "redrive": _redrive,
    "retry": _retry,
    "stuck": _stuck,
    "history": _history,
    "rebuild-scoreboard": _rebuild_scoreboard,
    "rotate-webhook-secret": _rotate_webhook_secret,
}


def _print(result: Any, *, as_json: bool) -> None:
    if as_json or not isinstance(result, (list, dict)):
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
        return
    if isinstance(result, dict) and result and all(isinstance(v, list) for v in result.values()):
        for section, section_rows in result.items():  # e.g. stuck: two lists
            print(f"# {section}")
            _print(section_rows, as_json=False)
        return
    rows = result if isinstance(result, list) else [result]
    if isinstance(result, dict) and all(isinstance(v, int) for v in result.values()):
        rows = [{"queue": k, "messages": v} for k, v in result.items()]
    if not rows:
        print("(none)")
    for row in rows:
        print(
            "  ".join(
                f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in row.items()
            )
        )
