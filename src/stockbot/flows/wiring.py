"""What reacts to which domain event, subscribed per database by whoever opens it for work
(the runtime, the CLI's import and job commands, the service). Nothing subscribes at import
time, so every path that writes — chat, import, scheduler — raises and handles the same events.
"""

from __future__ import annotations

from functools import partial

from stockbot.config import Settings
from stockbot.flows import alerts, board, shortage, webhooks
from stockbot.store.db import Database
from stockbot.store.events import DocumentDecided, ShortageClosed, ShortageOpened, StockPosted


def subscribe(db: Database, settings: Settings) -> Database:
    """Wire the flows' event handlers onto `db` (idempotent), and set its factory clock from
    the settings; returns `db`."""
    db.timezone = settings.timezone
    db.events.subscribe(
        StockPosted, partial(alerts.on_stock_posted, settings=settings), phase="commit"
    )
    db.events.subscribe(StockPosted, shortage.on_stock_posted, phase="commit")
    for changes_the_board in (StockPosted, DocumentDecided, ShortageOpened, ShortageClosed):
        db.events.subscribe(changes_the_board, partial(board.on_change, db=db), phase="after")
    db.events.subscribe(StockPosted, webhooks.on_stock_posted, phase="commit")
    db.events.subscribe(ShortageOpened, webhooks.on_shortage_opened, phase="commit")
    return db
