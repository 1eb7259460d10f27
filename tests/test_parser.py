import re
import time
from datetime import date
from decimal import Decimal

import pytest
from pydantic import TypeAdapter

from stockbot.commands.parser import (
    ALIASES,
    COMMAND_NAMES,
    MAX_TEXT_LENGTH,
    USAGE,
    AsUserCmd,
    BindCmd,
    Command,
    CountCmd,
    HelpCmd,
    HistoryCmd,
    LangCmd,
    LinkCmd,
    ParseError,
    PolicyCmd,
    PurchaseCmd,
    ReceiveCmd,
    ReportCmd,
    RequestCmd,
    ReturnCmd,
    RoleCmd,
    ShortagesCmd,
    StockCmd,
    SummaryCmd,
    TransferCmd,
    UndoCmd,
    WorkOrderCmd,
    parse,
    resolve_command_name,
)
from stockbot.i18n import CATALOG, t


def ok(text: str, **kwargs: bool) -> Command:
    result = parse(text, **kwargs)
    assert not isinstance(result, ParseError), f"{text!r} → {result}"
    return result


def err(text: str, **kwargs: bool) -> ParseError:
    result = parse(text, **kwargs)
    assert isinstance(result, ParseError), f"{text!r} parsed as {result}"
    return result


# ----------------------------------------------------------------------------- command word


@pytest.mark.parametrize("text", ["stock m8", "/stock m8", "/stock@yourbot m8", "STOCK m8"])
def test_a_command_works_with_or_without_slash_and_with_a_telegram_bot_suffix(text: str) -> None:
    assert ok(text) == StockCmd(query="m8")


def test_a_full_width_slash_is_accepted_as_a_slash() -> None:
    assert ok("／stock m8") == StockCmd(query="m8")


@pytest.mark.parametrize("text", ["@stockbot stock m8", "<@U0BOT> stock m8", "@stockbot: stock m8"])
def test_a_leading_bot_mention_is_ignored(text: str) -> None:
    assert ok(text) == StockCmd(query="m8")


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("查库存", "stock"), ("查庫存", "stock"), ("库存", "stock"), ("庫存", "stock"),
        ("领料", "request"), ("領料", "request"),
        ("入库", "receive"), ("入庫", "receive"), ("到货", "receive"), ("到貨", "receive"),
        ("采购", "purchase"), ("採購", "purchase"),
        ("调拨", "transfer"), ("調撥", "transfer"),
        ("退料", "return"),
        ("盘点", "count"), ("盤點", "count"),
        ("工单", "wo"), ("工單", "wo"),
        ("缺料", "shortages"),
        ("日报", "summary"), ("日報", "summary"),
        ("报表", "report"), ("報表", "report"),
        ("冲销", "undo"), ("沖銷", "undo"),
        ("历史", "history"), ("歷史", "history"), ("记录", "history"), ("記錄", "history"),
        ("帮助", "help"), ("幫助", "help"),
    ],
)  # fmt: skip
def test_every_chinese_alias_in_simplified_and_traditional_names_its_command(
    alias: str, name: str
) -> None:
    assert ALIASES[alias] == name
    assert resolve_command_name(alias) == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("查库存M8", StockCmd(query="M8")),
        ("查庫存 M8 螺栓", StockCmd(query="M8 螺栓")),
        ("库存M8", StockCmd(query="M8")),
        ("/查库存M8", StockCmd(query="M8")),
        ("领料 M8螺栓 20个", RequestCmd(item="M8螺栓", qty=Decimal(20), unit="个")),
        ("领料 M8螺栓20个", RequestCmd(item="M8螺栓", qty=Decimal(20), unit="个")),
        ("领料M8螺栓20个", RequestCmd(item="M8螺栓", qty=Decimal(20), unit="个")),
        (
            "領料 M8螺栓 20 個 加急",
            RequestCmd(item="M8螺栓", qty=Decimal(20), unit="個", note="加急"),
        ),
        ("退料 M8 5", ReturnCmd(item="M8", qty=Decimal(5))),
        ("盤點 A-01", CountCmd(target="A-01")),
        ("工单 椅子 50", WorkOrderCmd(product="椅子", qty=Decimal(50))),
        ("缺料", ShortagesCmd()),
        ("日報", SummaryCmd()),
        ("报表 呆滞料", ReportCmd(report="呆滞料")),
        ("沖銷 1234 錄錯了", UndoCmd(movement_id="1234", reason="錄錯了")),
        ("记录 M8", HistoryCmd(target="M8")),
        ("幫助 領料", HelpCmd(topic="request")),
    ],
)
def test_chinese_aliases_parse_with_or_without_a_space_before_the_argument(
    text: str, expected: Command
) -> None:
    assert ok(text) == expected


