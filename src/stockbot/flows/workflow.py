"""One document workflow for every document type (material request, purchase request, goods
receipt, stocktake, alert …).

A flow declares its document once — table, number prefix, who requested it — and its steps:
from which states, by which roles, whether the requester may or must not act, whether the same
person may act twice, which amount the actor's limit must cover, and whether the step asks
"why?" first. The mechanism gives every document type the same:

- numbers (`MR-00012`) and their parsing (`mr12`, `MR#12`);
- load by id, with "there is no MR-00099";
- the checks above, in one place, before the flow's own step runs in the same unit of work;
- `move`: the conditional update a transition is (`… WHERE state IN (…)`), recording the
  decision (who, when, which chat message); the loser of a race is told who won and when
  ("MR-00012 was already approved by Dave at 09:12");
- reasons: the Reject button asks "why?" and stores the question; the answer closes the question
  in its own transaction *first*, so a question whose document moved on is settled once and
  the next plain message is not taken for a reason again;
- dispatch of buttons (`ActionToken`), of typed commands (`/approve PR-3`, `/reject MR-7 …`,
  `/cancel …`) and of answers, for the runtime;
- `who_can`: the people who may take a step now, to route cards and to say at once when nobody
  can.

```
 flow module                              workflow.py                          runtime
 WF = Workflow("mr", "MR", MaterialRequest)
 @WF.step("approve", source=("pending_approval",), roles=("approver",), requester="not")
 def approve(ctx, s, doc, inp): …
                                ◀── act(): roles, load, state, requester, limits ◀── button/command
```
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from stockbot.flows import conversation, routing
from stockbot.flows.common import (
    Refusal,
    actor_id,
    approval_limit,
    decide,
    display_name,
    last_decision,
    refuse,
    require,
    users_with_role,
)
from stockbot.flows.context import Ctx
from stockbot.flows.notices import At, L, Money, Notice
from stockbot.i18n import CATALOG, register
from stockbot.replies import Reply
from stockbot.store.db import rowcount
from stockbot.store.models import ActionToken, Decision, User
from stockbot.timeutil import utcnow

register(
    {
        "wf.already": {
            "en": "{no} was already {state} by {who} at {at}; nothing was changed.",
            "zh-Hans": "{no} 已由 {who} 于 {at} {state}，未做任何更改。",
        },
        "wf.closed": {
            "en": "{no} is {state}; nothing was changed.",
            "zh-Hans": "{no} 当前状态为{state}，未做任何更改。",
        },
        "wf.not_requester": {
            "en": "You cannot {act} your own {no}; someone else must.",
            "zh-Hans": "不能{act}自己的 {no}，请由其他人处理。",
        },
        "wf.only_requester": {
            "en": "Only the requester ({who}) can do that.",
            "zh-Hans": "只有申请人（{who}）可以这样做。",
        },
        "wf.twice": {
            "en": "You already approved {no}; another approver must give the next level.",
            "zh-Hans": "你已经批准过 {no}，下一级须由其他审批人批准。",
        },
        "wf.over_limit": {
            "en": "{no} is {amount}, over your approval limit of {limit}.",
            "zh-Hans": "{no} 金额 {amount}，超出你的审批限额 {limit}。",
        },
        "wf.ask_reason": {
            "en": "Why is {no} {done}? Your next message here is the reason.",
            "zh-Hans": "{no} 为什么{done}？请在此回复原因。",
        },
        "wf.need_reason": {
            "en": "Say why: `/{act} {no} <reason>`.",
            "zh-Hans": "请写明原因：`/{act} {no} <原因>`。",
        },
        "wf.act.approve": {"en": "approve", "zh-Hans": "批准"},
        "wf.act.reject": {"en": "reject", "zh-Hans": "驳回"},
        "wf.act.cancel": {"en": "cancel", "zh-Hans": "取消"},
        "wf.act.confirm": {"en": "confirm", "zh-Hans": "确认"},
        "state.pending": {"en": "waiting for approval", "zh-Hans": "待审批"},
    }
)

Requester = Literal["any", "not", "only", "or_roles"]
"""May the requester take the step: anyone who passes the roles; never the requester; only
the requester; the requester, or anyone holding the roles."""


@dataclass(frozen=True, slots=True)
class Input:
    """What came with the step: a reason, the button's payload, the typed command."""

    reason: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    cmd: Any = None


