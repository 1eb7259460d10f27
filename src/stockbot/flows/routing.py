"""Who hears about a document: routing rules with a fallback chain, and the truth about it.

A notice for "the warehouse" goes to the chats bound to that warehouse (`/bind`); when none is
bound, to the keepers directly (a DM, a private chat; in the console, shown when someone types
as them); when nobody can be reached, the sender is told so — with how an admin fixes it — and
the admins hear about it. A reply never says "notified" when nobody was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.config import Settings
from stockbot.flows.notices import L, Notice
from stockbot.i18n import register
from stockbot.store.models import Chat, OutboxMessage, User, UserIdentity, Warehouse

register(
    {
        "route.chats": {"en": "📣 Sent to {chats}.", "zh-Hans": "📣 已发送到 {chats}。"},
        "route.people": {"en": "📣 Sent to {people}.", "zh-Hans": "📣 已发送给 {people}。"},
        "route.nobody_keeper": {
            "en": "⚠ Nobody was told: no chat is bound to warehouse {wh} and nobody is a keeper. "
            "An admin can send `/bind {wh}` in the warehouse's chat, or `/role @name keeper`.",
            "zh-Hans": "⚠ 没有通知到任何人：仓库 {wh} 没有绑定群聊，也没有仓管员。"
            "管理员可以在仓库群里发送 `/bind {wh}`，或 `/role @名字 keeper`。",
        },
        "route.nobody_role": {
            "en": "⚠ Nobody can {act} {no}: {why}. An admin can grant the role "
            "(`/role @name {role}`) or act on it.",
            "zh-Hans": "⚠ 没有人能{act} {no}：{why}。管理员可以授予角色"
            "（`/role @名字 {role}`）或亲自处理。",
        },
        "route.why_none": {"en": "nobody holds the role", "zh-Hans": "没有人担任该角色"},
        "route.why_limit": {
            "en": "no one else's approval limit covers {amount}",
            "zh-Hans": "没有其他人的审批限额能覆盖 {amount}",
        },
        "route.admins_stuck": {
            "en": "⚠ {no} is stuck: {why}. Requested by {who}.",
            "zh-Hans": "⚠ {no} 无法推进：{why}。申请人 {who}。",
        },
        "route.list_sep": {"en": ", ", "zh-Hans": "、"},
    }
)


@dataclass(slots=True)
class Reach:
    """Whom a notice reached: bound chats and people (display names)."""

    chats: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    @property
    def anyone(self) -> bool:
        return bool(self.chats or self.people)

    def line(self) -> tuple[str, dict[str, object]] | None:
        """The "sent to …" line for the sender's reply; None when nobody was reached."""
        if self.chats:
            return "route.chats", {"chats": ", ".join(self.chats)}
        if self.people:
            return "route.people", {"people": ", ".join(self.people)}
        return None


def enqueue(
    s: Session, platform: str, target: str, notice: Notice, dedupe_key: str | None = None
) -> None:
    """One outbox row, in the caller's transaction; rendered for its reader at delivery."""
    s.add(
        OutboxMessage(
            platform=platform,
            target=target,
            payload=notice.dump(),
            dedupe_key=dedupe_key[:200] if dedupe_key else None,
        )
    )


def to_user(s: Session, user: User, notice: Notice, dedupe: str) -> bool:
    """Every identity of the person (Slack DM, Telegram private chat, console); False when
    the person has none we can write to."""
    idents = s.scalars(select(UserIdentity).where(UserIdentity.user_id == user.id)).all()
    for n, ident in enumerate(idents):
        enqueue(s, ident.platform, f"user:{ident.platform_user_id}", notice, f"{dedupe}:{n}")
    return bool(idents)


def to_people(s: Session, people: Iterable[User], notice: Notice, dedupe: str) -> Reach:
    reach = Reach()
    for user in people:
        if to_user(s, user, notice, f"{dedupe}:u{user.id}"):
            reach.people.append(user.display_name)
    return reach


def bound_chats(s: Session, warehouse_id: int) -> list[Chat]:
    return list(s.scalars(select(Chat).where(Chat.warehouse_id == warehouse_id).order_by(Chat.id)))


def to_warehouse(
    s: Session,
    warehouse_id: int,
    notice: Notice,
    dedupe: str,
    people: Iterable[User],
    *,
    here: tuple[str, str] | None = None,
) -> Reach:
    """The warehouse's bound chats; if none, `people` (its keepers) directly. `here` is the
    (platform, chat id) the sender is in: when it is a bound chat, it already sees the reply,
    so it counts as reached without a second copy."""
    reach = Reach()
    for chat in bound_chats(s, warehouse_id):
        if here is not None and (chat.platform, chat.platform_chat_id) == here:
            reach.chats.append(chat.title or chat.platform_chat_id)
            continue
        enqueue(s, chat.platform, chat.platform_chat_id, notice, f"{dedupe}:c{chat.id}")
        reach.chats.append(chat.title or chat.platform_chat_id)
    if reach.chats:
        return reach
    return to_people(s, people, notice, dedupe)


def admins(s: Session) -> list[User]:
    from stockbot.flows.common import users_with_role

    return [u for u in users_with_role(s, "admin")]


def to_admins(
    s: Session, settings: Settings, notice: Notice, dedupe: str, *, skip: Iterable[int] = ()
) -> Reach:
    """The admins: people with the admin role, else the bootstrap admins of the settings."""
    skipped = set(skip)
    found = [u for u in admins(s) if u.id not in skipped]
    if found:
        return to_people(s, found, notice, dedupe)
    reach = Reach()
    for n, (platform, uid) in enumerate(sorted(settings.admin_identities())):
        enqueue(s, platform, f"user:{uid}", notice, f"{dedupe}:b{n}")
        reach.people.append(uid)
    return reach


def nobody_keeper(s: Session, warehouse_id: int) -> Notice:
    wh = s.get(Warehouse, warehouse_id)
    return Notice("route.nobody_keeper", {"wh": wh.code if wh else "?"})


def nobody_can(no: str, act: str, role: str, *, amount: object | None = None) -> Notice:
    why = L("route.why_limit", amount=amount) if amount is not None else L("route.why_none")
    return Notice(
        "route.nobody_role", {"act": L(f"wf.act.{act}"), "no": no, "why": why, "role": role}
    )
