"""item_monthly kept by the database from item_daily (triggers), not by a second upsert

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 12:00:00

Since 0012 every posting ran a second upsert with RETURNING (the month after the day) and
checked the totals it read back: about a quarter of the posting rate, most of it the statement's
round trip through SQLAlchemy, not the database's work. A row trigger on `item_daily` now adds
each change of a day's totals to its month inside the daily upsert itself: one statement per
posting, as before 0012, and every writer of `item_daily` keeps the months right by
construction. The trigger refuses a month beyond ±MAX_QTY (what SQLite would otherwise turn into
a float), and a day beyond it — so the posting path no longer reads its totals back with
RETURNING to check them; `store.ledger` turns the refusal into `QuantityLimitExceeded`.

The months are not recomputed here: 0012 built them from the days and the posting path kept
them since; `stockbot check` now proves them against the ledger. (Recomputing 300,000 rows
also packed their pages full, and the next postings paid for the page splits: +2 pages
written per posting in the benchmark.)
"""

from collections.abc import Sequence

from alembic import op

from stockbot.store.types import MAX_QTY, MAX_RAW

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOTALS = ("qty_in", "qty_out", "consumed")


def _refusal(what: str) -> str:
    """The trigger's error message; `store.ledger` recognises it (`posting.totals_refusal`)."""
    return f"stockbot: {what} total beyond the limit"


def _sqlite_beyond(row: str) -> str:
    return " OR ".join(f"abs({row}{c}) > {MAX_RAW}" for c in TOTALS)


def _sqlite_day(row: str) -> str:
    """Refuse a day's totals beyond the limit (RAISE(ABORT) undoes this statement only; the
    transaction stays usable, as after the posting path's own checks)."""
    return f"""
  SELECT RAISE(ABORT, '{_refusal("daily")}') WHERE {_sqlite_beyond(f"{row}.")};"""


def _sqlite_month(row: str, sign: str = "", minus: str | None = None) -> str:
    """Add sign·row (less `minus`, for an update) to the row's month, then refuse a month
    beyond the limit."""
    month = f"date({row}.day, 'start of month')"
    values = ", ".join(f"{sign}{row}.{c}" + (f" - {minus}.{c}" if minus else "") for c in TOTALS)
    return f"""
  INSERT INTO item_monthly (item_id, month, {", ".join(TOTALS)})
  VALUES ({row}.item_id, {month}, {values})
  ON CONFLICT (item_id, month) DO UPDATE SET
    {", ".join(f"{c} = {c} + excluded.{c}" for c in TOTALS)};
  SELECT RAISE(ABORT, '{_refusal("monthly")}') FROM item_monthly
   WHERE item_id = {row}.item_id AND month = {month} AND ({_sqlite_beyond("")});"""


SQLITE_TRIGGERS = {
    "item_daily_monthly_insert": (
        f"AFTER INSERT ON item_daily BEGIN{_sqlite_day('NEW')}{_sqlite_month('NEW')}\nEND"
    ),
    # the posting path's upsert sets only the totals: one month, by the difference
    "item_daily_monthly_update": (
        "AFTER UPDATE OF qty_in, qty_out, consumed ON item_daily "
        "WHEN NEW.item_id = OLD.item_id AND NEW.day = OLD.day "
        f"BEGIN{_sqlite_day('NEW')}{_sqlite_month('NEW', '', 'OLD')}\nEND"
    ),
    # nothing in stockbot moves or deletes a day's row; a hand edit still keeps the months
    "item_daily_monthly_rekey": (
        "AFTER UPDATE OF item_id, day ON item_daily "
        "WHEN NEW.item_id != OLD.item_id OR NEW.day != OLD.day "
        f"BEGIN{_sqlite_day('NEW')}{_sqlite_month('OLD', '-')}{_sqlite_month('NEW')}\nEND"
    ),
    "item_daily_monthly_delete": (
        f"AFTER DELETE ON item_daily BEGIN{_sqlite_month('OLD', '-')}\nEND"
    ),
}


def _pg_greatest(row: str) -> str:
    return f"greatest({', '.join(f'abs({row}{c})' for c in TOTALS)})"


PG_FUNCTIONS = (
    """
CREATE FUNCTION stockbot_refuse_total(what text, p_item bigint, v numeric) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '22003',
    MESSAGE = format('stockbot: %s total beyond the limit', what),
    DETAIL = format('%s %s %s', p_item, v, (SELECT code FROM items WHERE id = p_item));
END $$""",
    f"""
CREATE FUNCTION stockbot_add_to_month(p_item bigint, p_day date, qin numeric, qout numeric,
                                      used numeric) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v numeric;
BEGIN
  INSERT INTO item_monthly AS t (item_id, month, {", ".join(TOTALS)})
  VALUES (p_item, date_trunc('month', p_day)::date, qin, qout, used)
  ON CONFLICT (item_id, month) DO UPDATE SET
    {", ".join(f"{c} = t.{c} + excluded.{c}" for c in TOTALS)}
  RETURNING {_pg_greatest("t.")} INTO v;
  IF v > {MAX_QTY} THEN
    PERFORM stockbot_refuse_total('monthly', p_item, v);
  END IF;
END $$""",
    f"""
CREATE FUNCTION stockbot_item_daily_to_monthly() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' AND {_pg_greatest("NEW.")} > {MAX_QTY} THEN
    PERFORM stockbot_refuse_total('daily', NEW.item_id, {_pg_greatest("NEW.")});
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.item_id = OLD.item_id AND NEW.day = OLD.day THEN
    PERFORM stockbot_add_to_month(NEW.item_id, NEW.day,
      {", ".join(f"NEW.{c} - OLD.{c}" for c in TOTALS)});
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM stockbot_add_to_month(OLD.item_id, OLD.day, {", ".join(f"-OLD.{c}" for c in TOTALS)});
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM stockbot_add_to_month(NEW.item_id, NEW.day, {", ".join(f"NEW.{c}" for c in TOTALS)});
  END IF;
  RETURN NULL;
END $$""",
)
PG_DROP = (
    "DROP FUNCTION stockbot_item_daily_to_monthly()",
    "DROP FUNCTION stockbot_add_to_month(bigint, date, numeric, numeric, numeric)",
    "DROP FUNCTION stockbot_refuse_total(text, bigint, numeric)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        return
    for function in PG_FUNCTIONS:
        op.execute(function)
    op.execute(
        "CREATE TRIGGER item_daily_monthly AFTER INSERT OR UPDATE OR DELETE ON item_daily "
        "FOR EACH ROW EXECUTE FUNCTION stockbot_item_daily_to_monthly()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        return
    op.execute("DROP TRIGGER item_daily_monthly ON item_daily")
    for statement in PG_DROP:
        op.execute(statement)
