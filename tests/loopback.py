"""What the loopback fakes of chat platform APIs share: serving an aiohttp app on 127.0.0.1,
and the chart reply the adapters' image tests send."""

from __future__ import annotations

from aiohttp import web

from stockbot.replies import Button, Buttons, Image, Reply, Text

CHART_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def serve(app: web.Application, port: int = 0) -> tuple[web.AppRunner, int]:
    """*app* on 127.0.0.1:*port* (0: any free one); the runner (to clean up) and the port."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


def chart_reply(caption: str) -> Reply:
    """A chart as flows send it: a line of text, the PNG with *caption*, a button."""
    return Reply.of(
        Text(text="*Usage* of BOLT-M8"),
        Image(png=CHART_PNG, caption=caption),
        Buttons(buttons=[Button(label="Details", action_id="a:details")]),
    )
