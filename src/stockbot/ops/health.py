"""Liveness and readiness, as `/livez` and `/readyz` (and `/healthz`, its old name) show them.

Live: the process answers HTTP. Ready: it can do its work now —
- the database takes a write (`Database.writable`: a read-only file or a standby is not ready)
  and its schema is at this code's migration head;
- every configured chat adapter says `ok`, which includes having reached its platform's API
  since its last failure to (`handlers.base.Contact`);
- the service is not stopping.
The outbox backlog (and its oldest message's age) and the scheduler lease are reported for
the operator but do not decide readiness: a platform outage grows the backlog on every
replica alike, and exactly one replica leads the scheduler — restarting either would not help.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from stockbot.store.db import Database
from stockbot.store.migrate import HEAD
from stockbot.store.outbox import backlog


def store_report(db: Database, scheduler: Any = None) -> dict[str, Any]:
    """The database, outbox and scheduler parts of readiness (blocking: run it off the loop)."""
    report: dict[str, Any] = {"database": database_report(db)}
    if not report["database"]["ok"]:
        return report
    try:
        report["outbox"] = {
            b.platform: {
                "waiting": b.waiting,
                "oldest_age_seconds": round(b.oldest_age_seconds, 1),
                "parked": b.parked,
            }
            for b in backlog(db)
        }
        if scheduler is not None:
            current = scheduler.lease.current()
            report["scheduler"] = {
                "leader": bool(scheduler.is_leader),
                "holder": current[0] if current else None,
            }
    except SQLAlchemyError as exc:  # lost between the probe and here: not ready
        report["database"] = {**report["database"], "ok": False, "error": str(exc)[:300]}
    return report


def database_report(db: Database) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "dialect": db.dialect}
    writable = db.writable()
    if writable is not True:
        body["error"] = writable
        return body
    try:
        with db.read() as s:
            revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        body["error"] = str(exc).splitlines()[0]
        return body
    body.update(revision=revision, head=HEAD, at_head=revision == HEAD, ok=revision == HEAD)
    if revision != HEAD:
        body["error"] = f"schema at {revision}, this code needs {HEAD}: run `stockbot db upgrade`"
    return body


def readiness(
    store: dict[str, Any], adapters: dict[str, dict[str, Any]], stopping: bool
) -> dict[str, Any]:
    """The `/readyz` body; `ok` is the verdict (HTTP 200 or 503)."""
    ok = bool(store["database"]["ok"]) and not stopping
    ok = ok and all(bool(a.get("ok")) for a in adapters.values())
    return {"ok": ok, **store, "adapters": adapters, "stopping": stopping}
