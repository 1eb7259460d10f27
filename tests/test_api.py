"""The open API over real HTTP: keys and scopes, reads, idempotent writes through the flows,
refusals in the caller's language, pagination that neither skips nor repeats."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from api_server import serving
from stockbot.i18n import tm
from stockbot.store.apikeys import list_keys, revoke_key
from stockbot.store.models import GoodsReceipt, Movement, Posting

from transcript import Floor


@pytest.fixture
def floor(db):  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    f.item("M8", stock=100, name="M8 bolt", barcode="6901234567890")
    f.item("M6", stock=5)
    return f


@pytest.fixture
def server(floor):  # type: ignore[no-untyped-def]
    with serving(floor.db, floor.runtime) as srv:
        yield srv


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def receipt(client, key: str, item: str = "M8", qty: str = "20", **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/receipts", json={"item": item, "qty": qty, **extra}, headers={"Idempotency-Key": key}
    )


# --- keys and scopes ------------------------------------------------------------------------


def test_a_call_without_a_key_or_with_a_wrong_one_is_unauthorized(server):
    assert server.client(None).get("/items/M8").status_code == 401
    wrong = server.client(None, Authorization="Bearer sbk_00000000_nope")
    reply = wrong.get("/items/M8")
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "unauthorized"


def test_a_read_key_reads_but_may_not_post(server, floor):
    reader = server.client("read")
    assert reader.get("/items/M8").status_code == 200
    refused = receipt(reader, "r1")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert floor.on_hand(floor.item("M8")) == 100


def test_a_revoked_key_no_longer_opens_anything(server):
    server.service.api.key_ttl = 0  # the check at every call, not within the second
    client = server.client("read", name="old-erp")
    assert client.get("/items/M8").status_code == 200
    assert revoke_key(server.db, "old-erp")
    assert client.get("/items/M8").status_code == 401
    assert [k.revoked_at is not None for k in list_keys(server.db) if k.name == "old-erp"] == [True]


# --- reads ------------------------------------------------------------------------------------


def test_an_item_by_code_and_by_barcode_shows_the_five_quantities(server):
    client = server.client("read")
    by_code = client.get("/items/M8").json()
    by_barcode = client.get("/items/by-barcode/6901234567890").json()
    assert by_code == by_barcode
    q = {k: Decimal(v) for k, v in by_code["quantities"].items()}
    assert q == {"on_hand": 100, "reserved": 0, "available": 100, "on_order": 0, "projected": 100}
    assert client.get("/items/NOPE").status_code == 404


def test_the_item_search_is_the_chats_fuzzy_lookup(server):
    found = server.client("read").get("/items", params={"q": "m8 bolt"}).json()["data"]
    assert found[0]["code"] == "M8"


def test_balances_are_per_location_and_batch(server):
    rows = server.client("read").get("/balances", params={"item": "M6"}).json()["data"]
    assert [(r["item"], r["warehouse"], Decimal(r["on_hand"])) for r in rows] == [("M6", "MAIN", 5)]


def test_a_bad_cursor_or_limit_is_refused_not_crashed(server):
    client = server.client("read")
    assert client.get("/movements", params={"cursor": "garbage!"}).json()["error"]["code"] == (
        "bad_cursor"
    )
    assert client.get("/items", params={"limit": "0"}).status_code == 422


# --- writes -----------------------------------------------------------------------------------


def test_the_same_idempotency_key_twice_posts_once_and_answers_the_same(server, floor):
    client = server.client("post")
    before = count(floor.db, Posting)
    first = receipt(client, "erp-gr-1")
    again = receipt(client, "erp-gr-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replay"] == "true"
    assert first.json()["message_key"] == "gr.received"
    assert count(floor.db, Posting) == before + 1
    assert count(floor.db, GoodsReceipt) == 1
    assert floor.on_hand(floor.item("M8")) == 120


def test_a_write_without_an_idempotency_key_is_refused(server, floor):
    reply = server.client("post").post("/receipts", json={"item": "M8", "qty": "1"})
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "idempotency_key_required"
    assert count(floor.db, GoodsReceipt) == 0


def test_a_reused_key_with_another_body_is_refused(server):
    client = server.client("post")
    assert receipt(client, "k", qty="1").status_code == 201
    assert receipt(client, "k", qty="2").json()["error"]["code"] == "idempotency_key_reused"


def test_an_unknown_item_is_422_with_the_chats_words_in_the_callers_language(server, floor):
    client = server.client("post", **{"Accept-Language": "zh-CN,zh;q=0.9"})
    reply = receipt(client, "u1", item="NO-SUCH")
    assert reply.status_code == 422
    assert reply.json()["error"] == {
        "code": "item.none",
        "message": tm("item.none", "zh-Hans", query="NO-SUCH"),
    }
    assert count(floor.db, GoodsReceipt) == 0


def test_moving_more_than_there_is_is_a_conflict_and_moves_nothing(server, floor):
    client = server.client("post")
    reply = client.post(
        "/transfers",
        json={"item": "M6", "qty": "9", "from_location": "MAIN", "to_location": "MAIN/B1"},
        headers={"Idempotency-Key": "t1"},
    )
    assert reply.status_code in (409, 422), reply.text
    assert floor.on_hand(floor.item("M6")) == 5


def test_a_purchase_request_goes_through_the_purchase_flow(server):
    reply = server.client("post").post(
        "/purchase-requests", json={"item": "M6", "qty": "50"}, headers={"Idempotency-Key": "p1"}
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["documents"][0].startswith("PR-")


def test_a_body_that_is_not_a_receipt_is_422_and_an_oversized_one_413(server):
    client = server.client("post")
    bad = client.post(
        "/receipts", json={"item": "M8", "qty": "-1"}, headers={"Idempotency-Key": "b"}
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid"
    huge = client.post(
        "/receipts",
        content=b'{"item": "M8", "qty": "1", "note": "' + b"x" * 100_000 + b'"}',
        headers={"Idempotency-Key": "h", "Content-Type": "application/json"},
    )
    assert huge.status_code == 413


def test_a_key_that_calls_too_fast_is_told_to_wait(server):
    server.service.api.rate = 5
    client = server.client("read")
    codes = [client.get("/items/M8").status_code for _ in range(20)]
    assert 429 in codes and codes[0] == 200


def test_every_call_is_recorded_with_the_keys_name_as_the_actor(server):
    seen = []
    server.service.runtime.watchers.append(seen.append)
    server.client("post", name="kingdee").get("/items/M8")
    assert [(h.platform, h.user, h.command) for h in seen] == [("api", "kingdee", "api:items_get")]


# --- pagination while postings happen ---------------------------------------------------------


def test_movement_pages_neither_skip_nor_repeat_while_postings_happen(server, floor):
    server.service.api.rate = 10_000  # this test counts rows, not the limit
    reader = server.client("read")
    writers = [server.client("post", name=f"w{n}") for n in range(3)]
    done = threading.Event()

    def post(n: int) -> None:
        for i in range(15):
            receipt(writers[n], f"{n}-{i}", qty="1")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    seen: list[int] = []
    cursor = None
    while not done.is_set():
        if not any(t.is_alive() for t in threads):
            done.set()  # one more page after the last posting committed
        page = reader.get("/movements", params={"limit": 7, "cursor": cursor or ""}).json()
        seen += [m["id"] for m in page["data"]]
        cursor = page["next_cursor"]
    while True:
        page = reader.get("/movements", params={"limit": 50, "cursor": cursor}).json()
        if not page["data"]:
            break
        seen += [m["id"] for m in page["data"]]
        cursor = page["next_cursor"]
    with floor.db.read() as s:
        every = list(s.scalars(select(Movement.id).order_by(Movement.id)))
    assert seen == every
    assert len(every) == 2 + 45


def test_text_with_control_or_invisible_characters_is_refused_before_any_flow(server, floor):
    client = server.client("post")
    for n, note in enumerate([r"nul\u0000here", r"M\u200b8", r"\ud800"]):  # JSON escapes
        reply = client.post(
            "/receipts",
            content=b'{"item": "M8", "qty": "1", "note": "' + note.encode() + b'"}',
            headers={"Idempotency-Key": f"c{n}", "Content-Type": "application/json"},
        )
        assert reply.status_code == 422, note
        assert reply.json()["error"]["code"] == "invalid"
    assert count(floor.db, GoodsReceipt) == 0


def test_a_query_or_path_with_a_nul_is_refused_not_sent_to_the_database(server):
    client = server.client("read")
    assert client.get("/items/M%008").status_code == 422
    assert client.get("/balances", params={"item": "M\x008"}).json()["error"]["code"] == "invalid"
