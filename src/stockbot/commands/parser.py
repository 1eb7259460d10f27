"""Chat text → typed command (DESIGN.md §4), the same grammar on every platform.

``parse(text)`` returns a command model or a :class:`ParseError` value (never raises for user
input), so adapters can answer "usage: …" instead of a stack trace.

Grammar decisions:

* The command word may carry ``/``, a Telegram ``@botname`` suffix and a leading bot mention; a
  Chinese alias (简体 or 繁體) may be glued to its argument (``查库存M8``).
* Item text may contain numbers (``hex bolt m8 20``, ``6204 轴承 10``). The *keyword boundary*
  is the first keyword (``for``, ``po``, ``batch``, 工单, 批次, 库位 …) that has a quantity-shaped
  token somewhere before it, so an item like ``bolt for chairs`` keeps its ``for``. The quantity
  is the last quantity-shaped token before that boundary; the item is everything before it;
  text between the quantity and the boundary is the note (request/return/wo) or the supplier
  (purchase). ``transfer`` is positional from the end: ``<item> <qty> <from> <to>``.
* With no standalone quantity token, a quantity glued after Chinese text is split off
  (``M8螺栓20个`` → ``M8螺栓`` + ``20个``); a lone unit word after a bare number is joined
  (``20 个``). Quote the item (``"bolt 3M" 20``) when the heuristics would guess wrong.
* Item, query and note text are slices of the original message, kept verbatim (SQL, markup and
  all): escaping is the renderers' job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Final, Literal, NamedTuple, cast

from pydantic import BaseModel, ConfigDict, Field

from stockbot.commands.quantity import (
    QuantityError,
    QuantityText,
    looks_like_quantity,
    parse_quantity,
)
from stockbot.i18n import Lang, normalize_lang

if TYPE_CHECKING:
    from stockbot.replies import Reply

__all__ = [
    "ALIASES",
    "COMMAND_NAMES",
    "CONSOLE_COMMANDS",
    "MAX_TEXT_LENGTH",
    "ROLES",
    "USAGE",
    "ApproveCmd",
    "AsUserCmd",
    "BindCmd",
    "CancelCmd",
    "Command",
    "ConfirmCmd",
    "CountCmd",
    "HelpCmd",
    "HistoryCmd",
    "IssueCmd",
    "LangCmd",
    "LinkCmd",
    "ParseError",
    "PendingCmd",
    "PurchaseCmd",
    "QcCmd",
    "ReceiveCmd",
    "RejectCmd",
    "ReportCmd",
    "RequestCmd",
    "ReturnCmd",
    "RoleCmd",
    "ShortagesCmd",
    "StockCmd",
    "SummaryCmd",
    "TransferCmd",
    "UndoCmd",
    "WorkOrderCmd",
    "parse",
    "resolve_command_name",
]

MAX_TEXT_LENGTH: Final = 2000

#: Commands every platform accepts, in help order.
COMMAND_NAMES: Final[tuple[str, ...]] = (
    "stock", "request", "receive", "purchase", "transfer", "return", "count", "wo",
    "shortages", "summary", "report", "undo", "history", "help", "role", "bind", "lang",
    "issue", "approve", "reject", "qc", "confirm", "cancel", "pending", "link",
)  # fmt: skip
#: Commands only the console accepts (``parse(..., console=True)``).
CONSOLE_COMMANDS: Final[tuple[str, ...]] = ("as",)

#: Command name → i18n key of its usage line.
USAGE: Final[Mapping[str, str]] = {
    name: f"usage.{name}" for name in COMMAND_NAMES + CONSOLE_COMMANDS
}

#: Chinese (and a few English) aliases → command name. English names map to themselves.
ALIASES: Final[Mapping[str, str]] = {
    **{name: name for name in COMMAND_NAMES + CONSOLE_COMMANDS},
    "查库存": "stock", "查庫存": "stock", "库存": "stock", "庫存": "stock",
    "领料": "request", "領料": "request",
    "入库": "receive", "入庫": "receive", "到货": "receive", "到貨": "receive",
    "采购": "purchase", "採購": "purchase",
    "调拨": "transfer", "調撥": "transfer",
    "退料": "return",
    "盘点": "count", "盤點": "count",
    "工单": "wo", "工單": "wo", "workorder": "wo",
    "缺料": "shortages",
    "日报": "summary", "日報": "summary",
    "报表": "report", "報表": "report",
    "冲销": "undo", "沖銷": "undo", "衝銷": "undo",
    "历史": "history", "歷史": "history", "记录": "history", "記錄": "history",
    "帮助": "help", "幫助": "help", "?": "help", "？": "help",
    "角色": "role",
    "绑定": "bind", "綁定": "bind", "繫結": "bind",
    "语言": "lang", "語言": "lang", "language": "lang",
    "发料": "issue", "發料": "issue",
    "批准": "approve", "同意": "approve",
    "驳回": "reject", "駁回": "reject", "拒绝": "reject", "拒絕": "reject",
    "质检": "qc", "質檢": "qc",
    "签收": "confirm", "簽收": "confirm",
    "取消": "cancel",
    "待办": "pending", "待辦": "pending",
    "关联": "link", "關聯": "link",
}  # fmt: skip

# aliases matched as a prefix (may be glued to the argument): all but the Latin words
_PREFIX_ALIASES: Final[tuple[str, ...]] = tuple(
    sorted((a for a in ALIASES if not (a.isascii() and a.isalpha())), key=len, reverse=True)
)

ROLES: Final[tuple[str, ...]] = ("staff", "keeper", "purchaser", "approver", "admin")
_ROLE_ALIASES: Final[Mapping[str, str]] = {
    **{r: r for r in ROLES},
    "员工": "staff", "員工": "staff",
    "仓管": "keeper", "倉管": "keeper", "仓库管理员": "keeper", "倉庫管理員": "keeper",
    "采购": "purchaser", "採購": "purchaser", "采购员": "purchaser", "採購員": "purchaser",
    "审批人": "approver", "審批人": "approver", "审批": "approver", "審批": "approver",
    "管理员": "admin", "管理員": "admin",
}  # fmt: skip

# Unit words people put after a bare number ("20 个"); only used to join them to the number.
_UNIT_WORDS: Final[frozenset[str]] = frozenset([
    "pc", "pcs", "piece", "pieces", "ea", "each", "unit", "units", "kg", "g", "t", "mg", "m",
    "mm", "cm", "km", "l", "ml", "box", "boxes", "bag", "bags", "roll", "rolls", "set", "sets",
    "pack", "packs", "pair", "pairs", "sheet", "sheets", "carton", "cartons",
    "个", "個", "件", "只", "隻", "箱", "包", "卷", "米", "公斤", "千克", "克", "吨", "噸",
    "套", "根", "片", "桶", "瓶", "袋", "盒", "张", "張", "台", "臺", "把", "条", "條",
    "支", "升", "毫升", "块", "塊", "对", "對", "双", "雙", "板", "托", "捆", "粒", "颗",
    "顆", "批", "组", "組",
])  # fmt: skip
_CURRENCY_UNITS: Final[frozenset[str]] = frozenset(
    ["元", "块", "塊", "rmb", "cny", "usd", "eur", "hkd", "twd", "ntd", "yuan"]
)

Role = Literal["staff", "keeper", "purchaser", "approver", "admin"]


# --------------------------------------------------------------------------- commands


class _Cmd(BaseModel):
    """Common base: frozen, no stray fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str

    @property
    def usage_key(self) -> str:
        return USAGE[self.name]


