"""Quantity tokens as typed on the floor: ``20``, ``20pcs``, ``2.5kg``, ``2箱``, ``１２``.

Pure :class:`~decimal.Decimal`, never float: a float would turn ``0.1`` into 0.1000000000000000055…
and the ledger must balance exactly. Bounds (6 decimals, 12 integer digits, i.e. at most
`MAX_QTY`) are the store's own, from :mod:`stockbot.limits`, so anything accepted here can be
posted without rounding or overflow.
Unit conversion (``2箱`` → 24 pcs) belongs to the item, not here: we only split number and unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from stockbot.limits import MAX_INTEGER_DIGITS, MAX_QTY, SCALE

__all__ = [
    "MAX_DECIMAL_PLACES",
    "MAX_INTEGER_DIGITS",
    "MAX_QTY",
    "QuantityError",
    "QuantityText",
    "looks_like_quantity",
    "parse_quantity",
]

MAX_DECIMAL_PLACES = SCALE

# number: 1,000 / 1,000.5 (strict thousands groups) or 20 / 2.5 / .5 ; then an optional unit
# made of letters (any script), optionally ending in one digit (m2, cm3: NFKC of m², cm³).
_NUMBER = r"(?P<sign>[+-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_QTY_RE = re.compile(_NUMBER + r"(?P<unit>[^\W\d_]+\d?)?")
_SCIENTIFIC_RE = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)[eE][+-]?\d+[^\W\d_]*")
_NON_FINITE = frozenset(
    {"nan", "snan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity"}
)


class QuantityError(ValueError):
    """A refused quantity token. ``key`` is an i18n message key, ``params`` its placeholders."""

    def __init__(self, key: str, token: str, **params: str) -> None:
        super().__init__(f"{key}: {token!r}")
        self.key = key
        self.token = token
        self.params: dict[str, str] = {"token": token, **params}


@dataclass(frozen=True, slots=True)
class QuantityText:
    """A parsed quantity: exact positive value and the unit as typed (NFKC-normalised), if any."""

    value: Decimal
    unit: str | None = None
    raw: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.value}{self.unit or ''}"


def _normalise(token: str) -> str:
    """NFKC folds full-width digits/letters/commas (１２，０００ｋｇ → 12,000kg); drop spaces."""
    return "".join(unicodedata.normalize("NFKC", token).split())


def looks_like_quantity(token: str) -> bool:
    """True when *token* has the shape of a quantity (digits first), valid or not.

    The parser uses this to find where the item ends: ``0``, ``-5``, ``1e5`` and ``NaN`` look
    like quantities (and are then refused with a precise message) while ``m8`` or ``abc`` do not.
    """
    text = _normalise(token)
    return bool(text) and (
        _QTY_RE.fullmatch(text) is not None
        or _SCIENTIFIC_RE.fullmatch(text) is not None
        or text.lower() in _NON_FINITE
    )


def parse_quantity(token: str) -> QuantityText:
    """Parse one quantity token or raise :class:`QuantityError` with a message key."""
    text = _normalise(token)
    if not text:
        raise QuantityError("qty.missing", token)
    if text.lower() in _NON_FINITE:
        raise QuantityError("qty.not_finite", token)
    if _SCIENTIFIC_RE.fullmatch(text):
        raise QuantityError("qty.scientific", token)
    match = _QTY_RE.fullmatch(text)
    if match is None:
        raise QuantityError("qty.invalid", token)
    if match["sign"] == "-":
        raise QuantityError("qty.not_positive", token)
    if match["sign"] == "+":
        raise QuantityError("qty.invalid", token)

    number = match["num"].replace(",", "")
    integer_part, _, fraction = number.partition(".")
    integer_digits = integer_part.lstrip("0")
    if len(integer_digits) > MAX_INTEGER_DIGITS:
        raise QuantityError("qty.too_large", token, max=str(MAX_INTEGER_DIGITS))
    if len(fraction.rstrip("0")) > MAX_DECIMAL_PLACES:
        raise QuantityError("qty.too_many_decimals", token, max=str(MAX_DECIMAL_PLACES))
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        raise QuantityError("qty.invalid", token) from None
    if value <= 0:
        raise QuantityError("qty.not_positive", token)
    if value > MAX_QTY:  # pragma: no cover - implied by the digit counts above
        raise QuantityError("qty.too_large", token, max=str(MAX_INTEGER_DIGITS))
    return QuantityText(value=value, unit=match["unit"], raw=token)
