"""`stockbot run` replicas as real subprocesses, for tests/test_replicas.py and bench/bench_http.py.

Each replica is the installed entry point (`python -m stockbot.cli run`) with its own HTTP port,
Slack in HTTP mode against a loopback fake Web API, and whatever else the caller sets (a short
scheduler lease so a takeover happens in seconds). Output goes to a log file per replica, so a
failing test can show what the replica said.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from slack_requests import SECRET


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def replica_env(db_url: str, slack_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without any stockbot/platform settings, plus a replica's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STOCKBOT_", "SLACK_", "TELEGRAM_"))
    }
    env.update(
        STOCKBOT_DATABASE_URL=db_url,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        STOCKBOT_SLACK_API_URL=slack_url + "/api/",
        STOCKBOT_HTTP_HOST="127.0.0.1",
        STOCKBOT_TIMEZONE="UTC",
        STOCKBOT_SEARCH_CACHE="",
    )
    env.update({f"STOCKBOT_{k.upper()}": v for k, v in settings.items()})
    return env


@dataclass
class Replica:
    name: str
    port: int
    proc: asyncio.subprocess.Process
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events(self) -> str:
        return f"{self.url}/slack/events"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def peak_rss_mb(self) -> float:
        """The process's high-water resident set (Linux VmHWM), in MiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU the process has used so far (Linux /proc/PID/stat)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def kill(self) -> None:
        """SIGKILL: no clean stop, no lease release — a crashed machine."""
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()

    async def stop(self, timeout: float = 20.0) -> None:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                await self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


async def start_replica(
    name: str, env: dict[str, str], log_dir: Path, timeout: float = 40
) -> Replica:
    """Start one replica and wait until its health endpoint answers 200."""
    port = free_port()
    log = log_dir / f"replica-{name}.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "stockbot.cli",
            "run",
            env={**env, "STOCKBOT_HTTP_PORT": str(port)},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    replica = Replica(name, port, proc, log)
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            if proc.returncode is not None:
                raise AssertionError(
                    f"replica {name} exited {proc.returncode}:\n{replica.output()}"
                )
            try:
                async with http.get(f"{replica.url}/healthz") as r:
                    if r.status == 200:
                        return replica
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                await replica.kill()
                raise AssertionError(
                    f"replica {name} not healthy in {timeout}s:\n{replica.output()}"
                )
            await asyncio.sleep(0.1)
