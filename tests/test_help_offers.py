"""`/help`, the Slack manifest and the Telegram menu offer only commands that have a handler,
and they follow the registered commands: a flow that adds `/wo` makes it appear everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stockbot.cli import main
from stockbot.commands.vocabulary import COMMAND_NAMES, resolve_command_name
from stockbot.handlers.slack_manifest import render_manifest
from stockbot.i18n import LANGS, help_text
from stockbot.replies import Reply, Text
from stockbot.runtime import handled_commands

from transcript import Floor

MANIFEST = Path(__file__).parents[1] / "deploy" / "slack-manifest.yml"


def named_commands(reply: Reply) -> set[str]:
    """Every command a help reply names: `/stock`, and the first word of each `code span`
    (`领料 <物料> …`), resolved through the aliases."""
    text = "\n".join(b.text for b in reply.blocks if isinstance(b, Text))
    words = set(re.findall(r"[/／](\w+)", text))
    words |= {span.split()[0] for span in re.findall(r"`([^`]+)`", text) if span.split()}
    names = {resolve_command_name(w.lstrip("/／")) for w in words}
    return {n for n in names if n is not None}


@pytest.mark.parametrize("lang", LANGS)
def test_every_command_named_in_help_has_a_handler(db, lang: str) -> None:
    floor = Floor(db).people()
    reply = floor.say("bob", "/help", lang=lang)
    assert "help.overview" in reply.keys()
    named = named_commands(reply)
    assert named, "the overview names commands"
    assert named <= set(floor.runtime.offered)
    assert {"stock", "request", "issue", "history"} <= named


def without(floor: Floor, name: str) -> Floor:
    """The floor as it would be if no flow handled `name` (a command still being built)."""
    floor.runtime.commands.pop(name, None)
    floor.runtime.offered = tuple(c for c in floor.runtime.offered if c != name)
    return floor


def test_work_orders_are_offered_now_that_a_flow_handles_them(db) -> None:
    floor = Floor(db).people()
    assert "wo" in floor.runtime.offered
    assert "wo" in named_commands(floor.say("bob", "/help"))
    assert "help.wo" in floor.say("bob", "/help wo").keys()


def test_a_command_without_a_handler_is_not_offered_by_help(db) -> None:
    floor = without(Floor(db).people(), "wo")
    assert "wo" in COMMAND_NAMES
    assert "wo" not in named_commands(floor.say("bob", "/help"))
    page = floor.say("bob", "/help wo")
    assert "help.unavailable" in page.keys()
    assert "help.wo" not in page.keys()


@pytest.mark.parametrize("typed", ["/wo", "/wo chair", "工单 椅子", "/wo chair 50"])
def test_typing_a_command_without_a_handler_says_it_is_not_available_not_its_usage(
    db, typed: str
) -> None:
    reply = without(Floor(db).people(), "wo").say("bob", typed)
    assert reply.keys() == ["runtime.not_yet"]


def test_help_for_a_command_with_a_handler_explains_it(db) -> None:
    floor = Floor(db).people()
    assert "help.request" in floor.say("bob", "/help request").keys()


def test_a_command_appears_in_help_and_manifest_once_a_flow_registers_it(db) -> None:
    floor = without(Floor(db).people(), "wo")
    assert "- command: /wo\n" not in render_manifest(floor.runtime.offered)
    floor.runtime.commands["wo"] = lambda ctx, cmd: Reply.text("made")
    floor.runtime.offered = (*floor.runtime.offered, "wo")
    assert "wo" in named_commands(floor.say("bob", "/help"))
    assert "help.wo" in floor.say("bob", "/help wo").keys()
    assert "- command: /wo\n" in render_manifest(floor.runtime.offered)


def test_handled_commands_are_what_a_runtime_handles(db) -> None:
    assert handled_commands() == Floor(db).runtime.offered


def test_the_manifest_is_generated_from_the_handled_commands() -> None:
    declared = re.findall(r"^\s*- command: /(\w+)\s*$", MANIFEST.read_text(), re.M)
    assert declared == list(handled_commands())
    assert MANIFEST.read_text() == render_manifest(handled_commands()), (
        "deploy/slack-manifest.yml is stale: run `stockbot slack-manifest -o "
        "deploy/slack-manifest.yml`"
    )


def test_every_offered_command_has_help_in_every_language() -> None:
    for lang in LANGS:
        for name in handled_commands():
            assert "help.unavailable" not in help_text(name, lang, handled_commands())
            assert f"help.{name}" not in help_text(name, lang, handled_commands())


def test_the_cli_writes_the_manifest(tmp_path, capsys) -> None:
    out = tmp_path / "manifest.yml"
    assert main(["slack-manifest", "-o", str(out)]) == 0
    assert out.read_text() == MANIFEST.read_text()
    assert str(out) in capsys.readouterr().out
