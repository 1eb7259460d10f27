"""The command vocabulary: names, aliases (简体/繁體), roles and unit words."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Final, Literal

MAX_TEXT_LENGTH: Final = 2000

#: Commands every platform accepts, in help order.
COMMAND_NAMES: Final[tuple[str, ...]] = (
    "stock", "request", "receive", "purchase", "transfer", "return", "count", "wo",
    "bom", "suggest", "shortages", "summary", "report", "undo", "history", "help", "role",
    "bind", "lang",
    "issue", "approve", "reject", "qc", "confirm", "cancel", "pending", "link", "policy", "board",
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
    "物料清单": "bom", "物料清單": "bom", "bom表": "bom",
    "建议采购": "suggest", "建議採購": "suggest", "采购建议": "suggest", "採購建議": "suggest",
    "缺料": "shortages",
    "日报": "summary", "日報": "summary",
    "报表": "report", "報表": "report",
    "看板": "board", "库存看板": "board", "庫存看板": "board",
    "补货策略": "policy", "補貨策略": "policy", "安全库存": "policy", "安全庫存": "policy",
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
PREFIX_ALIASES: Final[tuple[str, ...]] = tuple(
    sorted((a for a in ALIASES if not (a.isascii() and a.isalpha())), key=len, reverse=True)
)

ROLES: Final[tuple[str, ...]] = ("staff", "keeper", "purchaser", "approver", "admin")
ROLE_ALIASES: Final[Mapping[str, str]] = {
    **{r: r for r in ROLES},
    "员工": "staff", "員工": "staff",
    "仓管": "keeper", "倉管": "keeper", "仓库管理员": "keeper", "倉庫管理員": "keeper",
    "采购": "purchaser", "採購": "purchaser", "采购员": "purchaser", "採購員": "purchaser",
    "审批人": "approver", "審批人": "approver", "审批": "approver", "審批": "approver",
    "管理员": "admin", "管理員": "admin",
}  # fmt: skip

# Unit words people put after a bare number ("20 个"); only used to join them to the number.
UNIT_WORDS: Final[frozenset[str]] = frozenset([
    "pc", "pcs", "piece", "pieces", "ea", "each", "unit", "units", "kg", "g", "t", "mg", "m",
    "mm", "cm", "km", "l", "ml", "box", "boxes", "bag", "bags", "roll", "rolls", "set", "sets",
    "pack", "packs", "pair", "pairs", "sheet", "sheets", "carton", "cartons",
    "个", "個", "件", "只", "隻", "箱", "包", "卷", "米", "公斤", "千克", "克", "吨", "噸",
    "套", "根", "片", "桶", "瓶", "袋", "盒", "张", "張", "台", "臺", "把", "条", "條",
    "支", "升", "毫升", "块", "塊", "对", "對", "双", "雙", "板", "托", "捆", "粒", "颗",
    "顆", "批", "组", "組",
])  # fmt: skip
CURRENCY_UNITS: Final[frozenset[str]] = frozenset(
    ["元", "块", "塊", "rmb", "cny", "usd", "eur", "hkd", "twd", "ntd", "yuan"]
)

Role = Literal["staff", "keeper", "purchaser", "approver", "admin"]


def resolve_command_name(word: str, *, console: bool = False) -> str | None:
    """Canonical command name for a command word or alias (``領料`` → ``request``), else None."""
    name = ALIASES.get(word.lower()) or ALIASES.get(unicodedata.normalize("NFKC", word).lower())
    if name in CONSOLE_COMMANDS and not console:
        return None
    return name