class _ItemQtyCmd(_Cmd):
    item: str = Field(min_length=1)
    qty: Decimal = Field(gt=0)
    unit: str | None = None

    @property
    def quantity(self) -> QuantityText:
        return QuantityText(self.qty, self.unit)


class StockCmd(_Cmd):
    """``stock <query>``: fuzzy lookup."""

    name: Literal["stock"] = "stock"
    query: str = Field(min_length=1)


class RequestCmd(_ItemQtyCmd):
    """``request <item> <qty> [for <WO>] [note…]``: material request."""

    name: Literal["request"] = "request"
    wo: str | None = None
    note: str | None = None


class ReceiveCmd(_ItemQtyCmd):
    """``receive <item> <qty> [po <PO>] [batch <lot>] [exp <date>] [loc <loc>] [note …]``."""

    name: Literal["receive"] = "receive"
    po: str | None = None
    batch: str | None = None
    exp: date | None = None
    loc: str | None = None
    note: str | None = None


class PurchaseCmd(_ItemQtyCmd):
    """``purchase <item> <qty> [supplier…]`` (or ``… from <supplier>``)."""

    name: Literal["purchase"] = "purchase"
    supplier: str | None = None
    note: str | None = None


class TransferCmd(_ItemQtyCmd):
    """``transfer <item> <qty> <from> <to>`` (or ``… from <a> to <b>``, ``a->b``)."""

    name: Literal["transfer"] = "transfer"
    from_loc: str = Field(min_length=1)
    to_loc: str = Field(min_length=1)


