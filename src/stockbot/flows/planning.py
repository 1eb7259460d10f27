"""Planning in chat: `/bom <product>` (物料清单) and `/suggest` (建议采购).

`/suggest` lists every item whose projected quantity (DESIGN.md §1: available + on order +
approved requests) is at or below its reorder point, or below what open work orders still need
and have not reserved, with the quantity to buy (`reports.rules.suggested_qty`, on the
projection net of that need) and the item's default supplier. One button raises them all:
one purchase request per supplier, whose lines are that supplier's items (the items without
a supplier in one request of their own), each through the usual approvals
(`purchases.per_supplier_requests`) — once, however often it is pressed: the button's token is
claimed in the same unit of work.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

import stockbot.messages.workorders  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import BomCmd
from stockbot.flows.bom import BomCycle, decimals_for, round_up, tree
from stockbot.flows.common import Refusal, display_name, refuse, resolve_item, token_for
from stockbot.flows.context import Ctx
from stockbot.flows.kitting import OPEN_STATES, items_by_id, load_graph
from stockbot.flows.notices import Act, At, Grid, ItemLabel, L, Notice, Q
from stockbot.flows.purchase_lines import Want
from stockbot.flows.purchases import per_supplier_requests
from stockbot.replies import Reply
from stockbot.reports.rules import suggested_qty
from stockbot.store.models import ActionToken, Item, Supplier, WorkOrder, WorkOrderLine
from stockbot.store.quantities import quantities
from stockbot.timeutil import utcnow

ZERO = Decimal(0)
BOM_ROWS = 60
"""Lines of a BOM shown in chat; the export has them all."""
DOC = "suggest"


# --- /bom -----------------------------------------------------------------------------------


def bom(ctx: Ctx, cmd: BomCmd) -> Reply:
    retry = {"command": cmd.model_dump(mode="json"), "field": "product"}
    with ctx.db.read() as s:
        product = resolve_item(ctx, s, cmd.product, retry)
        graph = load_graph(s, product.id)
        if not graph:
            raise refuse("wo.no_bom", ctx.lang, product=product.code)
        ids = {e.component for edges in graph.values() for e in edges} | set(graph)
        ids |= {e.substitute for edges in graph.values() for e in edges if e.substitute}
        items = items_by_id(s, ids)
        try:
            rows = tree(graph, product.id, Decimal(1), lambda i: decimals_for(items[i]), BOM_ROWS)
        except BomCycle as cycle:
            text = " → ".join(items[i].code for i in cycle.path)
            raise refuse("wo.cycle", ctx.lang, product=product.code, cycle=text) from None
    notice = Notice("bom.title", {"product": product.code, "qty": Q(Decimal(1), product.unit)})
    for r in rows:
        item = items[r.component]
        extra: list[Any] = []
        if r.edge.scrap_pct:
            extra.append(L("bom.scrap", pct=f"{r.edge.scrap_pct.normalize():f}"))
        if r.edge.backflush:
            extra.append(L("bom.backflush"))
        if r.edge.substitute is not None:
            extra.append(L("bom.sub", sub=items[r.edge.substitute].code))
        notice = notice.then(
            "bom.line",
            indent="\u2003" * r.depth + "└ ",
            item=ItemLabel(item.code, item.name),
            qty=Q(r.qty, item.unit),
            extra=_joined(extra),
        )
    if len(rows) >= BOM_ROWS:
        notice = notice.then("bom.more")
    return notice.render(ctx.lang, ctx.tz)


def _joined(parts: list[Any]) -> Any:
    """Up to three optional catalogue texts as one parameter."""
    if not parts:
        return ""
    keys = ("a", "b", "c")
    return L(f"bom.extra{len(parts)}", **dict(zip(keys, parts, strict=False)))


# --- /suggest -------------------------------------------------------------------------------


def wo_needs(s: Session) -> dict[int, Decimal]:
    """What open work orders still need and have not reserved, per component."""
    need: dict[int, Decimal] = defaultdict(Decimal)
    for comp, required, reserved, issued in s.execute(
        select(
            WorkOrderLine.component_id,
            WorkOrderLine.qty_required,
            WorkOrderLine.qty_reserved,
            WorkOrderLine.qty_issued,
        )
        .join(WorkOrder, WorkOrder.id == WorkOrderLine.work_order_id)
        .where(WorkOrder.state.in_(OPEN_STATES))
    ):
        left = required - reserved - issued
        if left > 0:
            need[comp] += left
    return dict(need)


def suggestions(s: Session) -> list[tuple[Item, Decimal, Decimal, Decimal]]:
    """(item, projected, work-order need, quantity to buy), by item code."""
    need = wo_needs(s)
    ids = set(need) | set(
        s.scalars(select(Item.id).where(Item.active.is_(True), Item.reorder_point > ZERO))
    )
    q = quantities(s, ids)
    items = items_by_id(s, ids)
    out = []
    for i in ids:
        item, projected, wo = items[i], q[i].projected, need.get(i, ZERO)
        net = projected - wo
        rop = item.reorder_point
        if not ((rop > 0 and net <= rop) or net < 0):
            continue
        qty = suggested_qty(net, rop, item.reorder_qty, item.order_multiple)
        qty = round_up(qty, decimals_for(item))
        if qty > 0:
            out.append((item, projected, wo, qty))
    return sorted(out, key=lambda r: r[0].code)


def suggest(ctx: Ctx, cmd: Any = None) -> Reply:
    with ctx.db.write() as s:  # the button's token is written
        rows = suggestions(s)
        if not rows:
            return Notice("suggest.none").render(ctx.lang, ctx.tz)
        suppliers = {
            sup.id: sup.code
            for sup in s.scalars(
                select(Supplier).where(
                    Supplier.id.in_({r[0].default_supplier_id for r in rows} - {None})
                )
            )
        }
        grid = Grid(
            tuple(
                (ItemLabel(item.code, item.name, 40), Q(projected, item.unit),
                 Q(item.reorder_point, item.unit), Q(wo, item.unit) if wo else "-",
                 Q(qty, item.unit), suppliers.get(item.default_supplier_id or 0, "-"))
                for item, projected, wo, qty in rows
            ),
            tuple(L(f"suggest.h.{h}") for h in ("item", "projected", "rop", "wo", "qty",
                                                "supplier")),
        )  # fmt: skip
        plan = [[item.id, str(qty)] for item, _, _, qty in rows]
        raise_all = Act(
            "suggest.btn.raise", token_for(s, DOC, 0, "raise", {"plan": plan}),
            {"n": len(rows)}, "primary",
        )  # fmt: skip
        notice = Notice("suggest.title", {"n": len(rows)}, (raise_all,), grid=grid)
        return notice.render(ctx.lang, ctx.tz)


def raise_all(ctx: Ctx, token: ActionToken) -> Reply:
    """The "Raise all" button: every suggested purchase request, once."""
    with ctx.db.write() as s:
        claimed = cast(
            CursorResult[Any],
            s.execute(
                update(ActionToken)
                .where(ActionToken.token == token.token, ActionToken.action == "raise")
                .values(action="raised")
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        if claimed != 1:
            raise _already(ctx, s, token.token)
        plan = token.payload.get("plan") or []
        items = items_by_id(s, {int(i) for i, _ in plan})
        wants = [Want(items[int(item_id)], Decimal(qty)) for item_id, qty in plan]
        numbers, lines = per_supplier_requests(ctx, s, wants, note="/suggest")
        s.execute(
            update(ActionToken)
            .where(ActionToken.token == token.token)
            .values(payload={"prs": numbers, "by": ctx.actor.display_name,
                             "at": utcnow().isoformat()})
        )  # fmt: skip
        told = Notice("suggest.raised", {"n": len(numbers), "prs": ", ".join(numbers)},
                      more=lines)  # fmt: skip
        return told.render(ctx.lang, ctx.tz)


def _already(ctx: Ctx, s: Session, token: str) -> Refusal:
    tok = s.get(ActionToken, token)
    payload = tok.payload if tok is not None else {}
    if "prs" not in payload:
        return refuse("button.stale", ctx.lang)
    at = At(datetime.fromisoformat(payload["at"]))
    params = {"who": payload.get("by") or display_name(s, None), "at": at,
              "prs": ", ".join(payload["prs"])}  # fmt: skip
    return Refusal(Notice("suggest.already", params).render(ctx.lang, ctx.tz, ephemeral=True))


COMMANDS = {"bom": bom, "suggest": suggest}
ACTIONS: dict[tuple[str, str], Any] = {
    (DOC, "raise"): raise_all,
    (DOC, "raised"): lambda ctx, token: _raise_already(ctx, token),
}


def _raise_already(ctx: Ctx, token: ActionToken) -> Reply:
    with ctx.db.read() as s:
        raise _already(ctx, s, token.token)
