"""Tokens, keywords and the `<item> <qty> [keyword value…]` split (see `parser`'s docstring)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Final, NamedTuple

from stockbot.commands.quantity import (
    QuantityError,
    QuantityText,
    looks_like_quantity,
    parse_quantity,
)
from stockbot.commands.vocabulary import UNIT_WORDS
from stockbot.text import is_cjk


class Tok(NamedTuple):
    text: str
    start: int
    end: int


def tokens(text: str, offset: int = 0) -> list[Tok]:
    return [Tok(m.group(), m.start() + offset, m.end() + offset) for m in re.finditer(r"\S+", text)]


def _split_glued(tok: Tok) -> tuple[Tok, Tok] | None:
    """``M8螺栓20个`` → (``M8螺栓``, ``20个``): only after a CJK letter, so ``M8`` stays whole."""
    text = tok.text
    for i in range(len(text) - 1, 0, -1):
        if is_cjk(text[i - 1]) and unicodedata.normalize("NFKC", text[i]).isdigit():
            tail = text[i:]
            if looks_like_quantity(tail):
                return Tok(text[:i], tok.start, tok.start + i), Tok(tail, tok.start + i, tok.end)
    return None


class _Keyword(NamedTuple):
    field: str
    rest: bool  # True: the value is all text to the end; False: one token


def _kw(field_name: str, words: str, *, rest: bool = False) -> dict[str, _Keyword]:
    return {w.lower(): _Keyword(field_name, rest) for w in words.split()}


_NOTE_KW = _kw("note", "note 备注 備註", rest=True)
KEYWORDS: Final[Mapping[str, Mapping[str, _Keyword]]] = {
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
    "wo": {**_kw("due", "due 交期 交货期 交貨期 完工日"), **_NOTE_KW},
    "transfer": {**_kw("from_loc", "from 从 從 自"), **_kw("to_loc", "to 到 至")},
}
_KEY_SEPARATORS = ":：="


def _match_keyword(
    tok: Tok, keywords: Mapping[str, _Keyword]
) -> tuple[_Keyword, str, Tok | None] | None:
    """Is *tok* a keyword? (keyword, word, glued value) for ``po``, ``po:PO-1``, ``批次L1``."""
    text = tok.text
    low = text.lower()
    stripped = low.rstrip(_KEY_SEPARATORS)
    if stripped in keywords and stripped:
        return keywords[stripped], text[: len(stripped)], None
    for i, ch in enumerate(text):
        if ch in _KEY_SEPARATORS and low[:i] in keywords and i + 1 < len(text):
            value = Tok(text[i + 1 :], tok.start + i + 1, tok.end)
            return keywords[low[:i]], text[:i], value
    for word, kw in keywords.items():  # a CJK keyword glued to its value: 批次L2405, 库位A-01
        if len(word) > 1 and not word.isascii() and low.startswith(word) and len(text) > len(word):
            value_text = text[len(word) :].lstrip(_KEY_SEPARATORS)
            if value_text:
                start = tok.end - len(value_text)
                return kw, text[: len(word)], Tok(value_text, start, tok.end)
    return None


class Fail(Exception):
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


def slice_text(text: str, toks: list[Tok]) -> str | None:
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
    text: str, toks: list[Tok], keywords: Mapping[str, _Keyword]
) -> tuple[dict[str, str], str | None]:
    """Keywords and their values from *toks* (which start with a keyword); returns leftovers."""
    options: dict[str, str] = {}
    leftovers: list[Tok] = []
    i = 0
    while i < len(toks):
        hit = _match_keyword(toks[i], keywords)
        if hit is None:
            leftovers.append(toks[i])
            i += 1
            continue
        kw, word, glued = hit
        if kw.field in options:
            raise Fail("parse.duplicate_keyword", keyword=word)
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
        value = slice_text(text, value_toks)
        if not value:
            raise Fail("parse.missing_value", keyword=word)
        options[kw.field] = value
    return options, slice_text(text, leftovers)


def first_keyword(toks: list[Tok], keywords: Mapping[str, _Keyword], *, after_qty: bool) -> int:
    """Index of the first keyword token (only counting those after a quantity-shaped token)."""
    seen_qty = not after_qty
    for i, tok in enumerate(toks):
        if seen_qty and _match_keyword(tok, keywords) is not None:
            return i
        seen_qty = seen_qty or looks_like_quantity(tok.text) or _split_glued(tok) is not None
    return len(toks)


def item_qty(text: str, keywords: Mapping[str, _Keyword]) -> _ItemQty:
    """Split ``<item> <qty> [between…] [keyword value…]`` (see `stockbot.commands.parser`)."""
    quoted = _quoted_item(text)
    if quoted is not None:
        item, after = quoted
        toks = tokens(text[after:], after)
        if not toks or not looks_like_quantity(toks[0].text):
            raise Fail("parse.missing_quantity")
        qty_tok, after_qty = toks[0], toks[1:]
    else:
        toks = tokens(text)
        if not toks:
            raise Fail("parse.missing_item")
        boundary = first_keyword(toks, keywords, after_qty=True)
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
            raise Fail("parse.missing_quantity")
        if qty_index == 0:
            raise Fail("parse.missing_item")
        item = slice_text(text, head[:qty_index]) or ""
        qty_tok, after_qty = head[qty_index], head[qty_index + 1 :] + toks[boundary:]

    try:
        qty = parse_quantity(qty_tok.text)
    except QuantityError as exc:
        raise Fail(exc.key, **exc.params) from None
    if qty.unit is None and after_qty and after_qty[0].text.lower() in UNIT_WORDS:
        qty = QuantityText(qty.value, after_qty[0].text, raw=f"{qty_tok.text} {after_qty[0].text}")
        after_qty = after_qty[1:]
    k = first_keyword(after_qty, keywords, after_qty=False)
    options, leftovers = _parse_options(text, after_qty[k:], keywords)
    if leftovers:  # text after a single-token keyword value: part of the free text
        options["_tail"] = leftovers
    return _ItemQty(item, qty, slice_text(text, after_qty[:k]), options)


def join_text(*parts: str | None) -> str | None:
    joined = " ".join(p for p in parts if p)
    return joined or None


def no_tail(options: Mapping[str, str]) -> None:
    if "_tail" in options:
        raise Fail("parse.unexpected_text", text=options["_tail"])


_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(value: str) -> date:
    match = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", value))
    if match is None:
        raise Fail("parse.bad_date", value=value)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Fail("parse.bad_date", value=value) from None
