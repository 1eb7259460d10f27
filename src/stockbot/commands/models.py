"""The typed commands `parse` returns, and :class:`ParseError`, its failure value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from stockbot.commands.quantity import QuantityText
from stockbot.commands.vocabulary import USAGE, Role
from stockbot.i18n import Lang
from stockbot.platforms import PlatformName

if TYPE_CHECKING:
    from stockbot.replies import Reply


class _Cmd(BaseModel):
    """Common base: frozen, no stray fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    looks_up: ClassVar[bool] = False
    """True for a command that answers from what is stored (a lookup, a report, a list): the
    inbox records its delivery on its own and it runs outside SQLite's write lock, so a report
    that takes half a second does not make every request and click in the process wait
    (`handlers.base.handle_once`). Whatever such a command writes (a button's token) it writes
    in a unit of work of its own, so a wrong True costs a commit, never correctness."""

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
    looks_up: ClassVar[bool] = True
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
    """``wo <product> <qty> [due <date>] [note…]`` creates one; ``wo`` alone lists the open
    ones; ``wo <WO>`` shows one, ``wo <WO> complete <qty>`` completes part of it."""

    name: Literal["wo"] = "wo"
    product: str | None = Field(default=None, min_length=1)
    qty: Decimal | None = Field(default=None, gt=0)
    unit: str | None = None
    due: date | None = None
    note: str | None = None
    doc: str | None = None
    action: Literal["show", "complete"] | None = None


class BomCmd(_Cmd):
    """``bom <product>``: the product's BOM as a tree."""

    name: Literal["bom"] = "bom"
    looks_up: ClassVar[bool] = True
    product: str = Field(min_length=1)


class SuggestCmd(_Cmd):
    """``suggest``: what to buy now (建议采购)."""

    name: Literal["suggest"] = "suggest"
    looks_up: ClassVar[bool] = True


class ShortagesCmd(_Cmd):
    name: Literal["shortages"] = "shortages"
    looks_up: ClassVar[bool] = True


class SummaryCmd(_Cmd):
    name: Literal["summary"] = "summary"
    looks_up: ClassVar[bool] = True


class BoardCmd(_Cmd):
    """``board [revoke]``: a private link to the live stock board, or revoke one's links."""

    name: Literal["board"] = "board"
    action: Literal["", "revoke"] = ""


class ReportCmd(_Cmd):
    """``report [<name> [args…]]``; the flow validates the report name (none: the list)."""

    name: Literal["report"] = "report"
    looks_up: ClassVar[bool] = True
    report: str = ""
    args: str | None = None


class PolicyCmd(_Cmd):
    """``policy <item> [pin safety|rop <qty> | dynamic | fixed]``; the flow reads the tail."""

    name: Literal["policy"] = "policy"
    text: str = Field(min_length=1)


class UndoCmd(_Cmd):
    """``undo <movement-id> <reason…>``; the reason is mandatory (it goes into the ledger)."""

    name: Literal["undo"] = "undo"
    movement_id: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class HistoryCmd(_Cmd):
    name: Literal["history"] = "history"
    looks_up: ClassVar[bool] = True
    target: str = Field(min_length=1)


class HelpCmd(_Cmd):
    """``help [command]``; ``topic`` is a canonical command name."""

    name: Literal["help"] = "help"
    looks_up: ClassVar[bool] = True
    topic: str | None = None


Platform = PlatformName  # stockbot.platforms: the one list


class RoleCmd(_Cmd):
    """``role <@user> <role> [limit]``; ``user`` is the id/name without sigils, ``mention`` raw.

    ``user_platform`` is set when the text named a platform identity (``<@U123>`` is Slack's,
    ``telegram:42``); ``user`` is None when the command names nobody (a reply to their message).
    """

    name: Literal["role"] = "role"
    user: str | None = Field(default=None, min_length=1, max_length=100)
    mention: str = ""
    user_platform: Platform | None = None
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
    looks_up: ClassVar[bool] = True


class LinkCmd(_Cmd):
    """``link <@user> <platform>:<id>``: that platform identity is the same person."""

    name: Literal["link"] = "link"
    user: str | None = Field(default=None, min_length=1, max_length=100)
    mention: str = ""
    user_platform: Platform | None = None
    platform: Platform
    platform_user_id: str = Field(min_length=1, max_length=100)


class AsUserCmd(_Cmd):
    """Console only: type as another user."""

    name: Literal["as"] = "as"
    user: str = Field(min_length=1)


Command = Annotated[
    StockCmd | RequestCmd | ReceiveCmd | PurchaseCmd | TransferCmd | ReturnCmd | CountCmd
    | WorkOrderCmd | BomCmd | SuggestCmd | ShortagesCmd | SummaryCmd | ReportCmd | PolicyCmd
    | BoardCmd
    | UndoCmd | HistoryCmd | HelpCmd
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

        return Reply.text(self.message(lang), ephemeral=True, key=self.key)
