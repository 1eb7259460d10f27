"""`stockbot apikey …` and `stockbot webhook …`: a secret is printed once and stored hashed."""

from __future__ import annotations

from sqlalchemy import select

from stockbot.cli import main
from stockbot.store.models import ApiKey


def test_a_key_is_printed_once_stored_hashed_listed_without_secret_and_revoked(db, db_url, capsys):
    assert main(["--database-url", db_url, "apikey", "create", "kingdee", "--scope", "post"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("sbk_")
    with db.read() as s:
        row = s.scalars(select(ApiKey)).one()
    assert (row.name, row.scope) == ("kingdee", "post") and key not in row.secret_hash
    assert main(["--database-url", db_url, "apikey", "list"]) == 0
    listed = capsys.readouterr().out
    assert "kingdee" in listed and key not in listed
    assert main(["--database-url", db_url, "apikey", "create", "kingdee"]) == 2
    assert main(["--database-url", db_url, "apikey", "revoke", "kingdee"]) == 0
    assert main(["--database-url", db_url, "apikey", "revoke", "kingdee"]) == 1


def test_a_webhook_takes_only_known_events(db_url, capsys):
    url = "https://erp.example/hook"
    assert main(["--database-url", db_url, "webhook", "add", url, "--events", "stock.posted"]) == 0
    assert "whsec_" in capsys.readouterr().out
    assert main(["--database-url", db_url, "webhook", "add", url, "--events", "bogus"]) == 2
    assert main(["--database-url", db_url, "webhook", "list"]) == 0
    assert capsys.readouterr().out.split("\t")[1] == url
