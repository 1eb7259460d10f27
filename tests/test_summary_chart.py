"""`stockbot job run summary`: says why nothing was sent when no chat is bound and how to bind
one, saves the chart with `--out`; the chart's axes name their units, and the chart draws the
same numbers the summary's text reports (compared through the series it drew, not pixels)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete

from stockbot import reports
from stockbot.cli import main
from stockbot.flows import summary as summary_flow
from stockbot.replies import Fields
from stockbot.reports.chart import MAX_BELOW
from stockbot.store.models import Chat
from test_summary import T0, TODAY, at, factory, move  # noqa: F401  (the fixture factory)


def count_in_text(reply, label: str) -> int:  # type: ignore[no-untyped-def]
    """The number a summary field starts with: `12 — GLUE, …` → 12 (`none` → 0)."""
    fields = {k: v for b in reply.blocks_of(Fields) for k, v in b.rows}
    head = fields[label].split(" ")[0]
    return int(head) if head.isdigit() else 0


def summary_of(db):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return reports.summary(s, TODAY, stale_days=180)


def test_the_chart_draws_what_the_text_counts(factory, db) -> None:  # noqa: F811
    reply = factory.say("dave", "/summary")
    drawn = summary_flow.chart(summary_of(db), "en", "CNY").series
    assert count_in_text(reply, "Below safety stock") == drawn.below_total == len(drawn.below) == 1
    (glue,) = drawn.below
    assert glue[1:] == (10.0, 20.0, 0.0)
    data = summary_of(db)
    yesterday = drawn.trend[-1]
    assert yesterday[0] == data.yesterday
    assert yesterday[1:] == pytest.approx((float(data.received_value), float(data.issued_value)))


def test_with_more_items_than_drawn_the_chart_title_says_how_many_of_how_many(
    factory,  # noqa: F811
    db,
) -> None:
    at(T0 - timedelta(days=2))
    for n in range(12):
        item = factory.item(f"LOW-{n:02d}", name=f"low part {n}", safety_stock=Decimal(50))
        move(factory, item, 1 + n, T0 - timedelta(days=2))
    at(T0)
    reply = factory.say("dave", "/summary")
    made = summary_flow.chart(summary_of(db), "en", "CNY")
    assert count_in_text(reply, "Below safety stock") == made.series.below_total == 13
    assert len(made.series.below) == MAX_BELOW
    words = summary_flow.chart_text(made.series, "en")
    assert "10 of 13" in words.title_below


def test_the_axes_name_the_quantity_unit_and_the_currency(factory, db) -> None:  # noqa: F811
    series = summary_flow.chart(summary_of(db), "en", "EUR").series
    assert series.unit == "pcs"
    words = summary_flow.chart_text(series, "zh-Hans")
    assert "pcs" in words.qty_axis and "EUR" in words.value_axis


def test_items_of_different_units_name_theirs_on_each_label(factory, db) -> None:  # noqa: F811
    at(T0 - timedelta(days=2))
    resin = factory.item("RESIN", name="resin", unit="kg", safety_stock=Decimal(5))
    move(factory, resin, 2, T0 - timedelta(days=2))
    at(T0)
    series = summary_flow.chart(summary_of(db), "en", "CNY").series
    assert series.unit is None
    assert any(label.endswith("(kg)") for label, *_ in series.below)
    assert "each item" in summary_flow.chart_text(series, "en").qty_axis


def test_job_run_summary_without_a_bound_chat_says_why_and_how_to_bind(
    factory,  # noqa: F811
    db,
    db_url,
    capsys,
) -> None:
    with db.write() as s:
        s.execute(delete(Chat))
    assert main(["--database-url", db_url, "job", "run", "summary"]) == 0
    out = capsys.readouterr().out
    assert "0 message(s) queued" in out
    assert "no chat is bound to a warehouse" in out and "/bind" in out


def test_job_run_summary_out_saves_the_chart(factory, db_url, tmp_path, capsys) -> None:  # noqa: F811
    out = tmp_path / "summary.png"
    assert main(["--database-url", db_url, "job", "run", "summary", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert str(out) in capsys.readouterr().out


def test_out_is_refused_for_other_jobs(db_url, tmp_path) -> None:
    out = tmp_path / "x.png"
    assert main(["--database-url", db_url, "job", "run", "reminders", "--out", str(out)]) == 2
    assert not out.exists()
