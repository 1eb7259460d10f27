"""Roles, chat binding, language and the personal inbox (/pending), as conversations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.i18n import help_text, t
from stockbot.replies import strip_markup
from stockbot.store.catalog import find_user
from stockbot.store.models import Chat, Decision, MaterialRequest, User, UserRole, Warehouse
from stockbot.timeutil import set_clock

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


# --- /role ---------------------------------------------------------------------------------------


def test_an_admin_grants_keeper_and_bob_can_then_issue_and_is_told(floor):
    floor.item("BOLT-M8", stock=100)
    floor.say("bea", "/request BOLT-M8 10")
    assert "Only a warehouse keeper" in floor.say("bob", "/issue MR-1").plain()
    reply = floor.say("alice", "/role @bob keeper")
    assert "Bob is now a warehouse keeper" in reply.plain()
    assert "Alice made you a warehouse keeper" in floor.inbox("bob")[0].plain()
    assert "issued by Bob" in floor.say("bob", "/issue MR-1").plain()
    with floor.db.read() as s:
        grant = s.scalars(select(Decision).where(Decision.doc_type == "user")).one()
        assert (grant.action, grant.reason) == ("grant", "keeper")


def test_someone_who_writes_chinese_is_told_of_their_new_role_in_chinese(floor):
    """The role notice is written in the granted person's language, which without `/lang`
    is the one they write in, not the admin's."""
    floor.item("BOLT-M8", stock=100, name="六角螺栓")
    floor.say("bob", "领料 六角螺栓 2")
    floor.say("alice", "/role @bob keeper")
    assert "Alice 已将你设为" in floor.inbox("bob")[-1].plain()


def test_a_non_admin_cannot_grant_roles_and_nothing_is_written(floor):
    before = row_counts(floor.db)
    reply = floor.say("carol", "/role @bea keeper")
    assert "Only an admin" in reply.plain()
    assert row_counts(floor.db) == before


def test_an_approver_limit_is_recorded_and_used(floor):
    floor.item("PRESS", stock=3, unit_cost=Decimal(7000))
    reply = floor.say("alice", "/role @bea approver 8000")
    assert "approval limit 8000" in reply.plain()
    with floor.db.read() as s:
        bea = find_user(s, "console", "bea")
        assert s.get(UserRole, (bea.id, "approver")).amount_limit == Decimal(8000)
    floor.say("bob", "/request press 1")
    assert "over your approval limit" in floor.say("dave", "/approve MR-1").plain()
    assert "approved by Bea" in floor.say("bea", "/approve MR-1").plain()
    raised = floor.say("alice", "/role @dave approver 9000")
    assert "Dave is now an approver (approval limit 9000)" in raised.plain()


def test_granting_a_role_someone_already_holds_changes_nothing(floor):
    before = row_counts(floor.db)
    reply = floor.say("alice", "/role @carol keeper")
    assert "Carol is already a warehouse keeper" in reply.plain()
    assert row_counts(floor.db) == before


def test_a_limit_for_a_role_other_than_approver_is_refused(floor):
    before = row_counts(floor.db)
    assert "approvers only" in floor.say("alice", "/role @bob keeper 500").plain()
    assert row_counts(floor.db) == before


def test_an_admin_can_pre_grant_a_role_to_someone_not_seen_yet(floor):
    floor.item("BOLT-M8", stock=100)
    floor.say("bea", "/request BOLT-M8 10")
    reply = floor.say("alice", "/role @zoe keeper")
    assert "zoe is now a warehouse keeper" in reply.plain()
    assert "issued by zoe" in floor.say("zoe", "/issue MR-1").plain()


def test_a_user_is_found_by_display_name_whatever_the_case(floor):
    floor.say("alice", "/role @BEA purchaser")
    with floor.db.read() as s:
        bea = find_user(s, "console", "bea")
        assert s.get(UserRole, (bea.id, "purchaser")) is not None
        assert s.scalar(select(User).where(User.display_name == "BEA")) is None


# --- /bind and /lang -----------------------------------------------------------------------------


