"""A photo of a label shared in Slack, end to end (slack-bolt and slack-sdk against the loopback
fake, tests/slack_scene.py): the adapter downloads the file from its ``url_private`` with the
bot token, and the photo flow answers — a lookup in a DM, a receipt with the label's batch and
expiry when a keeper @-mentions the bot with ``/receive 24`` in a channel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from labels import blank_photo, code_image, photo
from slack_scene import Slack, newest, run
from stockbot.i18n import t
from stockbot.store.models import Batch

from fake_slack import BOT_USER
from slack_requests import FLOOR, people
from transcript import Floor, row_counts

BOB_DM = "D0BOB"
GS1_LABEL = "(01)09506000134352(10)LOT42(17)271231"


@pytest.fixture
def floor(db) -> Floor:  # type: ignore[no-untyped-def]
    people(db)
    return Floor(db)


def test_a_photo_sent_to_the_bot_privately_answers_with_the_stock_card(floor):
    floor.item("M8", stock=120, barcode="4006381333931", name="Hex bolt M8")

    async def scenario(slack: Slack) -> None:
        file = slack.fake.share(photo(code_image("4006381333931", "ean13")))
        await slack.mention("U0BOB", "", "Ev-photo", channel=BOB_DM, dm=True, files=[file])
        answer = newest(slack.fake.in_channel(BOB_DM), "Hex bolt M8")
        assert "120" in answer.all_text()
        assert slack.fake.downloads == [(file["id"], "Bearer xoxb-test")]
        assert not slack.fake.called("files.info")  # the event carried the URL

    run(floor.db, scenario)


def test_a_retried_photo_event_is_not_downloaded_again(floor):
    """Slack retries an event it thinks we missed: the upload was answered once already, so the
    retry neither fetches the file again nor answers again."""
    floor.item("M8", stock=120, barcode="4006381333931", name="Hex bolt M8")

    async def scenario(slack: Slack) -> None:
        file = slack.fake.share(photo(code_image("4006381333931", "ean13")))
        ts = "1750000100.424242"
        await slack.mention("U0BOB", "", "Ev-1", channel=BOB_DM, dm=True, files=[file], ts=ts)
        await slack.mention(
            "U0BOB", "", "Ev-1", channel=BOB_DM, dm=True, files=[file], ts=ts, retry=1
        )
        assert slack.fake.downloads == [(file["id"], "Bearer xoxb-test")]
        assert len(slack.fake.in_channel(BOB_DM)) == 1

    run(floor.db, scenario)


def test_a_keeper_receives_against_a_delivery_label_shared_with_a_mention(floor):
    glue = floor.item("GLUE", barcode="9506000134352", batch_tracked=True)

    async def scenario(slack: Slack) -> None:
        label = photo(code_image(GS1_LABEL, "code128", gs1=True, scale=3))
        file = slack.fake.share(label, name="delivery.jpg")
        ts = "1750000400.000001"
        text = f"<@{BOT_USER}> /receive 24"
        await slack.mention("U0CAROL", text, "Ev-gs1", ts=ts, files=[file])
        [answer] = [m for m in slack.fake.in_channel(FLOOR) if m.thread_ts == ts]
        assert "GLUE" in answer.all_text()

    run(floor.db, scenario)
    with floor.db.read() as s:
        batch = s.scalars(select(Batch).where(Batch.item_id == glue)).one()
        assert (batch.lot, batch.expiry) == ("LOT42", date(2027, 12, 31))
    assert floor.on_hand(glue) == Decimal(24)


def test_a_file_the_event_only_names_is_looked_up_with_files_info_first(floor):
    floor.item("BRG-6204", stock=7, barcodes=["QR-BRG-6204"])

    async def scenario(slack: Slack) -> None:
        image = photo(code_image("QR-BRG-6204", "qr"), fmt="PNG")
        stub = slack.fake.share(image, name="qr.png", mimetype="image/png", stub=True)
        await slack.mention("U0BOB", "", "Ev-stub", channel=BOB_DM, dm=True, files=[stub])
        assert "7" in newest(slack.fake.in_channel(BOB_DM), "BRG-6204").all_text()
        [info] = slack.fake.called("files.info")
        assert info.params["file"] == stub["id"]

    run(floor.db, scenario)


def test_an_unreadable_photo_says_so_and_writes_nothing(floor):
    async def scenario(slack: Slack) -> None:
        before = row_counts(floor.db)
        file = slack.fake.share(blank_photo())
        await slack.mention("U0BOB", "", "Ev-blank", channel=BOB_DM, dm=True, files=[file])
        first_sentence = t("photo.unreadable", "en").split(".")[0]
        assert newest(slack.fake.in_channel(BOB_DM), first_sentence)
        after = row_counts(floor.db)
        assert {k: v for k, v in after.items() if k != "processed_events"} == {
            k: v for k, v in before.items() if k != "processed_events"
        }

    run(floor.db, scenario)


def test_a_document_dropped_in_the_dm_without_a_word_is_left_alone(floor):
    async def scenario(slack: Slack) -> None:
        before = row_counts(floor.db)
        pdf = slack.fake.share(b"%PDF-1.7 ...", name="invoice.pdf", mimetype="application/pdf")
        await slack.mention("U0BOB", "", "Ev-pdf", channel=BOB_DM, dm=True, files=[pdf])
        # mention() waited for the listener to finish: it answered nothing, fetched nothing
        assert slack.fake.in_channel(BOB_DM) == []
        assert slack.fake.downloads == []
        assert row_counts(floor.db) == before

    run(floor.db, scenario)