class ReturnCmd(_ItemQtyCmd):
    """``return <item> <qty> [note…]``."""

    name: Literal["return"] = "return"
    note: str | None = None


class CountCmd(_Cmd):
    """``count <location or item>``."""

    name: Literal["count"] = "count"
    target: str = Field(min_length=1)


class WorkOrderCmd(_Cmd):
    """``wo <product> <qty> [note…]``."""

    name: Literal["wo"] = "wo"
    product: str = Field(min_length=1)
    qty: Decimal = Field(gt=0)
    unit: str | None = None
    note: str | None = None


class ShortagesCmd(_Cmd):
    name: Literal["shortages"] = "shortages"


class SummaryCmd(_Cmd):
    name: Literal["summary"] = "summary"


class ReportCmd(_Cmd):
    """``report <name> [args…]``; the flow validates the report name."""

    name: Literal["report"] = "report"
    report: str = Field(min_length=1)
    args: str | None = None


class UndoCmd(_Cmd):
    """``undo <movement-id> <reason…>``; the reason is mandatory (it goes into the ledger)."""

    name: Literal["undo"] = "undo"
    movement_id: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class HistoryCmd(_Cmd):
    name: Literal["history"] = "history"
    target: str = Field(min_length=1)


class HelpCmd(_Cmd):
    """``help [command]``; ``topic`` is a canonical command name."""

    name: Literal["help"] = "help"
    topic: str | None = None


class RoleCmd(_Cmd):
    """``role <@user> <role> [limit]``; ``user`` is the id/name without sigils, ``mention`` raw."""

    name: Literal["role"] = "role"
    user: str = Field(min_length=1)
    mention: str
    role: Role
    limit: Decimal | None = Field(default=None, gt=0)


class BindCmd(_Cmd):
    name: Literal["bind"] = "bind"
    warehouse: str = Field(min_length=1)
    lang: Lang | None = None


class LangCmd(_Cmd):
    name: Literal["lang"] = "lang"
    lang: Lang


class IssueCmd(_Cmd):
    """``issue <doc> [qty]``: the keeper issues all that is left, or part of it."""

    name: Literal["issue"] = "issue"
    doc: str = Field(min_length=1)
    qty: Decimal | None = Field(default=None, gt=0)
    unit: str | None = None


class ApproveCmd(_Cmd):
    name: Literal["approve"] = "approve"
    doc: str = Field(min_length=1)


class RejectCmd(_Cmd):
    name: Literal["reject"] = "reject"
    doc: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class QcCmd(_Cmd):
    """``qc <doc> <accepted qty> [reject <qty> <reason…>]``."""

    name: Literal["qc"] = "qc"
    doc: str = Field(min_length=1)
    accept: Decimal = Field(ge=0)
    reject: Decimal = Field(default=Decimal(0), ge=0)
    reason: str | None = None


class ConfirmCmd(_Cmd):
    name: Literal["confirm"] = "confirm"
    doc: str = Field(min_length=1)


class CancelCmd(_Cmd):
    name: Literal["cancel"] = "cancel"
    doc: str = Field(min_length=1)
    reason: str | None = None


class PendingCmd(_Cmd):
    name: Literal["pending"] = "pending"


class LinkCmd(_Cmd):
    """``link <@user> <platform>:<id>``: that platform identity is the same person."""

    name: Literal["link"] = "link"
    user: str = Field(min_length=1)
    mention: str
    platform: Literal["slack", "telegram", "console"]
    platform_user_id: str = Field(min_length=1, max_length=100)


class AsUserCmd(_Cmd):
    """Console only: type as another user."""

    name: Literal["as"] = "as"
    user: str = Field(min_length=1)


Command = Annotated[
    StockCmd | RequestCmd | ReceiveCmd | PurchaseCmd | TransferCmd | ReturnCmd | CountCmd
    | WorkOrderCmd | ShortagesCmd | SummaryCmd | ReportCmd | UndoCmd | HistoryCmd | HelpCmd
    | RoleCmd | BindCmd | LangCmd | IssueCmd | ApproveCmd | RejectCmd | QcCmd | ConfirmCmd
    | CancelCmd | PendingCmd | LinkCmd | AsUserCmd,
    Field(discriminator="name"),
]  # fmt: skip


