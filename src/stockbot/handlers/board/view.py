"""The board's numbers as the page shows them: formatted for the reader's language, and cut to
what the reader's role may see (`Viewer.sees_values`: staff get no money at all — not hidden
by CSS, never sent). The template only lays these out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from stockbot.flows.board import Viewer
from stockbot.flows.notices import money
from stockbot.flows.summary import age
from stockbot.i18n import LANGS, t
from stockbot.reports.board import Board
from stockbot.timeutil import local, utcnow

LIST_ROWS = 20
LANG_NAMES = {"en": "EN", "zh-Hans": "简", "zh-Hant": "繁"}


def _qty(q: Decimal) -> str:
    return f"{q.normalize():,f}"


def _name(code: str, name: str) -> str:
    """The name beside the code, unless it only repeats it."""
    return "" if name == code else name


def _pct(v: Any) -> str:
    return "–" if v is None else f"{Decimal(v) * 100:.0f}%"


def context(b: Board, viewer: Viewer, lang: str, timezone: str, currency: str) -> dict[str, Any]:
    """What `board.html` needs; `lang` is one of LANGS."""
    now = utcnow()
    s = b.summary
    values = viewer.sees_values

    def tr(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    def ago(since: datetime) -> str:
        return age(lang, since, now)

    def cut(rows: list[Any]) -> tuple[list[Any], int]:
        return rows[:LIST_ROWS], max(0, len(rows) - LIST_ROWS)

    out_rows, out_more = cut([(r.code, _name(r.code, r.name)) for r in s.stockouts])
    below_rows, below_more = cut(
        [
            (r.item.code, _name(r.item.code, r.item.name), _qty(r.available), _qty(r.safety))
            for r in s.below_safety
        ]
    )
    waiting_rows, waiting_more = cut(
        [
            (
                w.doc,
                w.item.code + (f" (+{w.more})" if w.more else ""),
                _qty(w.qty),
                money(w.amount) if values else None,
                ago(w.since),
            )
            for w in s.pending_approvals
        ]
    )
    issue_rows, issue_more = cut(
        [(w.doc, w.item.code, _qty(w.qty), None, ago(w.since)) for w in s.open_requests]
    )
    charts: dict[str, Any] = {
        "suppliers": {
            "labels": [r[0] for r in b.suppliers[:12]],
            "on_time": [None if r[2] is None else float(r[2]) * 100 for r in b.suppliers[:12]],
            "qc_pass": [None if r[3] is None else float(r[3]) * 100 for r in b.suppliers[:12]],
            "names": [tr("board.on_time"), tr("board.qc_pass")],
        },
        "warehouse": {
            "labels": [w.name for w in b.by_warehouse],
            "data": [float(w.value) if values else w.items for w in b.by_warehouse],
        },
        "category": {
            "labels": [c.name for c in b.by_category[:12]],
            "data": [float(c.value) if values else c.items for c in b.by_category[:12]],
        },
    }
    if values:
        charts["trend"] = {
            "labels": [d.strftime("%m-%d") for d, _, _ in s.trend],
            "in": [round(a, 2) for _, a, _ in s.trend],
            "out": [round(o, 2) for _, _, o in s.trend],
            "names": [tr("board.in"), tr("board.out")],
        }
    return {
        "t": tr,
        "lang": lang,
        "langs": [(code, LANG_NAMES[code]) for code in LANGS],
        "viewer": viewer,
        "values": values,
        "currency": currency,
        "version": b.version,
        "as_of": local(now, timezone, fmt="%Y-%m-%d %H:%M"),
        "total_value": money(s.inventory_value) if values else None,
        "items_in_stock": sum(w.items for w in b.by_category),
        "by_category": [
            (c.name, money(c.value) if values else None, c.items) for c in b.by_category
        ],
        "by_warehouse": [
            (w.name, money(w.value) if values else None, w.items) for w in b.by_warehouse
        ],
        "stockouts": out_rows,
        "stockouts_more": out_more,
        "stockouts_n": len(s.stockouts),
        "below": below_rows,
        "below_more": below_more,
        "below_n": len(s.below_safety),
        "waiting": waiting_rows,
        "waiting_more": waiting_more,
        "waiting_n": len(s.pending_approvals),
        "to_issue": issue_rows,
        "to_issue_more": issue_more,
        "qc_pending": s.qc_pending,
        "po_due": [(p.number, p.supplier, p.expected_on.isoformat()) for p in s.po_due_today],
        "po_overdue": [(p.number, p.supplier, p.expected_on.isoformat()) for p in s.po_overdue],
        "shortages": [
            (x.item.code, x.work_order, _qty(x.requested), _qty(x.available), ago(x.since))
            for x in b.shortages[:LIST_ROWS]
        ],
        "shortages_n": b.shortages_total,
        "shortages_more": max(0, b.shortages_total - min(len(b.shortages), LIST_ROWS)),
        "suppliers": [(r[0], r[1], _pct(r[2]), _pct(r[3])) for r in b.suppliers[:LIST_ROWS]],
        "charts": charts,
    }
