"""The one event type every adapter builds (Slack, Telegram, console).

Flows never see platform objects: a typed message (``text``) or a button press (``action_id``),
who sent it and where. ``event_id`` is the platform's delivery id, used to drop redelivered events.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stockbot.i18n import Lang, normalize_lang
from stockbot.replies import ACTION_ID_MAX_BYTES
from stockbot.text import without_invisible

__all__ = ["Inbound", "Person"]


def _visible_name(value: Any) -> Any:
    """A platform display name (Slack profile, Telegram first/last name) without invisible
    controls (`stockbot.text.INVISIBLE_CONTROLS`). Its owner typed it in a profile, not in a
    command, so it cannot be refused; kept, a U+202E would make "approved by Mal<U+202E>exe.gnp"
    on a card read "approved by Malpng.exe". Stripped here, the one door every adapter's sender
    passes, so the name is stored and shown clean; a name of nothing but controls is no name
    (the platform id is shown instead)."""
    if not isinstance(value, str):
        return value
    return without_invisible(value).strip() or None


class Person(BaseModel):
    """Someone a message points at, as the platform identified them (a Telegram text mention,
    the author of the message replied to): a platform user id, never a typed name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, max_length=100)
    name: str | None = None
    handle: str | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _visible_name(cls, value: Any) -> Any:
        return _visible_name(value)


class Inbound(BaseModel):
    """A message or a button press: ``action_id`` for a press; for a message ``text`` and/or
    ``image`` (a photo, its caption as ``text``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: str = Field(min_length=1)
    user_id: str = Field(min_length=1)
    user_name: str | None = None
    chat_id: str = Field(min_length=1)
    message_id: str | None = None
    text: str | None = None
    action_id: str | None = None
    lang_hint: Lang | None = None
    event_id: str | None = None
    user_handle: str | None = None
    """The sender's platform username (Telegram ``@username``), remembered so that a later
    ``@username`` mention can be matched to this identity."""
    mentioned: tuple[Person, ...] = ()
    """People the platform marked in ``text``; the adapter wrote them there as
    ``<platform>:<id>``, and these carry their names for a first-sight user."""
    reply_to: Person | None = None
    """The author of the message this one answers (``/role keeper`` as a reply)."""
    image: bytes | None = Field(default=None, repr=False)
    """A photo or image file sent to the bot, as the platform delivered it (PNG/JPEG bytes):
    the codes on it are read (`stockbot.barcodes`) as a lookup or a receipt's label."""

    @field_validator("user_name", mode="before")
    @classmethod
    def _visible_user_name(cls, value: Any) -> Any:
        return _visible_name(value)

    @field_validator("lang_hint", mode="before")
    @classmethod
    def _normalise_lang(cls, value: Any) -> Any:
        """Platforms send ``en-US``, ``zh-hans``, ``zh-TW``; unknown hints become None."""
        return normalize_lang(value) if isinstance(value, str) else value

    @field_validator("action_id")
    @classmethod
    def _action_id_fits(cls, value: str | None) -> str | None:
        if value is not None and len(value.encode("utf-8")) > ACTION_ID_MAX_BYTES:
            raise ValueError(f"action_id longer than {ACTION_ID_MAX_BYTES} bytes UTF-8")
        return value

    @model_validator(mode="after")
    def _text_xor_action(self) -> Inbound:
        said = self.text is not None or self.image is not None
        if said == (self.action_id is not None):
            raise ValueError(
                "exactly one of a message (text and/or image) and action_id must be set"
            )
        return self

    @property
    def is_action(self) -> bool:
        """True for a button press."""
        return self.action_id is not None
