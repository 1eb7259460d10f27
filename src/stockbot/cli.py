"""`stockbot` — the command line. Heavy modules are imported inside each command so that the
process starts (and the console chat answers) fast.
"""

from __future__ import annotations

import argparse
import getpass
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


def _open(args: argparse.Namespace, *, writable: bool = False) -> Database:
    """The database with the flows' event handlers on it: an import posts like a chat does.
    A bad URL or an unreachable database ends the command with one line (`ops.startup`)."""
    from stockbot.flows.wiring import subscribe
    from stockbot.ops.startup import open_checked

    settings = _settings()
    db = open_checked(settings, getattr(args, "database_url", None), writable=writable)
    return subscribe(db, settings)


def _database_url(args: argparse.Namespace) -> str:
    return str(args.database_url or _settings().database_url)


def _interactive() -> bool:
    """A person at a terminal (not a unit, a container or a pipe)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from stockbot.store.migrate import current_revision, upgrade

    url = _database_url(args)
    upgrade(url)
    print(f"database at revision {current_revision(url)}")
    _snapshot_search(_open(args))
    return 0


def _snapshot_search(db: Database) -> None:
    """Index the catalogue and save the snapshot now, so that the first question after an
    import or an upgrade is answered as fast as the later ones (`stockbot.lookup.service`)."""
    import time

    from stockbot.lookup.service import save_snapshot

    started = time.perf_counter()
    saved = save_snapshot(db)
    if saved is not None:
        n, path = saved
        print(
            f"search index: {n:,} items, snapshot {path} in {time.perf_counter() - started:.1f} s"
        )


def cmd_import(args: argparse.Namespace) -> int:
    from stockbot.io import imports

    db = _open(args)
    importer = args.as_user or getpass.getuser()
    path = Path(args.file)
    if args.kind == "stock":
        report = imports.import_stock(
            db,
            path,
            progress=True,
            create_warehouses=args.create_warehouses,
            actor_id=_importer_id(db, importer),
        )
    else:
        fn = {
            "items": imports.import_items,
            "suppliers": imports.import_suppliers,
            "boms": imports.import_boms,
        }[args.kind]
        report = fn(db, path, progress=True)
    if not report.ok:
        print(report.error_table(), file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}")
    print(report.summary())
    wrote = report.ok and not report.already_done
    if args.kind == "stock":
        wrote = wrote and report.posted_lines > 0
    done = "wrote to" if wrote else "nothing written to"
    print(f"import: {done} {db.where}, as {importer}")
    if report.ok and args.kind == "items":
        _snapshot_search(db)
    return 0 if report.ok else 1


def _importer_id(db: Database, name: str) -> int:
    """The person an import is recorded under (`/history` shows them): the operating-system
    user, or `--as NAME`, as the console user of that name."""
    from stockbot.store.catalog import ensure_user

    with db.write() as s:
        return ensure_user(s, "console", name, name).id


def cmd_export(args: argparse.Namespace) -> int:
    from stockbot.io import exports

    db = _open(args)
    fmt = args.format or Path(args.output).suffix.lstrip(".") or "csv"
    fn = {
        "balances": exports.export_balances,
        "ledger": exports.export_ledger,
        "items": exports.export_items,
        "boms": exports.export_boms,
    }[args.what]
    n = fn(db, Path(args.output), fmt)
    print(f"export: {n:,} {args.what} rows written to {args.output}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """`stockbot report` lists the reports; `stockbot report <name> [period] [options]
    --format xlsx|csv -o FILE` writes one (without -o: prints its tables)."""
    from stockbot.flows.common import Refusal
    from stockbot.flows.reports import listing, prepare, render
    from stockbot.i18n import normalize_lang

    settings = _settings()
    lang = normalize_lang(args.lang) or settings.default_language
    if not args.name:
        print(listing(lang).plain())
        return 0
    try:
        found, report_args = prepare(settings, args.name, list(args.words), lang)
    except Refusal as e:
        print(e.reply.plain(), file=sys.stderr)
        return 2
    db = _open(args)
    with db.read() as s:
        report = found.run(s, report_args)
    if not args.output:
        print(render(report, lang, settings.currency, chart=False).plain())
        return 0
    from stockbot.io.report_files import write_report

    n = write_report(report, Path(args.output), args.format, lang, settings.currency)
    print(f"report {found.name}: {n:,} rows written to {args.output}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from stockbot.handlers.console_app import console_chat
    from stockbot.lookup.service import ItemSearch
    from stockbot.runtime import Runtime

    runtime = Runtime(_open(args), _settings())
    ItemSearch.of(runtime.db).warm(runtime.db)  # load the index while the person types
    console_chat(runtime, args.as_user).run()
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
    """Serve the configured platforms. Without any, a person at a terminal gets the demo; a
    unit or a container gets one line naming the variables to set, and a failing exit."""
    from stockbot.ops.startup import NO_PLATFORM, StartupError, check_platforms

    settings = _settings()
    if not settings.has_chat_tokens and not args.api_only:
        if not _interactive():
            raise StartupError(NO_PLATFORM)
        print(
            "No SLACK_BOT_TOKEN, TELEGRAM_BOT_TOKEN, FEISHU_APP_ID or DINGTALK_CLIENT_ID is set "
            "(and no --api-only): starting the local "
            f"demo instead (console chat against the SQLite file {DEMO_DB})."
        )
        args.db, args.reset, args.no_chat, args.as_user = None, False, False, None
        return cmd_demo(args)
    import asyncio

    from stockbot.app import build_service
    from stockbot.ops import logs
    from stockbot.service import StartError

    check_platforms(settings)
    db = _open(args, writable=True)
    logs.configure(settings.log_format, settings.log_level)
    service = build_service(db, settings)

    def announce() -> None:
        print(
            f"stockbot serving {', '.join(a.platform for a in service.adapters) or 'no chat'} "
            f"on http://{settings.http_host}:{service.port} "
            "(GET /readyz, /livez, /metrics); Ctrl-C to stop",
            flush=True,
        )

    try:
        asyncio.run(service.serve_forever(announce))
    except StartError as exc:
        raise StartupError(str(exc), status=1) from None
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
    if args.out and args.name != "summary":
        print("--out saves the summary's chart: use it with `job run summary`", file=sys.stderr)
        return 2
    db, settings = _open(args), _settings()
    runner = SchedulerRunner(db, settings, background=False)
    lines = runner.run_job(args.name, args.chat)
    for line in lines:
        print(line, end="\n\n")
    print(f"job {args.name}: {len(lines)} message(s) queued")
    if not lines and args.name in {"summary", "stale-report"}:
        print(_why_nothing_sent(db, args.chat))
    if args.out:
        from stockbot.flows.summary import chart, summary_data

        drawn = chart(summary_data(db, settings, runner.clock()), settings.default_language,
                      settings.currency)  # fmt: skip
        Path(args.out).write_bytes(drawn.png)
        print(f"chart saved to {Path(args.out).resolve()} ({len(drawn.png):,} bytes)")
    return 0


def _why_nothing_sent(db: Database, chat: str | None) -> str:
    """A scheduled post goes to the chats bound to a warehouse: say which is missing."""
    from stockbot.flows.summary import bound_chats

    with db.read() as s:
        found = bound_chats(s, chat)
    if chat is not None and not found:
        return (
            f"nothing was sent: no chat {chat!r} is known here (give our chat id, the "
            "platform's chat id, or platform:id)."
        )
    if not found:
        return (
            "nothing was sent: no chat is bound to a warehouse. In the chat that should get "
            "it, an admin types `/bind <warehouse>` (for example `/bind MAIN`), then run "
            "this again; `--out FILE.png` saves the chart without a chat."
        )
    return "nothing was sent: every chat already had it today."


def cmd_slack_manifest(args: argparse.Namespace) -> int:
    from stockbot.handlers.slack_manifest import render_manifest
    from stockbot.runtime import handled_commands

    text = render_manifest(handled_commands())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"slack manifest with {len(handled_commands())} commands written to {args.output}")
    else:
        sys.stdout.write(text)
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

    from stockbot.ops import maintenance

    maintenance.register(sub, _open, _database_url)  # check, backup, restore

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
    imp.add_argument(
        "--as",
        dest="as_user",
        help="who is importing, as /history shows it (default: the operating-system user)",
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export balances, the ledger, the item master or BOMs")
    exp.add_argument("what", choices=["balances", "ledger", "items", "boms"])
    exp.add_argument("--format", choices=["csv", "xlsx"])
    exp.add_argument("-o", "--output", required=True)
    exp.set_defaults(func=cmd_export)

    rep = sub.add_parser("report", help="list the reports, or write one as xlsx/csv")
    rep.add_argument("name", nargs="?", help="turnover, ageing, abc, cover, suppliers, …")
    rep.add_argument("words", nargs="*", help="period (30d, 2026-11, 本月…) and options")
    rep.add_argument("--format", choices=["csv", "xlsx"])
    rep.add_argument("-o", "--output", help="the file (without it: print the tables)")
    rep.add_argument("--lang", help="en, zh-Hans or zh-Hant (default: the configured one)")
    rep.set_defaults(func=cmd_report)

    chat = sub.add_parser("chat", help="chat with stockbot in this terminal")
    chat.add_argument("--as", dest="as_user", default="console", help="who is typing")
    chat.set_defaults(func=cmd_chat)

    demo = sub.add_parser("demo", help="a believable demo factory in SQLite, then the chat")
    demo.add_argument("--db", help=f"demo database file (default {DEMO_DB})")
    demo.add_argument("--reset", action="store_true", help="rebuild the demo database")
    demo.add_argument("--no-chat", action="store_true", help="only prepare the database")
    demo.add_argument("--as", dest="as_user", help="who is typing (default alice)")
    demo.set_defaults(func=cmd_demo)

    run = sub.add_parser(
        "run", help="serve the configured chat platforms (demo without tokens, on a terminal)"
    )
    run.add_argument(
        "--api-only",
        action="store_true",
        help="serve the open API, the board and the health endpoints with no chat platform "
        "(an ERP-only site)",
    )
    run.set_defaults(func=cmd_run)

    manifest = sub.add_parser(
        "slack-manifest", help="the Slack app manifest for the commands that have a handler"
    )
    manifest.add_argument("-o", "--output", help="write it here (default: print it)")
    manifest.set_defaults(func=cmd_slack_manifest)

    job = sub.add_parser("job", help="scheduled jobs: list them, or run one now")
    jobsub = job.add_subparsers(dest="job_command", required=True)
    jobsub.add_parser("list", help="the jobs and when they run next").set_defaults(
        func=cmd_job_list
    )
    jrun = jobsub.add_parser("run", help="run a job now and print what it queued")
    jrun.add_argument("name", help="summary, shortage-scan, reminders or stale-report")
    jrun.add_argument("--chat", help="only this chat (our id, or the platform's chat id)")
    jrun.add_argument("--out", help="summary: also save the chart to this PNG file")
    jrun.set_defaults(func=cmd_job_run)

    from stockbot.api.cli import register

    register(sub, _open)
    return p


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError

    from stockbot.ops.startup import StartupError, settings_problems

    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except StartupError as exc:
        print(f"stockbot {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        for line in settings_problems(exc):
            print(f"stockbot {args.command}: {line}", file=sys.stderr)
        from stockbot.ops.startup import EX_CONFIG

        return EX_CONFIG


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
