"""A photo of a label through the real python-telegram-bot and the loopback fake Bot API: the
adapter fetches the largest size (getFile + the file URL) and the answer is the stock card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from labels import blank_photo, code_image, photo
from stockbot.i18n import t
from stockbot.store.models import Batch
from test_telegram_e2e import GROUP, Scene, crew, play

from transcript import Floor

GS1_LABEL = "(01)09506000134352(10)LOT42(17)271231"


def test_a_photo_in_a_private_chat_answers_with_the_stock_card(db):
    Floor(db).item("M8", stock=120, barcode="4006381333931", name="Hex bolt M8")

    async def scenario(sc: Scene) -> None:
        bob = sc.people["bob"]
        chat = sc.fake.chats[bob["id"]]
        sc.fake.send_photo(bob, chat, photo(code_image("4006381333931", "ean13")))
        await sc.fake.wait_for(lambda: sc.fake.bot_messages(chat["id"]))
        [answer] = sc.fake.bot_messages(chat["id"])
        assert "Hex bolt M8" in answer["text"] and "120" in answer["text"]
        assert sc.fake.sent("getFile", file_id="f1")  # the largest size, not the thumbnail

    play(db, scenario)


def test_a_document_image_with_stock_in_a_group_is_answered_and_other_photos_are_not(db):
    Floor(db).item("BRG-6204", stock=7, barcodes=["QR-BRG-6204"])

    async def scenario(sc: Scene) -> None:
        bob = sc.people["bob"]
        image = photo(code_image("QR-BRG-6204", "qr"), fmt="PNG")
        chatter = sc.fake.send_photo(bob, sc.group, image, "look at this")["message"]
        asked = sc.fake.send_photo(bob, sc.group, image, "/stock", as_document=True)["message"]
        answer = await sc.answer_to(asked)
        assert "BRG-6204" in answer["text"] and "7" in answer["text"]
        assert not [
            m
            for m in sc.fake.bot_messages(GROUP)
            if (m.get("reply_to_message") or {}).get("message_id") == chatter["message_id"]
        ]
        assert not sc.fake.sent("getFile", file_id="f1")  # chatter was not even fetched

    play(db, scenario)


def test_an_unreadable_photo_says_so(db):
    async def scenario(sc: Scene) -> None:
        asked = sc.fake.send_photo(sc.people["bob"], sc.group, blank_photo(), "/stock")["message"]
        answer = await sc.answer_to(asked)
        first_sentence = t("photo.unreadable", "en").split(".")[0]
        assert first_sentence in answer["text"]

    play(db, scenario)


def test_a_keeper_receives_against_a_delivery_label_photo(db):
    crew(db)
    glue = Floor(db).item("GLUE", barcode="9506000134352", batch_tracked=True)

    async def scenario(sc: Scene) -> None:
        label = photo(code_image(GS1_LABEL, "code128", gs1=True, scale=3))
        asked = sc.fake.send_photo(sc.people["carol"], sc.group, label, "/receive 24")["message"]
        await sc.answer_to(asked)
        with sc.db.read() as s:
            batch = s.scalars(select(Batch).where(Batch.item_id == glue)).one()
            assert (batch.lot, batch.expiry) == ("LOT42", date(2027, 12, 31))
        assert Floor(db).on_hand(glue) == Decimal(24)

    play(db, scenario)
