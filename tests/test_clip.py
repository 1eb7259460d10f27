"""Shortening is one function (`stockbot.text.clip`): a cut is marked with `…`, falls between
words where that keeps at least half the room (between any two Chinese characters), and widths
are display cells (a Chinese character takes two). Every table renderer goes through it."""

from __future__ import annotations

import pytest

from stockbot.handlers.slack_render import render_blocks
from stockbot.handlers.telegram_render import render as telegram_render
from stockbot.handlers.text_render import render_text
from stockbot.replies import Reply, Table
from stockbot.text import ELLIPSIS, TABLE_CELLS, clip, display_width

LONG = "Hex bolt M8x30 zinc plated steel DIN933 full thread grade 8.8 box of 200"


def test_a_short_text_is_left_alone() -> None:
    assert clip("M8 bolt", 20) == "M8 bolt"
    assert clip("六角螺栓", 8) == "六角螺栓"


def test_a_long_name_is_cut_between_words_and_marked() -> None:
    cut = clip("Hex bolt M8x30 zinc plated", 12)
    assert cut == "Hex bolt…"
    assert display_width(cut) <= 12


def test_a_single_long_word_is_cut_inside_it_but_still_marked() -> None:
    cut = clip("Supercalifragilistic", 10)
    assert cut.endswith(ELLIPSIS) and display_width(cut) == 10


def test_chinese_is_cut_between_any_two_characters_counting_two_cells_each() -> None:
    cut = clip("六角螺栓镀锌碳钢全螺纹", 9)
    assert cut == "六角螺栓…"
    assert display_width(cut) == 9


def test_a_latin_code_glued_to_chinese_is_not_split() -> None:
    assert clip("六角螺栓M8×30镀锌", 12) == "六角螺栓…"


@pytest.mark.parametrize("cells", range(0, 30))
def test_a_clipped_text_never_exceeds_its_cells(cells: int) -> None:
    for text in (LONG, "环氧树脂 Epoxy A grade 二十公斤装", "e\u0301" * 40):
        cut = clip(text, cells)
        assert display_width(cut) <= cells
        assert cut == text or cut.endswith(ELLIPSIS) or cut == ""


def long_table() -> Reply:
    return Reply.of(Table(headers=["item", "qty"], rows=[[LONG, "5 pcs"], ["六角螺栓" * 12, "1"]]))


def test_the_console_and_telegram_tables_mark_a_cut_name() -> None:
    text = render_text(long_table(), lambda _b: 0)
    assert LONG not in text and clip(LONG, TABLE_CELLS) in text
    assert clip("六角螺栓" * 12, TABLE_CELLS) in text
    (message,) = telegram_render(long_table())
    assert clip(LONG, TABLE_CELLS) in message.text


def test_the_slack_table_marks_a_cut_name() -> None:
    blocks = str(render_blocks(long_table()))
    assert LONG not in blocks and clip(LONG, TABLE_CELLS) in blocks


@pytest.mark.parametrize(
    "text", ["", "M8", "Hex bolt M8x30", "a~b|c", "x" * 60, "tab\there", "bell\x07", "Ω 1W", "é"]
)
def test_the_width_of_plain_ascii_is_counted_as_wcwidth_counts_it(text: str) -> None:
    import wcwidth

    assert display_width(text) == max(0, wcwidth.width(text, control_codes="ignore"))


def test_plain_ascii_is_cut_where_the_grapheme_walk_cut_it() -> None:
    # the ASCII shortcut slices by characters; a name with one non-ASCII letter takes the
    # grapheme walk: both must cut the same words at the same places
    ascii_ = "Electrolytic capacitor 1000uF 50V 105C Nippon"
    other = ascii_.replace("C Nippon", "\u00c7 Nippon")
    for cells in range(1, len(ascii_) + 2):
        assert clip(ascii_, cells)[:-1] == clip(other, cells)[:-1].replace("\u00c7", "C")
    assert clip("Hex-bolt_M8x30/zinc", 12) == "Hex-bolt…"
