"""The `stockbot` command line, in-process and as the installed console script."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from decimal import Decimal

import pytest

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


def _bare_env(**extra: str) -> dict[str, str]:
    """This process's environment without any stockbot or platform setting, plus *extra*."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STOCKBOT_", "SLACK_", "TELEGRAM_"))
    }
    return {**env, **extra}


def _stockbot() -> str:
    exe = shutil.which("stockbot", path=os.path.dirname(sys.executable))
    assert exe, "the console script is installed next to the interpreter"
    return exe


def test_the_demo_command_opens_the_demo_chat_on_piped_input(tmp_path):
    """`stockbot demo` is the explicit way to the demo (stdin: one lookup, then EOF)."""
    from stockbot.demo import N_ITEMS
    from stockbot.demo.catalog import generate_catalog

    code = generate_catalog(N_ITEMS, seed=7)[0].code
    out = subprocess.run(
        [_stockbot(), "demo"],
        input=f"/stock {code}\n查库存 螺母\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_bare_env(),
        timeout=120,
        check=True,
    )
    assert code in out.stdout and "On hand" in out.stdout
    assert "螺母" in out.stdout
    assert (tmp_path / "stockbot-demo.db").exists()


def _run_as_a_unit(cwd, **env: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """`stockbot run` as a unit or a container starts it: stdin is not a terminal."""
    return subprocess.run(
        [_stockbot(), "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_bare_env(**env),
        timeout=60,
    )


def test_run_with_no_platform_and_no_terminal_refuses_in_one_line_naming_the_variables(tmp_path):
    """A unit or a container (stdin not a TTY) must not fall into the demo and exit 0."""
    out = _run_as_a_unit(tmp_path)
    assert out.returncode == 78  # EX_CONFIG: a unit need not restart it
    [line] = out.stderr.strip().splitlines()
    assert "TELEGRAM_BOT_TOKEN" in line and "SLACK_BOT_TOKEN" in line
    assert not list(tmp_path.iterdir())  # no demo database built behind the operator's back


def test_run_api_only_serves_http_with_no_chat_platform_and_no_terminal(db_url, tmp_path):
    """An ERP-only site: no chat tokens, started by a unit, serves the API and health."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = _bare_env(STOCKBOT_DATABASE_URL=db_url, STOCKBOT_HTTP_PORT=str(port))
    proc = subprocess.Popen(
        [_stockbot(), "run", "--api-only"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the announcement, once the port is open
        assert "no chat" in first and str(port) in first
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=10) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not (tmp_path / "stockbot-demo.db").exists()


def test_run_without_tokens_on_a_terminal_opens_the_demo(monkeypatch, tmp_path):
    import stockbot.cli as cli

    opened: list[bool] = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(cli, "cmd_demo", lambda args: opened.append(True) or 0)
    monkeypatch.setattr(cli, "_settings", lambda: _settings_without_tokens())
    assert main(["run"]) == 0 and opened == [True]


def _settings_without_tokens():  # type: ignore[no-untyped-def]
    from transcript import settings

    return settings()


def test_run_refuses_a_port_already_in_use_in_one_line_without_a_traceback(db_url, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = _run_as_a_unit(
            tmp_path,
            TELEGRAM_BOT_TOKEN="123456:TEST",
            STOCKBOT_TELEGRAM_API_URL="http://127.0.0.1:9/bot",  # never reached
            STOCKBOT_DATABASE_URL=db_url,
            STOCKBOT_HTTP_PORT=str(port),
        )
    assert out.returncode == 1, out.stderr
    [line] = out.stderr.strip().splitlines()
    assert f"127.0.0.1:{port} is already in use" in line and "STOCKBOT_HTTP_PORT" in line


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"STOCKBOT_DATABASE_URL": "not a url"}, "not a database URL"),
        ({"STOCKBOT_DATABASE_URL": "mysql://x@db/stock"}, "cannot use"),
        ({"STOCKBOT_DATABASE_URL": "sqlite:////no/such/dir/x.db"}, "cannot open"),
        (
            {"STOCKBOT_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/x"},
            "unreachable",
        ),
        ({"STOCKBOT_DEFAULT_LANGUAGE": "klingon"}, "unknown language"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_run_validates_its_configuration_first_with_one_clear_line_each(
    monkeypatch, capsys, tmp_path, env, says
):
    from stockbot.config import get_settings

    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith(("STOCKBOT_", "SLACK_", "TELEGRAM_"))]:
        monkeypatch.delenv(key)
    for key, value in {"TELEGRAM_BOT_TOKEN": "123456:TEST", **env}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        status = main(["run"])
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 78 and len(err) == 1 and says in err[0], err


def test_run_refuses_a_read_only_database_file(db_url, monkeypatch, capsys, tmp_path):
    if not db_url.startswith("sqlite"):
        return  # PostgreSQL's equivalent (a standby) is covered by readiness
    from stockbot.config import get_settings

    path = db_url.removeprefix("sqlite:///")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("STOCKBOT_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    get_settings.cache_clear()
    try:
        status = main(["run"])
    finally:
        get_settings.cache_clear()
    [line] = capsys.readouterr().err.strip().splitlines()
    assert status == 78 and "cannot be written" in line and "read-only" in line