def test_binding_a_chat_to_a_warehouse_and_language_steers_later_requests(floor):
    floor.item("BOLT-M8", stock=5)
    floor.item("BOLT-M8", stock=40, warehouse="WH2")
    reply = floor.say("alice", "/bind WH2 zh-Hans")
    assert "本群已绑定到仓库 WH2" in reply.plain()
    answer = floor.say("bob", "/request BOLT-M8 20")
    assert "已为 Bob 预留" in answer.plain()
    with floor.db.read() as s:
        wh2 = s.scalar(select(Warehouse.id).where(Warehouse.code == "WH2"))
        assert s.get(MaterialRequest, 1).warehouse_id == wh2
        chat = s.scalars(select(Chat)).one()
        assert (chat.platform, chat.platform_chat_id, chat.language) == (
            "console",
            "group",
            "zh-Hans",
        )
    other = floor.say("bob", "/request BOLT-M8 20", chat="elsewhere")  # unbound chat: MAIN
    assert "short by 15 pcs" in other.plain()


def test_binding_to_an_unknown_warehouse_is_refused_with_the_known_ones(floor):
    floor.item("BOLT-M8", stock=5)
    floor.item("NUT-M8", stock=5, warehouse="WH2")
    before = row_counts(floor.db)
    reply = floor.say("alice", "/bind NOPE")
    assert "There is no warehouse “NOPE”" in reply.plain() and "MAIN, WH2" in reply.plain()
    assert "Only an admin" in floor.say("carol", "/bind WH2").plain()
    assert row_counts(floor.db) == before


def test_a_users_language_override_makes_replies_traditional(floor):
    floor.item("BOLT-M8", stock=5)
    reply = floor.say("bob", "/lang zh-Hant")
    assert "繁體中文" in reply.plain()
    help_reply = floor.say("bob", "/help")
    offered = floor.runtime.offered
    assert help_reply.plain() == strip_markup(help_text(None, "zh-Hant", offered))
    assert help_reply.plain() != strip_markup(help_text(None, "zh-Hans", offered))
    assert t("qty.on_hand", "zh-Hant") in floor.say("bob", "/stock BOLT-M8").plain()
    assert "在庫" in floor.say("bob", "/stock BOLT-M8").plain()
    assert "On hand" in floor.say("bea", "/stock BOLT-M8").plain()  # only Bob's replies


def test_a_users_language_wins_over_the_chats(floor):
    floor.item("BOLT-M8", stock=5)
    floor.say("alice", "/bind MAIN zh-Hans")
    floor.say("bob", "/lang en")
    assert "On hand" in floor.say("bob", "/stock BOLT-M8").plain()
    assert "在库" in floor.say("bea", "/stock BOLT-M8").plain()


# --- /pending ------------------------------------------------------------------------------------


