"""The open API under concurrent writes, over real HTTP, on SQLite and PostgreSQL: a new key's
first burst of writes, and the same write sent twice at once. Every call is answered (no 5xx),
every Idempotency-Key posts exactly once, and every repeat gets the first call's answer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from api_server import serving
from stockbot.store.apikeys import create_key
from stockbot.store.models import ApiCall, GoodsReceipt, Posting, UserIdentity

from transcript import Floor

CLIENTS = 16


@pytest.fixture
def floor(db):  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    f.item("M8", stock=100)
    f.item("M6", stock=50)
    return f


@pytest.fixture
def server(floor):  # type: ignore[no-untyped-def]
    with serving(floor.db, floor.runtime) as srv:
        srv.service.api.rate = 10_000  # this file is about concurrency, not the rate limit
        yield srv


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run every call on its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        try:
            answers[n] = calls[n]()
        except Exception as exc:  # a dropped connection is a failure to report, not a hang
            answers[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert all(isinstance(a, httpx.Response) for a in answers), answers
    return answers


def post(client: httpx.Client, key: str, item: str = "M8", qty: str = "5"):  # type: ignore[no-untyped-def]
    return lambda: client.post(
        "/receipts", json={"item": item, "qty": qty}, headers={"Idempotency-Key": key}
    )


def count(db, model, *where) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_a_new_keys_first_burst_of_writes_is_all_answered_and_each_key_posts_once(server, floor):
    """Issue 15's PostgreSQL 503s: the first writes of a new key all created the key's user at
    once, and all but the first failed on its unique identity."""
    items = [f"P{n}" for n in range(CLIENTS)]  # one each: no item lock serialises them
    for code in items:
        floor.item(code, stock=0)
    secret = create_key(server.db, "erp-new", "post")
    clients = [server.client(None, Authorization=f"Bearer {secret}") for _ in range(CLIENTS)]
    answers = at_once([post(c, f"gr-{n}", items[n]) for n, c in enumerate(clients)])
    assert [a.status_code for a in answers] == [201] * CLIENTS, [a.text for a in answers]
    assert count(floor.db, GoodsReceipt) == CLIENTS
    assert count(floor.db, Posting, Posting.doc_type == "gr") == CLIENTS
    assert count(floor.db, UserIdentity, UserIdentity.platform == "api") == 1
    assert [floor.on_hand(floor.item(code)) for code in items] == [5] * CLIENTS


def test_two_identical_writes_at_once_post_once_and_get_the_same_answer(server, floor):
    client = server.client("post")
    first, second = at_once([post(client, "same"), post(client, "same")])
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    replays = [a.headers.get("Idempotent-Replay") for a in (first, second)]
    assert replays.count("true") == 1  # one ran the flow, the other was told its answer
    assert count(floor.db, GoodsReceipt) == 1
    assert floor.on_hand(floor.item("M8")) == 105


def test_a_refusal_is_kept_as_the_answer_and_a_repeat_gets_it_without_running_again(server, floor):
    floor.item("M6", stock=0, warehouse="EAST")
    client = server.client("post")
    moved = {"item": "M6", "qty": "80", "from_location": "MAIN", "to_location": "EAST"}
    send = lambda: client.post("/transfers", json=moved, headers={"Idempotency-Key": "t"})  # noqa: E731
    first = send()
    assert first.status_code == 409, first.text
    floor.item("M6", stock=50)  # now there would be enough: the key's answer stays the refusal
    again = send()
    assert (again.status_code, again.json()) == (409, first.json())
    assert again.headers["Idempotent-Replay"] == "true"
    assert floor.on_hand(floor.item("M6")) == 100


def test_the_key_the_flow_and_the_answer_commit_together(server, floor):
    """One transaction per write: after it, the key's row holds the answer (never a claim
    without one), and the posting the answer names exists."""
    reply = post(server.client("post"), "one")()
    assert reply.status_code == 201
    with floor.db.read() as s:
        call = s.scalar(select(ApiCall).where(ApiCall.idempotency_key == "one"))
        assert call is not None and (call.status, call.response) == (201, reply.json())
        assert s.get(Posting, reply.json()["postings"][0]) is not None
