"""`stockbot` — the command line. Heavy modules are imported inside each command so that the
process starts (and the console chat answers) fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stockbot.config import Settings
    from stockbot.store.db import Database

DEMO_DB = "stockbot-demo.db"


def _settings() -> Settings:
    """The process's settings: read here, at the entry point, and passed to everything."""
    from stockbot.config import get_settings

    return get_settings()


def _open(args: argparse.Namespace, *, upgrade: bool = True) -> Database:
    """The database with the flows' event handlers on it: an import posts like a chat does."""
    from stockbot.flows.wiring import subscribe
    from stockbot.store.db import open_database

    settings = _settings()
    db = open_database(settings, getattr(args, "database_url", None), upgrade=upgrade)
    return subscribe(db, settings)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from stockbot.store.migrate import current_revision, upgrade

    url = args.database_url or _settings().database_url
    upgrade(url)
    print(f"database at revision {current_revision(url)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from stockbot.store.check import Difference, check_balances
    from stockbot.store.types import fmt_qty

    db = _open(args)
    with db.read() as s:
        findings = check_balances(s)
    diffs = 0
    for d in findings:
        if not isinstance(d, Difference):
            print(d)  # a stored value that cannot be read exactly (UNREADABLE …)
            continue
        diffs += 1
        batch = f" batch#{d.batch_id}" if d.batch_id else ""
        print(
            f"MISMATCH {d.item_code} @ {d.place}{batch}: balance {fmt_qty(d.balance)} "
            f"!= ledger {fmt_qty(d.ledger)}"
        )
    if not findings:
        print("check: every balance equals its ledger")
        return 0
    print(
        f"check: {len(findings)} finding(s): {diffs} difference(s), "
        f"{len(findings) - diffs} unreadable value(s)"
    )
    return 1


def cmd_import(args: argparse.Namespace) -> int:
    from stockbot.io import imports

    db = _open(args)
    fn = {
        "items": imports.import_items,
        "stock": imports.import_stock,
        "suppliers": imports.import_suppliers,
        "boms": imports.import_boms,
    }[args.kind]
    extra = {"create_warehouses": True} if getattr(args, "create_warehouses", False) else {}
    report = fn(db, Path(args.file), progress=True, **extra)
    if not report.ok:
        print(report.error_table(), file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from stockbot.io import exports

    db = _open(args)
    fmt = args.format or Path(args.output).suffix.lstrip(".") or "csv"
    fn = {
        "balances": exports.export_balances,
        "ledger": exports.export_ledger,
        "boms": exports.export_boms,
    }[args.what]
    n = fn(db, Path(args.output), fmt)
    print(f"export: {n:,} {args.what} rows written to {args.output}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from stockbot.handlers.console import ConsoleChat
    from stockbot.handlers.console_app import console_handle
    from stockbot.runtime import Runtime

    runtime = Runtime(_open(args), _settings())
    ConsoleChat(
        console_handle(runtime),
        user=args.as_user,
        stdin=sys.stdin,
        stdout=sys.stdout,
        prompt=sys.stdin.isatty(),
        has_question=runtime.has_question,
    ).run()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from stockbot.demo import prepare_demo

    db_path = Path(args.db or DEMO_DB)
    db = prepare_demo(db_path, _settings(), reset=args.reset)
    if args.no_chat:
        return 0
    from stockbot.handlers.console_app import run_console
    from stockbot.runtime import Runtime

    print(
        f"stockbot demo — {db_path} (you are 'alice', an admin; try: /stock m8, 查库存 轴承, "
        "/help, /as bob; /quit to leave)"
    )
    run_console(Runtime(db, _settings()), user=args.as_user or "alice")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.has_chat_tokens:
        print(
            "No SLACK_BOT_TOKEN or TELEGRAM_BOT_TOKEN is set: starting the local demo instead "
            f"(console chat against the SQLite file {DEMO_DB})."
        )
        args.db, args.reset, args.no_chat, args.as_user = None, False, False, None
        return cmd_demo(args)
    import asyncio

    from stockbot.app import build_service

    db = _open(args)
    service = build_service(db, settings)
    print(
        f"stockbot serving {', '.join(a.platform for a in service.adapters)} "
        f"on http://{settings.http_host}:{settings.http_port} (GET /healthz); Ctrl-C to stop"
    )
    asyncio.run(service.serve_forever())
    return 0


def cmd_job_list(args: argparse.Namespace) -> int:
    from stockbot.scheduler.jobs import JOBS, job_specs
    from stockbot.scheduler.runner import SchedulerRunner

    db = _open(args)
    settings = _settings()
    stored = dict(SchedulerRunner(db, settings, background=False).jobs())
    specs = job_specs(db, settings)
    for name, job in JOBS.items():
        print(f"{name:<14} {job.help}")
        for spec in (sp for sp in specs if sp.name == name):
            when = stored.get(spec.id)
            nxt = f"next {when:%Y-%m-%d %H:%M} UTC" if when else "not scheduled yet"
            print(f"{'':<14}   {spec.id}: {spec.trigger} ({nxt})")
    return 0


def cmd_job_run(args: argparse.Namespace) -> int:
    from stockbot.scheduler.jobs import JOBS
    from stockbot.scheduler.runner import SchedulerRunner

    if args.name not in JOBS:
        print(f"no job {args.name!r}; jobs: {', '.join(JOBS)}", file=sys.stderr)
        return 2
    runner = SchedulerRunner(_open(args), _settings(), background=False)
    lines = runner.run_job(args.name, args.chat)
    for line in lines:
        print(line, end="\n\n")
    print(f"job {args.name}: {len(lines)} message(s) queued")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from stockbot import __version__

    p = argparse.ArgumentParser(prog="stockbot", description="Chat-native inventory control.")
    p.add_argument("--version", action="version", version=f"stockbot {__version__}")
    p.add_argument("--database-url", help="overrides STOCKBOT_DATABASE_URL")
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database maintenance")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    dbsub.add_parser("upgrade", help="create or upgrade the schema").set_defaults(
        func=cmd_db_upgrade
    )

    sub.add_parser("check", help="prove every balance equals the sum of its ledger").set_defaults(
        func=cmd_check
    )

    imp = sub.add_parser(
        "import", help="import items, opening stock, suppliers or BOMs (.csv/.xlsx)"
    )
    imp.add_argument("kind", choices=["items", "stock", "suppliers", "boms"])
    imp.add_argument("file")
    imp.add_argument(
        "--create-warehouses",
        action="store_true",
        help="stock: create the warehouses the file names that do not exist yet",
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export balances, the ledger or BOMs")
    exp.add_argument("what", choices=["balances", "ledger", "boms"])
    exp.add_argument("--format", choices=["csv", "xlsx"])
    exp.add_argument("-o", "--output", required=True)
    exp.set_defaults(func=cmd_export)

    chat = sub.add_parser("chat", help="chat with stockbot in this terminal")
    chat.add_argument("--as", dest="as_user", default="console", help="who is typing")
    chat.set_defaults(func=cmd_chat)

    demo = sub.add_parser("demo", help="a believable demo factory in SQLite, then the chat")
    demo.add_argument("--db", help=f"demo database file (default {DEMO_DB})")
    demo.add_argument("--reset", action="store_true", help="rebuild the demo database")
    demo.add_argument("--no-chat", action="store_true", help="only prepare the database")
    demo.add_argument("--as", dest="as_user", help="who is typing (default alice)")
    demo.set_defaults(func=cmd_demo)

    sub.add_parser(
        "run", help="serve the configured chat platforms (demo without tokens)"
    ).set_defaults(func=cmd_run)

    job = sub.add_parser("job", help="scheduled jobs: list them, or run one now")
    jobsub = job.add_subparsers(dest="job_command", required=True)
    jobsub.add_parser("list", help="the jobs and when they run next").set_defaults(
        func=cmd_job_list
    )
    jrun = jobsub.add_parser("run", help="run a job now and print what it queued")
    jrun.add_argument("name", help="summary, shortage-scan, reminders or stale-report")
    jrun.add_argument("--chat", help="only this chat (our id, or the platform's chat id)")
    jrun.set_defaults(func=cmd_job_run)
    return p


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
