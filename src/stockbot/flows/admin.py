"""Administration: roles, identities, chat bindings, languages.

- `/role <@user> <role> [limit]` (admin): grants a role — additive — to a user on this platform,
  creating the user if the bot has never seen them (how an admin pre-grants roles); the grant is
  recorded as a decision (`doc_type "user"`) and the user is told through the outbox.
- `/bind <warehouse> [lang]` (admin): binds this chat to a warehouse and optionally a language;
  later requests in the chat use that warehouse and replies come in that language.
- `/lang <lang>` (anyone): the user's own language override, which wins over the chat's.
`/pending` (待办) lives in `flows.pending`.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import stockbot.messages.admin  # noqa: F401  (registers the catalogue)
from stockbot.commands.inbound import Person
from stockbot.commands.parser import BindCmd, LangCmd, LinkCmd, RoleCmd
from stockbot.flows import routing
from stockbot.flows.common import (
    actor_id,
    decide,
    refuse,
    require,
)
from stockbot.flows.context import Ctx
from stockbot.i18n import normalize_lang, register, t, tm
from stockbot.replies import Reply
from stockbot.store.catalog import ensure_user, find_user, grant_role
from stockbot.store.models import (
    Chat,
    Decision,
    MaterialRequest,
    Role,
    User,
    UserIdentity,
    UserRole,
    Warehouse,
)
from stockbot.store.types import fmt_qty

ZERO = Decimal(0)
SECTION_ROWS = 15
MAX_BUTTONS = 10
UNCONFIRMED_AFTER = timedelta(days=1)
PR_CLOSED = ("rejected", "cancelled", "ordered", "closed", "received", "done")

register(
    {
        "admin.role_granted": {
            "en": "✅ {who} is now {role}{limit}.",
            "zh-Hans": "✅ 已将 {who} 设为{role}{limit}。",
        },
        "admin.role_notice": {
            "en": "{admin} made you {role}{limit}.",
            "zh-Hans": "{admin} 已将你设为{role}{limit}。",
        },
        "admin.role_limit": {"en": " (approval limit {limit})", "zh-Hans": "（审批限额 {limit}）"},
        "admin.role_already": {
            "en": "{who} is already {role}{limit}; nothing was changed.",
            "zh-Hans": "{who} 已经是{role}{limit}，未做任何更改。",
        },
        "admin.limit_only_approver": {
            "en": "An amount limit applies to approvers only; nothing was changed.",
            "zh-Hans": "金额限额只适用于审批人，未做任何更改。",
        },
        "admin.unknown_warehouse": {
            "en": "There is no warehouse “{wh}”. Known: {known}. Nothing was changed.",
            "zh-Hans": "没有仓库“{wh}”。现有仓库：{known}。未做任何更改。",
        },
        "admin.bound": {
            "en": "🔗 This chat is now bound to {wh}{name}; replies here are in {language}.",
            "zh-Hans": "🔗 本群已绑定到仓库 {wh}{name}，回复语言：{language}。",
        },
        "admin.lang_set": {
            "en": "From now on I answer you in {language}.",
            "zh-Hans": "从现在起我用{language}回复你。",
        },
    }
)


# --- /role --------------------------------------------------------------------------------------


def _target_user(ctx: Ctx, s: Session, cmd: RoleCmd | LinkCmd) -> tuple[User, bool]:
    """The user an admin names, only ever by what the platform vouches for: an identity (a
    Slack mention, a Telegram text mention rewritten as `telegram:<id>`, one typed out), the
    author of the message replied to, or an `@username` the platform reported for someone who
    wrote here. A display name is never enough: anyone can call themselves "frank". A named
    identity nobody has used yet is created (an admin pre-granting a role); a name is not."""
    if cmd.user is None:
        if ctx.reply_to is None:
            raise refuse("admin.name_whom", ctx.lang)
        return _by_identity(ctx, s, ctx.origin.platform, ctx.reply_to.user_id, ctx.reply_to)
    if cmd.user_platform is not None:
        person = next((p for p in ctx.mentioned if p.user_id == cmd.user), None)
        return _by_identity(ctx, s, cmd.user_platform, cmd.user, person)
    if ctx.origin.platform == "console":  # the console's user ids are names: @bob is console:bob
        return _by_identity(ctx, s, "console", cmd.user, None)
    return _by_handle(ctx, s, cmd.user), False


def _by_identity(
    ctx: Ctx, s: Session, platform: str, uid: str, person: Person | None
) -> tuple[User, bool]:
    user = find_user(s, platform, uid)
    if user is None and platform == "console":  # console names are typed in any case
        found = s.scalars(
            select(User)
            .join(UserIdentity, UserIdentity.user_id == User.id)
            .where(
                UserIdentity.platform == platform,
                func.lower(UserIdentity.platform_user_id) == uid.lower(),
            )
        ).all()
        if len(found) > 1:
            raise refuse("admin.user_ambiguous", ctx.lang, user=uid)
        user = found[0] if found else None
    if user is not None:
        return user, False
    name = (person.name if person else None) or uid
    handle = person.handle if person else None
    admins = ctx.settings.admin_identities()
    return ensure_user(s, platform, uid, name, admins=admins, handle=handle), True


def _by_handle(ctx: Ctx, s: Session, handle: str) -> User:
    """`@name` on Slack or Telegram: the one identity whose platform username it is."""
    found = s.scalars(
        select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(
            UserIdentity.platform == ctx.origin.platform,
            func.lower(UserIdentity.handle) == handle.lower(),
        )
        .distinct()
    ).all()
    if len(found) > 1:
        raise refuse("admin.user_ambiguous", ctx.lang, user=f"@{handle}")
    if not found:
        raise refuse("admin.user_unknown", ctx.lang, user=f"@{handle}")
    return found[0]


def _limit_text(lang: str, role: str, limit: Decimal | None) -> str:
    if role != Role.APPROVER.value or limit is None:
        return ""
    return t("admin.role_limit", lang, limit=fmt_qty(limit))


def role(ctx: Ctx, cmd: RoleCmd) -> Reply:
    require(ctx, "admin")
    granted = Role(cmd.role)
    if cmd.limit is not None and granted is not Role.APPROVER:
        raise refuse("admin.limit_only_approver", ctx.lang)
    with ctx.db.write() as s:
        me = actor_id(ctx, s)
        target, created = _target_user(ctx, s, cmd)
        held = s.get(UserRole, (target.id, granted.value))
        if (
            held is not None
            and not created
            and (cmd.limit is None or held.amount_limit == cmd.limit)
        ):
            raise refuse(
                "admin.role_already",
                ctx.lang,
                who=target.display_name,
                role=t(f"role.{granted.value}", ctx.lang),
                limit=_limit_text(ctx.lang, granted.value, held.amount_limit),
            )
        grant_role(s, target, granted, amount_limit=cmd.limit, granted_by=me)
        decide(ctx, s, "user", target.id, "grant", qty=cmd.limit, reason=granted.value)
        held = s.get(UserRole, (target.id, granted.value))
        limit = held.amount_limit if held is not None else cmd.limit
        their_lang = target.reads_in or ctx.lang
        routing.to_user(
            s,
            target.id,
            Reply.text(
                tm(
                    "admin.role_notice",
                    their_lang,
                    admin=ctx.actor.display_name,
                    role=t(f"role.{granted.value}", their_lang),
                    limit=_limit_text(their_lang, granted.value, limit),
                )
            ),
            ctx.origin.key(f"role:{target.id}:{granted.value}"),
        )
        return Reply.text(
            tm(
                "admin.role_granted",
                ctx.lang,
                who=target.display_name,
                role=t(f"role.{granted.value}", ctx.lang),
                limit=_limit_text(ctx.lang, granted.value, limit),
            )
        )


# --- /link -------------------------------------------------------------------------------------

register(
    {
        "admin.linked": {
            "en": "{platform}:{uid} is now {who} too; their roles apply there.",
            "zh-Hans": "{platform}:{uid} 已关联到 {who}，其角色在该平台同样有效。",
        },
        "admin.link_already": {
            "en": "{platform}:{uid} is already {who}.",
            "zh-Hans": "{platform}:{uid} 已经是 {who}。",
        },
        "admin.link_busy": {
            "en": "{platform}:{uid} already acts as {other} (with its own history); nothing "
            "was changed.",
            "zh-Hans": "{platform}:{uid} 已是 {other}（有自己的记录），未做任何更改。",
        },
    }
)


def link(ctx: Ctx, cmd: LinkCmd) -> Reply:
    """One person, several platforms: move the identity onto the named user. An identity that
    already has a history of its own is refused, so no record ever changes owner."""
    require(ctx, "admin")
    with ctx.db.write() as s:
        actor_id(ctx, s)
        target, _created = _target_user(ctx, s, cmd)
        ident = s.scalar(
            select(UserIdentity).where(
                UserIdentity.platform == cmd.platform,
                UserIdentity.platform_user_id == cmd.platform_user_id,
            )
        )
        params = {"platform": cmd.platform, "uid": cmd.platform_user_id,
                  "who": target.display_name}  # fmt: skip
        if ident is not None and ident.user_id == target.id:
            raise refuse("admin.link_already", ctx.lang, **params)
        if ident is None:
            s.add(UserIdentity(user_id=target.id, platform=cmd.platform,
                               platform_user_id=cmd.platform_user_id))  # fmt: skip
        else:
            other = s.get(User, ident.user_id)
            if other is not None and _has_history(s, other.id):
                raise refuse("admin.link_busy", ctx.lang, other=other.display_name, **params)
            ident.user_id = target.id
            if other is not None:  # an empty first-sight account: retire it
                for extra in s.scalars(select(UserRole).where(UserRole.user_id == other.id)):
                    if extra.role != Role.STAFF.value:
                        grant_role(s, target, Role(extra.role), extra.amount_limit)
                other.active = False
        s.flush()
        decide(ctx, s, "user", target.id, "link", reason=f"{cmd.platform}:{cmd.platform_user_id}")
        return Reply.text(tm("admin.linked", ctx.lang, **params))


def _has_history(s: Session, user_id: int) -> bool:
    """Did this user act (post, decide, request)? Then their identity stays theirs."""
    from stockbot.store.models import Posting

    for model, col in ((Posting, Posting.actor_id), (Decision, Decision.actor_id),
                       (MaterialRequest, MaterialRequest.requester_id)):  # fmt: skip
        if s.scalar(select(model.id).where(col == user_id).limit(1)) is not None:
            return True
    return False


# --- /bind and /lang ----------------------------------------------------------------------------


def bind(ctx: Ctx, cmd: BindCmd) -> Reply:
    require(ctx, "admin")
    wanted = cmd.warehouse.strip()
    with ctx.db.write() as s:
        wh = s.scalar(select(Warehouse).where(func.lower(Warehouse.code) == wanted.lower()))
        if wh is None:
            wh = s.scalar(
                select(Warehouse).where(func.lower(Warehouse.name) == wanted.lower()).limit(1)
            )
        if wh is None:
            known = s.scalars(select(Warehouse.code).order_by(Warehouse.code).limit(30)).all()
            raise refuse(
                "admin.unknown_warehouse", ctx.lang, wh=wanted[:100], known=", ".join(known) or "-"
            )
        chat = s.scalar(
            select(Chat).where(
                Chat.platform == ctx.origin.platform, Chat.platform_chat_id == ctx.origin.chat_id
            )
        )
        if chat is None:
            chat = Chat(
                platform=ctx.origin.platform,
                platform_chat_id=ctx.origin.chat_id,
                language=cmd.lang or normalize_lang(ctx.settings.default_language) or "en",
                timezone=ctx.settings.timezone,
            )
            s.add(chat)
        chat.warehouse_id = wh.id
        if cmd.lang:
            chat.language = cmd.lang
        s.flush()
        decide(ctx, s, "chat", chat.id, "bind", reason=f"{wh.code} {chat.language}")
        lang = cmd.lang or ctx.lang
        return Reply.text(
            tm(
                "admin.bound",
                lang,
                wh=wh.code,
                name=f" ({wh.name})" if wh.name and wh.name != wh.code else "",
                language=t(f"lang.{chat.language}", lang),
            )
        )


def set_lang(ctx: Ctx, cmd: LangCmd) -> Reply:
    with ctx.db.write() as s:
        user = s.get(User, actor_id(ctx, s))
        assert user is not None
        user.language = cmd.lang
    return Reply.text(t("admin.lang_set", cmd.lang, language=t(f"lang.{cmd.lang}", cmd.lang)))


# --- wiring -------------------------------------------------------------------------------------

COMMANDS = {
    "role": role,
    "bind": bind,
    "lang": set_lang,
    "link": link,
}
ACTIONS: dict = {}
