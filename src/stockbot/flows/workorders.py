"""Work orders (工单): find the missing part when the order is created, not at the counter.

```
 /wo <product> <qty> [due …] ──▶ open: the kitting check (齐套检查) per component
      │  ready ──Release──▶ released (reserved) ──Issue kit──▶ kitted ──Complete n──▶ completed
      │  short ──Release partially──▶ released (what there is; Release again tops it up)
      │  short ──Request purchase for all shortages──▶ one purchase request per supplier
      └─ Cancel (open, released, kitted): reservations released; unused stock comes back
         with `/return <item> <qty> WO-…` (flows.returns)
```
The graph is `WF` (`flows.workflow`). Reservations are the same rows a material request holds
(`store.quantities`: reserved counts against *available* for everyone), taken under the same
per-item locks (`lock_items`, in id order), so concurrent releases never over-reserve. Every
button carries the work order's `rev`; every step moves `rev` on with a conditional update, so a
double press — or a card pressed after the order moved on — acts once and says who was first.
Over-issue beyond the BOM (超领) is a material request `for WO-…` that always needs approval
(`flows.requests`). The BOM arithmetic is `flows.bom`; the queries are `flows.kitting`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

import stockbot.messages.workorders  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import WorkOrderCmd
from stockbot.flows import routing
from stockbot.flows.bom import BomCycle, decimals_for, round_up
from stockbot.flows.common import (
    Refusal,
    actor_id,
    base_qty,
    decide,
    display_name,
    last_decision,
    lock_items,
    refuse,
    resolve_item,
    token_for,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.kitting import (
    OPEN_STATES,
    WO,
    KitRow,
    consume,
    item_rows,
    items_by_id,
    kit_rows,
    release_all,
    requested,
    requirement,
    reserve,
    save_lines,
    wo_lines,
)
from stockbot.flows.notices import Act, At, Day, Grid, ItemLabel, L, Notice, Q
from stockbot.flows.picking import issue_lines, kit_issue_lines, kit_pick_list
from stockbot.flows.purchase_lines import Want
from stockbot.flows.purchases import per_supplier_requests
from stockbot.flows.workflow import Input, Workflow
from stockbot.replies import Reply
from stockbot.store import ledger
from stockbot.store.catalog import default_location
from stockbot.store.models import (
    Decision,
    Item,
    MovementKind,
    WorkOrder,
    WorkOrderLine,
)

ZERO = Decimal(0)
WF = Workflow(WO, "WO", WorkOrder, silent_actions=("create",))
KEEPERS = ("keeper",)


# --- creating -------------------------------------------------------------------------------


def create(ctx: Ctx, cmd: WorkOrderCmd) -> Reply:
    """`/wo <product> <qty> [due <date>]`: explode the BOM, store the lines, show the check."""
    assert cmd.product is not None and cmd.qty is not None
    retry = {"command": cmd.model_dump(mode="json"), "field": "product"}
    with ctx.db.read() as s:
        product = resolve_item(ctx, s, cmd.product, retry)
        qty = base_qty(ctx, s, product, cmd.qty, cmd.unit)
        product_id = product.id
    with ctx.db.write() as s:
        product = s.get_one(Item, product_id)
        try:
            need, items = requirement(s, product.id, qty)
        except BomCycle as cycle:
            codes = items_by_id(s, set(cycle.path))
            text = " → ".join(codes[i].code for i in cycle.path)
            raise refuse("wo.cycle", ctx.lang, product=product.code, cycle=text) from None
        if not need:
            raise refuse("wo.no_bom", ctx.lang, product=product.code)
        wo = WorkOrder(
            product_id=product.id,
            warehouse_id=warehouse_for(ctx, s).id,
            qty=qty,
            qty_completed=ZERO,
            due_on=cmd.due,
            state="open",
            partial=False,
            rev=0,
            requester_id=actor_id(ctx, s),
            note=cmd.note,
            **ctx.origin.columns(),
        )
        s.add(wo)
        s.flush()
        s.connection().execute(
            insert(WorkOrderLine),
            [{"work_order_id": wo.id, "component_id": n.component, "qty_required": n.qty,
              "qty_reserved": ZERO, "qty_issued": ZERO, "backflush": n.backflush,
              "substitute_id": n.substitute}
             for n in sorted(need.values(), key=lambda n: n.component)],
        )  # fmt: skip
        lines = wo_lines(s, wo.id)
        decide(ctx, s, WO, wo.id, "create", qty=qty)
        head = Notice("wo.created", {**_head(wo, product), "who": ctx.actor.display_name})
        return card(s, wo, head, kit_rows(s, wo, lines, items)).render(ctx.lang, ctx.tz)


def _head(wo: WorkOrder, product: Item) -> dict[str, Any]:
    due = L("wo.due", day=Day(wo.due_on)) if wo.due_on else ""
    return {"no": WF.number(wo.id), "qty": Q(wo.qty, product.unit),
            "product": ItemLabel(product.code, product.name),
            "due": due}  # fmt: skip


# --- the card -------------------------------------------------------------------------------


def card(
    s: Session, wo: WorkOrder, head: Notice | None = None, rows: list[KitRow] | None = None
) -> Notice:
    """The kitting check and the buttons that fit the work order's state now (`rows`: a check
    the caller already made and kept current)."""
    product = s.get_one(Item, wo.product_id)
    rows = rows if rows is not None else kit_rows(s, wo)
    params = {**_head(wo, product), "state": WF.state_label(wo.state)}
    grid = Grid(
        tuple(_grid_row(r) for r in rows),
        tuple(L(f"wo.h.{h}") for h in ("component", "required", "available", "short",
                                       "on_order", "arrives")),
    )  # fmt: skip
    short = [r for r in rows if r.short > 0]
    body = Notice("wo.card", params, _buttons(s, wo, rows), grid=grid)
    if head is not None:
        body = Notice(head.key, head.params, body.buttons, grid=grid).then("wo.card", **params)
    if wo.state in ("open", "released"):
        if short:
            items = ", ".join(f"{r.item.code} −{r.short.normalize():f}" for r in short[:12])
            body = body.then("wo.kit_short", n=len(short), items=items)
        else:
            body = body.then("wo.ready")
        for r in short:
            if r.substitute is not None and r.substitute_available > 0:
                qty = Q(r.substitute_available, r.substitute.unit)
                body = body.then("wo.substitute", item=r.item.code, sub=r.substitute.code, qty=qty)
    return body


def _grid_row(r: KitRow) -> tuple[Any, ...]:
    u = r.item.unit
    return (
        ItemLabel(r.item.code, r.item.name, 40),
        Q(r.required, u),
        Q(max(r.available, ZERO), u),
        Q(r.short, u) if r.short > 0 else "-",
        Q(r.on_order, u) if r.on_order > 0 else "-",
        Day(r.arrives) if r.arrives else "-",
    )


def _act(s: Session, wo: WorkOrder, action: str, style: str = "default", **p: Any) -> Act:
    payload = {"rev": wo.rev, **{k: str(v) for k, v in p.items() if k == "qty"}}
    label = {"qty": Q(p["qty"], p["unit"])} if "qty" in p else {}
    return Act(f"wo.btn.{action}", token_for(s, WO, wo.id, action, payload), label, style)


def _buttons(s: Session, wo: WorkOrder, rows: list[KitRow] | None) -> tuple[Act, ...]:
    """`rows`: the kitting check, when the caller has it (None: built only if the state needs
    it, so a kitted order's card costs no second check)."""
    if rows is None:
        rows = kit_rows(s, wo) if wo.state in ("open", "released") else []
    short = any(r.short > 0 for r in rows)
    unreserved = any(_to_reserve(r) > 0 for r in rows)
    out: list[Act] = []
    if wo.state in ("open", "released") and unreserved:
        if short:
            out += [_act(s, wo, "release_partial"), _act(s, wo, "purchase", "primary")]
        else:
            out.append(_act(s, wo, "release", "primary"))
    if wo.state == "released" and any(
        r.line.qty_reserved > 0 and not r.line.backflush for r in rows
    ):
        out.append(_act(s, wo, "issue", "primary"))
    if wo.state == "kitted":
        unit = s.get_one(Item, wo.product_id).unit
        out.append(_act(s, wo, "complete", "primary", qty=wo.qty - wo.qty_completed, unit=unit))
    if wo.state in OPEN_STATES:
        out.append(_act(s, wo, "cancel", "danger"))
    return tuple(out)


def _to_reserve(r: KitRow) -> Decimal:
    """What of a line is neither issued nor reserved yet."""
    return max(ZERO, r.required - r.line.qty_issued - r.line.qty_reserved)


# --- the steps ------------------------------------------------------------------------------


def _fresh(
    ctx: Ctx, s: Session, wo: WorkOrder, inp: Input, action: str, to: str, **values: Any
) -> Decision:
    """The transition, guarded by the card's `rev`: a stale or doubled press is told who
    moved the order on and when."""
    _check_rev(ctx, s, wo, inp)
    try:
        return WF.move(
            ctx, s, wo, action, to, where=(WorkOrder.rev == wo.rev,), rev=wo.rev + 1, **values
        )
    except Refusal:
        s.refresh(wo)
        if wo.state in WF.steps[action].source:
            raise _stale(ctx, s, wo) from None
        raise


def _check_rev(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input) -> None:
    rev = inp.payload.get("rev")
    if isinstance(rev, int) and rev != wo.rev:
        raise _stale(ctx, s, wo)


def _stale(ctx: Ctx, s: Session, wo: WorkOrder) -> Refusal:
    s.refresh(wo)
    last = last_decision(s, WO, wo.id)
    if last is None:
        return refuse("button.stale", ctx.lang)
    params = {"no": WF.number(wo.id), "act": L(f"wo.act.{last.action}"),
              "who": display_name(s, last.actor_id), "at": At(last.created_at)}  # fmt: skip
    return WF.refusal(ctx, Notice("wo.stale", params))


def _reserve(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input, partial: bool) -> Reply:
    lines = wo_lines(s, wo.id)
    lock_items(s, [ln.component_id for ln in lines])
    rows = kit_rows(s, wo, lines)
    want = {r.line.id: _to_reserve(r) for r in rows}
    free = {r.line.id: max(ZERO, r.available - r.line.qty_reserved) for r in rows}
    short = [r for r in rows if want[r.line.id] > free[r.line.id]]
    no = WF.number(wo.id)
    if short and not partial:
        items = ", ".join(r.item.code for r in short[:12])
        raise WF.refusal(ctx, Notice("wo.cannot_release", {"no": no, "items": items}))
    take = {r.line.id: min(want[r.line.id], free[r.line.id]) for r in rows}
    if not any(q > 0 for q in take.values()):
        raise refuse("wo.nothing_to_reserve", ctx.lang, no=no)
    action = "release_partial" if partial else "release"
    d = _fresh(ctx, s, wo, inp, action, "released", partial=bool(short))
    reserve(s, wo, {r.item.id: take[r.line.id] for r in rows})
    for r in rows:
        r.line.qty_reserved += take[r.line.id]
    save_lines(s, (r.line for r in rows if take[r.line.id] > 0))
    n = sum(1 for q in take.values() if q > 0)
    key = "wo.released_partly" if short else "wo.released"
    done = Notice(key, {"no": no, "who": ctx.actor.display_name, "at": At(d.created_at),
                        "n": n, "m": len(short)})  # fmt: skip
    s.flush()
    product = s.get_one(Item, wo.product_id)
    issue_card = Notice(
        "wo.issue_card",
        {"no": no, "qty": Q(wo.qty, product.unit), "product": product.code, "n": n,
         "who": ctx.actor.display_name},
        (_act(s, wo, "issue", "primary"),),
    )  # fmt: skip
    reach = routing.to_warehouse(s, ctx.settings, wo.warehouse_id, issue_card,
                                 f"{no}:issue:{wo.rev}", "keeper")  # fmt: skip
    # The check still holds: what this order reserved counts back into its own `available`.
    return reach.tell(card(s, wo, done, rows)).render(ctx.lang, ctx.tz)


@WF.step("release", source=("open", "released"), roles=KEEPERS, requester="or_roles")
def release(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input) -> Reply:
    """Reserve every component in full, or refuse naming what is short."""
    return _reserve(ctx, s, wo, inp, partial=False)


@WF.step("release_partial", source=("open", "released"), roles=KEEPERS, requester="or_roles")
def release_partial(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input) -> Reply:
    """Reserve what there is; pressing Release later tops the rest up."""
    return _reserve(ctx, s, wo, inp, partial=True)


@WF.step("purchase", source=OPEN_STATES, roles=("keeper", "purchaser"), requester="or_roles")
def purchase(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input) -> Reply:
    """One purchase request per supplier (each item's default supplier; the items without one
    in a request of their own) whose lines are what is short and neither on order nor already
    requested, rounded up to the order multiple, through the usual approvals
    (`purchases.per_supplier_requests`). A second press finds nothing left to buy."""
    _check_rev(ctx, s, wo, inp)
    no = WF.number(wo.id)
    rows = kit_rows(s, wo)
    asked = requested(s, [r.item.id for r in rows])
    gaps = {}
    for r in rows:
        gap = r.short - r.on_order - asked.get(r.item.id, ZERO)
        if gap <= 0:
            continue
        multiple = r.item.order_multiple
        if multiple > 0:
            gap = round_up(gap / multiple, 0) * multiple
        gaps[r.item.id] = round_up(gap, decimals_for(r.item))
    full = items_by_id(s, set(gaps))  # a request reads suppliers and costs: the items in full
    buys = [
        Want(full[i], qty, work_order_id=wo.id, warehouse_id=wo.warehouse_id)
        for i, qty in gaps.items()
    ]
    if not buys:
        raise refuse("wo.nothing_to_buy", ctx.lang, no=no)
    _fresh(ctx, s, wo, inp, "purchase", wo.state)
    numbers, lines = per_supplier_requests(ctx, s, buys, note=no)
    s.refresh(wo)
    params = {"no": no, "n": len(numbers), "prs": ", ".join(numbers)}
    told = Notice("wo.purchased", params, _buttons(s, wo, rows), more=lines)
    return told.render(ctx.lang, ctx.tz)


@WF.step("issue", source=("released",), roles=KEEPERS)
def issue(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input) -> Reply:
    """Issue every reserved component that is not backflushed, FEFO/FIFO, in one posting: the
    picks, the reservations and the lines are each one grouped statement, not one per part."""
    lines = [ln for ln in wo_lines(s, wo.id) if ln.qty_reserved > 0 and not ln.backflush]
    no = WF.number(wo.id)
    if not lines:
        raise refuse("wo.nothing_to_issue", ctx.lang, no=no)
    lock_items(s, [ln.component_id for ln in lines])
    rev = wo.rev
    d = _fresh(ctx, s, wo, inp, "issue", "kitted")
    items = item_rows(s, (ln.component_id for ln in lines))
    qty = {ln.component_id: ln.qty_reserved for ln in lines}
    posting = kit_issue_lines(s, items, wo.warehouse_id, qty)
    consume(s, wo.id, qty)
    for ln in lines:
        ln.qty_issued += ln.qty_reserved
        ln.qty_reserved = ZERO
    save_lines(s, lines)
    _post(ctx, s, wo, f"wo:{wo.id}:issue:{rev}", "issue", posting)
    params = {"no": no, "who": ctx.actor.display_name, "at": At(d.created_at), "n": len(lines)}
    s.refresh(wo)
    return Notice(
        "wo.issued", params, _buttons(s, wo, None), grid=kit_pick_list(s, items, posting)
    ).render(ctx.lang, ctx.tz)


def _post(ctx: Ctx, s: Session, wo: WorkOrder, key: str, kind: str, lines: list[Any]) -> None:
    ledger.post(
        s.connection(),
        ledger.Meta(idempotency_key=key, kind=kind, actor_id=actor_id(ctx, s), doc_type=WO,
                    doc_id=WF.number(wo.id), **ctx.origin.columns()),
        lines,
    )  # fmt: skip


@WF.step("complete", source=("kitted",), roles=KEEPERS, requester="or_roles")
def complete(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input) -> Reply:
    """Receive finished goods (partial completions allowed) and backflush, in one posting, the
    components marked so: in proportion to what is complete, all of it at the end."""
    product = s.get_one(Item, wo.product_id)
    no = WF.number(wo.id)
    left = wo.qty - wo.qty_completed
    cmd = inp.cmd
    if cmd is not None and getattr(cmd, "qty", None) is not None:
        qty = base_qty(ctx, s, product, cmd.qty, cmd.unit)
    else:
        qty = Decimal(str(inp.payload.get("qty", left)))
    if qty <= 0 or qty > left:
        raise WF.refusal(ctx, Notice("wo.too_much", {"left": Q(left, product.unit), "no": no}))
    done_total = wo.qty_completed + qty
    final = done_total == wo.qty
    flush = [ln for ln in wo_lines(s, wo.id) if ln.backflush]
    lock_items(s, [product.id, *(ln.component_id for ln in flush)])
    rev = wo.rev
    d = _fresh(ctx, s, wo, inp, "complete", "completed" if final else "kitted",
               qty_completed=done_total)  # fmt: skip
    items = item_rows(s, (ln.component_id for ln in flush))
    loc = default_location(s, wo.warehouse_id).id
    posting: list[Any] = [ledger.Line(product.id, loc, qty, MovementKind.RECEIPT)]
    used = []
    for ln in flush:
        item = items[ln.component_id]
        target = (
            ln.qty_required
            if final
            else round_up(ln.qty_required * done_total / wo.qty, decimals_for(item))
        )
        amount = min(target, ln.qty_required) - ln.qty_issued
        if amount <= 0:
            continue
        posting += issue_lines(s, item, wo.warehouse_id, amount)
        consume(s, wo.id, {ln.component_id: amount})
        ln.qty_reserved = max(ZERO, ln.qty_reserved - amount)
        ln.qty_issued += amount
        used.append(ln)
    save_lines(s, used)
    _post(ctx, s, wo, f"wo:{wo.id}:complete:{rev}", "receipt", posting)
    if final:
        release_all(s, wo.id)
    params = {"no": no, "qty": Q(qty, product.unit), "product": product.code,
              "who": ctx.actor.display_name, "at": At(d.created_at),
              "done": Q(done_total, product.unit), "total": Q(wo.qty, product.unit),
              "flushed": L("wo.flushed", n=len(used)) if used else ""}  # fmt: skip
    s.refresh(wo)
    return Notice("wo.completed", params, _buttons(s, wo, None)).render(ctx.lang, ctx.tz)


@WF.step("cancel", source=OPEN_STATES, roles=KEEPERS, requester="or_roles")
def cancel(ctx: Ctx, s: Session, wo: WorkOrder, inp: Input) -> Reply:
    _fresh(ctx, s, wo, inp, "cancel", "cancelled")
    release_all(s, wo.id)
    no = WF.number(wo.id)
    return Notice("wo.cancelled", {"no": no, "who": ctx.actor.display_name}).render(
        ctx.lang, ctx.tz
    )


# --- listing and showing --------------------------------------------------------------------


def open_orders(s: Session) -> list[tuple[WorkOrder, list[KitRow]]]:
    """Every open work order with its kitting check (the list, the summary, `/pending`)."""
    orders = s.scalars(
        select(WorkOrder).where(WorkOrder.state.in_(OPEN_STATES)).order_by(WorkOrder.id)
    ).all()
    return [(wo, kit_rows(s, wo)) for wo in orders]


def listing(ctx: Ctx) -> Reply:
    with ctx.db.read() as s:
        orders = open_orders(s)
        if not orders:
            return Notice("wo.list_none").render(ctx.lang, ctx.tz)
        products = items_by_id(s, {wo.product_id for wo, _ in orders})
        rows = []
        for wo, kit in orders:
            short = sum(1 for r in kit if r.short > 0)
            p = products[wo.product_id]
            rows.append((WF.number(wo.id), p.code, Q(wo.qty, p.unit), WF.state_label(wo.state),
                         L("wo.kit.short", n=short) if short else L("wo.kit.ready"),
                         Day(wo.due_on) if wo.due_on else "-"))  # fmt: skip
    headers = tuple(L(f"wo.h.{h}") for h in ("wo", "product", "qty", "state", "kit", "due"))
    notice = Notice("wo.list_title", {"n": len(rows)}, grid=Grid(tuple(rows), headers))
    return notice.render(ctx.lang, ctx.tz)


def show(ctx: Ctx, text: str) -> Reply:
    doc_id = WF.id_of(ctx, text)
    with ctx.db.write() as s:  # the card's buttons are tokens: written
        wo = WF.load(ctx, s, doc_id)
        return card(s, wo).render(ctx.lang, ctx.tz)


def wo_command(ctx: Ctx, cmd: WorkOrderCmd) -> Reply:
    if cmd.doc is not None and cmd.action == "complete":
        return WF.act(ctx, WF.id_of(ctx, cmd.doc), "complete", Input(cmd=cmd))
    if cmd.doc is not None:
        return show(ctx, cmd.doc)
    if cmd.product is None:
        return listing(ctx)
    return create(ctx, cmd)


# --- wiring ---------------------------------------------------------------------------------

COMMANDS = {"wo": wo_command}
