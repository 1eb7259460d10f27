"""The wiring of one `stockbot run` process: which adapters, the scheduler, the runtime.

`Service` (stockbot.service) is the machinery — HTTP server, worker pool, outbox dispatcher,
lifecycle — and knows no platform; this module decides what plugs into it, from the settings
the entry point (`stockbot.cli`) passes in. Adapter modules are imported only when their
tokens are configured, so a Telegram-only deployment never loads slack-bolt.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from stockbot.config import Settings
from stockbot.platforms import CHAT_PLATFORMS
from stockbot.runtime import Runtime
from stockbot.service import Service
from stockbot.store.db import Database


def build_service(db: Database, settings: Settings) -> Service:
    """The service with every adapter whose tokens are configured."""
    from stockbot.scheduler import SchedulerRunner

    runtime = Runtime(db, settings)
    service = Service(db=db, settings=settings, runtime=runtime)
    service.scheduler = SchedulerRunner(db, settings)
    for enabled, where in PLATFORMS:
        if enabled(settings):
            module, _, name = where.partition(":")
            adapter_class = getattr(import_module(module), name)
            service.adapters.append(adapter_class(service, settings))
    return service


PLATFORMS: list[tuple[Callable[[Settings], object], str]] = [
    (platform.configured, platform.adapter) for platform in CHAT_PLATFORMS
]
"""The chat platforms: when one is configured, and its adapter (`module:Class`, constructed
with the service as its `Host` and the settings). A new platform is one entry in
`stockbot.platforms.CHAT_PLATFORMS` (which the parser and the texts read too) and one adapter
module; no flow changes."""
