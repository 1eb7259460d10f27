"""API writes: JSON bodies become the typed commands the chat parses into, and run through the
runtime's command table — the same flows, the same one posting path, the same refusals.

The caller is an identity of its own, `api:<key name>` (a user row created on first write), so
every document and posting it makes names it, like a person in a chat. The origin's message id
is the `Idempotency-Key`, so the flows' own idempotency keys derive from it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.exc import IntegrityError

from stockbot.api import schemas as body
from stockbot.commands.models import PurchaseCmd, ReceiveCmd, RequestCmd, ReturnCmd, TransferCmd
from stockbot.flows.common import Refusal, refuse
from stockbot.flows.context import Actor, Ctx, Origin
from stockbot.flows.returns import RET
from stockbot.flows.stocktake import reported
from stockbot.flows.stocktake.reported import Counted
from stockbot.lookup.service import ItemSearch
from stockbot.replies import Reply
from stockbot.runtime import Runtime, explain
from stockbot.store.apikeys import KeyInfo
from stockbot.store.catalog import ensure_user, find_user
from stockbot.store.ledger import InsufficientStock, PostingError
from stockbot.store.models import (
    CountSession,
    GoodsReceipt,
    MaterialRequest,
    Posting,
    PurchaseRequest,
)

PLATFORM = "api"
ROLES = {
    "read": frozenset({"staff"}),
    "post": frozenset({"staff", "keeper", "purchaser"}),
    "admin": frozenset({"admin"}),
}
"""What a key's scope may do in the flows' terms (a `post` key receives like a keeper)."""

CONFLICT_KEYS = ("already", "state", "stale", "gone", "short_", "busy")
"""Refusal keys (substrings) that are a conflict with the state of things, not bad input: a
document moved on, not enough stock to move (`mv.short_available`), a count already open."""
POSTING_SUFFIXES = ("transfer", RET)
"""The suffixes the transfer and return flows derive their posting keys with
(`Origin.key`); a receipt's posting is found through its document."""


def _receipt(b: Any, item_id: int) -> Any:
    return ReceiveCmd(
        item=f"#{item_id}",
        qty=b.qty,
        unit=b.unit,
        po=b.po,
        batch=b.batch,
        exp=b.expiry,
        loc=b.location,
        note=b.note,
    )


def _issue(b: Any, item_id: int) -> Any:
    return RequestCmd(item=f"#{item_id}", qty=b.qty, unit=b.unit, wo=b.work_order, note=b.note)


def _transfer(b: Any, item_id: int) -> Any:
    return TransferCmd(
        item=f"#{item_id}",
        qty=b.qty,
        unit=b.unit,
        from_loc=b.from_location,
        to_loc=b.to_location,
    )


def _return(b: Any, item_id: int) -> Any:
    return ReturnCmd(item=f"#{item_id}", qty=b.qty, unit=b.unit, note=b.note)


def _purchase(b: Any, item_id: int) -> Any:
    return PurchaseCmd(item=f"#{item_id}", qty=b.qty, unit=b.unit, supplier=b.supplier, note=b.note)


def _adjustment(b: Any, item_id: int) -> Any:
    return Counted(item_id, b.counted, b.unit, b.location, b.batch, b.note)


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    path: str
    body: type[BaseModel]
    command: Callable[[Any, int], Any]
    """The body and the item's id → the typed command the flow takes."""
    summary: str
    flow: Callable[[Ctx, Any], Reply] | None = None
    """The flow to run; None: the chat's command table (`Runtime.run_command`)."""


