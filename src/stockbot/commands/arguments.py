"""One argument parser per command, and the table `parse` dispatches through."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final, cast

from stockbot.commands.grammar import (
    KEYWORDS,
    Fail,
    Tok,
    first_keyword,
    item_qty,
    join_text,
    no_tail,
    parse_date,
    slice_text,
    tokens,
)
from stockbot.commands.models import (
    ApproveCmd,
    AsUserCmd,
    BindCmd,
    BoardCmd,
    BomCmd,
    CancelCmd,
    Command,
    ConfirmCmd,
    CountCmd,
    HelpCmd,
    HistoryCmd,
    IssueCmd,
    LangCmd,
    LinkCmd,
    PendingCmd,
    Platform,
    PolicyCmd,
    PurchaseCmd,
    QcCmd,
    ReceiveCmd,
    RejectCmd,
    ReportCmd,
    RequestCmd,
    ReturnCmd,
    RoleCmd,
    ShortagesCmd,
    StockCmd,
    SuggestCmd,
    SummaryCmd,
    TransferCmd,
    UndoCmd,
    WorkOrderCmd,
)
from stockbot.commands.quantity import QuantityError, looks_like_quantity, parse_quantity
from stockbot.commands.vocabulary import CURRENCY_UNITS, ROLE_ALIASES, resolve_command_name
from stockbot.i18n import normalize_lang
from stockbot.platforms import CHAT_PLATFORMS, IDENTITY_PLATFORMS


def _required(text: str, key: str) -> str:
    if not text:
        raise Fail(key)
    return text


def _p_stock(args: str) -> Command:
    return StockCmd(query=_required(args, "parse.missing_query"))


def _p_request(args: str) -> Command:
    r = item_qty(args, KEYWORDS["request"])
    note = join_text(r.between, r.options.get("_tail"), r.options.get("note"))
    return RequestCmd(
        item=r.item, qty=r.qty.value, unit=r.qty.unit, wo=r.options.get("wo"), note=note
    )


def _p_receive(args: str) -> Command:
    r = item_qty(args, KEYWORDS["receive"])
    if r.between:
        raise Fail("parse.unexpected_text", text=r.between)
    no_tail(r.options)
    exp = parse_date(r.options["exp"]) if "exp" in r.options else None
    o = r.options
    return ReceiveCmd(
        item=r.item, qty=r.qty.value, unit=r.qty.unit, po=o.get("po"), batch=o.get("batch"),
        exp=exp, loc=o.get("loc"), note=o.get("note"),
    )  # fmt: skip


def _p_purchase(args: str) -> Command:
    r = item_qty(args, KEYWORDS["purchase"])
    supplier = r.options.get("supplier")
    note = r.options.get("note")
    if supplier is None:
        supplier = r.between
    else:
        note = join_text(r.between, note)
    return PurchaseCmd(item=r.item, qty=r.qty.value, unit=r.qty.unit, supplier=supplier, note=note)


def _p_return(args: str) -> Command:
    r = item_qty(args, KEYWORDS["return"])
    note = join_text(r.between, r.options.get("_tail"), r.options.get("note"))
    return ReturnCmd(item=r.item, qty=r.qty.value, unit=r.qty.unit, note=note)


_WO_NO = re.compile(r"WO[-#]?\d{1,9}", re.IGNORECASE)
_COMPLETE_WORDS = frozenset(["complete", "completed", "done", "完工", "完成", "入库", "入庫"])


def _p_wo(args: str) -> Command:
    toks = tokens(args)
    if not toks:
        return WorkOrderCmd()
    if _WO_NO.fullmatch(toks[0].text):
        if len(toks) == 1:
            return WorkOrderCmd(doc=toks[0].text, action="show")
        if toks[1].text.lower() not in _COMPLETE_WORDS or len(toks) != 3:
            raise Fail("parse.unexpected_text", text=slice_text(args, toks[1:]) or "")
        try:
            qty = parse_quantity(toks[2].text)
        except QuantityError as exc:
            raise Fail(exc.key, **exc.params) from None
        return WorkOrderCmd(doc=toks[0].text, action="complete", qty=qty.value, unit=qty.unit)
    r = item_qty(args, KEYWORDS["wo"])
    note = join_text(r.between, r.options.get("_tail"), r.options.get("note"))
    due = parse_date(r.options["due"]) if "due" in r.options else None
    return WorkOrderCmd(product=r.item, qty=r.qty.value, unit=r.qty.unit, due=due, note=note)


def _p_bom(args: str) -> Command:
    return BomCmd(product=_required(args, "parse.missing_item"))


_ARROW_RE = re.compile(r"(.+?)(?:->|→|=>|＞|>)(.+)")


def _p_transfer(args: str) -> Command:
    keywords = KEYWORDS["transfer"]
    toks = tokens(args)
    from_loc = to_loc = None
    # explicit "from A to B" / "从 A 到 B" after the quantity
    if first_keyword(toks, keywords, after_qty=True) < len(toks):
        r = item_qty(args, keywords)
        if r.between:
            raise Fail("parse.unexpected_text", text=r.between)
        no_tail(r.options)
        from_loc, to_loc = r.options.get("from_loc"), r.options.get("to_loc")
        item, qty = r.item, r.qty
    else:
        arrow = _ARROW_RE.fullmatch(toks[-1].text) if toks else None
        if arrow is not None:  # "M8 20 WH1->WH2"
            from_loc, to_loc = arrow[1], arrow[2]
            head = toks[:-1]
        elif len(toks) >= 4:
            from_loc, to_loc = toks[-2].text, toks[-1].text
            head = toks[:-2]
        else:
            head = []
        if len(head) < 2:
            raise Fail("parse.missing_locations")
        if not looks_like_quantity(head[-1].text):
            raise Fail("parse.missing_quantity")
        try:
            qty = parse_quantity(head[-1].text)
        except QuantityError as exc:
            raise Fail(exc.key, **exc.params) from None
        item = slice_text(args, head[:-1]) or ""
    if not from_loc or not to_loc:
        raise Fail("parse.missing_locations")
    if from_loc == to_loc:
        raise Fail("parse.same_location", location=from_loc)
    return TransferCmd(item=item, qty=qty.value, unit=qty.unit, from_loc=from_loc, to_loc=to_loc)


def _p_count(args: str) -> Command:
    return CountCmd(target=_required(args, "parse.missing_target"))


def _p_history(args: str) -> Command:
    return HistoryCmd(target=_required(args, "parse.missing_target"))


def _p_no_args(
    cls: type[ShortagesCmd] | type[SummaryCmd] | type[PendingCmd] | type[SuggestCmd],
) -> Callable[[str], Command]:
    def parse_no_args(args: str) -> Command:
        if args:
            raise Fail("parse.no_arguments")
        return cls()

    return parse_no_args


BOARD_REVOKE = frozenset({"revoke", "撤销", "撤銷", "作废", "作廢"})


def _p_board(args: str) -> Command:
    word = args.strip().lower()
    if not word:
        return BoardCmd()
    if word in BOARD_REVOKE:
        return BoardCmd(action="revoke")
    raise Fail("parse.board_word")


def _p_report(args: str) -> Command:
    if not args:
        return ReportCmd()  # the list of reports
    toks = tokens(args)
    return ReportCmd(report=toks[0].text, args=slice_text(args, toks[1:]))


def _p_policy(args: str) -> Command:
    return PolicyCmd(text=_required(args, "parse.missing_target"))


def _p_undo(args: str) -> Command:
    toks = tokens(_required(args, "parse.missing_movement"))
    movement_id = toks[0].text.lstrip("#＃")
    if not movement_id:
        raise Fail("parse.missing_movement")
    reason = slice_text(args, toks[1:])
    if not reason:
        raise Fail("parse.missing_reason")
    return UndoCmd(movement_id=movement_id, reason=reason)


def _p_help(args: str) -> Command:
    if not args:
        return HelpCmd()
    topic = args.split()[0]
    name = resolve_command_name(topic.lstrip("/／").split("@", 1)[0], console=True)
    if name is None:
        raise Fail("parse.unknown_help_topic", topic=topic)
    return HelpCmd(topic=name)


_SLACK_MENTION_RE = re.compile(r"<@([A-Za-z0-9_.-]+)(?:\|[^>]*)?>")
_AT_MENTION_RE = re.compile(r"[@＠](\S+)")
_UPPER_IDS: Final = frozenset(p.name for p in CHAT_PLATFORMS if p.upper)
MAX_IDENTITY = 64
"""Longest platform id or @name we look up (Slack ids are ~11, Telegram usernames ≤ 32)."""


def _clip(text: str, width: int = 40) -> str:
    """User text echoed in an error: short enough to read, whatever was pasted."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _identity(text: str) -> tuple[Platform, str]:
    """``telegram:123`` / ``slack:U0123`` / ``console:name`` → (platform, id), or a `Fail`
    saying why: an id nobody on that platform could have is refused, not stored."""
    platform, _, uid = text.partition(":")
    platform = platform.lower()
    if platform in _UPPER_IDS:
        uid = uid.upper()
    if len(uid) > MAX_IDENTITY:
        raise Fail("parse.identity_too_long", value=_clip(text), max=str(MAX_IDENTITY))
    pattern = IDENTITY_PLATFORMS.get(platform)
    if pattern is None or not pattern.fullmatch(uid):
        raise Fail("parse.bad_identity", value=_clip(text))
    return cast(Platform, platform), uid


