"""Unauthenticated junk costs a 4xx and a bounded log, never a traceback (issue 9, item 4)."""

from __future__ import annotations

import logging
import time

from slack_scene import Slack, run
from stockbot.handlers.slack_verify import signature_problem

from slack_requests import people, sign
from transcript import row_counts


def _junk(n: int) -> tuple[bytes, dict[str, str]]:
    """Every kind of junk the attack tried, in turn."""
    now = int(time.time())
    kinds = [
        (b'{"type": "event_callback", "event": ', {"X-Slack-Request-Timestamp": "soon"}),
        (
            b"\xff\xfe not even utf-8",
            {"X-Slack-Request-Timestamp": "12e9", "X-Slack-Signature": "v0=0"},
        ),
        (b"payload=%7B%7B%7B", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"{}", {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": "v0=deadbeef"}),
        (b"[1,2", {**sign("[1,2", secret="guess"), "Content-Type": "application/json"}),
        (b"{}", {"X-Slack-Request-Timestamp": "１２３", "X-Slack-Signature": "v0=ab"}),
    ]
    body, headers = kinds[n % len(kinds)]
    return body, {"Content-Type": "application/json", **headers}


def test_fifty_junk_requests_get_4xx_a_few_short_log_lines_and_write_nothing(db, caplog):
    people(db)

    async def scenario(slack: Slack) -> list[int]:
        before = row_counts(db)  # once running: the scheduler's own rows are there
        statuses = []
        for n in range(50):
            body, headers = _junk(n)
            async with slack.http.post(slack.events_url, data=body, headers=headers) as resp:
                await resp.read()
                statuses.append(resp.status)
        assert row_counts(db) == before
        return statuses

    with caplog.at_level(logging.DEBUG):
        statuses = run(db, scenario)
    assert all(400 <= s < 500 for s in statuses), statuses
    junk_log = [r for r in caplog.records if "refused" in r.getMessage() or r.exc_info]
    assert not any(r.exc_info for r in caplog.records)
    assert len(junk_log) <= 6  # one line per reason in 10 s, however many requests
    assert sum(len(r.getMessage()) for r in junk_log) < 1500


def test_a_signed_but_unreadable_body_is_a_400_not_a_traceback(db, caplog):
    people(db)

    async def scenario(slack: Slack) -> int:
        body = '{"type": "event_callback", "event": '
        headers = {**sign(body), "Content-Type": "application/json"}
        async with slack.http.post(slack.events_url, data=body, headers=headers) as resp:
            await resp.read()
            return resp.status

    with caplog.at_level(logging.DEBUG):
        assert 400 <= run(db, scenario) < 500
    assert not any(r.exc_info for r in caplog.records)


def test_the_signature_check_parses_nothing_it_cannot_trust():
    body, now = b"x=1", 1_750_000_000
    good = sign("x=1", ts=now)
    ts, sig = good["X-Slack-Request-Timestamp"], good["X-Slack-Signature"]
    assert signature_problem("s3cr3t", body, ts, sig, now=now) is None
    assert signature_problem("s3cr3t", body, ts, sig, now=now + 301) == "stale timestamp"
    assert signature_problem("s3cr3t", body + b"2", ts, sig, now=now) == "bad signature"
    assert signature_problem("s3cr3t", body, "1e9", sig, now=now) == "malformed timestamp"
    assert signature_problem("s3cr3t", body, "٣٣", sig, now=now) == "malformed timestamp"
    assert signature_problem("s3cr3t", body, None, sig, now=now) == "unsigned"
    assert signature_problem("", body, ts, sig, now=now) == "no signing secret configured"
