"""Invisible controls cannot disguise a name (issue 9, the remainder of item 5).

One rule (`stockbot.text.INVISIBLE_CONTROLS`: bidi controls and zero-width characters) for
every name that reaches the books: typed in a command it is refused (`test_inbound_text.py`);
in an imported file the row is refused and reported, nothing written; in a platform display
name — which its owner chose in a profile, not in a command — it is stripped at the door every
adapter passes (`commands.inbound`), so no card can say "approved by Mal<U+202E>exe.gnp"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.cli import main
from stockbot.io.imports import import_items, import_stock, import_suppliers
from stockbot.store.models import User, UserIdentity
from stockbot.text import INVISIBLE_CONTROLS
from test_import_export import (
    GOOD_ITEMS,
    ITEMS_HEADER,
    STOCK_HEADER,
    counts,
    load_good,
    messages,
    problems,
    write_csv,
)

MARKS = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u200b", "\u200d", "\ufeff"]


def _items_with(column: str, value: str) -> list[list[str]]:
    row = list(GOOD_ITEMS[0])
    row[ITEMS_HEADER.index(column)] = value
    return [ITEMS_HEADER, row]


@pytest.mark.parametrize("mark", MARKS)
@pytest.mark.parametrize("column", ["code", "name", "spec", "category", "aliases"])
def test_an_item_cell_hiding_an_invisible_control_is_a_row_error_and_nothing_is_written(
    db, tmp_path, column, mark
):
    before = counts(db)
    path = write_csv(tmp_path / "items.csv", _items_with(column, f"exe{mark}gnp"))
    report = import_items(db, path)
    assert not report.ok
    assert problems(report) == {(2, column)}
    assert f"U+{ord(mark):04X}" in messages(report)
    assert counts(db) == before


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("code", "BOLT-M8\u200b"),  # looks like BOLT-M8, is another code
        ("location", "A-01\u202e"),
        ("batch", "LOT-\u202e7gnp.exe"),
        ("warehouse", "MAIN\u2066"),
    ],
)
def test_a_stock_row_hiding_an_invisible_control_is_refused_with_its_row(
    db, tmp_path, column, value
):
    load_good(db, tmp_path)
    before = counts(db)
    row = {"code": "BOLT-M8", "warehouse": "MAIN", "location": "", "batch": "", "qty": "5"}
    row[column] = value
    path = write_csv(
        tmp_path / "more.csv",
        [STOCK_HEADER, ["BOLT-M8", "MAIN", "", "", "1", "", ""], [*row.values(), "", ""]],
    )
    report = import_stock(db, path, create_warehouses=True)
    assert not report.ok
    assert problems(report) == {(3, column)}
    assert counts(db) == before  # not even the good row 2


@pytest.mark.parametrize("column", ["code", "name", "contact", "email"])
def test_a_supplier_row_hiding_an_invisible_control_is_refused(db, tmp_path, column):
    before = counts(db)
    row = {"code": "ACME", "name": "Acme Ltd", "contact": "Li", "email": "li@acme.cn"}
    row[column] = row[column][:1] + "\u202e" + row[column][1:]
    path = write_csv(tmp_path / "sup.csv", [list(row), list(row.values())])
    report = import_suppliers(db, path)
    assert not report.ok and problems(report) == {(2, column)}
    assert counts(db) == before


def test_the_cli_import_reports_the_row_and_exits_non_zero(db, db_url, tmp_path, capsys):
    path = write_csv(tmp_path / "items.csv", _items_with("name", "Hex bolt \u202eexe.gnp"))
    before = counts(db)
    assert main(["--database-url", db_url, "import", "items", str(path)]) == 1
    err = capsys.readouterr().err
    assert "U+202E" in err and "name" in err
    assert counts(db) == before


def test_a_clean_file_still_imports(db, tmp_path):
    items, stock = load_good(db, tmp_path)
    assert items.created == 3 and stock.posted_lines == 5


# --- display names from the platforms ----------------------------------------------------------

DISGUISED = "Mal\u202eexe.gnp"  # shows as "Malpng.exe"


def _stored_names(db, platform: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return dict(
            s.execute(
                select(UserIdentity.platform_user_id, User.display_name)
                .join(User, User.id == UserIdentity.user_id)
                .where(UserIdentity.platform == platform)
            ).all()
        )


def test_a_slack_display_name_with_a_bidi_override_is_stored_and_shown_without_it(db):
    from test_slack_e2e import FLOOR, Slack, newest, people, run

    from transcript import Floor

    people(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(slack: Slack) -> None:
        slack.fake.users["U0MAL"] = {"name": "mal", "real_name": "Mal", "display_name": DISGUISED}
        assert await slack.command("U0MAL", "/request motor 2") == 200
        card = newest(slack.fake.in_channel(FLOOR), "MR-00001")
        assert "Malexe.gnp" in card.all_text()
        await slack.deliver()
        for message in slack.fake.messages:
            assert not INVISIBLE_CONTROLS.search(message.all_text()), message.all_text()

    run(db, scenario)
    assert _stored_names(db, "slack")["U0MAL"] == "Malexe.gnp"


def test_a_telegram_first_and_last_name_with_bidi_controls_are_stored_without_them(db):
    from test_telegram_e2e import GROUP, Scene, crew, play

    from transcript import Floor

    crew(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(sc: Scene) -> None:
        mal = sc.fake.user(3001, "Mal\u202e")
        mal["last_name"] = "exe\u2066.gnp\u200b"
        sc.fake.private(mal)
        command = sc.fake.say(mal, sc.group, "/request MOTOR 2")["message"]
        card = await sc.answer_to(command)
        assert "MR-00001" in card["text"] and "Mal exe.gnp" in card["text"]
        approve = await sc.dm("dave", "Approve")
        assert "Mal exe.gnp" in approve["text"]
        for message in sc.fake.bot_messages(GROUP):
            assert not INVISIBLE_CONTROLS.search(message["text"])

    play(db, scenario)
    assert _stored_names(db, "telegram")["3001"] == "Mal exe.gnp"


def test_a_name_of_nothing_but_controls_falls_back_to_the_platform_id():
    from stockbot.commands.inbound import Inbound

    inbound = Inbound(
        platform="slack", user_id="U1", chat_id="C1", text="/help", user_name="\u202e\u200b"
    )
    assert inbound.user_name is None


def test_the_rule_is_one_rule_for_commands_and_imports():
    from stockbot.commands.parser import BIDI_CONTROLS

    assert BIDI_CONTROLS is INVISIBLE_CONTROLS
