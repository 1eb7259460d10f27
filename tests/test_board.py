"""The live stock board over real HTTP: a person gets a signed link from `/board` in chat, the page
shows the fixture factory's numbers in their language, staff never receive money, and a
tampered, expired or revoked link is a 403. SQLite by default, PostgreSQL with
STOCKBOT_TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import aiohttp
from sqlalchemy import func, select, update

from stockbot.i18n import t
from stockbot.service import Service
from stockbot.store.db import Database
from stockbot.store.models import BoardLink, MaterialRequest, Posting, User
from stockbot.timeutil import set_clock, utcnow
from test_ops import serve, until

from transcript import Floor, row_counts


def factory(db: Database) -> Floor:
    """Two warehouses; bolts worth 10 × 2.50 + 4 × 2.50, nuts 100 × 0.10, a washer out of
    stock, a spring below its safety stock, bob's request waiting for approval, and bea's
    request for more springs than there are (an open shortage incident)."""
    floor = Floor(db).people()
    floor.item("M8-BOLT", 10, category="fasteners", unit_cost=Decimal("2.50"))
    floor.item("M8-BOLT", 4, warehouse="EAST")
    floor.item("M8-NUT", 100, category="fasteners", unit_cost=Decimal("0.10"))
    floor.item("WASHER", 0, category="fasteners", unit_cost=Decimal("0.05"), safety_stock=50)
    floor.item("SPRING", 3, category="springs", unit_cost=Decimal("1.00"), safety_stock=20)
    floor.item("MOTOR", 5, category="motors", unit_cost=Decimal("400"), needs_approval=True)
    floor.say("bob", "/request MOTOR 1")
    assert "shortage.title" in floor.say("bea", "/request SPRING 10").keys()
    return floor


def link(floor: Floor, who: str) -> str:
    """The board link `who` receives privately after saying `/board`; returns `/board?k=…`."""
    reply = floor.say(who, "/board")
    assert "board.sent" in reply.keys()
    texts = [b.text for r in floor.inbox(who) for b in r.blocks if getattr(b, "key", "")]
    url = next(u for x in texts for u in re.findall(r"https?://\S+/board\?k=\S+", x))
    return "/board?k=" + parse_qs(urlparse(url).query)["k"][0]


def service(floor: Floor) -> Service:
    return Service(db=floor.db, settings=floor.runtime.settings, runtime=floor.runtime)


async def fetch(svc: Service, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{svc.port}{path}") as r,
    ):
        return r.status, await r.text()


def pages(floor: Floor, *paths: str) -> list[tuple[int, str]]:
    svc = service(floor)

    async def scenario() -> list[tuple[int, str]]:
        return [await fetch(svc, p) for p in paths]

    return serve(svc, scenario)


def kpi(html: str, ident: str) -> str:
    m = re.search(rf'id="{ident}"[^>]*><b>([^<]+)</b>', html)
    assert m, f"no {ident} on the page"
    return m.group(1)


def test_an_admin_sees_the_factorys_total_value_by_category_warehouse_and_its_problems(db):
    floor = factory(db)
    ((status, html),) = pages(floor, link(floor, "alice"))
    assert status == 200
    # 14 × 2.50 + 100 × 0.10 + 3 × 1.00 + 5 × 400 = 35 + 10 + 3 + 2000
    assert kpi(html, "total-value") == "CNY 2,048.00"
    assert kpi(html, "stockouts-n") == "1" and "WASHER" in html
    assert kpi(html, "below-n") == "1" and "SPRING" in html
    assert kpi(html, "waiting-n") == "1" and "MOTOR" in html
    assert kpi(html, "shortages-n") == "1"
    assert re.search(r'<section id="shortages">.*SPRING.*</section>', html, re.S)
    assert re.search(r"<td>fasteners</td><td class=\"n\">45.00</td><td class=\"n\">2</td>", html)
    assert re.search(r"<td>EAST</td><td class=\"n\">10.00</td><td class=\"n\">1</td>", html)
    assert t("board.total_value", "en") in html


def test_staff_see_quantities_and_documents_but_no_money(db):
    floor = factory(db)
    ((status, html),) = pages(floor, link(floor, "bob"))
    assert status == 200
    assert 'id="total-value"' not in html
    assert 'data-key="board.no_values"' in html
    assert "2,048" not in html and "45.00" not in html and "400" not in html
    assert kpi(html, "stockouts-n") == "1" and kpi(html, "waiting-n") == "1"


def test_the_language_switch_gives_the_same_numbers_in_simplified_and_traditional_chinese(db):
    floor = factory(db)
    path = link(floor, "alice")
    (_, en), (_, hans), (_, hant) = pages(
        floor, path, path + "&lang=zh-Hans", path + "&lang=zh-Hant"
    )
    assert t("board.title", "zh-Hans") in hans and t("board.title", "zh-Hant") in hant
    assert t("board.title", "zh-Hans") != t("board.title", "zh-Hant")
    assert '<html lang="zh-Hant">' in hant
    assert {kpi(p, "total-value") for p in (en, hans, hant)} == {"CNY 2,048.00"}


def test_the_board_opens_in_the_language_its_owner_writes_in(db):
    """No `/lang`, but alice writes Chinese: her link opens the board in Chinese."""
    floor = factory(db)
    path = link(floor, "alice")
    with db.write() as s:
        s.execute(update(User).where(User.display_name == "Alice").values(wrote_language="zh-Hans"))
    ((status, html),) = pages(floor, path)
    assert status == 200 and '<html lang="zh-Hans">' in html


def test_a_tampered_expired_or_revoked_link_is_refused_with_403(db):
    floor = factory(db)
    good = link(floor, "alice")
    expired = link(floor, "carol")
    with db.write() as s:
        s.execute(
            update(BoardLink)
            .where(BoardLink.id == expired.split("=")[1].split(".")[0])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    revoked = link(floor, "dave")
    assert "board.revoked" in floor.say("dave", "/board revoke").keys()
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    got = pages(floor, tampered, expired, revoked, "/board", "/board/version?k=x.y", good)
    assert [status for status, _ in got] == [403, 403, 403, 403, 403, 200]
    assert 'data-key="board.denied"' in got[0][1]


def test_board_with_a_word_it_does_not_know_answers_the_usage_and_writes_nothing(db):
    floor = factory(db)
    before = row_counts(db)
    for text in ("/board please", "看板 '; DROP TABLE board_links; --", "/board revoke all"):
        assert "parse.board_word" in floor.say("erin", text).keys()
    assert row_counts(db) == before


def test_board_revoke_writes_nothing_for_someone_without_links_and_says_so(db):
    floor = factory(db)
    reply = floor.say("erin", "看板 撤销")
    assert "board.revoked" in reply.keys()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(BoardLink)) == 0


def test_the_event_stream_announces_a_new_version_when_a_posting_commits(db):
    floor = factory(db)
    path = link(floor, "carol")
    svc = service(floor)

    async def scenario() -> list[str]:
        seen: list[str] = []
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{svc.port}{path.replace('/board', '/board/events')}") as r,
        ):
            assert r.headers["Content-Type"].startswith("text/event-stream")

            async def read() -> None:
                async for line in r.content:
                    text = line.decode().strip()
                    if text.startswith("data:"):
                        seen.append(text.removeprefix("data:").strip())
                        if len(seen) == 2:
                            return

            reader = asyncio.create_task(read())
            await until(lambda: _true(len(seen) == 1), 5)
            await asyncio.get_running_loop().run_in_executor(
                None, floor.say, "carol", "/receive M8-NUT 5"
            )
            await asyncio.wait_for(reader, 2.0)
        return seen

    first, second = serve(svc, scenario)
    assert second != first
    with db.read() as s:
        newest = s.scalar(select(func.max(Posting.id)))
    assert second.split(".")[0] == str(newest)  # the receipt's posting is in the version


async def _true(v: bool) -> bool:
    return v


def test_the_version_endpoint_follows_postings_made_elsewhere(db):
    floor = factory(db)
    path = link(floor, "carol").replace("/board", "/board/version")
    svc = service(floor)

    async def scenario() -> list[Any]:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{svc.port}{path}") as r:
                before = (await r.json())["version"]
            floor.item("M8-NUT", 1)  # a posting with no chat around it (an import, a replica)
            async with http.get(f"http://127.0.0.1:{svc.port}{path}") as r:
                return [before, (await r.json())["version"]]

    before, after = serve(svc, scenario)
    assert after != before


def test_an_open_board_does_not_hold_up_the_service_when_it_stops(db):
    floor = factory(db)
    path = link(floor, "carol").replace("/board", "/board/events")
    svc = service(floor)

    async def main() -> float:
        await svc.start(host="127.0.0.1", port=0)
        async with aiohttp.ClientSession() as http:
            r = await http.get(f"http://127.0.0.1:{svc.port}{path}")
            async for line in r.content:  # the stream is open: its first event came
                if line.startswith(b"data:"):
                    break
            start = time.monotonic()
            await asyncio.wait_for(svc.stop(), 10)
            r.close()
            return time.monotonic() - start

    assert asyncio.run(main()) < 5


def _waiting(html: str) -> list[str]:
    """The document numbers in the page's "waiting for approval" section."""
    m = re.search(r'<section id="waiting">(.*?)</section>', html, re.S)
    assert m, "no waiting section"
    return re.findall(r"\b(?:MR|PR|CNT)-\d{5}\b", m.group(1))


