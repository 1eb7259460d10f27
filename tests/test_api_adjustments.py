"""`POST /api/v1/adjustments` over real HTTP: what another system counted becomes a stocktake
document waiting for approval — the chat's own count, under its rules. Stock changes only when
an approver approves it in chat; the call itself posts nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from api_server import serving
from stockbot.store.models import CountLine, CountSession, Posting

from transcript import Floor


@pytest.fixture
def floor(db):  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    f.item("M8", stock=100, unit_cost=Decimal("0.50"))
    return f


@pytest.fixture
def server(floor):  # type: ignore[no-untyped-def]
    with serving(floor.db, floor.runtime) as srv:
        yield srv


def adjust(client, key: str, **body):  # type: ignore[no-untyped-def]
    body = {"item": "M8", "counted": "95", "location": "MAIN", **body}
    return client.post("/adjustments", json=body, headers={"Idempotency-Key": key})


def counts(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(CountSession)) or 0


def test_a_reported_count_waits_for_approval_and_moves_stock_only_when_approved(server, floor):
    reply = adjust(server.client("post"), "cnt-1", note="annual count, shelf A")
    assert reply.status_code == 201, reply.text
    answer = reply.json()
    assert answer["documents"] == ["CNT-00001"]
    assert answer["states"] == {"CNT-00001": "submitted"}
    assert answer["postings"] == []
    assert answer["message_key"] == "cnt.submitted"
    assert floor.on_hand(floor.item("M8")) == 100  # nothing moves before the approval
    with floor.db.read() as s:
        line = s.scalar(select(CountLine))
        assert line is not None and (line.book_qty, line.counted_qty) == (100, 95)
    assert "cnt.review" in {k for r in floor.inbox("dave") for k in r.keys()}

    approved = floor.say("dave", "/approve CNT-1")
    assert "cnt.approved" in approved.keys()
    assert floor.on_hand(floor.item("M8")) == 95
    with floor.db.read() as s:
        kinds = list(s.scalars(select(Posting.kind).where(Posting.doc_id == "CNT-00001")))
    assert kinds == ["adjustment"]


def test_the_same_key_again_answers_the_same_and_opens_no_second_count(server, floor):
    client = server.client("post")
    first, again = adjust(client, "cnt-2"), adjust(client, "cnt-2")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replay"] == "true"
    assert counts(floor.db) == 1


def test_a_second_count_of_the_same_place_while_one_waits_is_a_conflict(server, floor):
    client = server.client("post")
    assert adjust(client, "a").status_code == 201
    busy = adjust(client, "b", counted="90")
    assert busy.status_code == 409
    assert busy.json()["error"]["code"] == "conflict"
    assert counts(floor.db) == 1


def test_an_item_in_several_batches_needs_the_batch_named(server, floor):
    floor.say("carol", "/receive M8 10 batch L1")
    floor.say("carol", "/receive M8 20 batch L2")
    client = server.client("post")
    unnamed = adjust(client, "u", counted="10")
    assert unnamed.status_code == 422
    assert unnamed.json()["error"]["code"] == "cnt.which_batch"
    named = adjust(client, "n", counted="18", batch="L2")
    assert named.status_code == 201, named.text
    with floor.db.read() as s:
        line = s.scalar(select(CountLine))
        assert line is not None and (line.book_qty, line.counted_qty) == (20, 18)
    assert counts(floor.db) == 1


def test_a_read_key_may_not_adjust_and_an_unknown_place_writes_nothing(server, floor):
    assert adjust(server.client("read"), "r").status_code == 403
    nowhere = adjust(server.client("post"), "p", location="NOWHERE")
    assert nowhere.status_code == 422
    assert nowhere.json()["error"]["code"] == "mv.unknown_place"
    assert counts(floor.db) == 0


def test_a_negative_count_is_refused_before_any_flow(server, floor):
    reply = adjust(server.client("post"), "neg", counted="-1")
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "invalid"
    assert counts(floor.db) == 0
