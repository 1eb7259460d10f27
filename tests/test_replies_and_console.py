import io
import logging
from collections.abc import Callable
from typing import Literal

import pytest
from pydantic import ValidationError

from stockbot.commands.inbound import Inbound
from stockbot.handlers.console import ConsoleChat
from stockbot.handlers.text_render import display_width, render_text
from stockbot.i18n import t
from stockbot.replies import (
    Block,
    Button,
    Buttons,
    Choice,
    Fields,
    Image,
    Reply,
    Span,
    Table,
    Text,
    bold,
    code,
    inline_spans,
    md_escape,
    strip_markup,
)

# ----------------------------------------------------------------------------- replies


def test_an_action_id_of_64_bytes_is_accepted() -> None:
    assert Button(label="OK", action_id="a" * 64).action_id == "a" * 64


def test_an_action_id_over_64_bytes_is_refused() -> None:
    with pytest.raises(ValidationError, match="64"):
        Button(label="OK", action_id="a" * 65)


def test_the_action_id_limit_counts_utf8_bytes_not_characters() -> None:
    with pytest.raises(ValidationError):
        Button(label="OK", action_id="批" * 22)  # 22 characters, 66 bytes


@pytest.mark.parametrize("label", ["", "   "])
def test_a_button_needs_a_visible_label(label: str) -> None:
    with pytest.raises(ValidationError):
        Button(label=label, action_id="x")


def test_a_button_style_must_be_known() -> None:
    with pytest.raises(ValidationError):
        Button(label="OK", action_id="x", style="loud")  # type: ignore[arg-type]


def test_a_table_row_must_have_one_cell_per_header() -> None:
    with pytest.raises(ValidationError, match="row 0"):
        Table(headers=["item", "qty"], rows=[["M8"]])


def test_reply_text_builds_a_single_text_block() -> None:
    reply = Reply.text("hello", ephemeral=True)
    assert reply.blocks == [Text(text="hello")]
    assert reply.ephemeral


def test_buttons_lists_every_button_in_order_including_choice_options() -> None:
    approve = Button(label="Approve", action_id="a", style="primary")
    reject = Button(label="Reject", action_id="r", style="danger")
    option = Button(label="M8 bolt", action_id="c1")
    reply = Reply.of(
        Text(text="?"),
        Choice(prompt="Did you mean", options=[option]),
        Buttons(buttons=[approve, reject]),
    )
    assert reply.buttons() == [option, approve, reject]


def test_plain_gives_the_visible_text_of_every_block() -> None:
    reply = Reply.of(
        Text(text="Request *#12* for `M8`"),
        Fields(title="M8", rows=[("on hand", "120")]),
        Table(headers=["item", "qty"], rows=[["M8", "20"]]),
        Buttons(buttons=[Button(label="Approve", action_id="a")]),
        Image(png=b"\x89PNG", caption="usage chart"),
    )
    plain = reply.plain()
    for visible in ["Request #12 for M8", "on hand: 120", "M8\t20", "Approve", "usage chart"]:
        assert visible in plain
    assert "*" not in plain
    assert "usage chart" in reply


def test_replies_add_up_and_stay_ephemeral_only_if_both_were() -> None:
    combined = Reply.text("a", ephemeral=True) + Reply.text("b")
    assert [b.plain() for b in combined.blocks] == ["a", "b"]
    assert not combined.ephemeral


def test_a_reply_round_trips_through_json_with_its_png_bytes() -> None:
    reply = Reply.of(
        Text(text="*x*"),
        Fields(title=None, rows=[("a", "b")]),
        Table(title="t", headers=["h"], rows=[["c"]]),
        Buttons(buttons=[Button(label="OK", action_id="ok", style="danger")]),
        Choice(prompt="p", options=[Button(label="A", action_id="a")]),
        Image(png=bytes(range(256)), caption="c"),
        ephemeral=True,
    )
    assert Reply.model_validate_json(reply.model_dump_json()) == reply


class Barcode(Block):
    kind: Literal["test_barcode"] = "test_barcode"
    value: str

    def plain(self) -> str:
        return f"barcode {self.value}"


def test_a_block_type_defined_elsewhere_round_trips_and_falls_back_to_text() -> None:
    reply = Reply.of(Barcode(value="6901234"))
    assert Reply.model_validate_json(reply.model_dump_json()) == reply
    assert render_text(reply, lambda b: 1) == "barcode 6901234"


def test_an_unknown_block_kind_in_json_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown block kind"):
        Reply.model_validate({"blocks": [{"kind": "hologram"}]})


def test_blocks_are_immutable() -> None:
    with pytest.raises(ValidationError):
        Text(text="a").text = "b"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("markup", "spans"),
    [
        ("plain", [Span("plain")]),
        ("a *b* c", [Span("a "), Span("b", bold=True), Span(" c")]),
        ("`x*y`", [Span("x*y", code=True)]),
        ("*a `c` b*", [Span("a ", bold=True), Span("c", bold=True, code=True), Span(" b", True)]),
        ("2 * 3 = 6", [Span("2 * 3 = 6")]),
        ("*open\nclose*", [Span("*open\nclose*")]),
        ("**", [Span("**")]),
        ("\\*lit\\*", [Span("*lit*")]),
    ],
)
def test_the_markup_subset_is_bold_code_and_escapes_only(markup: str, spans: list[Span]) -> None:
    assert inline_spans(markup) == spans


