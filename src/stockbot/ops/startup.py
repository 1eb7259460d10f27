"""What `stockbot run` checks before it serves, each failure one line for the operator.

A unit file or a container restarts a process that exits non-zero; one that falls into a demo
or prints a traceback hides why. So every configuration mistake we can see at start — no chat
platform, a bad database URL, a database we cannot reach or cannot write, an unknown language
— ends the start with one line naming what to set, and exit status `EX_CONFIG` (78), which a
unit can exclude from restarting (`RestartPreventExitStatus=78`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from stockbot.store.db import database_problem

if TYPE_CHECKING:
    from stockbot.config import Settings
    from stockbot.store.db import Database

EX_CONFIG = 78
"""sysexits.h: a configuration error; restarting will not help."""

NO_PLATFORM = (
    "no chat platform is configured and this is not an interactive terminal, so no demo: "
    "set TELEGRAM_BOT_TOKEN, or SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN "
    "for Socket Mode), or FEISHU_APP_ID with FEISHU_APP_SECRET, or DINGTALK_CLIENT_ID with "
    "DINGTALK_CLIENT_SECRET; `stockbot run --api-only` serves only the open API and the board; "
    "`stockbot demo` runs the local demo"
)


class StartupError(Exception):
    """One line for the operator; `status` is the exit status."""

    def __init__(self, line: str, status: int = EX_CONFIG) -> None:
        super().__init__(line)
        self.status = status


def settings_problems(exc: ValidationError) -> list[str]:
    """A settings validation error as one line per field, named as the operator sets it."""
    lines = []
    for err in exc.errors():
        field = "_".join(str(part) for part in err["loc"]) or "settings"
        message = err["msg"].removeprefix("Value error, ")
        lines.append(f"STOCKBOT_{field.upper()}={err.get('input')!r}: {message}")
    return lines


def check_platforms(settings: Settings) -> None:
    """A platform configured so that it could never receive an event (a Slack bot token with
    no signing secret or app token; a Feishu app with no verification token for callbacks)."""
    if settings.slack_bot_token and not (settings.slack_signing_secret or settings.slack_app_token):
        raise StartupError(
            "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP events) nor "
            "SLACK_APP_TOKEN (Socket Mode): Slack could not reach stockbot"
        )
    if settings.feishu_app_id and not settings.feishu_app_secret:
        raise StartupError("FEISHU_APP_ID is set without FEISHU_APP_SECRET")
    if (
        settings.feishu_app_id
        and not settings.feishu_long_connection
        and not settings.feishu_verification_token
    ):
        raise StartupError(
            "FEISHU_APP_ID is set without FEISHU_VERIFICATION_TOKEN: every callback to "
            "/feishu/events would be refused (or set STOCKBOT_FEISHU_LONG_CONNECTION=true)"
        )


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable)"


def check_url(url: str) -> None:
    """The URL parses and names a database driver that is installed."""
    try:  # NoSuchModuleError is an ArgumentError: caught first
        dialect = make_url(url).get_dialect()
        if dialect.name not in {"sqlite", "postgresql"}:
            raise NoSuchModuleError(dialect.name)
        dialect.import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise StartupError(
            f"STOCKBOT_DATABASE_URL names a database or driver stockbot cannot use: "
            f"{safe_url(url)} (use sqlite:/// or postgresql+psycopg://)"
        ) from None
    except ArgumentError:
        raise StartupError(
            f"STOCKBOT_DATABASE_URL is not a database URL: {url!r} (e.g. "
            "sqlite:///stockbot.db or postgresql+psycopg://user@host/stockbot)"
        ) from None


def open_checked(settings: Settings, url: str | None = None, *, writable: bool) -> Database:
    """The database, migrated to head — or a `StartupError` saying why it cannot be had."""
    from stockbot.store.db import open_database

    url = url or settings.database_url
    check_url(url)
    try:
        db = open_database(settings, url)
    except DBAPIError as exc:
        raise StartupError(
            f"database {safe_url(url)}: {database_problem(exc)} (STOCKBOT_DATABASE_URL)"
        ) from None
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StartupError(f"database {safe_url(url)}: {first}") from None
    if writable:
        problem = db.writable()
        if problem is not True:
            db.dispose()
            raise StartupError(f"database {safe_url(url)} cannot be written: {problem}")
    return db
