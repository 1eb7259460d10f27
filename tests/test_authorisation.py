"""The authorisation matrix (issue 9, "Prove it"): every command and document button × every
role × own/other document.

Read the tables as DESIGN.md §5 and each flow's `WF.step(roles=..., requester=...)`:

- `COMMANDS`: a command that needs no document — which roles may run it;
- `STEPS`: a step on a document in a given state, typed or pressed — which roles may take it and
  what the requester rule is (`not`: never your own; `only`: only your own; `or_roles`: your
  own, or with the role).

Each role is played by one person on the transcript floor (staff bob, keeper carol, purchaser
erin, approver frank, admin alice). "Other" documents are made by bea (staff) when staff may
make them, else by carol (or alice when carol is the actor). "Own" is skipped where the role
cannot make that document at all.

Allowed → no refusal key and something was written (read-only commands excepted). Refused →
a refusal key and `row_counts` equal before and after (action tokens excepted).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from transcript import Floor, row_counts

ROLES = {
    "staff": "bob",
    "keeper": "carol",
    "purchaser": "erin",
    "approver": "frank",
    "admin": "alice",
}
REFUSALS = {"flow.no_role", "wf.not_requester", "wf.only_requester", "undo.document"}
ALL = tuple(ROLES)
KEEPER = ("keeper", "admin")
APPROVER = ("approver", "admin")
ADMIN = ("admin",)

# --- commands without a document -------------------------------------------------------------
#   command                                   may run it          writes?
COMMANDS: list[tuple[str, tuple[str, ...], bool]] = [
    ("/stock BOLT",                            ALL,                False),
    ("/request BOLT 1",                        ALL,                True),
    ("/return BOLT 1",                         ALL,                True),
    ("/purchase BOLT 10",                      ALL,                True),
    ("/receive BOLT 5",                        KEEPER,             True),
    ("/transfer BOLT 1 MAIN WH2",              KEEPER,             True),
    ("/count MAIN",                            KEEPER,             True),
    ("/undo MV-00002 wrong bin",               KEEPER,             False),  # preview; Confirm posts
    ("/role @bea keeper",                      ADMIN,              True),
    ("/bind MAIN",                             ADMIN,              True),
]  # fmt: skip


# --- the documents, made by someone ----------------------------------------------------------


def _answer_count(floor: Floor, who: str) -> None:
    reply = floor.say(who, "/count MAIN")
    for _ in range(10):
        if "cnt.question" not in reply:
            return
        reply = floor.say(who, "39")


DOCS: dict[str, tuple[Callable[[Floor, str], object], tuple[str, ...]]] = {
    # state:            (make it as `who`,                                    who may make it)
    "MR pending":       (lambda f, w: f.say(w, "/request MOTOR 2"),              ALL),
    "MR approved":      (lambda f, w: f.say(w, "/request BOLT 5"),               ALL),
    "MR issued":        (lambda f, w: (f.say(w, "/request BOLT 5"),
                                       f.say("alice", "/issue MR-1")),           ALL),
    "PR pending":       (lambda f, w: f.say(w, "/purchase BOLT 100"),            ALL),
    "GR in QC":         (lambda f, w: f.say(w, "/receive RESIN 10"),             KEEPER),
    "CNT counting":     (lambda f, w: f.say(w, "/count MAIN"),                   KEEPER),
    "CNT submitted":    (_answer_count,                                           KEEPER),
}  # fmt: skip

# --- steps on a document ---------------------------------------------------------------------
#   document         how (typed or a button)          roles        requester
STEPS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("MR pending",    "/approve MR-1",                 APPROVER,    "not"),
    ("MR pending",    "button:Approve",                APPROVER,    "not"),
    ("MR pending",    "/reject MR-1 not now",          APPROVER,    "not"),
    ("MR pending",    "/cancel MR-1",                  KEEPER,      "or_roles"),
    ("MR approved",   "/issue MR-1 2",                 KEEPER,      "any"),
    ("MR approved",   "button:Issue",                  KEEPER,      "any"),
    ("MR approved",   "/cancel MR-1",                  KEEPER,      "or_roles"),
    ("MR issued",     "/confirm MR-1",                 (),          "only"),
    ("MR issued",     "button:Confirm receipt",        (),          "only"),
    ("PR pending",    "/approve PR-1",                 APPROVER,    "not"),
    ("PR pending",    "button:Approve",                APPROVER,    "not"),
    ("PR pending",    "/reject PR-1 too many",         APPROVER,    "not"),
    ("PR pending",    "/cancel PR-1",                  ADMIN,       "or_roles"),
    ("GR in QC",      "/qc GR-1 10",                   KEEPER,      "any"),
    ("GR in QC",      "button:Accept all",             KEEPER,      "any"),
    ("GR in QC",      "/reject GR-1 mouldy",           KEEPER,      "any"),
    ("CNT counting",  "/cancel CNT-1",                 ADMIN,       "or_roles"),
    ("CNT submitted", "/approve CNT-1",                APPROVER,    "not"),
    ("CNT submitted", "button:Approve adjustment",     APPROVER,    "not"),
    ("CNT submitted", "/reject CNT-1 recount",         APPROVER,    "not"),
]  # fmt: skip


def _allowed(role: str, roles: tuple[str, ...], requester: str, own: bool) -> bool:
    has = role in roles or (role == "admin" and bool(roles))
    return {
        "any": has,
        "not": has and not own,
        "only": own,
        "or_roles": has or own,
    }[requester]


@pytest.fixture
def floor(db) -> Floor:
    f = Floor(db).people()
    f.item("BOLT", stock=100, unit_cost=Decimal("0.5"))
    f.item("MOTOR", stock=10, unit_cost=Decimal(800))
    f.item("RESIN", needs_qc=True)
    f.item("BOLT", warehouse="WH2")
    f.say("carol", "/transfer BOLT 3 MAIN WH2")  # postings 2: a movement /undo may reverse
    return f


def _act(floor: Floor, who: str, how: str):  # type: ignore[no-untyped-def]
    if how.startswith("button:"):
        return floor.press(who, how.removeprefix("button:"))
    return floor.say(who, how)


def _outcome(floor: Floor, who: str, how: str, allowed: bool, writes: bool = True) -> None:
    before = row_counts(floor.db)
    reply = _act(floor, who, how)
    keys = set(reply.keys())
    after = row_counts(floor.db)
    if allowed:
        assert not keys & REFUSALS, f"{who} was refused {how}: {reply.keys()}"
        assert "runtime.error" not in keys
        if writes:
            assert after != before, f"{who}: {how} wrote nothing ({reply.keys()})"
    else:
        assert keys & REFUSALS, f"{who} was not refused {how}: {reply.keys()} {reply.plain()}"
        assert after == before, f"{who}: refused {how} wrote something"


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize(("command", "roles", "writes"), COMMANDS)
def test_a_command_succeeds_only_for_the_roles_that_may_run_it(floor, role, command, roles, writes):
    _outcome(floor, ROLES[role], command, role in roles, writes)


@pytest.mark.parametrize("own", [False, True], ids=["other", "own"])
@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize(("doc", "how", "roles", "requester"), STEPS)
def test_a_document_step_succeeds_only_for_who_may_take_it(
    floor, doc, how, roles, requester, role, own
):
    make, makers = DOCS[doc]
    who = ROLES[role]
    if own and role not in makers:
        pytest.skip(f"a {role} cannot make a {doc.split()[0]}")
    maker = (
        who if own else ("bea" if "staff" in makers else ("alice" if who == "carol" else "carol"))
    )
    make(floor, maker)
    _outcome(floor, who, how, _allowed(role, roles, requester, own))