def test_an_unknown_command_is_reported_with_the_word_that_was_not_understood() -> None:
    error = err("frobnicate m8 20")
    assert error.key == "parse.unknown_command"
    assert error.code == "unknown_command"
    assert error.params["command"] == "frobnicate"
    assert error.usage_key is None


def test_an_english_command_glued_to_its_argument_is_not_a_command() -> None:
    assert err("stockm8").key == "parse.unknown_command"


@pytest.mark.parametrize("text", ["", "   ", "/"])
def test_an_empty_message_gets_a_hint_instead_of_a_crash(text: str) -> None:
    assert err(text).key == "parse.empty"


# ----------------------------------------------------------------------------- item and quantity


@pytest.mark.parametrize(
    ("text", "item", "qty", "unit"),
    [
        ("request hex bolt m8 20", "hex bolt m8", "20", None),
        ("request 6204 轴承 10", "6204 轴承", "10", None),
        ("request 6204 10", "6204", "10", None),
        ("request M8 2.5kg", "M8", "2.5", "kg"),
        ("request M8 2箱", "M8", "2", "箱"),
        ("request M8 １２", "M8", "12", None),
        ("request M8 1,000", "M8", "1000", None),
        ("request M8 20 pcs", "M8", "20", "pcs"),
        ("request PVC pipe 20mm 100", "PVC pipe 20mm", "100", None),
        ("request 6204轴承10个", "6204轴承", "10", "个"),
        ('request "bolt 3M" 20', "bolt 3M", "20", None),
        ("request “M8 20” 5", "M8 20", "5", None),
    ],
)
def test_the_quantity_is_the_last_quantity_shaped_token_and_the_item_is_what_comes_before(
    text: str, item: str, qty: str, unit: str | None
) -> None:
    command = ok(text)
    assert isinstance(command, RequestCmd)
    assert (command.item, command.qty, command.unit) == (item, Decimal(qty), unit)


def test_a_request_takes_a_work_order_and_a_note_after_the_quantity() -> None:
    assert ok("request 6204 轴承 10 for WO-12 urgent") == RequestCmd(
        item="6204 轴承", qty=Decimal(10), wo="WO-12", note="urgent"
    )


def test_text_between_the_quantity_and_the_first_keyword_is_part_of_the_note() -> None:
    assert ok("request m8 20 asap please for WO-1") == RequestCmd(
        item="m8", qty=Decimal(20), note="asap please", wo="WO-1"
    )


def test_a_later_number_wins_so_a_note_with_numbers_needs_the_note_keyword() -> None:
    ambiguous = ok("request m8 20 line 3")
    assert isinstance(ambiguous, RequestCmd)
    assert (ambiguous.item, ambiguous.qty) == ("m8 20 line", Decimal(3))
    explicit = ok("request m8 20 note line 3")
    assert isinstance(explicit, RequestCmd)
    assert (explicit.item, explicit.qty, explicit.note) == ("m8", Decimal(20), "line 3")


def test_a_keyword_inside_the_item_name_stays_in_the_item() -> None:
    command = ok("request bolt for chairs 20 for WO-1 asap")
    assert command == RequestCmd(item="bolt for chairs", qty=Decimal(20), wo="WO-1", note="asap")


@pytest.mark.parametrize(
    "text",
    [
        "领料 M8螺栓 20 工单 WO-12 加急",
        "领料 M8螺栓 20 工单WO-12 加急",
        "领料 M8螺栓 20 用于 WO-12 加急",
        "request M8螺栓 20 for:WO-12 加急",
    ],
)
def test_chinese_and_glued_keywords_work_like_english_ones(text: str) -> None:
    command = ok(text)
    assert isinstance(command, RequestCmd)
    assert (command.item, command.wo, command.note) == ("M8螺栓", "WO-12", "加急")


def test_the_note_keyword_makes_everything_after_it_a_note() -> None:
    command = ok("request m8 20 note for line 3, 2nd shift")
    assert isinstance(command, RequestCmd)
    assert command.note == "for line 3, 2nd shift"
    assert command.wo is None


