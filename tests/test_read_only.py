"""A database that cannot be written (issue 9): a command that writes is told so in words
(`runtime.read_only`, not "something went wrong"), nothing is half-written, lookups still
answer — through the delivery guard every adapter uses too — and once the database is writable
again `stockbot check` is clean and the next command posts. `Database.writable()` is the cheap
probe `/readyz` calls.

Made read-only for real: on SQLite the file *and* its directory are chmod'ed and the commands
run in a process that is not root (root ignores file modes); on PostgreSQL the sessions run
with `default_transaction_read_only = on`, what an operator sets on a role or database (and a
hot standby implies), here given to one handle's sessions rather than a role others share."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from stockbot.cli import main
from stockbot.commands.inbound import Inbound
from stockbot.handlers.base import handle_once
from stockbot.store.db import Database
from stockbot.store.migrate import upgrade

from transcript import Floor, row_counts

SRC = Path(__file__).resolve().parents[1] / "src"
TESTS = Path(__file__).resolve().parent


@pytest.fixture
def read_only(db: Database, db_url: str) -> Iterator[Database]:
    """A second handle on the test database that cannot write. SQLite: SQLite's own read-only
    open (`mode=ro`, SQLITE_OPEN_READONLY; the chmod case is below); PostgreSQL: the database's
    `default_transaction_read_only` — the setting an operator puts on a role or database, or a
    hot standby implies — given to this handle's sessions only (libpq `options`), so the other
    handle on the same database stays writable for setting up and checking."""
    if db.is_sqlite:
        path = db_url.removeprefix("sqlite:///")
        ro = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
        try:
            yield ro
        finally:
            ro.dispose()
        return
    url = make_url(db_url).update_query_dict({"options": "-c default_transaction_read_only=on"})
    ro = Database(url.render_as_string(hide_password=False))
    try:
        yield ro
    finally:
        ro.dispose()


def test_writable_says_true_or_why_not(db, read_only):
    assert db.writable() is True
    why = read_only.writable()
    assert isinstance(why, str) and why.startswith("read-only")
    assert db.writable() is True  # the probe left nothing behind


def test_writable_names_a_database_that_cannot_be_reached():
    gone = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        why = gone.writable()
    finally:
        gone.dispose()
    assert isinstance(why, str) and why.startswith("unreachable")


def test_a_read_only_database_refuses_writes_in_words_and_still_answers_lookups(
    db, db_url, read_only
):
    floor = Floor(db).people()
    m8 = floor.item("M8", 25)
    before = row_counts(db)
    stuck = Floor(read_only)
    assert stuck.say("carol", "/receive m8 10").keys() == ["runtime.read_only"]
    assert stuck.say("bob", "/request m8 3").keys() == ["runtime.read_only"]
    looked = stuck.say("bob", "/stock m8")
    assert not {"runtime.read_only", "runtime.error"} & set(looked.keys())
    assert "25" in looked.plain()
    assert row_counts(db) == before  # nothing half-written
    read_only.dispose()
    assert main(["--database-url", db_url, "check"]) == 0
    assert "runtime.read_only" not in floor.say("carol", "/receive m8 10").keys()
    assert floor.on_hand(m8) == 35


def test_the_delivery_guard_stands_aside_when_it_cannot_record_a_delivery(db, read_only):
    """Adapters record each delivery before acting (`handle_once`); a read-only database cannot
    record it, and a replay could change nothing there anyway, so the message still runs."""
    Floor(db).people().item("M8", 25)
    runtime = Floor(read_only).runtime

    def said(who: str, text: str, n: int) -> list[str]:
        inbound = Inbound(
            platform="console", user_id=who, chat_id="group", message_id=f"ro{n}",
            event_id=f"ro{n}", text=text,
        )  # fmt: skip
        return handle_once(read_only, runtime.handle, inbound).keys()

    assert said("carol", "/receive m8 10", 1) == ["runtime.read_only"]
    looked = said("bob", "/stock m8", 2)
    assert looked and not {"runtime.read_only", "runtime.error"} & set(looked)


# --- a read-only file and directory, as a process that is not root -----------------------------

PROBE = textwrap.dedent(
    """
    import json, sys
    sys.path[:0] = [sys.argv[2], sys.argv[3]]
    from stockbot.store.db import Database
    from transcript import Floor
    db = Database(sys.argv[1])
    floor = Floor(db)
    out = {"writable": db.writable()}
    for who, text in [("carol", "/receive m8 10"), ("bob", "/request m8 3"), ("bob", "/stock m8")]:
        reply = floor.say(who, text)
        out[text] = [reply.keys(), reply.plain()]
    print(json.dumps(out))
    """
)


def _as_nobody() -> list[str]:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the commands as another user")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_a_chmod_read_only_sqlite_file_and_directory_refuse_writes_and_answer_lookups(db):
    if not db.is_sqlite:
        pytest.skip("a read-only file: SQLite (PostgreSQL is covered above)")
    prefix = _as_nobody()
    home = Path(tempfile.mkdtemp(prefix="stockbot-ro-"))
    data = home / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'stockbot.db'}"
    upgrade(url)
    mine = Database(url)
    floor = Floor(mine).people()
    m8 = floor.item("M8", 25)
    before = row_counts(mine)
    mine.dispose()  # the last connection out checkpoints: no -wal or -shm left behind
    (home / "probe.py").write_text(PROBE)
    try:
        (data / "stockbot.db").chmod(0o444)
        data.chmod(0o555)
        home.chmod(0o755)
        run = subprocess.run(
            [*prefix, sys.executable, str(home / "probe.py"), url, str(SRC), str(TESTS)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        seen = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        data.chmod(0o755)
        (data / "stockbot.db").chmod(0o644)
    assert str(seen["writable"]).startswith("read-only")
    assert seen["/receive m8 10"][0] == ["runtime.read_only"]
    assert seen["/request m8 3"][0] == ["runtime.read_only"]
    keys, text = seen["/stock m8"]
    assert not {"runtime.read_only", "runtime.error"} & set(keys) and "25" in text
    again = Database(url)
    try:
        assert row_counts(again) == before
        assert main(["--database-url", url, "check"]) == 0
        assert again.writable() is True
        floor = Floor(again)
        assert "runtime.read_only" not in floor.say("carol", "/receive m8 10").keys()
        assert floor.on_hand(m8) == 35
    finally:
        again.dispose()
        shutil.rmtree(home, ignore_errors=True)
