"""Questions the bot asks ("why is it rejected?"), in every document flow alike.

Issue 8, bug 2: Dave presses Reject and is asked for a reason; meanwhile another approver
approves the document. Dave's answer is told once who approved it and when; the question is
then closed, so his next plain message is read as an ordinary message, not as the reason again.
Each document type that asks a reason gets a row in `DOCS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.replies import Reply
from stockbot.store.models import Conversation, Decision

from transcript import Floor


def keys(reply: Reply) -> list[str]:
    """The message keys of a reply (a list: `"k" in keys(reply)` asks about keys, not text)."""
    return reply.keys()


@dataclass(frozen=True)
class Doc:
    """How to bring one document to "waiting for approval", and its two buttons."""

    waiting: Callable[[Floor], None]
    reject: str
    approve: str
    rejecter: str = "dave"
    approver: str = "frank"


def _stocktake_waiting(floor: Floor) -> None:
    floor.item("BOLT-M8", stock=37)
    floor.say("carol", "/count BOLT-M8")
    floor.say("carol", "35")


def _request_waiting(floor: Floor) -> None:
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/request motor 2")


def _purchase_waiting(floor: Floor) -> None:
    floor.item("PUMP", unit_cost=Decimal(300))
    floor.say("erin", "/purchase PUMP 10")


def _receipt_waiting(floor: Floor) -> None:
    from stockbot.store.catalog import ensure_user, grant_role
    from stockbot.store.models import Role

    with floor.db.write() as s:  # a second keeper, so two people may decide the QC
        grant_role(s, ensure_user(s, "console", "kim", "Kim"), Role.KEEPER)
    floor.item("RESIN", needs_qc=True)
    floor.say("alice", "/receive RESIN 10")


DOCS = {
    "CNT": Doc(_stocktake_waiting, "Reject count", "Approve adjustment"),
    "MR": Doc(_request_waiting, "Reject", "Approve"),
    "PR": Doc(_purchase_waiting, "Reject", "Approve"),
    "GR": Doc(_receipt_waiting, "Reject all", "Accept all", rejecter="carol", approver="kim"),
}


@pytest.fixture
def floor(db) -> Floor:
    floor = Floor(db).people()
    floor.item("SPARE", stock=5, name="Spare part")
    return floor


@pytest.mark.parametrize("prefix", sorted(DOCS))
def test_a_reason_given_after_another_approver_decided_is_answered_once(floor, prefix):
    doc = DOCS[prefix]
    doc.waiting(floor)
    asked = floor.press(doc.rejecter, doc.reject)
    floor.press(doc.approver, doc.approve)
    with floor.db.read() as s:
        decisions = len(s.scalars(select(Decision)).all())

    late = floor.say(doc.rejecter, "the count looks wrong")
    after = floor.say(doc.rejecter, "stock SPARE")  # a plain message, not a reason any more
    bystander = floor.say("bea", "stock SPARE")  # what anyone without a question gets

    assert after.plain() == bystander.plain() and "wf.already" not in keys(after)
    assert late.keys() == ["wf.already"] and doc.approver.capitalize() in late.plain()
    assert asked.keys() == ["wf.ask_reason"]
    with floor.db.read() as s:
        assert s.scalars(select(Conversation)).all() == []  # the question is closed
        assert len(s.scalars(select(Decision)).all()) == decisions  # and nothing was decided


def test_a_question_asked_before_the_workflow_existed_is_still_answered(floor):
    """A `mr_reject_reason` row left by the previous version is answered by the workflow."""
    _request_waiting(floor)
    floor.press("dave", "Approve")  # decided meanwhile
    with floor.db.write() as s:
        dave = s.scalar(select(Conversation.user_id).limit(1))  # none yet: make the old row
        from stockbot.store.catalog import find_user

        user = find_user(s, "console", "dave")
        assert user is not None and dave is None
        s.add(Conversation(platform="console", chat_id="group", user_id=user.id,
                           kind="mr_reject_reason", doc_id=1))  # fmt: skip
    late = floor.say("dave", "too expensive")
    assert late.keys() == ["wf.already"]
    with floor.db.read() as s:
        assert s.scalars(select(Conversation)).all() == []