@pytest.mark.parametrize("text", ["*M8*", "`rm -rf`", "a\\b", "\\*", "plain", "*`*\\`*"])
def test_escaped_user_text_shows_exactly_as_typed(text: str) -> None:
    assert strip_markup(md_escape(text)) == text
    assert inline_spans(bold(text)) == [Span(text, bold=True)]
    assert inline_spans(code(text)) == [Span(text, code=True)]


# ----------------------------------------------------------------------------- inbound


def test_an_inbound_holds_either_text_or_an_action() -> None:
    Inbound(platform="console", user_id="u", chat_id="c", text="stock m8")
    Inbound(platform="console", user_id="u", chat_id="c", action_id="a1")
    with pytest.raises(ValidationError, match="exactly one"):
        Inbound(platform="console", user_id="u", chat_id="c")
    with pytest.raises(ValidationError, match="exactly one"):
        Inbound(platform="console", user_id="u", chat_id="c", text="x", action_id="a1")
    Inbound(platform="console", user_id="u", chat_id="c", image=b"png")  # a photo, no caption
    with pytest.raises(ValidationError, match="exactly one"):
        Inbound(platform="console", user_id="u", chat_id="c", image=b"png", action_id="a1")


def test_an_inbound_action_id_over_64_bytes_is_refused() -> None:
    with pytest.raises(ValidationError):
        Inbound(platform="telegram", user_id="u", chat_id="c", action_id="x" * 65)


def test_an_inbound_language_hint_is_normalised_and_unknown_hints_dropped() -> None:
    base = {"platform": "telegram", "user_id": "u", "chat_id": "c", "text": "hi"}
    assert Inbound(**base, lang_hint="zh-hans").lang_hint == "zh-Hans"
    assert Inbound(**base, lang_hint="zh-TW").lang_hint == "zh-Hant"
    assert Inbound(**base, lang_hint="en-US").lang_hint == "en"
    assert Inbound(**base, lang_hint="pt-BR").lang_hint is None


# ----------------------------------------------------------------------------- text rendering


def counter() -> Callable[[Button], int]:
    """A fresh button numbering, as the console would give."""
    numbers: dict[str, int] = {}

    def number(button: Button) -> int:
        return numbers.setdefault(button.action_id, len(numbers) + 1)

    return number


def test_display_width_counts_chinese_characters_as_two_cells() -> None:
    assert display_width("M8螺栓") == 6
    assert display_width("ｑｔｙ") == 6
    assert display_width("e\u0301") == 1


def test_fields_render_as_aligned_label_value_lines_with_cjk_width() -> None:
    text = render_text(
        Reply.of(Fields(title="M8 螺栓", rows=[("在库", "120"), ("available", "100")])), counter()
    )
    assert text.splitlines() == ["M8 螺栓", "在库:      120", "available: 100"]


def test_a_table_renders_as_aligned_columns() -> None:
    table = Table(title="Stock", headers=["物料", "qty"], rows=[["M8螺栓", "20"], ["bolt", "3"]])
    assert render_text(Reply.of(table), counter()).splitlines() == [
        "Stock",
        "物料    qty",
        "------  ---",
        "M8螺栓  20",
        "bolt    3",
    ]


def test_buttons_and_choice_options_render_with_their_numbers() -> None:
    reply = Reply.of(
        Buttons(
            buttons=[Button(label="Approve", action_id="a"), Button(label="Reject", action_id="r")]
        ),
        Choice(prompt="Did you mean", options=[Button(label="M8 bolt", action_id="c")]),
    )
    assert render_text(reply, counter()) == "[1] Approve  [2] Reject\n\nDid you mean\n[3] M8 bolt"


def test_an_image_renders_as_its_caption_and_size() -> None:
    assert render_text(Reply.of(Image(png=b"12345", caption="chart")), counter()) == (
        "[image: chart, 5 bytes]"
    )


def test_text_markup_is_rendered_without_its_markers() -> None:
    assert render_text(Reply.text("Issued *20* of `M8` \\*"), counter()) == "Issued 20 of M8 *"


def test_terminal_control_sequences_from_user_text_are_dropped() -> None:
    reply = Reply.of(Fields(rows=[("item", "\x1b[31mred\x1b[0m")]))
    assert "\x1b" not in render_text(reply, counter())


# ----------------------------------------------------------------------------- console


