"""`stockbot check`, `stockbot backup` and `stockbot restore`: the commands that prove and keep
the ledger, apart from the ones that run the factory (`stockbot.cli`).

`check` proves every balance equals the sum of its ledger and every stored daily and monthly
total equals what the movements add up to (`store.check`, `store.check_totals`), listing each
difference, and exits 1 on any; `restore` ends with the same proof.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(sub: Any, open_db: Callable[..., Any], database_url: Callable[[Any], str]) -> None:
    """Add the three commands to the `stockbot` parser; `open_db(args)` opens the database,
    `database_url(args)` names it without opening it (a backup must not migrate the file)."""
    sub.add_parser(
        "check",
        help="prove every balance and every daily and monthly total equals its ledger",
    ).set_defaults(func=lambda a: check(open_db(a)))

    bak = sub.add_parser("backup", help="SQLite: online backup to FILE (PostgreSQL: pg_dump)")
    bak.add_argument("file")
    bak.set_defaults(func=lambda a: backup(database_url(a), a.file))
    res = sub.add_parser(
        "restore", help="SQLite: restore FILE, then check the ledger (stop the service first)"
    )
    res.add_argument("file")
    res.set_defaults(func=lambda a: restore(database_url(a), a.file, lambda: open_db(a)))


def check(db: Any) -> int:
    """Print every finding, one line each, then a count; 0 when there is none, else 1."""
    from stockbot.store.check import Difference
    from stockbot.store.check_totals import TotalDifference, check_all
    from stockbot.store.types import fmt_qty

    with db.read() as s:
        findings = check_all(s, db.timezone)
    diffs = totals = 0
    for d in findings:
        if isinstance(d, TotalDifference):
            totals += 1
            print(d)  # MISMATCH item_daily|item_monthly …
        elif isinstance(d, Difference):
            diffs += 1
            batch = f" batch#{d.batch_id}" if d.batch_id else ""
            print(
                f"MISMATCH {d.item_code} @ {d.place}{batch}: balance {fmt_qty(d.balance)} "
                f"!= ledger {fmt_qty(d.ledger)}"
            )
        else:
            print(d)  # a stored value that cannot be read exactly (UNREADABLE …)
    if not findings:
        print("check: every balance equals its ledger, every daily and monthly total its movements")
        return 0
    print(
        f"check: {len(findings)} finding(s): {diffs} difference(s) in balances, "
        f"{totals} in daily/monthly totals, {len(findings) - diffs - totals} unreadable value(s)"
    )
    return 1


def backup(url: str, file: str) -> int:
    """SQLite: an online copy while the service runs. PostgreSQL: the pg_dump line to use."""
    from stockbot.store.backup import BackupError, backup_sqlite, pg_commands, sqlite_file

    try:
        path = sqlite_file(url)
        if path is None:
            print("PostgreSQL: back up with pg_dump (custom format, restorable with pg_restore):")
            print(f"  {pg_commands(url, file).dump}")
            return 0
        size = backup_sqlite(path, Path(file))
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    print(f"backup: {path} → {file} ({size:,} bytes); restore with: stockbot restore FILE")
    return 0


def restore(url: str, file: str, open_db: Callable[[], Any]) -> int:
    """SQLite: replace the database with the backup, migrate it to this version, then prove
    the ledger (`check`). Stop the service first: it caches what it read."""
    from stockbot.store.backup import BackupError, pg_commands, restore_sqlite, sqlite_file

    try:
        path = sqlite_file(url)
        if path is None:
            print("PostgreSQL: stop every replica, then restore with pg_restore:")
            print(f"  {pg_commands(url, file).restore}")
            print("then: stockbot db upgrade && stockbot check")
            return 0
        restore_sqlite(Path(file), path)
    except BackupError as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 1
    print(f"restore: {file} → {path}; checking the ledger")
    return check(open_db())