StepFn = Callable[[Ctx, Session, Any, Input], Reply]
LimitFn = Callable[[Ctx, Session, Any], Decimal | None]
NoteFn = Callable[[Session, Any], tuple[str, dict[str, Any]] | None]


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    source: tuple[str, ...]
    run: StepFn
    roles: tuple[str, ...] = ()
    requester: Requester = "any"
    once_per_person: bool = False
    """Nobody takes this step twice on one document (two approval levels, two people)."""
    limit: LimitFn | None = None
    """The amount the actor's approval limit must cover, if any."""
    asks_reason: bool = False
    """Pressed as a button, the step first asks "why?"; the answer runs it."""
    reason_required: bool = False
    done_key: str | None = None
    """How the finished step reads in "why is X …?" (`state.rejected`)."""


class Workflow:
    """One document type: its table, its numbers, its steps (see the module docstring)."""

    def __init__(
        self,
        doc_type: str,
        prefix: str,
        model: Any,
        *,
        requester_attr: str = "requester_id",
        silent_actions: tuple[str, ...] = ("request",),
        system_states: tuple[str, ...] = (),
        note: NoteFn | None = None,
    ) -> None:
        """`system_states`: states the document reaches with no person acting (an alert closed
        because the stock is back): "already" names nobody for them. `note`: one more line for
        "already …" about the document as it is now (snoozed until when, which item)."""
        self.doc_type = doc_type
        self.prefix = prefix
        self.model = model
        self.requester_attr = requester_attr
        self.silent_actions = silent_actions
        self.system_states = system_states
        self.note = note
        self.steps: dict[str, Step] = {}
        self._re = re.compile(rf"^\s*{prefix}[-#]?0*(\d{{1,9}})\s*$", re.IGNORECASE)

    # --- declaring ------------------------------------------------------------------------

    def step(
        self,
        action: str,
        *,
        source: tuple[str, ...],
        roles: tuple[str, ...] = (),
        requester: Requester = "any",
        once_per_person: bool = False,
        limit: LimitFn | None = None,
        asks_reason: bool = False,
        reason_required: bool = False,
        done_key: str | None = None,
    ) -> Callable[[StepFn], StepFn]:
        def register_step(fn: StepFn) -> StepFn:
            self.steps[action] = Step(
                action,
                source,
                fn,
                roles,
                requester,
                once_per_person,
                limit,
                asks_reason,
                reason_required,
                done_key,
            )
            return fn

        return register_step

    def rejecting(
        self,
        *,
        source: tuple[str, ...],
        roles: tuple[str, ...] = ("approver",),
        done_key: str = "state.rejected",
    ) -> Callable[[StepFn], StepFn]:
        """The reject step every approval has: from `source`, by `roles`, never by the
        requester, always with a reason — asked for when the button is pressed."""
        return self.step(
            "reject",
            source=source,
            roles=roles,
            requester="not",
            asks_reason=True,
            reason_required=True,
            done_key=done_key,
        )

    # --- numbers --------------------------------------------------------------------------

    def number(self, doc_id: int) -> str:
        return f"{self.prefix}-{doc_id:05d}"

    def parse(self, text: str | None) -> int | None:
        m = self._re.match(text or "")
        return int(m.group(1)) if m else None

    def id_of(self, ctx: Ctx, text: str) -> int:
        doc_id = self.parse(text)
        if doc_id is None:
            raise refuse("doc.unknown", ctx.lang, doc=text)
        return doc_id

    # --- loading and explaining -----------------------------------------------------------

    def load(self, ctx: Ctx, s: Session, doc_id: int) -> Any:
        doc = s.get(self.model, doc_id)
        if doc is None:
            raise refuse("doc.unknown", ctx.lang, doc=self.number(doc_id))
        return doc

    def requester_of(self, doc: Any) -> int | None:
        value = getattr(doc, self.requester_attr, None)
        return value if isinstance(value, int) else None

    def state_label(self, state: str) -> dict[str, Any]:
        own = f"{self.doc_type}.state.{state}"
        return L(own if own in CATALOG else f"state.{state}")

    def already(self, ctx: Ctx, s: Session, doc: Any) -> Refusal:
        """Why nothing happened: who moved the document on, and when."""
        s.refresh(doc)
        last = last_decision(s, self.doc_type, doc.id)
        no, state = self.number(doc.id), self.state_label(doc.state)
        if last is None or last.action in self.silent_actions or doc.state in self.system_states:
            said = Notice("wf.closed", {"no": no, "state": state})
        else:
            said = Notice(
                "wf.already",
                {
                    "no": no,
                    "state": state,
                    "who": display_name(s, last.actor_id),
                    "at": At(last.created_at),
                },
            )
        line = self.note(s, doc) if self.note is not None else None
        if line is not None:
            said = said.then(line[0], **line[1])
        return self.refusal(ctx, said)

    @staticmethod
    def refusal(ctx: Ctx, notice: Notice) -> Refusal:
        return Refusal(notice.render(ctx.lang, ctx.tz, ephemeral=True))

    # --- who may act ----------------------------------------------------------------------

    def check(self, ctx: Ctx, s: Session, doc: Any, step: Step) -> None:
        """Every rule of the step but the roles (checked before the unit of work opens)."""
        if doc.state not in step.source:
            raise self.already(ctx, s, doc)
        me = actor_id(ctx, s)
        requester = self.requester_of(doc)
        no = self.number(doc.id)
        if step.requester == "not" and requester == me:
            act = L(f"wf.act.{step.action}")
            raise self.refusal(ctx, Notice("wf.not_requester", {"act": act, "no": no}))
        if step.requester == "only" and requester != me:
            who = display_name(s, requester)
            raise self.refusal(ctx, Notice("wf.only_requester", {"who": who}))
        if step.requester == "or_roles" and requester != me and not ctx.actor.has(*step.roles):
            require(ctx, *step.roles)
        if step.once_per_person and self._acted(s, doc.id, step.action, me):
            raise self.refusal(ctx, Notice("wf.twice", {"no": no}))
        if step.limit is not None:
            need = step.limit(ctx, s, doc)
            mine = approval_limit(s, me)
            if need is not None and mine is not None and need > mine:
                raise self.refusal(
                    ctx,
                    Notice(
                        "wf.over_limit", {"no": no, "amount": Money(need), "limit": Money(mine)}
                    ),
                )

    def _acted(self, s: Session, doc_id: int, action: str, user_id: int) -> bool:
        return (
            s.scalar(
                select(Decision.id)
                .where(
                    Decision.doc_type == self.doc_type,
                    Decision.doc_id == doc_id,
                    Decision.action == action,
                    Decision.actor_id == user_id,
                )
                .limit(1)
            )
            is not None
        )

    def who_can(self, ctx: Ctx, s: Session, doc: Any, action: str) -> list[User]:
        """The people who may take `action` on `doc` now: its roles (admins included), minus
        the requester where the step says so, minus who already took it, within the limit."""
        step = self.steps[action]
        need = step.limit(ctx, s, doc) if step.limit is not None else None
        people: dict[int, User] = {}
        for role in step.roles or ("staff",):
            for u in users_with_role(s, role, need):
                people[u.id] = u
        requester = self.requester_of(doc)
        out = []
        for u in people.values():
            if step.requester == "not" and u.id == requester:
                continue
            if step.once_per_person and self._acted(s, doc.id, action, u.id):
                continue
            out.append(u)
        return sorted(out, key=lambda u: u.id)

    def offer(
        self,
        ctx: Ctx,
        s: Session,
        doc: Any,
        action: str,
        card: Notice,
        stuck: Notice,
        round_: object = "",
    ) -> routing.Reach:
        """The decision card to exactly the people who may take `action` now; when nobody can,
        `stuck` (why, and the fix) goes to the admins at once and becomes the reach's `nobody`
        line, so the sender is told too (`reach.tell(reply)`)."""
        no = self.number(doc.id)
        dedupe = f"{no}:{action}:{round_}"  # `round_`: a second card for the same step (level 2)
        reach = routing.to_people(s, self.who_can(ctx, s, doc, action), card, dedupe)
        if not reach.anyone:
            reach.nobody = stuck
            skip = [u for u in (self.requester_of(doc),) if u is not None]
            routing.to_admins(s, ctx.settings, stuck, f"{dedupe}:stuck", skip=skip)
        return reach

    # --- acting ---------------------------------------------------------------------------

    def act(self, ctx: Ctx, doc_id: int, action: str, inp: Input | None = None) -> Reply:
        """Run one step in one unit of work, after every check the step declares."""
        step = self.steps[action]
        inp = inp or Input()
        if step.roles and step.requester != "or_roles":
            require(ctx, *step.roles)
        if step.reason_required and not (inp.reason or "").strip():
            act = L(f"wf.act.{action}")
            no = self.number(doc_id)
            raise self.refusal(ctx, Notice("wf.need_reason", {"act": act, "no": no}))
        with ctx.db.write() as s:
            doc = self.load(ctx, s, doc_id)
            self.check(ctx, s, doc, step)
            return step.run(ctx, s, doc, inp)

    def move(
        self,
        ctx: Ctx,
        s: Session,
        doc: Any,
        action: str,
        to: str,
        *,
        source: tuple[str, ...] | None = None,
        where: tuple[Any, ...] = (),
        level: int = 1,
        qty: Decimal | None = None,
        reason: str | None = None,
        **values: Any,
    ) -> Decision:
        """The transition: a conditional update from the step's states (or `source`), then
        the decision on record. The loser of a race is told who won."""
        states = source if source is not None else self.steps[action].source
        model = self.model
        won = rowcount(
            s.execute(
                update(model)
                .where(model.id == doc.id, model.state.in_(states), *where)
                .values(state=to, updated_at=utcnow(), **values)
                .execution_options(synchronize_session=False)
            )
        )
        if won != 1:
            raise self.already(ctx, s, doc)
        s.expire(doc)
        return decide(ctx, s, self.doc_type, doc.id, action, level=level, qty=qty, reason=reason)

    # --- questions ------------------------------------------------------------------------

    def ask(self, ctx: Ctx, doc_id: int, action: str) -> Reply:
        """A pressed Reject (or any step that wants a reason): check now, ask why, and take the
        person's next plain message in this chat as the answer."""
        step = self.steps[action]
        if step.roles and step.requester != "or_roles":
            require(ctx, *step.roles)
        with ctx.db.write() as s:
            doc = self.load(ctx, s, doc_id)
            self.check(ctx, s, doc, step)
            conversation.expect(ctx, s, self.question_kind(action), doc.id)
            done = L(step.done_key or f"state.{action}ed")
            notice = Notice("wf.ask_reason", {"no": self.number(doc.id), "done": done})
            reply = notice.render(ctx.lang, ctx.tz)
            return Reply(blocks=reply.blocks, asks=True)

    def question_kind(self, action: str) -> str:
        return f"why:{self.doc_type}:{action}"

    def answer(self, ctx: Ctx, doc_id: int, action: str, text: str) -> Reply:
        """The answer to "why?". The question is closed in a transaction of its own first, so
        whatever happens to the step (the document moved on, a rule refuses) it is asked once."""
        with ctx.db.write() as s:
            conversation.clear(ctx, s)
        return self.act(ctx, doc_id, action, Input(reason=text.strip()[:500]))

    # --- dispatch -------------------------------------------------------------------------

    def press(self, ctx: Ctx, token: ActionToken) -> Reply:
        step = self.steps[token.action]
        if step.asks_reason:
            return self.ask(ctx, token.doc_id, token.action)
        return self.act(ctx, token.doc_id, token.action, Input(payload=dict(token.payload or {})))

    def command(self, ctx: Ctx, action: str, doc_id: int, cmd: Any) -> Reply:
        """`/approve PR-3`, `/reject MR-7 <reason>`, `/cancel CNT-2`."""
        reason = (getattr(cmd, "reason", None) or "").strip()[:500] or None
        step = self.steps[action]
        if step.asks_reason and step.reason_required and reason is None:
            return self.ask(ctx, doc_id, action)
        return self.act(ctx, doc_id, action, Input(reason=reason, cmd=cmd))


def find_workflow(workflows: dict[str, Workflow], text: str) -> tuple[Workflow, int] | None:
    """Which document a typed number names: `MR-00012` → (the MR workflow, 12)."""
    for wf in workflows.values():
        doc_id = wf.parse(text)
        if doc_id is not None:
            return wf, doc_id
    return None