@dataclass(frozen=True)
class ParseError:
    """Why a message is not a valid command, as a value.

    ``key`` is an i18n message key (``parse.*`` or ``qty.*``), ``usage_key`` the usage line of the
    command when one was recognised, ``params`` the message placeholders.
    """

    key: str
    usage_key: str | None = None
    command: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The key without its namespace: ``parse.too_long`` → ``too_long``."""
        return self.key.rsplit(".", 1)[-1]

    def message(self, lang: str | None = None) -> str:
        """Text markup: the error, then the usage line (user text in params is escaped)."""
        from stockbot.i18n import t, tm

        text = tm(self.key, lang, **self.params)
        return f"{text}\n{t(self.usage_key, lang)}" if self.usage_key else text

    def to_reply(self, lang: str | None = None) -> Reply:
        """An ephemeral Reply with :meth:`message`."""
        from stockbot.replies import Reply

        return Reply.text(self.message(lang), ephemeral=True)


# --------------------------------------------------------------------------- tokens


class _Tok(NamedTuple):
    text: str
    start: int
    end: int


def _tokens(text: str, offset: int = 0) -> list[_Tok]:
    return [
        _Tok(m.group(), m.start() + offset, m.end() + offset) for m in re.finditer(r"\S+", text)
    ]


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" and unicodedata.category(ch).startswith("L")


def _split_glued(tok: _Tok) -> tuple[_Tok, _Tok] | None:
    """``M8螺栓20个`` → (``M8螺栓``, ``20个``): only after a CJK letter, so ``M8`` stays whole."""
    text = tok.text
    for i in range(len(text) - 1, 0, -1):
        if _is_cjk(text[i - 1]) and unicodedata.normalize("NFKC", text[i]).isdigit():
            tail = text[i:]
            if looks_like_quantity(tail):
                return _Tok(text[:i], tok.start, tok.start + i), _Tok(tail, tok.start + i, tok.end)
    return None


class _Keyword(NamedTuple):
    field: str
    rest: bool  # True: the value is all text to the end; False: one token


def _kw(field_name: str, words: str, *, rest: bool = False) -> dict[str, _Keyword]:
    return {w.lower(): _Keyword(field_name, rest) for w in words.split()}


_NOTE_KW = _kw("note", "note 备注 備註", rest=True)
_KEYWORDS: Final[Mapping[str, Mapping[str, _Keyword]]] = {
    "request": {**_kw("wo", "for wo 用于 用於 工单 工單 工单号 工單號"), **_NOTE_KW},
    "receive": {
        **_kw("po", "po 采购单 採購單 订单 訂單"),
        **_kw("batch", "batch lot 批次 批号 批號"),
        **_kw("exp", "exp expiry expires 有效期 效期 到期"),
        **_kw("loc", "loc location 库位 庫位 位置"),
        **_NOTE_KW,
    },
    "purchase": {**_kw("supplier", "from supplier 供应商 供應商", rest=True), **_NOTE_KW},
    "return": dict(_NOTE_KW),
    "wo": dict(_NOTE_KW),
    "transfer": {**_kw("from_loc", "from 从 從 自"), **_kw("to_loc", "to 到 至")},
}
_KEY_SEPARATORS = ":：="


def _match_keyword(
    tok: _Tok, keywords: Mapping[str, _Keyword]
) -> tuple[_Keyword, str, _Tok | None] | None:
    """Is *tok* a keyword? (keyword, word, glued value) for ``po``, ``po:PO-1``, ``批次L1``."""
    text = tok.text
    low = text.lower()
    stripped = low.rstrip(_KEY_SEPARATORS)
    if stripped in keywords and stripped:
        return keywords[stripped], text[: len(stripped)], None
    for i, ch in enumerate(text):
        if ch in _KEY_SEPARATORS and low[:i] in keywords and i + 1 < len(text):
            value = _Tok(text[i + 1 :], tok.start + i + 1, tok.end)
            return keywords[low[:i]], text[:i], value
    for word, kw in keywords.items():  # a CJK keyword glued to its value: 批次L2405, 库位A-01
        if len(word) > 1 and not word.isascii() and low.startswith(word) and len(text) > len(word):
            value_text = text[len(word) :].lstrip(_KEY_SEPARATORS)
            if value_text:
                start = tok.end - len(value_text)
                return kw, text[: len(word)], _Tok(value_text, start, tok.end)
    return None


# --------------------------------------------------------------------------- argument parsing


class _Fail(Exception):
    """Internal: carries a ParseError out of nested helpers."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class _ItemQty(NamedTuple):
    item: str
    qty: QuantityText
    between: str | None  # text after the quantity, before the first keyword
    options: dict[str, str]


