"""A photo of a label: the item it names answers like `/stock`; with `/receive`, it fills in
the item, batch and expiry that a GS1 delivery label carries.

The codes come from `stockbot.barcodes` (pure decoding); here they are matched against item
codes and barcodes (`store.catalog.items_labelled`: `items.barcode` and `item_barcodes`).
One item → its card; several → "which one?" with the same read-only `stock:<id>` buttons a
typed lookup offers; a code nobody has, or nothing readable → said so, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

import stockbot.messages.photo  # noqa: F401  (registers the catalogue)
from stockbot.barcodes import Label, read_labels
from stockbot.commands.parser import parse
from stockbot.flows.common import item_label
from stockbot.flows.context import Ctx
from stockbot.flows.stock import show
from stockbot.i18n import t, tm
from stockbot.replies import Button, Choice, Reply, md_escape
from stockbot.store.catalog import items_labelled
from stockbot.store.models import Item

__all__ = ["photo"]


def _matches(ctx: Ctx, labels: list[Label]) -> list[tuple[int, Label]]:
    """(item id, the label that named it) for each distinct item, in label order."""
    out: dict[int, Label] = {}
    with ctx.db.read() as s:
        for label in labels:
            for key in label.keys():
                ids = items_labelled(s, key)
                for item_id in ids:
                    out.setdefault(item_id, label)
                if ids:
                    break
    return list(out.items())


def _is_receive(caption: str) -> bool:
    if not caption.strip():
        return False
    parsed = parse(caption)
    name = getattr(parsed, "name", None) or getattr(parsed, "command", None)
    return name == "receive"


def _receive_text(caption: str, item_id: int, label: Label) -> str:
    """`/receive 20` + the label → `/receive #12 20 batch L42 exp 2027-12-31`; what the
    caption already says (a typed batch) wins over the label."""
    words = caption.split()
    rest = " ".join(words[1:])
    said = {w.lower() for w in words[1:]}
    text = f"/receive #{item_id} {rest}".rstrip()
    gs1 = label.gs1
    if gs1 and gs1.batch and "batch" not in said:
        text += f" batch {gs1.batch}"
    if gs1 and gs1.expiry and "exp" not in said:
        text += f" exp {gs1.expiry.isoformat()}"
    return text


def photo(ctx: Ctx, caption: str | None, image: bytes, run: Callable[[str], Reply]) -> Reply:
    """Answer a photo; *run* runs a command text (the runtime's parser and flows), for
    `/receive` with the item and batch the label gave."""
    caption = (caption or "").strip()
    labels = read_labels(image)
    if not labels:
        return Reply.text(t("photo.unreadable", ctx.lang), key="photo.unreadable")
    found = _matches(ctx, labels)
    if not found:
        codes = ", ".join(f"`{md_escape(label.text[:64])}`" for label in labels[:5])
        return Reply.text(tm("photo.unknown", ctx.lang, codes=codes), key="photo.unknown")
    if len(found) == 1:
        item_id, label = found[0]
        if _is_receive(caption):
            return run(_receive_text(caption, item_id, label))
        return show(ctx, item_id)
    with ctx.db.read() as s:
        items = [s.get(Item, item_id) for item_id, _ in found]
        options = [
            Button(label=item_label(it, ctx.lang), action_id=f"stock:{it.id}")
            for it in items
            if it is not None
        ]
    return Reply.of(Choice(prompt=t("photo.choose", ctx.lang), options=options))
