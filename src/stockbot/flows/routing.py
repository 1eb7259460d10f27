"""Who hears about a document: routing rules with a fallback chain, and the truth about it.

A notice for "the warehouse" goes to the chats bound to that warehouse (`/bind`); when none is
bound, to the keepers directly (a DM, a private chat; in the console, shown when someone types
as them); when nobody can be reached, the sender is told so — with how an admin fixes it — and
the admins hear about it. A reply never says "notified" when nobody was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from stockbot.config import Settings
from stockbot.flows.notices import L, Notice
from stockbot.i18n import register
from stockbot.replies import Reply
from stockbot.store.models import Chat, OutboxMessage, User, UserIdentity, UserRole, Warehouse

register(
    {
        "route.chats": {"en": "📣 Sent to {chats}.", "zh-Hans": "📣 已发送到 {chats}。"},
        "route.people": {"en": "📣 Sent to {people}.", "zh-Hans": "📣 已发送给 {people}。"},
        "route.nobody_keeper": {
            "en": "⚠ Nobody was told: no chat is bound to warehouse {wh}, nobody has the role "
            "{role} and there is no admin. An admin can send `/bind {wh}` in the warehouse's "
            "chat, or `/role @name {role}`.",
            "zh-Hans": "⚠ 没有通知到任何人：仓库 {wh} 没有绑定群聊，没有人担任 {role}，"
            "也没有管理员。管理员可以在仓库群里发送 `/bind {wh}`，或 `/role @名字 {role}`。",
        },
        "route.only_admins": {
            "en": "⚠ Only the admins were told: no chat is bound to warehouse {wh} and nobody "
            "has the role {role}. Fix it with `/bind {wh}` in the warehouse's chat, or "
            "`/role @name {role}`.",
            "zh-Hans": "⚠ 只通知了管理员：仓库 {wh} 没有绑定群聊，也没有人担任 {role}。"
            "可在仓库群里发送 `/bind {wh}`，或 `/role @名字 {role}`。",
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
    """Whom a notice reached: bound chats and people (display names); `fallback` when it went
    to the admins because nobody holds the role; `nobody` is what to say when nobody at all."""

    chats: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    fallback: Notice | None = None
    nobody: Notice | None = None

    @property
    def anyone(self) -> bool:
        return bool(self.chats or self.people)

    def tell(self, reply: Notice) -> Notice:
        """`reply` with the truth about this routing appended: whom it reached, the fix when
        it only reached the admins, or that nobody could be reached."""
        if self.chats:
            reply = reply.then("route.chats", chats=", ".join(self.chats))
        elif self.people:
            reply = reply.then("route.people", people=", ".join(self.people))
        extra = self.fallback if self.anyone else self.nobody
        if extra is None:
            return reply
        return reply.then(extra.key, **extra.params)


# Built once: every notice runs these (a Core insert, not an ORM object to flush).
_ENQUEUE = insert(cast(Table, OutboxMessage.__table__))
_ids = UserIdentity.__table__.c
_IDENTITIES = (
    select(_ids.platform, _ids.platform_user_id)
    .where(_ids.user_id == bindparam("user"))
    .order_by(_ids.id)
)


def enqueue(
    s: Session, platform: str, target: str, message: Notice | Reply, dedupe_key: str | None = None
) -> None:
    """One outbox row, in the caller's transaction. A `Notice` is rendered for its reader at
    delivery; a finished `Reply` is for a job that already wrote it for one known reader (a
    chat's morning summary with its chart, in the chat's language)."""
    payload = message.dump() if isinstance(message, Notice) else message.model_dump(mode="json")
    row = {"platform": platform, "target": target, "payload": payload}
    s.execute(_ENQUEUE, {**row, "dedupe_key": dedupe_key[:200] if dedupe_key else None})


def to_user(
    s: Session, user: User | int, notice: Notice | Reply, dedupe: str | None = None
) -> bool:
    """Every identity of the person (Slack DM, Telegram private chat, console); False when
    the person has none we can write to."""
    user_id = user if isinstance(user, int) else user.id
    idents = s.execute(_IDENTITIES, {"user": user_id}).all()
    for n, (platform, platform_user_id) in enumerate(idents):
        key = f"{dedupe}:{n}" if dedupe else None
        enqueue(s, platform, f"user:{platform_user_id}", notice, key)
    return bool(idents)


def to_people(s: Session, people: Iterable[User], notice: Notice, dedupe: str) -> Reach:
    reach = Reach()
    for user in people:
        if to_user(s, user, notice, f"{dedupe}:u{user.id}"):
            reach.people.append(user.display_name)
    return reach


def bound_chats(s: Session, warehouse_id: int) -> list[Chat]:
    return list(s.scalars(select(Chat).where(Chat.warehouse_id == warehouse_id).order_by(Chat.id)))


def holders(s: Session, *roles: str) -> list[User]:
    """Active people holding one of `roles` itself (admins, who may do everything, are not
    counted unless asked for)."""
    return list(
        s.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(roles), User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def to_warehouse(
    s: Session,
    settings: Settings,
    warehouse_id: int,
    notice: Notice,
    dedupe: str,
    role: str,
    *,
    people: Iterable[User] | None = None,
    skip: Iterable[int] = (),
    here: tuple[str, str] | None = None,
) -> Reach:
    """The rule for "tell the warehouse": its bound chats; else the people holding `role`
    (its keepers; `people` when the flow knows better) directly, but not those in `skip`;
    else the admins, with the fix; else nobody — and say so.

    `here` is the (platform, chat id) the sender is in: when it is a bound chat, it already
    sees the reply, so it counts as reached without a second copy."""
    nobody = nobody_keeper(s, warehouse_id, role)
    reach = Reach(nobody=nobody)
    code = nobody.params["wh"]
    for chat in bound_chats(s, warehouse_id):
        reach.chats.append(chat.title or chat.platform_chat_id)
        if here is not None and (chat.platform, chat.platform_chat_id) == here:
            continue
        enqueue(s, chat.platform, chat.platform_chat_id, notice, f"{dedupe}:c{chat.id}")
    if reach.chats:
        return reach
    skipped = set(skip)
    candidates = [
        u for u in (holders(s, role) if people is None else people) if u.id not in skipped
    ]
    direct = to_people(s, candidates, notice, dedupe)
    if direct.anyone:
        reach.people = direct.people
        return reach
    told = to_admins(s, settings, notice, dedupe, skip=skipped)
    reach.people = told.people
    reach.fallback = Notice("route.only_admins", {"wh": code, "role": role})
    return reach


def to_admins(
    s: Session, settings: Settings, notice: Notice, dedupe: str, *, skip: Iterable[int] = ()
) -> Reach:
    """The admins: people with the admin role, else the bootstrap admins of the settings."""
    skipped = set(skip)
    found = [u for u in holders(s, "admin") if u.id not in skipped]
    if found:
        return to_people(s, found, notice, dedupe)
    reach = Reach()
    for n, (platform, uid) in enumerate(sorted(settings.admin_identities())):
        enqueue(s, platform, f"user:{uid}", notice, f"{dedupe}:b{n}")
        reach.people.append(uid)
    return reach


def nobody_keeper(s: Session, warehouse_id: int, role: str = "keeper") -> Notice:
    """What to say when nothing about `warehouse_id` could reach anyone, with the fix."""
    wh = s.get(Warehouse, warehouse_id)
    return Notice("route.nobody_keeper", {"wh": wh.code if wh else "?", "role": role})


def nobody_can(no: str, act: str, role: str, *, amount: object | None = None) -> Notice:
    why = L("route.why_limit", amount=amount) if amount is not None else L("route.why_none")
    return Notice(
        "route.nobody_role", {"act": L(f"wf.act.{act}"), "no": no, "why": why, "role": role}
    )