def _slice(text: str, toks: list[_Tok]) -> str | None:
    return text[toks[0].start : toks[-1].end] if toks else None


_OPEN_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "'": "'", "‘": "’"}


def _quoted_item(text: str) -> tuple[str, int] | None:
    """``"bolt 3M" 20`` → ("bolt 3M", index after the closing quote)."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in _OPEN_QUOTES:
        return None
    start = len(text) - len(stripped)
    close = text.find(_OPEN_QUOTES[stripped[0]], start + 1)
    if close <= start + 1:
        return None
    return text[start + 1 : close], close + 1


def _parse_options(
    text: str, toks: list[_Tok], keywords: Mapping[str, _Keyword]
) -> tuple[dict[str, str], str | None]:
    """Keywords and their values from *toks* (which start with a keyword); returns leftovers."""
    options: dict[str, str] = {}
    leftovers: list[_Tok] = []
    i = 0
    while i < len(toks):
        hit = _match_keyword(toks[i], keywords)
        if hit is None:
            leftovers.append(toks[i])
            i += 1
            continue
        kw, word, glued = hit
        if kw.field in options:
            raise _Fail("parse.duplicate_keyword", keyword=word)
        if kw.rest:
            value_toks = ([glued] if glued else []) + toks[i + 1 :]
            i = len(toks)
        elif glued is not None:
            value_toks = [glued]
            i += 1
        elif i + 1 < len(toks) and _match_keyword(toks[i + 1], keywords) is None:
            value_toks = [toks[i + 1]]
            i += 2
        else:
            value_toks = []
            i += 1
        value = _slice(text, value_toks)
        if not value:
            raise _Fail("parse.missing_value", keyword=word)
        options[kw.field] = value
    return options, _slice(text, leftovers)


def _first_keyword(toks: list[_Tok], keywords: Mapping[str, _Keyword], *, after_qty: bool) -> int:
    """Index of the first keyword token (only counting those after a quantity-shaped token)."""
    seen_qty = not after_qty
    for i, tok in enumerate(toks):
        if seen_qty and _match_keyword(tok, keywords) is not None:
            return i
        seen_qty = seen_qty or looks_like_quantity(tok.text) or _split_glued(tok) is not None
    return len(toks)


def _item_qty(text: str, keywords: Mapping[str, _Keyword]) -> _ItemQty:
    """Split ``<item> <qty> [between…] [keyword value…]`` (see the module docstring)."""
    quoted = _quoted_item(text)
    if quoted is not None:
        item, after = quoted
        toks = _tokens(text[after:], after)
        if not toks or not looks_like_quantity(toks[0].text):
            raise _Fail("parse.missing_quantity")
        qty_tok, after_qty = toks[0], toks[1:]
    else:
        toks = _tokens(text)
        if not toks:
            raise _Fail("parse.missing_item")
        boundary = _first_keyword(toks, keywords, after_qty=True)
        head = toks[:boundary]
        qty_index = next(
            (i for i in range(len(head) - 1, -1, -1) if looks_like_quantity(head[i].text)), -1
        )
        if qty_index < 0:
            for i in range(len(head) - 1, -1, -1):
                glued = _split_glued(head[i])
                if glued is not None:
                    head = [*head[:i], *glued, *head[i + 1 :]]
                    qty_index = i + 1
                    break
        if qty_index < 0:
            raise _Fail("parse.missing_quantity")
        if qty_index == 0:
            raise _Fail("parse.missing_item")
        item = _slice(text, head[:qty_index]) or ""
        qty_tok, after_qty = head[qty_index], head[qty_index + 1 :] + toks[boundary:]

    try:
        qty = parse_quantity(qty_tok.text)
    except QuantityError as exc:
        raise _Fail(exc.key, **exc.params) from None
    if qty.unit is None and after_qty and after_qty[0].text.lower() in _UNIT_WORDS:
        qty = QuantityText(qty.value, after_qty[0].text, raw=f"{qty_tok.text} {after_qty[0].text}")
        after_qty = after_qty[1:]
    k = _first_keyword(after_qty, keywords, after_qty=False)
    options, leftovers = _parse_options(text, after_qty[k:], keywords)
    if leftovers:  # text after a single-token keyword value: part of the free text
        options["_tail"] = leftovers
    return _ItemQty(item, qty, _slice(text, after_qty[:k]), options)


def _join(*parts: str | None) -> str | None:
    joined = " ".join(p for p in parts if p)
    return joined or None


def _no_tail(options: Mapping[str, str]) -> None:
    if "_tail" in options:
        raise _Fail("parse.unexpected_text", text=options["_tail"])


_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def _parse_date(value: str) -> date:
    match = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", value))
    if match is None:
        raise _Fail("parse.bad_date", value=value)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise _Fail("parse.bad_date", value=value) from None


# --------------------------------------------------------------------------- per command


def _required(text: str, key: str) -> str:
    if not text:
        raise _Fail(key)
    return text


def _p_stock(args: str) -> Command:
    return StockCmd(query=_required(args, "parse.missing_query"))


def _p_request(args: str) -> Command:
    r = _item_qty(args, _KEYWORDS["request"])
    note = _join(r.between, r.options.get("_tail"), r.options.get("note"))
    return RequestCmd(
        item=r.item, qty=r.qty.value, unit=r.qty.unit, wo=r.options.get("wo"), note=note
    )


def _p_receive(args: str) -> Command:
    r = _item_qty(args, _KEYWORDS["receive"])
    if r.between:
        raise _Fail("parse.unexpected_text", text=r.between)
    _no_tail(r.options)
    exp = _parse_date(r.options["exp"]) if "exp" in r.options else None
    o = r.options
    return ReceiveCmd(
        item=r.item, qty=r.qty.value, unit=r.qty.unit, po=o.get("po"), batch=o.get("batch"),
        exp=exp, loc=o.get("loc"), note=o.get("note"),
    )  # fmt: skip


def _p_purchase(args: str) -> Command:
    r = _item_qty(args, _KEYWORDS["purchase"])
    supplier = r.options.get("supplier")
    note = r.options.get("note")
    if supplier is None:
        supplier = r.between
    else:
        note = _join(r.between, note)
    return PurchaseCmd(item=r.item, qty=r.qty.value, unit=r.qty.unit, supplier=supplier, note=note)


def _p_return(args: str) -> Command:
    r = _item_qty(args, _KEYWORDS["return"])
    note = _join(r.between, r.options.get("_tail"), r.options.get("note"))
    return ReturnCmd(item=r.item, qty=r.qty.value, unit=r.qty.unit, note=note)


def _p_wo(args: str) -> Command:
    r = _item_qty(args, _KEYWORDS["wo"])
    note = _join(r.between, r.options.get("_tail"), r.options.get("note"))
    return WorkOrderCmd(product=r.item, qty=r.qty.value, unit=r.qty.unit, note=note)


_ARROW_RE = re.compile(r"(.+?)(?:->|→|=>|＞|>)(.+)")


def _p_transfer(args: str) -> Command:
    keywords = _KEYWORDS["transfer"]
    toks = _tokens(args)
    from_loc = to_loc = None
    # explicit "from A to B" / "从 A 到 B" after the quantity
    if _first_keyword(toks, keywords, after_qty=True) < len(toks):
        r = _item_qty(args, keywords)
        if r.between:
            raise _Fail("parse.unexpected_text", text=r.between)
        _no_tail(r.options)
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
            raise _Fail("parse.missing_locations")
        if not looks_like_quantity(head[-1].text):
            raise _Fail("parse.missing_quantity")
        try:
            qty = parse_quantity(head[-1].text)
        except QuantityError as exc:
            raise _Fail(exc.key, **exc.params) from None
        item = _slice(args, head[:-1]) or ""
    if not from_loc or not to_loc:
        raise _Fail("parse.missing_locations")
    if from_loc == to_loc:
        raise _Fail("parse.same_location", location=from_loc)
    return TransferCmd(item=item, qty=qty.value, unit=qty.unit, from_loc=from_loc, to_loc=to_loc)


def _p_count(args: str) -> Command:
    return CountCmd(target=_required(args, "parse.missing_target"))


def _p_history(args: str) -> Command:
    return HistoryCmd(target=_required(args, "parse.missing_target"))


def _p_no_args(
    cls: type[ShortagesCmd] | type[SummaryCmd] | type[PendingCmd],
) -> Callable[[str], Command]:
    def parse_no_args(args: str) -> Command:
        if args:
            raise _Fail("parse.no_arguments")
        return cls()

    return parse_no_args


def _p_report(args: str) -> Command:
    toks = _tokens(_required(args, "parse.missing_report"))
    return ReportCmd(report=toks[0].text, args=_slice(args, toks[1:]))


def _p_undo(args: str) -> Command:
    toks = _tokens(_required(args, "parse.missing_movement"))
    movement_id = toks[0].text.lstrip("#＃")
    if not movement_id:
        raise _Fail("parse.missing_movement")
    reason = _slice(args, toks[1:])
    if not reason:
        raise _Fail("parse.missing_reason")
    return UndoCmd(movement_id=movement_id, reason=reason)


def _p_help(args: str) -> Command:
    if not args:
        return HelpCmd()
    topic = args.split()[0]
    name = resolve_command_name(topic.lstrip("/／").split("@", 1)[0], console=True)
    if name is None:
        raise _Fail("parse.unknown_help_topic", topic=topic)
    return HelpCmd(topic=name)


_SLACK_MENTION_RE = re.compile(r"<@([A-Za-z0-9_.-]+)(?:\|[^>]*)?>")
_AT_MENTION_RE = re.compile(r"[@＠](\S+)")


def _p_role(args: str) -> Command:
    toks = _tokens(args)
    if not toks:
        raise _Fail("parse.missing_user")
    mention = toks[0].text
    match = _SLACK_MENTION_RE.fullmatch(mention) or _AT_MENTION_RE.fullmatch(mention)
    if match is None:
        raise _Fail("parse.bad_user", user=mention)
    if len(toks) < 2:
        raise _Fail("parse.missing_role")
    role = _ROLE_ALIASES.get(toks[1].text.lower())
    if role is None:
        raise _Fail("parse.unknown_role", role=toks[1].text)
    limit = None
    if len(toks) >= 3:
        raw = toks[2].text.lstrip("¥￥$＄€")
        try:
            amount = parse_quantity(raw)
        except QuantityError:
            raise _Fail("parse.bad_limit", value=toks[2].text) from None
        if amount.unit is not None and amount.unit.lower() not in _CURRENCY_UNITS:
            raise _Fail("parse.bad_limit", value=toks[2].text)
        limit = amount.value
    if len(toks) > 3:
        raise _Fail("parse.unexpected_text", text=_slice(args, toks[3:]) or "")
    return RoleCmd(user=match[1], mention=mention, role=cast(Role, role), limit=limit)


def _p_bind(args: str) -> Command:
    toks = _tokens(args)
    if not toks:
        raise _Fail("parse.missing_warehouse")
    lang = normalize_lang(toks[-1].text) if len(toks) > 1 else None
    warehouse = _slice(args, toks[:-1] if lang else toks) or ""
    return BindCmd(warehouse=warehouse, lang=lang)


def _p_lang(args: str) -> Command:
    if not args:
        raise _Fail("parse.missing_lang")
    lang = normalize_lang(args)
    if lang is None:
        raise _Fail("parse.unknown_lang", value=args)
    return LangCmd(lang=lang)


def _p_as(args: str) -> Command:
    toks = _tokens(args)
    if len(toks) != 1:
        raise (
            _Fail("parse.missing_user")
            if not toks
            else _Fail("parse.unexpected_text", text=_slice(args, toks[1:]) or "")
        )
    return AsUserCmd(user=toks[0].text.lstrip("@＠"))


def _doc_and_rest(args: str) -> tuple[str, str | None]:
    toks = _tokens(_required(args, "parse.missing_document"))
    return toks[0].text, _slice(args, toks[1:])


def _p_issue(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    if not rest:
        return IssueCmd(doc=doc)
    try:
        qty = parse_quantity(rest)
    except QuantityError as exc:
        raise _Fail(exc.key, **exc.params) from None
    return IssueCmd(doc=doc, qty=qty.value, unit=qty.unit)


def _p_approve(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    if rest:
        raise _Fail("parse.unexpected_text", text=rest)
    return ApproveCmd(doc=doc)


def _p_reject(args: str) -> Command:
    doc, reason = _doc_and_rest(args)
    if not reason:
        raise _Fail("parse.missing_reason")
    return RejectCmd(doc=doc, reason=reason)


_QC_REJECT_WORDS = frozenset(["reject", "rejected", "驳回", "駁回", "拒收", "不合格"])


def _p_qc(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    toks = _tokens(rest or "")
    if toks and toks[0].text.lower() in {"accept", "ok", "合格", "接收"}:
        toks = toks[1:]
    if not toks:
        raise _Fail("parse.missing_quantity")

    def qty_of(tok: _Tok) -> Decimal:
        if tok.text in {"0", "０"}:
            return Decimal(0)
        try:
            return parse_quantity(tok.text).value
        except QuantityError as exc:
            raise _Fail(exc.key, **exc.params) from None

    accept = qty_of(toks[0])
    reject, reason = Decimal(0), None
    if len(toks) > 1:
        if toks[1].text.lower() not in _QC_REJECT_WORDS or len(toks) < 3:
            raise _Fail("parse.unexpected_text", text=_slice(rest or "", toks[1:]) or "")
        reject = qty_of(toks[2])
        reason = _slice(rest or "", toks[3:])
        if reject > 0 and not reason:
            raise _Fail("parse.missing_reason")
    return QcCmd(doc=doc, accept=accept, reject=reject, reason=reason)


def _p_confirm(args: str) -> Command:
    doc, rest = _doc_and_rest(args)
    if rest:
        raise _Fail("parse.unexpected_text", text=rest)
    return ConfirmCmd(doc=doc)


def _p_cancel(args: str) -> Command:
    doc, reason = _doc_and_rest(args)
    return CancelCmd(doc=doc, reason=reason)


def _p_link(args: str) -> Command:
    toks = _tokens(args)
    if not toks:
        raise _Fail("parse.missing_user")
    mention = toks[0].text
    match = _SLACK_MENTION_RE.fullmatch(mention) or _AT_MENTION_RE.fullmatch(mention)
    if match is None:
        raise _Fail("parse.bad_user", user=mention)
    if len(toks) != 2 or ":" not in toks[1].text:
        raise _Fail("parse.bad_identity", value=_slice(args, toks[1:]) or "")
    platform, _, uid = toks[1].text.partition(":")
    if platform.lower() not in {"slack", "telegram", "console"} or not uid:
        raise _Fail("parse.bad_identity", value=toks[1].text)
    return LinkCmd(user=match[1], mention=mention, platform=platform.lower(), platform_user_id=uid)


_PARSERS: Final[Mapping[str, Callable[[str], Command]]] = {
    "stock": _p_stock,
    "request": _p_request,
    "receive": _p_receive,
    "purchase": _p_purchase,
    "transfer": _p_transfer,
    "return": _p_return,
    "count": _p_count,
    "wo": _p_wo,
    "shortages": _p_no_args(ShortagesCmd),
    "summary": _p_no_args(SummaryCmd),
    "report": _p_report,
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


# --------------------------------------------------------------------------- entry point


def resolve_command_name(word: str, *, console: bool = False) -> str | None:
    """Canonical command name for a command word or alias (``領料`` → ``request``), else None."""
    name = ALIASES.get(word.lower()) or ALIASES.get(unicodedata.normalize("NFKC", word).lower())
    if name in CONSOLE_COMMANDS and not console:
        return None
    return name


_LEADING_MENTION_RE = re.compile(r"(?:<@[^>\s]+>|[@＠][A-Za-z0-9_]+)[,:，：]?\s+")
_COMMAND_WORD_RE = re.compile(
    r"([A-Za-z\uff21-\uff3a\uff41-\uff5a]+)(?:[@＠][A-Za-z0-9_]+)?(?=\s|$)"
)
_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _split_command(text: str, console: bool) -> tuple[str, str] | ParseError:
    """(command name, argument text) or an unknown-command error."""
    mention = _LEADING_MENTION_RE.match(text)
    body = text[mention.end() :] if mention else text
    if body[:1] in "/／":
        body = body[1:]
    match = _COMMAND_WORD_RE.match(body)
    if match is not None:
        name = resolve_command_name(match[1], console=console)
        if name is not None:
            return name, body[match.end() :].strip()
    else:
        for alias in _PREFIX_ALIASES:
            if body.startswith(alias):
                name = resolve_command_name(alias, console=console)
                if name is not None:
                    return name, body[len(alias) :].strip()
    word = body.split(maxsplit=1)[0] if body.strip() else body
    return ParseError("parse.unknown_command", params={"command": word[:40]})


def parse(text: str, *, console: bool = False) -> Command | ParseError:
    """Parse one chat message. ``console=True`` also accepts console-only commands (``as``)."""
    if len(text) > MAX_TEXT_LENGTH:
        return ParseError(
            "parse.too_long", params={"length": str(len(text)), "max": str(MAX_TEXT_LENGTH)}
        )
    if _FORBIDDEN_CONTROL.search(text):
        return ParseError("parse.control_chars")
    stripped = text.strip()
    if not stripped or stripped in {"/", "／"}:
        return ParseError("parse.empty")
    head = _split_command(stripped, console)
    if isinstance(head, ParseError):
        return head
    name, args = head
    try:
        return _PARSERS[name](args)
    except _Fail as fail:
        return ParseError(fail.key, usage_key=USAGE[name], command=name, params=fail.params)
