"""Administration and the personal inbox.

- `/role <@user> <role> [limit]` (admin): grants a role — additive — to a user on this platform,
  creating the user if the bot has never seen them (how an admin pre-grants roles); the grant is
  recorded as a decision (`doc_type "user"`) and the user is told through the outbox.
- `/bind <warehouse> [lang]` (admin): binds this chat to a warehouse and optionally a language;
  later requests in the chat use that warehouse and replies come in that language.
- `/lang <lang>` (anyone): the user's own language override, which wins over the chat's.
- `/pending` (anyone, 待办): what waits for *this* user — approvals they may give, requests to
  issue, receipts waiting for QC, issues not confirmed within a day, and their own open requests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from stockbot.commands.parser import BindCmd, LangCmd, LinkCmd, PendingCmd, RoleCmd
from stockbot.flows.common import (
    actor_id,
    approval_limit,
    button,
    decide,
    display_name,
    doc_number,
    fq,
    notify_user,
    refuse,
    require,
)
from stockbot.flows.context import Ctx
from stockbot.i18n import CATALOG, normalize_lang, register, t, tm
from stockbot.replies import Button, Buttons, Reply, Text, md_escape
from stockbot.store.catalog import ensure_user, grant_role
from stockbot.store.models import (
    Chat,
    Decision,
    GoodsReceipt,
    Item,
    MaterialRequest,
    PurchaseRequest,
    Role,
    User,
    UserIdentity,
    UserRole,
    Warehouse,
)
from stockbot.store.types import fmt_qty
from stockbot.timeutil import as_utc, utcnow

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
        "admin.user_ambiguous": {
            "en": "Several users are called “{user}”; mention them by id. Nothing was changed.",
            "zh-Hans": "有多个用户叫“{user}”，请用用户 ID 指定。未做任何更改。",
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
        "pending.title": {"en": "*What waits for you, {who}*", "zh-Hans": "*{who} 的待办*"},
        "pending.none": {
            "en": "Nothing waits for you, {who}. 🎉",
            "zh-Hans": "{who}，你目前没有待办事项。🎉",
        },
        "pending.to_approve": {"en": "To approve", "zh-Hans": "待审批"},
        "pending.to_issue": {"en": "To issue", "zh-Hans": "待发料"},
        "pending.qc": {"en": "Receipts waiting for QC", "zh-Hans": "待质检的入库"},
        "pending.unconfirmed": {
            "en": "Issued but not confirmed within a day",
            "zh-Hans": "已发料但超过一天未签收",
        },
        "pending.mine": {"en": "Your open requests", "zh-Hans": "你的未完成申请"},
        "pending.left": {"en": "{qty} left", "zh-Hans": "剩 {qty}"},
        "pending.more": {"en": "…and {n} more", "zh-Hans": "……还有 {n} 项"},
        "pending.issued_ago": {"en": "issued {age} ago", "zh-Hans": "已发料 {age}"},
        "pending.age.min": {"en": "{n} min", "zh-Hans": "{n} 分钟"},
        "pending.age.h": {"en": "{n} h", "zh-Hans": "{n} 小时"},
        "pending.age.d": {"en": "{n} d", "zh-Hans": "{n} 天"},
        "pending.btn.approve": {"en": "Approve {no}", "zh-Hans": "批准 {no}"},
        "pending.btn.issue": {"en": "Issue {no} ({qty})", "zh-Hans": "发料 {no}（{qty}）"},
        "pending.btn.confirm": {"en": "Confirm {no}", "zh-Hans": "签收 {no}"},
    }
)


# --- /role --------------------------------------------------------------------------------------


def _target_user(ctx: Ctx, s: Session, who: str) -> tuple[User, bool]:
    """The user an admin names on this platform: by platform id, handle, or display name
    (case-insensitive); someone never seen is created (an admin pre-granting a role)."""
    platform = ctx.origin.platform
    user = s.scalar(
        select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(
            UserIdentity.platform == platform,
            or_(UserIdentity.platform_user_id == who, UserIdentity.handle == who),
        )
        .order_by(UserIdentity.platform_user_id != who)  # the exact id before a handle
        .limit(1)
    )
    if user is not None:
        return user, False
    named = s.scalars(
        select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(UserIdentity.platform == platform, func.lower(User.display_name) == who.lower())
        .distinct()
    ).all()
    if len(named) > 1:
        raise refuse("admin.user_ambiguous", ctx.lang, user=who)
    if named:
        return named[0], False
    created = ensure_user(s, platform, who, who, admins=ctx.settings.admin_identities())
    return created, True


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
        target, created = _target_user(ctx, s, cmd.user)
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
        their_lang = target.language or ctx.lang
        notify_user(
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
        target, _created = _target_user(ctx, s, cmd.user)
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
    from stockbot.store.models import Decision, MaterialRequest, Posting

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


# --- /pending -----------------------------------------------------------------------------------


def _age(lang: str, since: datetime | None) -> str:
    if since is None:
        return "-"
    secs = max(0.0, (utcnow() - as_utc(since)).total_seconds())
    if secs < 3600:
        return t("pending.age.min", lang, n=max(1, int(secs // 60)))
    if secs < 2 * 86400:
        return t("pending.age.h", lang, n=int(secs // 3600))
    return t("pending.age.d", lang, n=int(secs // 86400))


def _action_exists(doc_type: str, action: str) -> bool:
    """Whether some flow answers this button (purchases/receipts may not offer it)."""
    import importlib

    from stockbot.flows import FLOW_MODULES

    for name in FLOW_MODULES:
        module = importlib.import_module(f"stockbot.flows.{name}")
        if (doc_type, action) in getattr(module, "ACTIONS", {}):
            return True
    return False


def _pr_need(ctx: Ctx, pr: PurchaseRequest) -> Decimal:
    """The limit the next approval level of a purchase request needs — the purchases flow's
    own rule when it offers one (so /pending lists only what /approve would accept)."""
    from stockbot.flows import purchases

    need = getattr(purchases, "_need", None)
    if need is None:
        return Decimal(pr.amount)
    return Decimal(need(ctx, pr, pr.levels_done + 1))


class _Inbox:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.sections: list[tuple[str, list[str], int]] = []
        # label, doc_type, doc_id, action, payload
        self.buttons: list[tuple[str, str, int, str, dict[str, Any] | None]] = []

    def section(self, key: str, lines: list[str]) -> None:
        if lines:
            self.sections.append((key, lines[:SECTION_ROWS], max(0, len(lines) - SECTION_ROWS)))

    def offer(
        self,
        label: str,
        doc_type: str,
        doc_id: int,
        action: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        if len(self.buttons) < MAX_BUTTONS:
            self.buttons.append((label, doc_type, doc_id, action, payload))


def _mr_line(lang: str, s: Session, mr: MaterialRequest, item: Item, *extra: str) -> str:
    parts = [
        doc_number("mr", mr.id),
        f"{item.code} {fq(mr.qty, item.unit)}",
        display_name(s, mr.requester_id),
        *extra,
    ]
    return " · ".join(p for p in parts if p)


def _items(s: Session, rows: Any) -> dict[int, Item]:
    ids = {r.item_id for r in rows}
    return {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(ids)))} if ids else {}


def _approvals(ctx: Ctx, s: Session, me: int | None, box: _Inbox) -> None:
    lang = ctx.lang
    if me is not None:
        limit = approval_limit(s, me)
    else:
        limit = None if "admin" in ctx.actor.roles else ZERO
    mrs = s.scalars(
        select(MaterialRequest)
        .where(MaterialRequest.state == "pending_approval")
        .order_by(MaterialRequest.created_at, MaterialRequest.id)
    ).all()
    mrs = [m for m in mrs if m.requester_id != me and (limit is None or m.amount <= limit)]
    items = _items(s, mrs)
    lines = []
    for mr in mrs:
        lines.append(
            _mr_line(lang, s, mr, items[mr.item_id], fmt_qty(mr.amount), _age(lang, mr.created_at))
        )
        no = doc_number("mr", mr.id)
        box.offer(t("pending.btn.approve", lang, no=no), "mr", mr.id, "approve")
    prs = s.scalars(
        select(PurchaseRequest)
        .where(PurchaseRequest.state == "pending")
        .order_by(PurchaseRequest.created_at, PurchaseRequest.id)
    ).all()
    mine_done: set[int] = set()
    if me is not None and prs:
        mine_done = set(
            s.scalars(
                select(Decision.doc_id).where(
                    Decision.doc_type == "pr",
                    Decision.action == "approve",
                    Decision.actor_id == me,
                    Decision.doc_id.in_([p.id for p in prs]),
                )
            )
        )
    prs = [
        p
        for p in prs
        if p.requested_by != me
        and p.id not in mine_done
        and (limit is None or _pr_need(ctx, p) <= limit)
    ]
    pr_items = _items(s, prs)
    pr_button = bool(prs) and _action_exists("pr", "approve")
    for pr in prs:
        item = pr_items[pr.item_id]
        no = pr.number or doc_number("pr", pr.id)
        level = (
            f"L{pr.levels_done + 1}/{pr.levels_required}" if (pr.levels_required or 1) > 1 else ""
        )
        parts = [
            no,
            f"{item.code} {fq(pr.qty, item.unit)}",
            display_name(s, pr.requested_by),
            fmt_qty(pr.amount),
            level,
            _age(lang, pr.created_at),
        ]
        lines.append(" · ".join(p for p in parts if p))
        if pr_button:
            level_no = pr.levels_done + 1
            box.offer(
                t("pending.btn.approve", lang, no=no), "pr", pr.id, "approve", {"level": level_no}
            )
    box.section("pending.to_approve", lines)


def _keeper(ctx: Ctx, s: Session, box: _Inbox) -> None:
    lang = ctx.lang
    approved = s.scalars(
        select(MaterialRequest)
        .where(
            MaterialRequest.state == "approved", MaterialRequest.qty_issued < MaterialRequest.qty
        )
        .order_by(MaterialRequest.created_at, MaterialRequest.id)
    ).all()
    items = _items(s, approved)
    lines = []
    for mr in approved:
        item = items[mr.item_id]
        left = mr.qty - mr.qty_issued
        extra = [mr.work_order or "", _age(lang, mr.created_at)]
        if mr.qty_issued > 0:
            extra.insert(0, t("pending.left", lang, qty=fq(left, item.unit)))
        lines.append(_mr_line(lang, s, mr, item, *extra))
        no = doc_number("mr", mr.id)
        box.offer(
            t("pending.btn.issue", lang, no=no, qty=fq(left, item.unit)), "mr", mr.id, "issue"
        )
    box.section("pending.to_issue", lines)

    receipts = s.scalars(
        select(GoodsReceipt)
        .where(GoodsReceipt.state == "qc_pending")
        .order_by(GoodsReceipt.created_at, GoodsReceipt.id)
    ).all()
    gr_items = _items(s, receipts)
    box.section(
        "pending.qc",
        [
            " · ".join(
                [
                    doc_number("gr", gr.id),
                    f"{gr_items[gr.item_id].code} {fq(gr.qty, gr_items[gr.item_id].unit)}",
                    display_name(s, gr.received_by),
                    _age(lang, gr.created_at),
                ]
            )
            for gr in receipts
        ],
    )

    overdue = s.scalars(
        select(MaterialRequest)
        .where(
            MaterialRequest.state == "issued",
            MaterialRequest.issued_at.is_not(None),
            MaterialRequest.issued_at < utcnow() - UNCONFIRMED_AFTER,
        )
        .order_by(MaterialRequest.issued_at, MaterialRequest.id)
    ).all()
    od_items = _items(s, overdue)
    box.section(
        "pending.unconfirmed",
        [
            _mr_line(
                lang,
                s,
                mr,
                od_items[mr.item_id],
                t("pending.issued_ago", lang, age=_age(lang, mr.issued_at)),
            )
            for mr in overdue
        ],
    )


def _mine(ctx: Ctx, s: Session, me: int, box: _Inbox) -> None:
    lang = ctx.lang
    mrs = s.scalars(
        select(MaterialRequest)
        .where(
            MaterialRequest.requester_id == me,
            MaterialRequest.state.in_(("pending_approval", "approved", "issued")),
        )
        .order_by(MaterialRequest.created_at, MaterialRequest.id)
    ).all()
    items = _items(s, mrs)
    lines = []
    for mr in mrs:
        state = t(f"state.{mr.state}", lang)
        lines.append(_mr_line(lang, s, mr, items[mr.item_id], state, _age(lang, mr.created_at)))
        if mr.state == "issued":
            no = doc_number("mr", mr.id)
            box.offer(t("pending.btn.confirm", lang, no=no), "mr", mr.id, "confirm")
    prs = s.scalars(
        select(PurchaseRequest)
        .where(PurchaseRequest.requested_by == me, PurchaseRequest.state.not_in(PR_CLOSED))
        .order_by(PurchaseRequest.created_at, PurchaseRequest.id)
    ).all()
    pr_items = _items(s, prs)
    for pr in prs:
        item = pr_items[pr.item_id]
        state = t(f"state.{pr.state}", lang) if f"state.{pr.state}" in CATALOG else pr.state
        lines.append(
            " · ".join(
                [
                    pr.number or doc_number("pr", pr.id),
                    f"{item.code} {fq(pr.qty, item.unit)}",
                    state,
                    _age(lang, pr.created_at),
                ]
            )
        )
    box.section("pending.mine", lines)


def pending(ctx: Ctx, cmd: PendingCmd | None = None) -> Reply:
    lang = ctx.lang
    me = ctx.actor.user_id
    box = _Inbox(ctx)
    with ctx.db.read() as s:
        if ctx.actor.has("approver"):
            _approvals(ctx, s, me, box)
        if ctx.actor.has("keeper"):
            _keeper(ctx, s, box)
        if me is not None:
            _mine(ctx, s, me, box)
    who = ctx.actor.display_name
    if not box.sections:
        return Reply.text(tm("pending.none", lang, who=who), ephemeral=True)
    blocks: list[Any] = [Text(text=tm("pending.title", lang, who=who))]
    for key, lines, more in box.sections:
        body = "\n".join(f"• {md_escape(line)}" for line in lines)
        if more:
            body += "\n" + t("pending.more", lang, n=more)
        blocks.append(Text(text=f"*{t(key, lang)}*\n{body}"))
    if box.buttons:
        # Buttons are UI state: their tokens are the only thing /pending writes.
        with ctx.db.write() as s:
            made: list[Button] = [
                button(s, label[:75], doc_type, doc_id, action, payload)
                for label, doc_type, doc_id, action, payload in box.buttons
            ]
        blocks.append(Buttons(buttons=made))
    return Reply.of(*blocks, ephemeral=True)


# --- wiring -------------------------------------------------------------------------------------

COMMANDS = {
    "role": role,
    "bind": bind,
    "lang": set_lang,
    "pending": pending,
    "link": link,
}
DOC_COMMANDS: dict = {}
ACTIONS: dict = {}
REPLIES: dict = {}
