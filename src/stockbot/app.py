"""The wiring of one `stockbot run` process: which adapters, the scheduler, the runtime.

`Service` (stockbot.service) is the machinery — HTTP server, worker pool, outbox dispatcher,
lifecycle — and knows no platform; this module decides what plugs into it, from the settings
the entry point (`stockbot.cli`) passes in. Adapter modules are imported only when their
tokens are configured, so a Telegram-only deployment never loads slack-bolt.
"""

from __future__ import annotations

from stockbot.config import Settings
from stockbot.runtime import Runtime
from stockbot.service import Service
from stockbot.store.db import Database


def build_service(db: Database, settings: Settings) -> Service:
    """The service with every adapter whose tokens are configured."""
    from stockbot.scheduler import SchedulerRunner

    runtime = Runtime(db, settings)
    service = Service(db=db, settings=settings, runtime=runtime)
    service.scheduler = SchedulerRunner(db, settings)
    if settings.slack_bot_token:
        from stockbot.handlers.slack import SlackAdapter

        service.adapters.append(SlackAdapter(service, settings))
    if settings.telegram_bot_token:
        from stockbot.handlers.telegram import TelegramAdapter

        service.adapters.append(TelegramAdapter(service, settings))
    if settings.dingtalk_client_id:
        from stockbot.handlers.dingtalk import DingTalkAdapter

        service.adapters.append(DingTalkAdapter(service, settings))
    return service
