"""The `stockbot` command line, in-process and as the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal

from stockbot.cli import main
from stockbot.store.models import Balance

from factory import make_item, post


def test_check_passes_on_a_consistent_ledger_and_fails_on_a_tampered_balance(db, db_url, capsys):
    item, loc = make_item(db)
    post(db, item, loc, "10")
    assert main(["--database-url", db_url, "check"]) == 0
    assert "every balance equals its ledger" in capsys.readouterr().out
    with db.write() as s:
        s.execute(Balance.__table__.update().values(qty=Decimal("9.5")))
    assert main(["--database-url", db_url, "check"]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH BOLT-M8" in out and "9.5" in out and "1 difference" in out


def test_db_upgrade_reports_the_revision(db_url, capsys):
    assert main(["--database-url", db_url, "db", "upgrade"]) == 0
    assert "database at revision" in capsys.readouterr().out


def test_run_without_tokens_says_so_and_opens_the_demo_chat(tmp_path):
    """What the README's first command does on a fresh machine (stdin: one lookup, then EOF)."""
    exe = shutil.which("stockbot", path=os.path.dirname(sys.executable))
    assert exe, "the console script is installed next to the interpreter"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STOCKBOT_", "SLACK_", "TELEGRAM_"))
    }
    from stockbot.demo import N_ITEMS
    from stockbot.demo.catalog import generate_catalog

    code = generate_catalog(N_ITEMS, seed=7)[0].code
    out = subprocess.run(
        [exe, "run"],
        input=f"/stock {code}\n查库存 螺母\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=True,
    )
    assert "No SLACK_BOT_TOKEN or TELEGRAM_BOT_TOKEN" in out.stdout
    assert code in out.stdout and "On hand" in out.stdout
    assert "螺母" in out.stdout
    assert (tmp_path / "stockbot-demo.db").exists()
    assert "Traceback" not in out.stderr
    again = subprocess.run(
        [exe, "--database-url", f"sqlite:///{tmp_path}/stockbot-demo.db", "check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