def _whom(text: str) -> dict[str, str]:
    """The person a role or link names: a Slack mention, an explicit identity, or ``@name``
    (a username the platform reported; on the console, the console user of that name)."""
    slack = _SLACK_MENTION_RE.fullmatch(text)
    if slack is not None:
        _, uid = _identity(f"slack:{slack[1]}")
        return {"user": uid, "mention": text, "user_platform": "slack"}
    if text.partition(":")[0].lower() in IDENTITY_PLATFORMS:
        platform, uid = _identity(text)
        return {"user": uid, "mention": text, "user_platform": platform}
    at = _AT_MENTION_RE.fullmatch(text)
    if at is None:
        raise Fail("parse.bad_user", user=_clip(text))
    if len(at[1]) > MAX_IDENTITY:
        raise Fail("parse.identity_too_long", value=_clip(text), max=str(MAX_IDENTITY))
    return {"user": at[1], "mention": text}


def _p_role(args: str) -> Command:
    toks = tokens(args)
    if not toks:
        raise Fail("parse.missing_user")
    if ROLE_ALIASES.get(toks[0].text.lower()) is not None:  # nobody named: a reply to them
        whom: dict[str, str] = {}
    else:
        whom = _whom(toks[0].text)
        toks = toks[1:]
    if not toks:
        raise Fail("parse.missing_role")
    role = ROLE_ALIASES.get(toks[0].text.lower())
    if role is None:
        raise Fail("parse.unknown_role", role=_clip(toks[0].text))
    limit = None
    if len(toks) >= 2:
        raw = toks[1].text.lstrip("¥￥$＄€")
        try:
            amount = parse_quantity(raw)
        except QuantityError:
            raise Fail("parse.bad_limit", value=_clip(toks[1].text)) from None
        if amount.unit is not None and amount.unit.lower() not in CURRENCY_UNITS:
            raise Fail("parse.bad_limit", value=_clip(toks[1].text))
        limit = amount.value
    if len(toks) > 2:
        raise Fail("parse.unexpected_text", text=slice_text(args, toks[2:]) or "")
    return RoleCmd.model_validate({**whom, "role": role, "limit": limit})


