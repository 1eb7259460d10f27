"""Stocktake (盘点): a blind count, line by line in chat, then an approved adjustment.

```
/count <WH | WH/LOC | item | category>  (keeper/admin; an item in several warehouses: which?)
        │  lines = balance rows in scope, book quantity snapshotted (never shown to counters)
        ▼
    counting ──each bare answer "12" stores a line, asks the next──┐   join ("Count next line")
        │ all lines counted                                       ◀┘   lets a second counter in
        ▼                         cancel (opener or admin) ──▶ cancelled
    submitted ──variance card to who_can(approve)──approve (not the opener, limit covers the
        │                                           adjustment's value)──▶ approved: ONE posting
        └──reject (reason)──▶ rejected (nothing posted)                    of ADJUSTMENT lines
```
The graph is `WF` (`flows.workflow`, declared in `document.py`): `join` and `correct` (a
counted line, before submitting: `/count CNT-1 line 3 150` or the "Correct line" button) in
`counting.py`, `approve`/`reject`/`cancel` in `review.py`; loading, "already … by X at HH:MM",
`/approve CNT-3`,
`/reject CNT-3 <reason>`, the reason question and button dispatch come from the workflow.
Counting itself (the answers, who counts which line) is this flow's own: `counting.py`.
"""

from stockbot.flows.stocktake import review
from stockbot.flows.stocktake.counting import answer
from stockbot.flows.stocktake.document import DOC, KIND, WF
from stockbot.flows.stocktake.opening import open_at, open_count

__all__ = ["ACTIONS", "COMMANDS", "REPLIES", "WF", "review"]

COMMANDS = {"count": open_count}
ACTIONS = {(DOC, "at"): open_at}
REPLIES = {KIND: answer}
