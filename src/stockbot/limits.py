"""The largest quantity stockbot keeps, shared by the store, the chat parser and the importers.

A dependency-free module so the parser need not import SQLAlchemy; `store/types.py` explains
the choice and enforces it on every quantity column (see its module docstring).
"""

from __future__ import annotations

from decimal import Decimal

SCALE = 6
"""Decimal places every quantity, cost and amount keeps exactly."""
MAX_INTEGER_DIGITS = 12
"""Digits before the decimal point."""
MAX_QTY = Decimal(10) ** MAX_INTEGER_DIGITS - Decimal(1).scaleb(-SCALE)
"""999,999,999,999.999999: the largest |value| of a line, a balance, a daily total, a cost or an
amount, on SQLite and PostgreSQL alike."""
