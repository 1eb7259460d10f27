"""`stockbot apikey create|list|revoke` and `stockbot webhook add|list|remove`.

A key (and a webhook's signing secret) is printed once, at creation; only its hash (the secret
itself, for webhooks: the receiver must be able to check it) stays in the database.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from stockbot.store import apikeys

Opener = Callable[..., Any]


def register(sub: Any, open_db: Opener) -> None:
    """Add the two command groups to the `stockbot` parser; `open_db(args, writable=...)`."""
    key = sub.add_parser("apikey", help="API keys of /api/v1: create, list, revoke")
    keysub = key.add_subparsers(dest="apikey_command", required=True)
    create = keysub.add_parser("create", help="a new key, printed once")
    create.add_argument("name", help="who uses it (the actor its calls are recorded as)")
    create.add_argument("--scope", choices=apikeys.SCOPES, default="read")
    create.set_defaults(func=lambda a: _create(a, open_db))
    keysub.add_parser("list", help="the keys (never their secrets)").set_defaults(
        func=lambda a: _list(a, open_db)
    )
    revoke = keysub.add_parser("revoke", help="stop a key at once")
    revoke.add_argument("name")
    revoke.set_defaults(func=lambda a: _revoke(a, open_db))

    hook = sub.add_parser("webhook", help="webhooks: add, list, remove")
    hooksub = hook.add_subparsers(dest="webhook_command", required=True)
    add = hooksub.add_parser("add", help="a URL to POST events to (signing secret printed once)")
    add.add_argument("url")
    add.add_argument(
        "--events",
        default=",".join(apikeys.WEBHOOK_EVENTS),
        help=f"comma-separated: {', '.join(apikeys.WEBHOOK_EVENTS)}",
    )
    add.set_defaults(func=lambda a: _add_hook(a, open_db))
    hooksub.add_parser("list", help="the webhooks").set_defaults(
        func=lambda a: _list_hooks(a, open_db)
    )
    remove = hooksub.add_parser("remove", help="stop sending to a webhook")
    remove.add_argument("id", type=int)
    remove.set_defaults(func=lambda a: _remove_hook(a, open_db))


def _create(args: argparse.Namespace, open_db: Opener) -> int:
    try:
        key = apikeys.create_key(open_db(args, writable=True), args.name, args.scope)
    except apikeys.KeyError_ as exc:
        print(f"stockbot apikey: {exc}", file=sys.stderr)
        return 2
    print(key)
    print(
        f"(scope {args.scope}; shown only now: store it in the caller's secrets)", file=sys.stderr
    )
    return 0


def _list(args: argparse.Namespace, open_db: Opener) -> int:
    for k in apikeys.list_keys(open_db(args)):
        state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        print(f"{k.name}\t{k.scope}\tsbk_{k.prefix}_…\t{state}")
    return 0


def _revoke(args: argparse.Namespace, open_db: Opener) -> int:
    if apikeys.revoke_key(open_db(args, writable=True), args.name):
        print(f"revoked {args.name}")
        return 0
    print(f"stockbot apikey: no active key named {args.name!r}", file=sys.stderr)
    return 1


def _add_hook(args: argparse.Namespace, open_db: Opener) -> int:
    events = [e.strip() for e in args.events.split(",") if e.strip()]
    try:
        hook_id, secret = apikeys.add_webhook(open_db(args, writable=True), args.url, events)
    except apikeys.KeyError_ as exc:
        print(f"stockbot webhook: {exc}", file=sys.stderr)
        return 2
    print(f"webhook {hook_id}: {args.url} ({', '.join(sorted(set(events)))})")
    print(f"signing secret (shown only now): {secret}")
    return 0


def _list_hooks(args: argparse.Namespace, open_db: Opener) -> int:
    for hook_id, url, events in apikeys.list_webhooks(open_db(args)):
        print(f"{hook_id}\t{url}\t{','.join(events)}")
    return 0


def _remove_hook(args: argparse.Namespace, open_db: Opener) -> int:
    if apikeys.remove_webhook(open_db(args, writable=True), args.id):
        print(f"removed webhook {args.id}")
        return 0
    print(f"stockbot webhook: no webhook {args.id}", file=sys.stderr)
    return 1
