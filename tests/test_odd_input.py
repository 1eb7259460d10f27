"""Odd input gets a specific answer, never "something went wrong" (issue 9, item 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stockbot.i18n import t

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


@pytest.mark.parametrize("data", ["stock:99999999999999999999", "stock:９", "stock:-1"])
def test_a_stock_button_with_an_impossible_item_id_is_stale_not_a_crash(floor, data):
    before = row_counts(floor.db)
    reply = floor.press_id("bob", data)
    assert reply.plain() == t("button.stale", "en")
    assert row_counts(floor.db) == before


def test_rejecting_ones_own_request_says_reject(floor):
    floor.item("PRESS", stock=3, unit_cost=Decimal(7000))
    floor.say("frank", "/request press 1")
    reply = floor.say("frank", "/reject MR-1 not needed")
    assert "wf.not_requester" in reply.keys() or "cannot reject" in reply.plain()
    assert "cannot reject your own" in reply.plain() and "approve" not in reply.plain()