def test_a_request_raised_in_chat_reaches_the_open_boards_waiting_list_within_two_seconds(db):
    """No stock moves when a request waits for approval: the board hears of it from the
    unit of work's `DocumentDecided`, not from a posting."""
    floor = factory(db)
    path = link(floor, "carol")
    svc = service(floor)

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        seen: list[str] = []
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{svc.port}"
            async with http.get(f"{base}{path}&partial=1") as r:
                before = _waiting(await r.text())
            async with http.get(base + path.replace("/board", "/board/events")) as r:

                async def read() -> None:
                    async for line in r.content:
                        text = line.decode().strip()
                        if text.startswith("data:"):
                            seen.append(text.removeprefix("data:").strip())
                            if len(seen) == 2:
                                return

                reader = asyncio.create_task(read())
                await until(lambda: _true(len(seen) == 1), 5)
                await asyncio.get_running_loop().run_in_executor(
                    None, floor.say, "bob", "/request MOTOR 2"
                )
                await asyncio.wait_for(reader, 2.0)
            async with http.get(f"{base}{path}&partial=1") as r:
                after = _waiting(await r.text())
        return seen, before, after

    (first, second), before, after = serve(svc, scenario)
    with db.read() as s:
        newest = s.scalar(select(func.max(MaterialRequest.id)))
    raised = f"MR-{newest:05d}"
    assert raised not in before and raised in after
    assert first.split(".")[0] == second.split(".")[0]  # no posting: the same newest posting
    assert second != first


def test_the_version_moves_on_at_the_factorys_midnight_when_purchase_orders_fall_overdue(db):
    floor = factory(db)
    path = link(floor, "carol").replace("/board", "/board/version")
    now = utcnow()
    with db.write() as s:  # the link outlives the night
        s.execute(update(BoardLink).values(expires_at=now + timedelta(days=3)))
    svc = service(floor)

    async def scenario() -> list[str]:
        answers = []
        for day in (0, 0, 1):
            set_clock(lambda day=day: now + timedelta(days=day))
            status, text = await fetch(svc, path)
            assert status == 200, text
            answers.append(text)
        return answers

    today, again, tomorrow = serve(svc, scenario)
    assert today == again != tomorrow