def test_receive_takes_po_batch_expiry_and_location() -> None:
    assert ok("receive 6204 bearing 100 po PO-7 batch L2405 exp 2026-05-31 loc A-01") == (
        ReceiveCmd(
            item="6204 bearing", qty=Decimal(100), po="PO-7", batch="L2405",
            exp=date(2026, 5, 31), loc="A-01",
        )
    )  # fmt: skip


def test_receive_understands_chinese_keywords_glued_values_and_slashed_dates() -> None:
    assert ok("到货 6204轴承 100箱 采购单 PO-7 批次L2405 有效期 2026/5/31 库位:A-01") == (
        ReceiveCmd(
            item="6204轴承", qty=Decimal(100), unit="箱", po="PO-7", batch="L2405",
            exp=date(2026, 5, 31), loc="A-01",
        )
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("receive m8 20 exp 2026-02-30", "parse.bad_date"),
        ("receive m8 20 exp tomorrow", "parse.bad_date"),
        ("receive m8 20 bacth L1", "parse.unexpected_text"),
        ("receive m8 20 po", "parse.missing_value"),
        ("receive m8 20 po batch L1", "parse.missing_value"),
        ("receive m8 20 po A po B", "parse.duplicate_keyword"),
        ("receive m8 20 po A extra", "parse.unexpected_text"),
    ],
)
def test_receive_refuses_bad_dates_typos_and_repeated_keywords(text: str, key: str) -> None:
    error = err(text)
    assert error.key == key
    assert error.usage_key == "usage.receive"


def test_purchase_takes_the_supplier_after_the_quantity() -> None:
    assert ok("purchase m8 bolt 5000 Acme Ltd") == PurchaseCmd(
        item="m8 bolt", qty=Decimal(5000), supplier="Acme Ltd"
    )


def test_purchase_accepts_an_explicit_supplier_keyword_for_names_with_digits() -> None:
    assert ok("采购 M8螺栓 5000 供应商 3M 中国") == PurchaseCmd(
        item="M8螺栓", qty=Decimal(5000), supplier="3M 中国"
    )


@pytest.mark.parametrize(
    "text",
    [
        "transfer m8 bolt 20 WH1 WH2",
        "transfer m8 bolt 20 from WH1 to WH2",
        "transfer m8 bolt 20 to WH2 from WH1",
        "transfer m8 bolt 20 WH1->WH2",
        "调拨 m8 bolt 20 从 WH1 到 WH2",
    ],
)
def test_transfer_reads_from_and_to_positionally_or_by_keyword(text: str) -> None:
    assert ok(text) == TransferCmd(item="m8 bolt", qty=Decimal(20), from_loc="WH1", to_loc="WH2")


def test_transfer_locations_may_be_numbers() -> None:
    assert ok("transfer 6204 10 0101 0202") == TransferCmd(
        item="6204", qty=Decimal(10), from_loc="0101", to_loc="0202"
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("transfer m8 20 WH1", "parse.missing_locations"),
        ("transfer m8 20 WH1 WH1", "parse.same_location"),
        ("transfer m8 bolt WH1 WH2", "parse.missing_quantity"),
        ("transfer m8 0 WH1 WH2", "qty.not_positive"),
    ],
)
def test_transfer_refuses_incomplete_or_pointless_moves(text: str, key: str) -> None:
    assert err(text).key == key


def test_return_and_work_order_keep_trailing_text_as_a_note() -> None:
    assert ok("return m8 5 left over") == ReturnCmd(item="m8", qty=Decimal(5), note="left over")
    assert ok("wo chair 50 for the March fair") == WorkOrderCmd(
        product="chair", qty=Decimal(50), note="for the March fair"
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("request m8 0", "qty.not_positive"),
        ("request m8 -5", "qty.not_positive"),
        ("request m8 1e5", "qty.scientific"),
        ("request m8 1e309", "qty.scientific"),
        ("request m8 NaN", "qty.not_finite"),
        ("request m8 inf", "qty.not_finite"),
        ("request m8 0.0000001", "qty.too_many_decimals"),
        ("request m8 1234567890123", "qty.too_large"),
        ("request m8", "parse.missing_quantity"),
        ("request m8 abc", "parse.missing_quantity"),
        ("request 20", "parse.missing_item"),
        ("request", "parse.missing_item"),
        ("request m8 20 for", "parse.missing_value"),
    ],
)
def test_a_bad_or_missing_quantity_is_refused_with_the_usage_line(text: str, key: str) -> None:
    error = err(text)
    assert error.key == key
    assert error.command == "request"
    assert error.usage_key == "usage.request"


