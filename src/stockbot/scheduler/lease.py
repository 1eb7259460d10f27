"""A named lease in the database (table `leases`): whoever holds `scheduler` runs the jobs.

Taking and renewing are one conditional UPDATE — "make me the holder if I already am, or if
the lease has expired" — so two processes racing for it cannot both win; the first take of a
name is an INSERT … ON CONFLICT DO NOTHING. A holder renews well inside the TTL (every ~10 s
for 30 s); a holder that dies simply stops renewing and another process takes over once the
lease expires. `release()` expires it at once on a clean stop. Time comes from `clock`, so tests
move it instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from stockbot.store.db import Database, rowcount
from stockbot.store.models import Lease
from stockbot.timeutil import as_utc, utcnow


class DbLease:
    def __init__(
        self,
        db: Database,
        name: str,
        holder: str,
        ttl: float = 30.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.name = name
        self.holder = holder
        self.ttl = timedelta(seconds=ttl)
        self.clock = clock
        self.expires_at: datetime | None = None
        """Until when we hold it, as of our last successful take or renewal."""

    def acquire(self) -> bool:
        """Take or renew the lease; True while we hold it."""
        now = self.clock()
        until = now + self.ttl
        with self.db.write() as s:
            won = rowcount(
                s.execute(
                    update(Lease)
                    .where(
                        Lease.name == self.name,
                        or_(Lease.holder == self.holder, Lease.expires_at < now),
                    )
                    .values(holder=self.holder, expires_at=until)
                    .execution_options(synchronize_session=False)
                )
            )
            if not won:
                ins = (sqlite.insert if self.db.is_sqlite else postgresql.insert)(Lease)
                inserted = s.execute(
                    ins.values(name=self.name, holder=self.holder, expires_at=until)
                    .on_conflict_do_nothing()
                    .returning(Lease.name)
                ).first()
                won = 1 if inserted is not None else 0
        self.expires_at = until if won == 1 else None
        return won == 1

    def held(self) -> bool:
        """Whether our last take/renewal still covers now (no database round trip)."""
        return self.expires_at is not None and self.clock() < self.expires_at

    def release(self) -> None:
        """Give it up now (a clean stop), so another process need not wait for the TTL."""
        now = self.clock()
        with self.db.write() as s:
            s.execute(
                update(Lease)
                .where(Lease.name == self.name, Lease.holder == self.holder)
                .values(expires_at=now - timedelta(microseconds=1))
                .execution_options(synchronize_session=False)
            )
        self.expires_at = None

    def current(self) -> tuple[str, datetime] | None:
        """(holder, expires at) as the database has it."""
        with self.db.read() as s:
            row = s.execute(
                select(Lease.holder, Lease.expires_at).where(Lease.name == self.name)
            ).first()
        return None if row is None else (row[0], as_utc(row[1]))
