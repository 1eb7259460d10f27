"""Aggregations for the proactive half: the shortage scan, the morning summary and the
stale-stock report. Read-only, no chat, no text: a handful of grouped queries each, whatever
the item count, built from the balances and the per-item daily totals (`item_daily`) that
the posting path keeps — never from the raw ledger.

`rules` holds the pure thresholds, `levels` the stock levels as stored and the scan's queries,
`morning` the summary and the stale-stock report; rendering is the flows' job (and `chart`).
"""

from __future__ import annotations

from stockbot.reports.levels import (
    Levels,
    Raw,
    expiring_batches,
    inventory_value,
    load_levels,
    overdue_po_lines,
    usage_totals,
)
from stockbot.reports.morning import (
    BelowSafety,
    DuePO,
    ItemRef,
    Summary,
    Waiting,
    daily_values,
    day_totals,
    item_refs,
    purchase_orders_due,
    stale_items,
    stale_report,
    summary,
    top_consumed,
    waiting_documents,
)
from stockbot.reports.rules import short_on_cover, stock_reasons, suggested_qty

__all__ = [
    "BelowSafety",
    "DuePO",
    "ItemRef",
    "Levels",
    "Raw",
    "Summary",
    "Waiting",
    "daily_values",
    "day_totals",
    "expiring_batches",
    "inventory_value",
    "item_refs",
    "load_levels",
    "overdue_po_lines",
    "purchase_orders_due",
    "short_on_cover",
    "stale_items",
    "stale_report",
    "stock_reasons",
    "suggested_qty",
    "summary",
    "top_consumed",
    "usage_totals",
    "waiting_documents",
]