class FakeBot:
    """Records every Inbound and answers with fixed replies, in turn."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.seen: list[Inbound] = []

    def __call__(self, inbound: Inbound) -> Reply:
        self.seen.append(inbound)
        if inbound.text in {"boom", "爆了"}:
            raise RuntimeError("flow exploded")
        return self.replies.pop(0) if self.replies else Reply.text("ok")


def approval(n: int) -> Reply:
    return Reply.of(
        Text(text=f"Request #{n}"),
        Buttons(
            buttons=[
                Button(label="Approve", action_id=f"req:{n}:ok", style="primary"),
                Button(label="Reject", action_id=f"req:{n}:no", style="danger"),
            ]
        ),
    )


def run_console(bot: FakeBot, script: str, **kwargs: object) -> str:
    out = io.StringIO()
    ConsoleChat(bot, "li", io.StringIO(script), out, **kwargs).run()  # type: ignore[arg-type]
    return out.getvalue()


def test_each_line_becomes_a_text_inbound_from_the_current_user() -> None:
    bot = FakeBot()
    run_console(bot, "stock m8\nrequest m8 20\n", chat_id="floor")
    assert [(i.platform, i.user_id, i.chat_id, i.text) for i in bot.seen] == [
        ("console", "li", "floor", "stock m8"),
        ("console", "li", "floor", "request m8 20"),
    ]
    ids = [i.message_id for i in bot.seen]
    assert len(set(ids)) == 2 and ids[0].endswith("-1") and ids[1].endswith("-2")
    other = ConsoleChat(bot, user="alice", stdin=io.StringIO(), stdout=io.StringIO())
    other.feed("/stock m8")  # another session: its first message id differs from ours
    assert bot.seen[-1].message_id not in ids
    bot.seen.pop()


def test_buttons_are_numbered_across_the_whole_session() -> None:
    out = run_console(FakeBot(approval(1), approval(2)), "request m8 20\nrequest m8 30\n")
    assert "[1] Approve  [2] Reject" in out
    assert "[3] Approve  [4] Reject" in out


def test_typing_a_number_presses_that_button_even_from_an_earlier_reply() -> None:
    bot = FakeBot(approval(1), approval(2))
    run_console(bot, "request m8 20\nrequest m8 30\n2\n3\n")
    assert [i.action_id for i in bot.seen[2:]] == ["req:1:no", "req:2:ok"]
    assert bot.seen[2].text is None


def test_a_full_width_number_presses_a_button_too() -> None:
    bot = FakeBot(approval(1))
    run_console(bot, "request m8 20\n１\n")
    assert bot.seen[-1].action_id == "req:1:ok"


def test_an_unknown_button_number_is_reported_without_calling_the_bot() -> None:
    bot = FakeBot(approval(1))
    out = run_console(bot, "request m8 20\n7\n")
    assert strip_markup(t("console.unknown_button", "en", number=7)) in out
    assert len(bot.seen) == 1


@pytest.mark.parametrize("command", ["/as wang", "as wang", "/as @wang"])
def test_as_switches_the_user_locally_and_says_who_is_typing(command: str) -> None:
    bot = FakeBot()
    out = run_console(bot, f"{command}\nstock m8\n")
    assert "Now typing as wang." in out
    assert [i.user_id for i in bot.seen] == ["wang"]


def test_as_without_a_name_shows_usage_and_keeps_the_user() -> None:
    bot = FakeBot()
    out = run_console(bot, "/as\nstock m8\n")
    assert "Usage: /as <user> (now typing as li)." in out
    assert bot.seen[0].user_id == "li"


def test_empty_lines_are_ignored() -> None:
    bot = FakeBot()
    assert run_console(bot, "\n   \n\t\n") == ""
    assert bot.seen == []


def test_quit_ends_the_session_and_later_lines_are_not_read() -> None:
    bot = FakeBot()
    run_console(bot, "stock m8\n/quit\nstock m9\n")
    assert [i.text for i in bot.seen] == ["stock m8"]


def test_end_of_input_ends_the_session_cleanly() -> None:
    bot = FakeBot()
    run_console(bot, "stock m8")  # no trailing newline, then EOF
    assert [i.text for i in bot.seen] == ["stock m8"]


def test_an_exception_from_the_bot_is_logged_shown_briefly_and_the_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = FakeBot()
    with caplog.at_level(logging.ERROR, logger="stockbot.handlers.console"):
        out = run_console(bot, "boom\nstock m8\n")
    assert out.splitlines()[0] == "Something went wrong; it has been logged. Please try again."
    assert "Traceback" not in out and "flow exploded" not in out
    assert "flow exploded" in caplog.text
    assert [i.text for i in bot.seen] == ["boom", "stock m8"]


def test_the_error_line_speaks_the_language_of_the_message() -> None:
    assert "出了点问题" in run_console(FakeBot(), "爆了\n")


def test_no_prompt_is_printed_when_stdin_is_not_a_terminal() -> None:
    out = run_console(FakeBot(Reply.text("hi")), "stock m8\n")
    assert out == "hi\n"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_prompt_with_the_current_user_is_printed_on_a_terminal() -> None:
    out = io.StringIO()
    ConsoleChat(FakeBot(), "li", FakeTerminal("/as wang\n"), out).run()
    assert out.getvalue().startswith("li> Now typing as wang.\nwang> ")


def test_the_prompt_can_be_switched_off_even_on_a_terminal() -> None:
    out = io.StringIO()
    ConsoleChat(FakeBot(), "li", FakeTerminal("stock m8\n"), out, prompt=False).run()
    assert out.getvalue() == "ok\n"
