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

from stockbot.commands.arguments import PARSERS
from stockbot.commands.grammar import Fail
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
    ParseError,
    PendingCmd,
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
from stockbot.commands.vocabulary import (
    ALIASES,
    COMMAND_NAMES,
    CONSOLE_COMMANDS,
    MAX_TEXT_LENGTH,
    PREFIX_ALIASES,
    ROLES,
    USAGE,
    resolve_command_name,
)
from stockbot.text import INVISIBLE_CONTROLS

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
    "BoardCmd",
    "BomCmd",
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
    "PolicyCmd",
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
    "SuggestCmd",
    "SummaryCmd",
    "TransferCmd",
    "UndoCmd",
    "WorkOrderCmd",
    "parse",
    "resolve_command_name",
]


_LEADING_MENTION_RE = re.compile(r"(?:<@[^>\s]+>|[@＠][A-Za-z0-9_]+)[,:，：]?\s+")
_COMMAND_WORD_RE = re.compile(
    r"([A-Za-z\uff21-\uff3a\uff41-\uff5a]+)(?:[@＠][A-Za-z0-9_]+)?(?=\s|$)"
)
_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
"""Control characters, and lone surrogates (a broken UTF-16 pair, which a JSON payload can carry
but no reply or database can hold)."""
BIDI_CONTROLS = INVISIBLE_CONTROLS
"""Invisible direction and zero-width marks (`stockbot.text.INVISIBLE_CONTROLS`, the one rule
the importer uses too): in a code they make ``exe<U+202E>gnp`` display as ``png.exe``, so
identifiers refuse them; free text (notes, reasons) may keep them."""
IDENTIFIER_FIELDS = (
    "item",
    "product",
    "query",
    "target",
    "batch",
    "loc",
    "from_loc",
    "to_loc",
    "po",
    "wo",
    "warehouse",
    "doc",
    "supplier",
    "user",
)
"""Command fields that name something (item, batch, location, warehouse, document, person)."""


def disguised(cmd: object) -> str | None:
    """The first identifier field of *cmd* that carries a bidi control, or None."""
    for name in IDENTIFIER_FIELDS:
        value = getattr(cmd, name, None)
        if isinstance(value, str) and BIDI_CONTROLS.search(value):
            return BIDI_CONTROLS.sub("", value)[:40]
    return None


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
        for alias in PREFIX_ALIASES:
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
        cmd = PARSERS[name](args)
    except Fail as fail:
        return ParseError(fail.key, usage_key=USAGE[name], command=name, params=fail.params)
    field = disguised(cmd)
    if field is not None:
        return ParseError("parse.direction_marks", command=name, params={"field": field})
    return cmd
