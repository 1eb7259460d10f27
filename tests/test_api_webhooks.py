"""Webhooks: events from the outbox, signed, retried until a failing receiver recovers."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from api_server import serving
from stockbot.api.webhooks import verify
from stockbot.store.apikeys import add_webhook, remove_webhook
from stockbot.store.models import OutboxMessage

from transcript import Floor


class Receiver:
    """A loopback HTTP endpoint that answers 503 to its first `fail` calls, then 200."""

    def __init__(self, fail: int) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.fail = fail
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.calls.append((dict(self.headers), body))
                self.send_response(503 if len(outer.calls) <= outer.fail else 200)
                self.end_headers()

            def log_message(self, *_args) -> None:  # type: ignore[no-untyped-def]
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def answered(self) -> bool:
        return len(self.calls) > self.fail


@pytest.fixture
def floor(db):  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    f.item("M8", stock=100)
    return f


def test_a_posting_reaches_the_webhook_signed_and_retried_until_the_receiver_recovers(floor):
    receiver = Receiver(fail=2)
    hook_id, secret = add_webhook(floor.db, receiver.url, ["stock.posted"])
    with serving(floor.db, floor.runtime) as server:
        client = server.client("post")
        posted = client.post(
            "/receipts", json={"item": "M8", "qty": "20"}, headers={"Idempotency-Key": "w1"}
        )
        assert posted.status_code == 201
        deadline = time.monotonic() + 30  # backoff: ~1 s, then ~2 s
        while not receiver.answered and time.monotonic() < deadline:
            server.run(server.service.dispatch_once())
            time.sleep(0.1)
    receiver.httpd.shutdown()
    assert len(receiver.calls) == 3
    assert len({h["Stockbot-Event-Id"] for h, _ in receiver.calls}) == 1  # one event, 3 tries
    headers, body = receiver.calls[-1]
    assert verify(secret, headers["Stockbot-Signature"], body)
    assert not verify("whsec_other", headers["Stockbot-Signature"], body)
    event = json.loads(body)
    assert event["type"] == "stock.posted" and event["id"] == headers["Stockbot-Event-Id"]
    assert event["data"]["posting_id"] == posted.json()["postings"][0]
    assert [(m["item"], m["qty"]) for m in event["data"]["movements"]] == [("M8", "20")]
    with floor.db.read() as s:
        assert s.scalars(
            select(OutboxMessage.state).where(OutboxMessage.platform == "webhook")
        ).all() == ["delivered"]
    assert remove_webhook(floor.db, hook_id)


def test_a_shortage_is_announced_to_the_hooks_that_asked_and_nothing_to_the_others(floor):
    add_webhook(floor.db, "http://127.0.0.1:9/shortages", ["shortage.opened"])
    add_webhook(floor.db, "http://127.0.0.1:9/stock", ["stock.posted"])
    floor.say("sam", "/request M8 500")
    with floor.db.read() as s:
        rows = s.execute(
            select(OutboxMessage.target, OutboxMessage.payload).where(
                OutboxMessage.platform == "webhook"
            )
        ).all()
    assert [(t, p["type"], p["data"]["item"]) for t, p in rows] == [("1", "shortage.opened", "M8")]