def test_a_parse_error_message_names_the_problem_and_shows_the_usage() -> None:
    message = err("request m8 0").message("en")
    assert "more than zero" in message
    assert "/request <item> <qty>" in message


def test_a_parse_error_escapes_user_text_so_it_cannot_inject_markup() -> None:
    message = err("*bold* m8").message("en")
    assert "\\*bold\\*" in message


def test_a_parse_error_becomes_an_ephemeral_reply() -> None:
    reply = err("stock").to_reply("zh-Hans")
    assert reply.ephemeral
    assert "查库存" in reply.plain()


# ----------------------------------------------------------------------------- other commands


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("count A-01", CountCmd(target="A-01")),
        ("history PO-7", HistoryCmd(target="PO-7")),
        ("report stale 90", ReportCmd(report="stale", args="90")),
        ("report", ReportCmd()),  # the list of reports
        ("policy M8 pin safety 40", PolicyCmd(text="M8 pin safety 40")),
        ("补货策略 M8", PolicyCmd(text="M8")),
        ("undo #123 wrong item", UndoCmd(movement_id="123", reason="wrong item")),
        ("help", HelpCmd()),
        ("help /stock@yourbot", HelpCmd(topic="stock")),
        ("帮助 库存", HelpCmd(topic="stock")),
        ("role @li approver ¥5000", RoleCmd(user="li", mention="@li", role="approver",
                                            limit=Decimal(5000))),
        ("role <@U123|li> 仓管", RoleCmd(user="U123", mention="<@U123|li>", role="keeper",
                                         user_platform="slack")),
        ("role telegram:42 keeper", RoleCmd(user="42", mention="telegram:42", role="keeper",
                                            user_platform="telegram")),
        ("role keeper", RoleCmd(role="keeper")),  # nobody named: a reply to their message
        ("link @bob slack:u0bob", LinkCmd(user="bob", mention="@bob", platform="slack",
                                          platform_user_id="U0BOB")),
        ("link telegram:7", LinkCmd(platform="telegram", platform_user_id="7")),
        ("bind WH1 zh-TW", BindCmd(warehouse="WH1", lang="zh-Hant")),
        ("bind Main WH", BindCmd(warehouse="Main WH")),
        ("lang zh-Hans", LangCmd(lang="zh-Hans")),
        ("lang 繁體", LangCmd(lang="zh-Hant")),
        ("语言 en", LangCmd(lang="en")),
    ],
)  # fmt: skip
def test_the_other_commands_parse_their_arguments(text: str, expected: Command) -> None:
    assert ok(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("stock", "parse.missing_query"),
        ("count", "parse.missing_target"),
        ("history", "parse.missing_target"),
        ("policy", "parse.missing_target"),
        ("undo", "parse.missing_movement"),
        ("undo 123", "parse.missing_reason"),
        ("shortages now", "parse.no_arguments"),
        ("summary today", "parse.no_arguments"),
        ("help frobnicate", "parse.unknown_help_topic"),
        ("role", "parse.missing_user"),
        ("role li keeper", "parse.bad_user"),
        ("role @li", "parse.missing_role"),
        ("role @li boss", "parse.unknown_role"),
        ("role @li approver lots", "parse.bad_limit"),
        ("role @li approver 0", "parse.bad_limit"),
        ("role telegram:frank keeper", "parse.bad_identity"),
        ("role @" + "a" * 200 + " keeper", "parse.identity_too_long"),
        ("link @bob slack:" + "U" * 1000, "parse.identity_too_long"),
        ("link @bob slack:not-an-id", "parse.bad_identity"),
        ("link @bob mastodon:1", "parse.bad_identity"),
        ("link @bob telegram:1 extra", "parse.unexpected_text"),
        ("bind", "parse.missing_warehouse"),
        ("lang", "parse.missing_lang"),
        ("lang klingon", "parse.unknown_lang"),
    ],
)
def test_missing_or_invalid_arguments_give_a_key_and_the_usage_of_that_command(
    text: str, key: str
) -> None:
    error = err(text)
    assert error.key == key
    assert error.usage_key == USAGE[error.command or ""]