def _p_bind(args: str) -> Command:
    toks = tokens(args)
    if not toks:
        raise Fail("parse.missing_warehouse")
    lang = normalize_lang(toks[-1].text) if len(toks) > 1 else None
    warehouse = slice_text(args, toks[:-1] if lang else toks) or ""
    return BindCmd(warehouse=warehouse, lang=lang)


def _p_lang(args: str) -> Command:
    if not args:
        raise Fail("parse.missing_lang")
    lang = normalize_lang(args)
    if lang is None:
        raise Fail("parse.unknown_lang", value=args)
    return LangCmd(lang=lang)


def _p_as(args: str) -> Command:
    toks = tokens(args)
    if len(toks) != 1:
        raise (
            Fail("parse.missing_user")
            if not toks
            else Fail("parse.unexpected_text", text=slice_text(args, toks[1:]) or "")
        )
    return AsUserCmd(user=toks[0].text.lstrip("@＠"))


def _doc_and_rest(args: str) -> tuple[str, str | None]:
    toks = tokens(_required(args, "parse.missing_document"))
    return toks[0].text, slice_text(args, toks[1:])


def _p_issue(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    if not rest:
        return IssueCmd(doc=doc)
    try:
        qty = parse_quantity(rest)
    except QuantityError as exc:
        raise Fail(exc.key, **exc.params) from None
    return IssueCmd(doc=doc, qty=qty.value, unit=qty.unit)


def _p_approve(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    if rest:
        raise Fail("parse.unexpected_text", text=rest)
    return ApproveCmd(doc=doc)


def _p_reject(args: str) -> Command:
    doc, reason = _doc_and_rest(args)
    if not reason:
        raise Fail("parse.missing_reason")
    return RejectCmd(doc=doc, reason=reason)


_QC_REJECT_WORDS = frozenset(["reject", "rejected", "驳回", "駁回", "拒收", "不合格"])


def _p_qc(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    toks = tokens(rest or "")
    if toks and toks[0].text.lower() in {"accept", "ok", "合格", "接收"}:
        toks = toks[1:]
    if not toks:
        raise Fail("parse.missing_quantity")

    def qty_of(tok: Tok) -> Decimal:
        if tok.text in {"0", "０"}:
            return Decimal(0)
        try:
            return parse_quantity(tok.text).value
        except QuantityError as exc:
            raise Fail(exc.key, **exc.params) from None

    accept = qty_of(toks[0])
    reject, reason = Decimal(0), None
    if len(toks) > 1:
        if toks[1].text.lower() not in _QC_REJECT_WORDS or len(toks) < 3:
            raise Fail("parse.unexpected_text", text=slice_text(rest or "", toks[1:]) or "")
        reject = qty_of(toks[2])
        reason = slice_text(rest or "", toks[3:])
        if reject > 0 and not reason:
            raise Fail("parse.missing_reason")
    return QcCmd(doc=doc, accept=accept, reject=reject, reason=reason)


def _p_confirm(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    if rest:
        raise Fail("parse.unexpected_text", text=rest)
    return ConfirmCmd(doc=doc)


def _p_cancel(args: str) -> Command:
    doc, reason = _doc_and_rest(args)
    return CancelCmd(doc=doc, reason=reason)


def _p_link(args: str) -> Command:
    toks = tokens(args)
    if not toks:
        raise Fail("parse.missing_user")
    whom = _whom(toks[0].text) if len(toks) > 1 else {}  # one identity alone: a reply to them
    if len(toks) > 2:
        raise Fail("parse.unexpected_text", text=_clip(slice_text(args, toks[2:]) or ""))
    if ":" not in toks[-1].text:
        raise Fail("parse.bad_identity", value=_clip(toks[-1].text))
    platform, uid = _identity(toks[-1].text)
    return LinkCmd.model_validate({**whom, "platform": platform, "platform_user_id": uid})


PARSERS: Final[Mapping[str, Callable[[str], Command]]] = {
    "stock": _p_stock,
    "request": _p_request,
    "receive": _p_receive,
    "purchase": _p_purchase,
    "transfer": _p_transfer,
    "return": _p_return,
    "count": _p_count,
    "wo": _p_wo,
    "bom": _p_bom,
    "suggest": _p_no_args(SuggestCmd),
    "shortages": _p_no_args(ShortagesCmd),
    "summary": _p_no_args(SummaryCmd),
    "report": _p_report,
    "board": _p_board,
    "policy": _p_policy,
    "undo": _p_undo,
    "history": _p_history,
    "help": _p_help,
    "role": _p_role,
    "bind": _p_bind,
    "lang": _p_lang,
    "issue": _p_issue,
    "approve": _p_approve,
    "reject": _p_reject,
    "qc": _p_qc,
    "confirm": _p_confirm,
    "cancel": _p_cancel,
    "pending": _p_no_args(PendingCmd),
    "link": _p_link,
    "as": _p_as,
}
