"""User text shows exactly as typed on every platform, and cannot disguise a code (issue 9,
item 5): each renderer escapes its own metacharacters once; bidi controls are refused in
identifiers at the parser, with a message key and nothing written."""

from __future__ import annotations

import pytest

from stockbot.commands.parser import ParseError, parse
from stockbot.handlers import slack_render, telegram_render
from stockbot.handlers.text_render import render_text
from stockbot.replies import Fields, Reply, Text

from transcript import Floor, row_counts

NAME = "*BOLD* _it_ ~st~ a\\*b"  # what the user typed, backslash included
Z = "\u200b"


def test_a_hostile_item_name_renders_literally_on_slack():
    [message] = slack_render.render(Reply.of(Text(text="Item " + _esc(NAME)))).messages
    wrap = {c: f"{Z}{c}{Z}" for c in "*_~"}
    shown = "".join(wrap.get(c, c) for c in NAME)
    assert message.blocks[0]["text"]["text"] == f"Item {shown}"
    assert message.blocks[0]["text"]["text"].replace(Z, "") == f"Item {NAME}"


def test_a_hostile_item_name_renders_literally_on_telegram():
    [message] = telegram_render.render(Reply.of(Text(text="Item " + _esc(NAME))))
    assert message.text == f"Item {NAME}"  # HTML mode: none of these is markup, no backslash


def test_a_hostile_item_name_renders_literally_on_the_console():
    assert render_text(Reply.of(Text(text="Item " + _esc(NAME))), lambda b: 1) == f"Item {NAME}"


def test_our_own_bold_still_works_on_slack_next_to_escaped_user_text():
    text = slack_render.mrkdwn("*MR-1* " + _esc("*x*"))
    assert text.startswith("*MR-1* ") and text.endswith(f"{Z}*{Z}x{Z}*{Z}")


def test_a_stock_card_shows_the_name_s_stars_instead_of_turning_bold(db):
    floor = Floor(db).people()
    floor.item("M8", stock=1, name="*BOLD* _it_")
    reply = floor.say("bob", "/stock M8")
    [message] = telegram_render.render(reply)[:1]
    assert message.text.startswith("<b>M8</b> *BOLD* _it_")


@pytest.mark.parametrize("mark", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f"])
def test_bidi_controls_in_identifiers_are_refused_with_a_key(mark):
    result = parse(f"/receive M8 1 batch exe{mark}gnp")
    assert isinstance(result, ParseError) and result.key == "parse.direction_marks"
    assert isinstance(parse(f"/stock M{mark}8"), ParseError)
    assert isinstance(parse(f"/transfer M8 1 A{mark} B"), ParseError)


def test_a_disguised_batch_writes_nothing(db):
    floor = Floor(db).people()
    floor.item("X", stock=0)
    before = row_counts(db)
    reply = floor.say("carol", "/receive X 1 batch exe\u202egnp")
    assert "parse.direction_marks" in reply.keys()
    assert row_counts(db) == before


def test_a_note_may_keep_its_direction_marks():
    assert not isinstance(parse("/request M8 1 note \u200fשלום"), ParseError)


def _esc(text: str) -> str:
    from stockbot.replies import md_escape

    return md_escape(text)


def test_fields_values_are_literal_on_slack():
    [message] = slack_render.render(Reply.of(Fields(rows=[("Item", "_x_")]))).messages
    assert message.blocks[0]["fields"][0]["text"] == f"*Item*\n{Z}_{Z}x{Z}_{Z}"
