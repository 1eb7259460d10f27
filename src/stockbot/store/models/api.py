"""The open API's own rows: keys (hashed), the first answer to each idempotency key, webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from stockbot.store.models.base import Base, BigId, ts


class ApiKey(Base):
    """One integration (the ERP, the MES). Only the SHA-256 of the secret is kept: the key is
    256 random bits, so a fast hash is enough and a leaked table reveals no usable key."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    """The key's first characters, shown in `apikey list` and used to find its row."""
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = ts()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiCall(Base):
    """The first answer to a write under one `Idempotency-Key`: a repeat gets it back verbatim.
    Inserted *before* the flow runs (status 0 = in progress) in the write's one transaction, so
    two concurrent repeats cannot both run it; committed only with its answer."""

    __tablename__ = "api_calls"
    __table_args__ = (UniqueConstraint("key_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(40))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer, default=0)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = ts()


class Webhook(Base):
    """A URL that hears about events (`stock.posted`, `shortage.opened`); each delivery is an
    outbox row (platform `webhook`, target = this id), written in the change's transaction."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(80))
    """The HMAC key (shown once at `webhook add`): the receiver must know it, so it is stored."""
    created_at: Mapped[datetime] = ts()
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
