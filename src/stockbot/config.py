"""Configuration: environment, `.env`, then an optional `stockbot.toml`, then defaults.

Chat platform tokens keep the names the platforms' own docs use (`SLACK_BOT_TOKEN`,
`TELEGRAM_BOT_TOKEN`); everything that is ours is prefixed `STOCKBOT_`.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

if TYPE_CHECKING:
    from stockbot.store.db import PoolOptions

DEFAULT_DATABASE_URL = "sqlite:///stockbot.db"


class EnvSettings(BaseSettings):
    """Where every stockbot setting comes from, in order: arguments, `STOCKBOT_*` environment,
    `.env`, `stockbot.toml`, defaults."""

    model_config = SettingsConfigDict(
        env_prefix="STOCKBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        toml_file="stockbot.toml",
        extra="ignore",
        populate_by_name=True,
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls),
            file_secret_settings,
        )


class Settings(EnvSettings):
    """Everything an operator may set. Field docs appear in the README."""

    database_url: str = DEFAULT_DATABASE_URL
    """SQLAlchemy URL. SQLite file by default; `postgresql+psycopg://...` to scale out."""

    admins: str = ""
    """Bootstrap admins, `platform:user_id` comma-separated, e.g. `slack:U123,console:alice`."""

    default_language: str = "en"
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    """The currency amounts are kept in: the summary chart's and reports' value axes and the
    spreadsheets' number formats carry it."""
    default_warehouse: str = "MAIN"
    stale_days: int = 180
    usage_window_days: int = 30
    """Days of history that average daily usage (days of cover) is computed over."""

    request_approval_over: Decimal = Decimal(1000)
    """Material requests worth more than this (qty × unit cost) need an approver."""
    purchase_second_level_over: Decimal = Decimal(5000)
    """Purchase requests worth more than this need a second, different approver."""
    over_receipt_tolerance: Decimal = Decimal("0.05")
    """A receipt may exceed the open purchase order quantity by this fraction, no more."""

    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)
    """PostgreSQL: connections kept open, extra ones allowed under load, and seconds a request
    waits for one before the user is asked to try again in a moment."""
    db_connect_timeout: int = Field(default=5, ge=1)
    db_statement_timeout_ms: int = Field(default=60_000, ge=0)
    db_lock_timeout_ms: int = Field(default=15_000, ge=0)
    """PostgreSQL: seconds to reach the server; server-side limits per statement and per lock
    wait in milliseconds (0: none)."""

    log_format: Literal["text", "json"] = "text"
    """`json`: one JSON object per log line (for a log collector); `text` for people."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """`stockbot run`'s log level; INFO gives one line per command (never message text)."""

    sqlite_synchronous: str = "FULL"
    """FULL: a committed movement survives a power cut. NORMAL is faster but may lose the
    last transactions on power loss (never corrupts); we keep FULL for a ledger."""

    slack_bot_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "STOCKBOT_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "STOCKBOT_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "STOCKBOT_SLACK_APP_TOKEN")
    )
    slack_api_url: str = "https://slack.com/api/"
    telegram_bot_token: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "STOCKBOT_TELEGRAM_BOT_TOKEN"),
    )
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    """Public URL Telegram should POST updates to (…/telegram/webhook); unset: long polling."""
    telegram_webhook_secret: str | None = None
    """`secret_token` for the webhook; derived from the bot token when unset."""
    feishu_app_id: str | None = Field(
        default=None, validation_alias=AliasChoices("FEISHU_APP_ID", "STOCKBOT_FEISHU_APP_ID")
    )
    feishu_app_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("FEISHU_APP_SECRET", "STOCKBOT_FEISHU_APP_SECRET"),
    )
    feishu_verification_token: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "FEISHU_VERIFICATION_TOKEN", "STOCKBOT_FEISHU_VERIFICATION_TOKEN"
        ),
    )
    feishu_encrypt_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("FEISHU_ENCRYPT_KEY", "STOCKBOT_FEISHU_ENCRYPT_KEY"),
    )
    feishu_api_url: str = "https://open.feishu.cn"
    """Feishu Open API root; `https://open.larksuite.com` for Lark (global)."""
    feishu_long_connection: bool = False
    """Receive events over the SDK's long connection (no public URL) instead of
    `POST /feishu/events`."""
    dingtalk_client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DINGTALK_CLIENT_ID", "STOCKBOT_DINGTALK_CLIENT_ID"),
    )
    dingtalk_client_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DINGTALK_CLIENT_SECRET", "STOCKBOT_DINGTALK_CLIENT_SECRET"),
    )
    dingtalk_api_url: str = "https://api.dingtalk.com"
    """DingTalk's open API (robot sends, cards, the Stream gateway); a loopback fake in tests."""
    dingtalk_oapi_url: str = "https://oapi.dingtalk.com"
    """DingTalk's older API host, where media are uploaded (`/media/upload`: the chart a robot
    sends as an image); the same loopback fake in tests."""
    dingtalk_card_template_id: str | None = None
    """The interactive card template that shows buttons (variables `markdown`, `buttons`);
    unset: replies with buttons go out as markdown listing the options."""
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    public_url: str | None = None
    """The address people reach this service at (`https://stock.example.com`), for the board's
    links; unset: `http://<http_host>:<http_port>`."""
    board_secret: str | None = None
    """Signs the board's links (HMAC-SHA256). Unset: derived from the database URL and the chat
    secrets, so replicas agree; set it to invalidate every link at once."""
    board_link_hours: int = 12
    """How long a board link opens the board."""
    api_rate_limit: float = 50.0
    """Requests per second (and burst) each API key may make to `/api/v1`; more get 429."""

    # --- the proactive half: alerts, summaries, reminders, the scheduler -------------------

    alert_digest_over: int = 5
    """More warnings than this for one chat at once become one digest message."""
    alert_snooze_hours: int = 24
    """How long "Snooze 1 day" hides a warning."""
    expiring_within_days: int = 30
    """A batch expiring within this many days (and still in stock) raises an `expiring` alert."""
    scan_days: str = "mon-sat"
    scan_hours: str = "8-18"
    """The shortage scan runs hourly (minute 0) on these days and hours, factory time."""
    summary_time: str = "08:00"
    """Each bound chat's morning summary, in the chat's own timezone."""
    summary_grace_minutes: int = 60
    """A summary missed (service down at 08:00) still goes out if the service is back within
    this long; later, it is skipped until tomorrow (never sent twice)."""
    reminder_hours: int = 24
    """Approvals waiting longer than this are re-posted to approvers; after twice this long
    they are escalated to admins. Once per stage."""
    reminder_every_minutes: int = 30
    qc_remind_hours: int = 24
    """QC-pending receipts older than this are reminded to keepers, once."""
    stale_report_day: str = "mon"
    stale_report_time: str = "09:00"
    abc_split: str = "80/15/5"
    """ABC classes: the shares of consumption value classes A, B and C cover (`/report abc`)."""
    policy_window_days: int = 90
    """Dynamic reorder policy: days of issues that daily usage is measured over."""
    policy_lead_samples: int = 10
    """Dynamic reorder policy: the latest purchase-order receipts whose lead times count."""
    policy_min_usage_days: int = 5
    """Fewer days with issues than this in the window: too little history, keep fixed values."""
    policy_min_lead_samples: int = 2
    """Fewer purchase-order receipts than this: too little history, keep fixed values."""
    policy_recompute_day: str = "sun"
    policy_recompute_time: str = "03:00"
    """When the weekly `policy-recompute` job runs, factory time."""
    lease_ttl_seconds: float = 30.0
    lease_renew_seconds: float = 10.0

    @field_validator("default_language")
    @classmethod
    def _language(cls, v: str) -> str:
        from stockbot.i18n import LANGS, normalize_lang

        lang = normalize_lang(v)
        if lang is None:
            raise ValueError(f"unknown language {v!r}; use one of {', '.join(LANGS)}")
        return lang

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.strip().upper() if isinstance(v, str) else v

    @field_validator("sqlite_synchronous")
    @classmethod
    def _sync_mode(cls, v: str) -> str:
        v = v.upper()
        if v not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError("sqlite_synchronous must be OFF, NORMAL, FULL or EXTRA")
        return v

    def admin_identities(self) -> set[tuple[str, str]]:
        """`slack:U1,console:alice` → {("slack","U1"), ("console","alice")}."""
        out: set[tuple[str, str]] = set()
        for part in self.admins.split(","):
            platform, _, uid = part.strip().partition(":")
            if platform and uid:
                out.add((platform.strip().lower(), uid.strip()))
        return out

    def pool_options(self) -> PoolOptions:
        from stockbot.store.db import PoolOptions

        return PoolOptions(
            size=self.db_pool_size,
            max_overflow=self.db_max_overflow,
            timeout=self.db_pool_timeout,
            connect_timeout=self.db_connect_timeout,
            statement_timeout_ms=self.db_statement_timeout_ms,
            lock_timeout_ms=self.db_lock_timeout_ms,
        )

    @property
    def has_chat_tokens(self) -> bool:
        return bool(
            self.slack_bot_token
            or self.telegram_bot_token
            or self.feishu_app_id
            or self.dingtalk_client_id
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once. Only entry points (`stockbot.cli`, `stockbot.app`)
    call this; everything else is handed its settings."""
    return Settings()


def project_root() -> Path:
    return Path(__file__).resolve().parent
