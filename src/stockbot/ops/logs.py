"""The service's logs: one line per command, JSON when `STOCKBOT_LOG_FORMAT=json`.

A command's line says who (platform:user id), where (chat id), which command, how it ended
and how long it took — never what was typed: a note on a request is other people's text, and
INFO logs are read by whoever runs the box. Message text appears in no log at INFO.
"""

from __future__ import annotations

import logging
import sys

from stockbot.runtime import Handled

COMMAND_LOG = logging.getLogger("stockbot.commands")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def formatter(fmt: str = "text") -> logging.Formatter:
    """`json`: one object per line (time, level, logger, message, and a command's fields)."""
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter(TEXT_FORMAT)


def configure(fmt: str = "text", level: str = "INFO") -> None:
    """Root logging for a long-running process: stderr, one record per line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # aiohttp's access log repeats every health probe and scrape; our command line says more
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def log_command(seen: Handled) -> None:
    """A runtime watcher: the one line per command."""
    ms = round(seen.seconds * 1000, 1)
    COMMAND_LOG.info(
        "%s by %s:%s in %s: %s in %.1f ms",
        seen.command,
        seen.platform,
        seen.user,
        seen.chat,
        seen.outcome,
        ms,
        extra={
            "user": f"{seen.platform}:{seen.user}",
            "chat": seen.chat,
            "command": seen.command,
            "outcome": seen.outcome,
            "duration_ms": ms,
        },
    )