def test_pending_shows_an_approver_the_requests_they_may_approve(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.item("PRESS", stock=3, unit_cost=Decimal(9000))
    floor.say("bob", "/request motor 2")
    floor.say("bob", "/request press 1")  # over Dave's limit
    floor.say("dave", "/request motor 1")  # his own
    reply = floor.say("dave", "/pending")
    text = reply.plain()
    assert "To approve" in text and "MR-00001" in text and "MOTOR 2 pcs" in text
    assert "MR-00002" not in text and "MR-00003" in text  # his own: under "Your open requests"
    assert [b.label for b in reply.buttons()] == ["Approve MR-00001"]
    assert "approved by Dave" in floor.press("dave", "Approve MR-00001").plain()
    assert "MR-00002" in floor.say("frank", "/pending").plain()


def test_pending_shows_the_keeper_what_to_issue_and_issues_not_confirmed_in_a_day(floor):
    start = datetime.now(UTC)
    set_clock(lambda: start)
    floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 20")
    floor.press("carol", "Issue 20")
    floor.say("bea", "/request BOLT-M8 5 for WO-4")
    fresh = floor.say("carol", "/pending").plain()
    assert "not confirmed within a day" not in fresh
    set_clock(lambda: start + timedelta(hours=25))
    reply = floor.say("carol", "/pending")
    text = reply.plain()
    assert "To issue" in text and "MR-00002" in text and "WO-4" in text
    assert "Issued but not confirmed within a day" in text
    assert "MR-00001 · BOLT-M8 20 pcs · Bob · issued 25 h ago" in text
    assert "Issue MR-00002 (5 pcs)" in [b.label for b in reply.buttons()]
    assert "issued by Carol" in floor.press("carol", "Issue MR-00002").plain()


def test_pending_shows_everyone_their_own_open_requests(floor):
    floor.item("BOLT-M8", stock=100)
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/request BOLT-M8 20")
    floor.say("bob", "/request motor 2")
    floor.say("bea", "/request BOLT-M8 3")
    floor.say("carol", "/issue MR-1")
    reply = floor.say("bob", "/pending")
    text = reply.plain()
    assert "Your open requests" in text
    assert "MR-00001" in text and "issued" in text
    assert "MR-00002" in text and "waiting for approval" in text
    assert "MR-00003" not in text and "To issue" not in text
    assert "received by Bob" in floor.press("bob", "Confirm MR-00001").plain()


def test_pending_for_someone_with_nothing_to_do_says_so_and_writes_nothing(floor):
    before = row_counts(floor.db)
    reply = floor.say("newcomer", "待办")
    assert "没有待办" in reply.plain()
    assert "Nothing waits for you" in floor.say("bea", "/pending").plain()
    assert row_counts(floor.db) == before


@pytest.mark.parametrize(
    "text",
    [
        "/role",
        "/role bob keeper",
        "/role @bob wizard",
        "/role @bob approver -5",
        "/role @bob approver abc",
        "/bind",
        "/lang",
        "/lang klingon",
        "/pending now",
    ],
)
def test_bad_admin_input_gets_a_clear_message_and_writes_nothing(floor, text):
    before = row_counts(floor.db)
    reply = floor.say("alice", text)
    assert reply.plain() and "went wrong" not in reply.plain()
    assert row_counts(floor.db) == before


def test_pending_lists_purchase_requests_an_approver_may_approve(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 1000")
    reply = floor.say("dave", "/pending")
    assert "PR-00001" in reply.plain() and "BOLT-M8 1000 pcs" in reply.plain()
    assert "Approve PR-00001" in [b.label for b in reply.buttons()]
    assert "approved by Dave" in floor.press("dave", "Approve PR-00001").plain()
    assert "PR-00001" not in floor.say("frank", "/pending").plain()
    assert "PR-00001" not in floor.say("bob", "/pending").plain()  # ordered: no longer open


# --- /link: one person on several platforms ---------------------------------------------------


def _on(floor, platform: str, uid: str, text: str):  # type: ignore[no-untyped-def]
    from stockbot.commands.inbound import Inbound

    return floor.runtime.handle(
        Inbound(platform=platform, user_id=uid, chat_id=f"{platform}-dm", text=text)
    )


def test_an_admin_links_a_telegram_identity_and_the_roles_follow(floor):
    floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 5")
    assert "Only a warehouse keeper" in _on(floor, "telegram", "777", "/issue MR-1").plain()
    reply = floor.say("alice", "/link @carol telegram:777")
    assert "telegram:777 is now Carol too" in reply.plain()
    assert "issued by Carol" in _on(floor, "telegram", "777", "/issue MR-1").plain()


def test_an_identity_with_its_own_history_is_not_moved(floor):
    floor.item("BOLT-M8", stock=100)
    _on(floor, "telegram", "888", "/request BOLT-M8 1")  # acted on its own: has a history
    before = row_counts(floor.db)
    reply = floor.say("alice", "/link @carol telegram:888")
    assert "already acts as" in reply.plain()
    assert row_counts(floor.db) == before


def test_only_admins_link_and_a_malformed_identity_is_refused(floor):
    before = row_counts(floor.db)
    assert "Only an admin" in floor.say("bob", "/link @bob telegram:1").plain()
    assert "is not an identity" in floor.say("alice", "/link @bob 12345").plain()
    assert row_counts(floor.db) == before


# --- /pending: who can act on every waiting document (issue 8, bug 4) ---------------------------


def _block(reply, key: str) -> str:  # type: ignore[no-untyped-def]
    """The text of the /pending section `key` ("" when the section is absent)."""
    return next((b.plain() for b in reply.blocks if getattr(b, "key", None) == key), "")


def test_pending_names_who_can_act_on_each_waiting_request(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/request motor 2")  # 1,600: dave, frank, alice
    floor.say("bob", "/purchase BOLT-M8 1000")  # 500: dave, frank, alice
    mine = _block(floor.say("bob", "/pending"), "pending.mine")
    assert "MR-00001" in mine and "PR-00001" in mine
    assert mine.count("Alice, Dave, Frank") == 2
    to_approve = _block(floor.say("dave", "/pending"), "pending.to_approve")
    assert "MR-00001" in to_approve and "PR-00001" in to_approve
    assert "Alice, Dave, Frank" in to_approve


def test_pending_lists_a_second_level_for_exactly_the_people_who_can_give_it(floor):
    floor.item("PRESS", unit_cost=Decimal(2000))
    floor.say("bob", "/purchase press 100")  # 200,000
    floor.say("dave", "/approve PR-1")  # level 1 (dave's 5,000 covers the threshold)
    assert "PR-00001" not in floor.say("dave", "/pending").plain()  # gave level 1
    assert "PR-00001" not in floor.say("frank", "/pending").plain()  # 100,000 < 200,000
    reply = floor.say("alice", "/pending")
    assert "PR-00001" in _block(reply, "pending.to_approve") and "L2/2" in reply.plain()
    assert "Approve PR-00001" in [b.label for b in reply.buttons()]
    assert "Alice" in _block(floor.say("bob", "/pending"), "pending.mine")
    assert floor.press("alice", "Approve PR-00001").keys()[0] == "pr.ordered"


def test_pending_shows_open_shortages_to_purchasers_with_the_purchase_that_resolves_them(floor):
    floor.item("BOLT-M8", stock=5, reorder_qty=Decimal(200), unit_cost=Decimal("0.5"))
    floor.item("NUT-M8", stock=1)
    floor.say("bob", "/request BOLT-M8 20")
    floor.press("bob", "Request purchase")
    floor.say("bea", "/request NUT-M8 3 for WO-5")
    for who in ("erin", "alice"):
        shortages = _block(floor.say(who, "/pending"), "pending.shortages")
        assert "SH-00001" in shortages and "PR-00001 (waiting for approval)" in shortages
        assert "SH-00002" in shortages and "WO-5" in shortages and "no purchase yet" in shortages
    assert "SH-00001" not in floor.say("bob", "/pending").plain()  # staff: not theirs to buy


# --- whom an admin names (issue 9: only identities, never display names) -------------------------


def test_on_the_console_at_name_is_the_console_user_and_an_identity_may_be_typed(floor):
    floor.say("alice", "/role console:zoe keeper")
    floor.say("alice", "/role @Yan purchaser")  # never seen: console ids are names
    with floor.db.read() as s:
        assert s.get(UserRole, (find_user(s, "console", "zoe").id, "keeper")) is not None
        assert s.get(UserRole, (find_user(s, "console", "Yan").id, "purchaser")) is not None


def test_naming_nobody_or_an_impossible_identity_gets_its_own_answer_and_writes_nothing(floor):
    before = row_counts(floor.db)
    assert "admin.name_whom" in floor.say("alice", "/role keeper").keys()
    assert "parse.identity_too_long" in floor.say("alice", "/link @bob slack:" + "U" * 1000)
    assert "parse.bad_identity" in floor.say("alice", "/role telegram:frank keeper")
    assert "parse.identity_too_long" in floor.say("alice", "/role @" + "x" * 300 + " keeper")
    assert row_counts(floor.db) == before