OPERATIONS = (
    Operation("receipts", "/receipts", body.ReceiptIn, _receipt, "Receive goods (入库)"),
    Operation("issues", "/issues", body.IssueIn, _issue, "Request material to issue (领料)"),
    Operation("transfers", "/transfers", body.TransferIn, _transfer, "Transfer stock (调拨)"),
    Operation("returns", "/returns", body.ReturnIn, _return, "Return material (退料)"),
    Operation(
        "purchase_requests",
        "/purchase-requests",
        body.PurchaseRequestIn,
        _purchase,
        "Request a purchase (采购申请)",
    ),
    Operation(
        "adjustments",
        "/adjustments",
        body.AdjustmentIn,
        _adjustment,
        "Report a counted quantity: a stock adjustment, once approved (盘点调整)",
        flow=reported.report,
    ),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int
    """201 done; 403 role; 409 conflict (stock, state); 422 refused input."""
    code: str
    reply: Reply

    @property
    def ok(self) -> bool:
        return self.status < 300


def context(runtime: Runtime, key: KeyInfo, user_id: int, lang: str, idempotency_key: str) -> Ctx:
    """The flows' context for one write by `key`, acting as its user (`key_user`)."""
    return Ctx(
        db=runtime.db,
        settings=runtime.settings,
        actor=Actor(user_id, f"api:{key.name}", key.name, ROLES[key.scope]),
        origin=Origin(PLATFORM, f"key:{key.name}", idempotency_key[:100], idempotency_key),
        lang=lang,
    )


def key_user(runtime: Runtime, key: KeyInfo) -> int:
    """The key's own user (`api:<name>`), created here on its first write in a transaction of
    its own. Left to the flow (`actor_id`), the first writes of a new key — an ERP starting up
    with 20 connections — all inserted that user at once, and on PostgreSQL all but one failed
    on the unique identity (issue 15's 503s). Here a lost race is just a re-read."""
    db = runtime.db
    with db.read() as s:
        user = find_user(s, PLATFORM, key.name)
    if user is not None:
        return user.id
    try:
        with db.write() as s:
            admins = runtime.settings.admin_identities()
            user = ensure_user(s, PLATFORM, key.name, f"api:{key.name}", admins=admins)
            return user.id
    except IntegrityError:  # another call of this key created it first
        with db.read() as s:
            user = find_user(s, PLATFORM, key.name)
        assert user is not None
        return user.id


def run(runtime: Runtime, ctx: Ctx, op: Operation, data: BaseModel) -> Outcome:
    """Run one write; a refusal is an Outcome too (the unit of work rolled back)."""
    try:
        with ctx.db.read() as s:
            item_id = ItemSearch.exact(s, data.item)  # type: ignore[attr-defined]
        if item_id is None:  # the API names items exactly: a guess would post the wrong one
            raise refuse("item.none", ctx.lang, query=data.item[:100])  # type: ignore[attr-defined]
        cmd = op.command(data, item_id)
        reply = op.flow(ctx, cmd) if op.flow else runtime.run_command(ctx, cmd)
    except InsufficientStock as exc:
        return Outcome(409, "insufficient_stock", explain(exc, ctx.lang))
    except PostingError as exc:
        return Outcome(409, "posting_refused", explain(exc, ctx.lang))
    except Refusal as exc:
        keys = exc.reply.keys()
        if "flow.no_role" in keys:
            return Outcome(403, "forbidden", exc.reply)
        if any(k for k in keys if any(word in k for word in CONFLICT_KEYS)):
            return Outcome(409, "conflict", exc.reply)
        return Outcome(422, (keys or ["refused"])[0], exc.reply)
    return Outcome(201, "ok", reply)


def _made(model: Any, col: Any) -> Any:
    return (
        select(col, model.state)
        .where(
            model.chat_platform == bindparam("platform"),
            model.chat_id == bindparam("chat"),
            model.message_id == bindparam("message"),
        )
        .order_by(model.id)
    )


_DOCUMENTS = (
    (_made(GoodsReceipt, GoodsReceipt.id), "GR-{:05d}"),
    (_made(MaterialRequest, MaterialRequest.id), "MR-{:05d}"),
    (_made(PurchaseRequest, PurchaseRequest.number), "{}"),
    (_made(CountSession, CountSession.id), reported.WF.prefix + "-{:05d}"),
)
_POSTINGS = (
    select(Posting.id)
    .where(
        or_(
            Posting.idempotency_key.in_(bindparam("keys", expanding=True)),
            and_(Posting.doc_type == "gr", Posting.doc_id.in_(bindparam("docs", expanding=True))),
        )
    )
    .order_by(Posting.id)
)
"""Built once (building them per call was a fifth of a receipt's CPU)."""


def created(ctx: Ctx, reply: Reply) -> tuple[dict[str, str], list[int]]:
    """The documents this call made, number → state, and the postings it made: as the flow
    named them in its reply (`Reply.naming`: a receipt knows its GR and its posting), else
    what this call's origin (its idempotency key) made, searched in every document table.
    Postings are found by their unique keys and their documents (indexed), never by scanning
    the ledger."""
    if reply.made is not None:
        return dict(reply.made.documents), list(reply.made.postings)
    where = ctx.origin.columns()
    params = {"platform": where["chat_platform"], "chat": where["chat_id"]}
    params["message"] = where["message_id"]
    found: dict[str, str] = {}
    with ctx.db.read() as s:
        conn = s.connection()
        for stmt, number in _DOCUMENTS:
            found.update((number.format(n), state) for n, state in conn.execute(stmt, params))
        keys = [ctx.origin.key(suffix) for suffix in POSTING_SUFFIXES]
        receipts = [n for n in found if n.startswith("GR-")]
        postings = list(conn.execute(_POSTINGS, {"keys": keys, "docs": receipts}).scalars())
    return found, postings
