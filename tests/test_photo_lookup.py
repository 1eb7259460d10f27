"""A photo of a label as a lookup, and as the item and batch of a receipt (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from labels import blank_photo, code_image, photo
from stockbot.barcodes import read_labels
from stockbot.io.imports import import_items
from stockbot.replies import Choice
from stockbot.store.models import Batch, ItemBarcode, Movement

from transcript import Floor

GS1_LABEL = "(01)09506000134352(10)LOT42(17)271231"


@pytest.mark.parametrize(
    ("content", "kind"),
    [("4006381333931", "ean13"), ("M8-BOLT-20", "code128"), ("BRG-6204-2RS", "qr")],
)
@pytest.mark.parametrize(("rotate", "blur"), [(0, 0), (7, 1.0), (-15, 1.5)])
def test_a_blurred_turned_photo_of_a_code_reads_back_the_printed_code(
    content: str, kind: str, rotate: float, blur: float
) -> None:
    labels = read_labels(photo(code_image(content, kind), rotate=rotate, blur=blur))
    assert [label.text for label in labels] == [content]


def test_a_gs1_delivery_label_gives_its_gtin_batch_and_expiry() -> None:
    (label,) = read_labels(photo(code_image(GS1_LABEL, "code128", gs1=True, scale=3)))
    assert label.gs1 is not None
    assert (label.gs1.gtin, label.gs1.batch, label.gs1.expiry) == (
        "09506000134352",
        "LOT42",
        date(2027, 12, 31),
    )
    assert label.keys()[:2] == ["09506000134352", "9506000134352"]


def test_bytes_that_are_no_image_read_as_nothing() -> None:
    assert read_labels(b"not a picture") == []
    assert read_labels(b"") == []


@pytest.fixture
def floor(db) -> Floor:  # type: ignore[no-untyped-def]
    return Floor(db).people()


def test_a_photo_of_an_items_barcode_answers_like_stock(floor: Floor) -> None:
    floor.item("M8", stock=120, barcode="4006381333931")
    reply = floor.say("bob", None, image=photo(code_image("4006381333931", "ean13")))
    assert reply.keys() == floor.say("bob", "/stock M8").keys()
    assert "M8" in reply.plain() and "120" in reply.plain()


def test_a_photo_with_stock_as_its_caption_finds_the_item_by_its_code(floor: Floor) -> None:
    floor.item("M8-BOLT-20", stock=5)
    reply = floor.say("bob", "/stock", image=photo(code_image("M8-BOLT-20", "code128")))
    assert "M8-BOLT-20" in reply.plain() and "5" in reply.plain()


def test_any_of_an_items_further_barcodes_finds_it(floor: Floor) -> None:
    floor.item("BRG-6204", stock=7, barcodes=["6901234567892", "QR-BRG-6204"])
    with floor.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ItemBarcode)) == 2
    reply = floor.say("bob", None, image=photo(code_image("QR-BRG-6204", "qr")))
    assert "BRG-6204" in reply.plain()
    assert "BRG-6204" in floor.say("bob", "/stock 6901234567892").plain()


def test_a_label_with_codes_of_two_items_asks_which(floor: Floor) -> None:
    floor.item("M8", stock=1, barcode="4006381333931")
    floor.item("M10", stock=2, barcodes=["M10-LABEL"])
    reply = floor.say(
        "bob",
        None,
        image=photo(code_image("4006381333931", "ean13"), code_image("M10-LABEL", "qr")),
    )
    assert reply.keys() == ["photo.choose"]
    (choice,) = [b for b in reply.blocks if isinstance(b, Choice)]
    assert sorted(o.label.split(" · ")[0] for o in choice.options) == ["M10", "M8"]
    assert "M10" in floor.press("bob", "M10").plain()


def test_a_photo_without_a_readable_code_says_so(floor: Floor) -> None:
    assert floor.say("bob", None, image=blank_photo()).keys() == ["photo.unreadable"]


def test_a_code_no_item_carries_says_so_and_names_the_code(floor: Floor) -> None:
    floor.item("M8", stock=1)
    reply = floor.say("bob", None, image=photo(code_image("UNKNOWN-42", "code128")))
    assert reply.keys() == ["photo.unknown"] and "UNKNOWN-42" in reply.plain()


def test_receive_with_a_delivery_label_fills_item_batch_and_expiry(floor: Floor) -> None:
    item = floor.item("GLUE", barcode="9506000134352", batch_tracked=True)
    label = photo(code_image(GS1_LABEL, "code128", gs1=True, scale=3))
    floor.say("carol", "/receive 24", image=label)
    with floor.db.read() as s:
        batch = s.scalars(select(Batch).where(Batch.item_id == item)).one()
        assert (batch.lot, batch.expiry) == ("LOT42", date(2027, 12, 31))
        received = s.scalars(select(Movement.qty).where(Movement.item_id == item)).all()
    assert sum(received) == 24
    assert floor.on_hand(item) == 24


def test_an_unreadable_receipt_label_writes_nothing(floor: Floor) -> None:
    item = floor.item("GLUE", barcode="9506000134352")
    assert floor.say("carol", "/receive 24", image=blank_photo()).keys() == ["photo.unreadable"]
    assert floor.on_hand(item) == 0


def test_an_items_file_with_a_barcodes_column_gives_each_item_its_barcodes(
    floor: Floor, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "items.csv"
    sheet.write_text(
        "code,name,barcode,barcodes\n"
        "M8,Bolt M8,4006381333931,6901234567892; QR-M8 ;6901234567892\n"
        "M10,Bolt M10,,\n",
        encoding="utf-8",
    )
    assert import_items(floor.db, sheet).ok
    with floor.db.read() as s:
        codes = s.scalars(select(ItemBarcode.code).order_by(ItemBarcode.code)).all()
    assert codes == ["6901234567892", "QR-M8"]
    for label in ("4006381333931", "6901234567892", "QR-M8"):
        assert "Bolt M8" in floor.say("bob", f"/stock {label}").plain()
    sheet.write_text("code,name,barcodes\nM8,Bolt M8,\n", encoding="utf-8")
    assert import_items(floor.db, sheet).ok
    with floor.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ItemBarcode)) == 0


@pytest.mark.parametrize("rotate", [-15, -13, 13, 15])
def test_a_long_gs1_label_photographed_askew_is_still_read(rotate: float) -> None:
    """Read straight, a long low linear code at 13–15° is missed (rows cross too few bars);
    the decoder turns the photo back and finds it."""
    (label,) = read_labels(
        photo(code_image(GS1_LABEL, "code128", gs1=True, scale=3), rotate=rotate)
    )
    assert label.gs1 is not None and label.gs1.batch == "LOT42"