def test_as_is_a_console_only_command() -> None:
    assert err("as bob").key == "parse.unknown_command"
    assert ok("/as bob", console=True) == AsUserCmd(user="bob")
    assert ok("as @bob", console=True) == AsUserCmd(user="bob")


# ----------------------------------------------------------------------------- hostile input


def test_text_longer_than_the_limit_is_refused_as_too_long() -> None:
    error = err("stock " + "x" * MAX_TEXT_LENGTH)
    assert error.key == "parse.too_long"
    assert error.code == "too_long"


def test_text_at_the_limit_is_still_accepted() -> None:
    text = "stock " + "x" * (MAX_TEXT_LENGTH - 6)
    assert len(text) == MAX_TEXT_LENGTH
    assert isinstance(ok(text), StockCmd)


def test_ten_kilobytes_of_input_is_refused_quickly() -> None:
    started = time.perf_counter()
    assert err("request " + "6204 " * 2048).key == "parse.too_long"
    assert time.perf_counter() - started < 0.1


def test_a_long_message_just_under_the_limit_parses_in_reasonable_time() -> None:
    started = time.perf_counter()
    result = parse("request " + "6204 轴承 " * 180 + "10 for WO-1")
    assert isinstance(result, RequestCmd)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE items; --",
        "<b>bold</b> <script>alert(1)</script>",
        "*not bold* `not code` _x_ [link](http://x)",
        "%s {0} {item} \\n",
    ],
)
def test_sql_and_markup_in_a_query_are_kept_verbatim(query: str) -> None:
    assert ok(f"stock {query}") == StockCmd(query=query)


def test_sql_in_an_item_and_note_is_kept_verbatim() -> None:
    command = ok("request Robert'); DROP TABLE items;-- 5 <i>now</i>")
    assert command == RequestCmd(
        item="Robert'); DROP TABLE items;--", qty=Decimal(5), note="<i>now</i>"
    )


def test_inner_spacing_of_an_item_is_kept_as_typed() -> None:
    command = ok("request hex   bolt\tM8 20")
    assert isinstance(command, RequestCmd)
    assert command.item == "hex   bolt\tM8"


def test_control_characters_are_refused() -> None:
    assert err("stock m8\x00").key == "parse.control_chars"
    assert err("stock \x1b[31mred").key == "parse.control_chars"


# ----------------------------------------------------------------------------- tables and catalog


def test_every_command_has_a_usage_line_and_help_text_in_the_catalog() -> None:
    for name in (*COMMAND_NAMES, "as"):
        assert USAGE[name] == f"usage.{name}"
        assert {"en", "zh-Hans"} <= CATALOG[USAGE[name]].keys()
        assert {"en", "zh-Hans"} <= CATALOG[f"help.{name}"].keys()


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_the_command_word_shown_in_each_usage_line_parses_back_to_that_command(
    name: str, lang: str
) -> None:
    usage = t(USAGE[name], lang)
    word = re.search(r"`([^`\s]+)", usage)
    assert word is not None, usage
    assert resolve_command_name(word[1].lstrip("/")) == name


def test_every_error_key_the_parser_can_return_has_a_message() -> None:
    samples = [
        "x" * 3000, "stock \x00", "", "zzz", "stock", "request m8", "request 5",
        "request m8 20 for", "receive m8 20 po A po B", "receive m8 20 junk",
        "receive m8 20 exp x", "transfer m8 20 A", "transfer m8 20 A A", "summary x",
        "count", "policy", "undo", "undo 1", "help zz", "role", "role x", "role @x",
        "role @x boss", "role @x approver q", "bind", "lang", "lang q",
    ]  # fmt: skip
    for text in samples:
        error = err(text)
        assert error.key in CATALOG, error.key


def test_commands_round_trip_through_json_for_queues_and_logs() -> None:
    adapter: TypeAdapter[Command] = TypeAdapter(Command)
    command = ok("receive 6204 100 po PO-7 exp 2026-05-31")
    assert adapter.validate_json(adapter.dump_json(command)) == command


def test_commands_are_immutable() -> None:
    command = ok("stock m8")
    with pytest.raises(ValueError):
        command.query = "other"  # type: ignore[misc]
