"""Stocktake (盘点): a blind count, line by line in chat, then an approved adjustment.

```
/count <WH | WH/LOC | item | category>  (keeper/admin)
        │  lines = balance rows in scope, book quantity snapshotted (never shown to counters)
        ▼
    counting ──each bare answer "12" stores a line, asks the next──┐   join ("Count next line")
        │ all lines counted                                       ◀┘   lets a second counter in
        ▼                         cancel (opener or admin) ──▶ cancelled
    submitted ──variance card to who_can(approve)──approve (not the opener, limit covers the
        │                                           adjustment's value)──▶ approved: ONE posting
        └──reject (reason)──▶ rejected (nothing posted)                    of ADJUSTMENT lines
```
The graph is `WF` (`flows.workflow`, declared in `document.py`): `join` in `counting.py`,
`approve`/`reject`/`cancel` in `review.py`; loading, "already … by X at HH:MM", `/approve CNT-3`,
`/reject CNT-3 <reason>`, the reason question and button dispatch come from the workflow.
Counting itself (the answers, who counts which line) is this flow's own: `counting.py`.
"""

from stockbot.flows.stocktake import review
from stockbot.flows.stocktake.counting import answer, open_count
from stockbot.flows.stocktake.document import KIND, WF

__all__ = ["COMMANDS", "REPLIES", "WF", "review"]

COMMANDS = {"count": open_count}
REPLIES = {KIND: answer}
