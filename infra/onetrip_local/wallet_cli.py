"""`onetrip wallet …`: the command line of the reference wallet (logic in wallet.py)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

DEFAULT_URL = "http://127.0.0.1:3000"


def add_parser(commands: Any) -> None:
    wallet = commands.add_parser("wallet", help="a reference citizen wallet (dev holder key)")
    wallet.add_argument("--url", default=DEFAULT_URL)
    wallet.add_argument("--id-number", help="the citizen (a local dev token is minted)")
    actions = wallet.add_subparsers(dest="action", required=True)
    actions.add_parser("key", help="print the wallet's public holder key (JWK)")
    issue = actions.add_parser("issue", help="ask for a credential bound to the holder key")
    issue.add_argument("type")
    fetch = actions.add_parser("fetch", help="fetch one credential into the wallet")
    fetch.add_argument("credential_id")
    actions.add_parser("list", help="the citizen's credentials (id, type, status)")
    claims = actions.add_parser("claims", help="what a fetched credential says")
    claims.add_argument("credential_id")
    show = actions.add_parser("present", help="a presentation with a KB-JWT")
    show.add_argument("credential_id")
    show.add_argument("--disclose", action="append", default=[], metavar="CLAIM")
    show.add_argument("--audience", required=True)
    show.add_argument("--nonce", required=True)
    request = actions.add_parser("request", help="what a venue asks for (before consent)")
    request.add_argument("verification_id")
    respond = actions.add_parser("respond", help="present to a venue's request what it asked")
    respond.add_argument("verification_id")
    respond.add_argument("credential_id")
    actions.add_parser("activity", help="who saw what of my credentials (names only)")


def run(args: argparse.Namespace) -> int:
    from onetrip_local.wallet import Wallet, WalletError, holder_signer

    if args.action == "key":
        print(json.dumps(holder_signer().public_jwk()))
        return 0
    if not args.id_number:
        print("onetrip wallet: --id-number names the citizen", file=sys.stderr)
        return 2
    wallet = Wallet(args.url, args.id_number)
    try:
        if args.action == "issue":
            output: Any = _summary(wallet.issue(args.type))
        elif args.action == "fetch":
            output = _summary(wallet.fetch(args.credential_id))
        elif args.action == "list":
            output = [_summary(record) for record in wallet.listing()]
        elif args.action == "claims":
            output = wallet.claims(args.credential_id)
        elif args.action == "request":
            output = wallet.request(args.verification_id)
        elif args.action == "respond":
            output = wallet.respond(args.verification_id, args.credential_id)
        elif args.action == "activity":
            output = wallet.activity()
        else:
            print(wallet.presentation(args.credential_id, args.disclose,
                                      audience=args.audience, nonce=args.nonce))  # fmt: skip
            return 0
    except (WalletError, ValueError) as error:
        print(f"onetrip wallet: {error}", file=sys.stderr)
        return 1
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("credentialId", "type", "status", "supersededBy", "replaces", "expiresAt")
    return {k: record[k] for k in keys if k in record}
