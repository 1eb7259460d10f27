"""Reading the codes on a photo of a label: pure, no chat and no database.

A keeper photographs a bin label or a delivery label; every platform hands the image bytes to
the runtime (`Inbound.image`), and this module says what is printed there: the codes zxing-cpp
finds (EAN-13, Code 128, QR, DataMatrix … any format it reads) and, for GS1 labels, the fields a
receipt can use — (01) GTIN, (10) batch/lot, (17) expiry — parsed by `biip`, the GS1 library,
not by hand. Photos from phones are large; they are scaled down before decoding so that one
photo reads in well under 150 ms (see `bench/bench_barcode.py`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import zxingcpp
from biip.gs1_messages import GS1Message
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["MAX_BYTES", "MAX_SIDE", "Gs1", "Label", "read_labels"]

MAX_SIDE = 1600
"""Longest side a photo is scaled to before decoding: keeps a 12-megapixel phone photo fast,
and a barcode that fills a fair part of the frame stays readable."""
RETRY_ANGLES = (12.0, -12.0)
"""Turns tried when nothing was read straight: a linear code (EAN, Code 128) is read along
pixel rows (and columns), so a long, low one held at 10–15° is missed; turning the photo back
finds it. Only a photo with no readable code pays for the retries."""
_LINEAR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.AllLinear)
MAX_BYTES = 20 * 1024 * 1024
"""Larger files are not images a phone sends; refused before decoding (nothing is read)."""


@dataclass(frozen=True)
class Gs1:
    """What a GS1 label carries that stock cares about."""

    gtin: str | None = None
    batch: str | None = None
    expiry: date | None = None

    def gtin_keys(self) -> list[str]:
        """The GTIN as an item barcode may be stored: GTIN-14 and, with its leading zero
        dropped, the EAN-13 printed on the single unit."""
        if not self.gtin:
            return []
        keys = [self.gtin]
        if len(self.gtin) == 14 and self.gtin.startswith("0"):
            keys.append(self.gtin[1:])
        return keys


@dataclass(frozen=True)
class Label:
    """One code read from the photo: its text, format name, and GS1 fields when it is GS1."""

    text: str
    format: str
    gs1: Gs1 | None = None

    def keys(self) -> list[str]:
        """The strings an item's code or barcode may equal, most specific first."""
        return [*(self.gs1.gtin_keys() if self.gs1 else []), self.text]


def _gs1(text: str) -> Gs1 | None:
    if not text.startswith("(") or ")" not in text:
        return None
    try:
        message = GS1Message.parse_hri(text)
    except Exception:  # biip raises its own ParseError family; an odd label is just text
        return None
    found: dict[str, str] = {}
    expiry: date | None = None
    for element in message.element_strings:
        found.setdefault(element.ai.ai, element.value)
        if element.ai.ai == "17" and element.date is not None:
            expiry = element.date
    return Gs1(gtin=found.get("01"), batch=found.get("10"), expiry=expiry)


def _image(data: bytes) -> Image.Image | None:
    if not data or len(data) > MAX_BYTES:
        return None
    try:
        opened = Image.open(io.BytesIO(data))
        # JPEG: decode at 1/2, 1/4 or 1/8 scale already (draft keeps both sides ≥ the request)
        opened.draft("L", (MAX_SIDE // 2, MAX_SIDE // 2))
        # phones store "rotated" in EXIF, not in the pixels
        img = ImageOps.exif_transpose(opened).convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    factor = -(-max(img.size) // MAX_SIDE)
    if factor > 1:  # a box reduction by a whole factor: fast, and sharp enough for bars
        img = img.reduce(factor)
    return img


def read_labels(data: bytes) -> list[Label]:
    """Every distinct code in the image, in reading order; [] when there is none or the bytes
    are not an image."""
    img = _image(data)
    if img is None:
        return []
    found_codes = zxingcpp.read_barcodes(img, try_rotate=True, try_downscale=True)
    for angle in RETRY_ANGLES:
        if found_codes:
            break
        turned = img.rotate(angle, expand=True, fillcolor=255)
        found_codes = zxingcpp.read_barcodes(
            turned, formats=_LINEAR, try_rotate=False, try_invert=False
        )
    out: dict[str, Label] = {}
    for found in found_codes:
        text = found.text.strip()
        if not text or text in out:
            continue
        gs1 = _gs1(text) if found.content_type == zxingcpp.ContentType.GS1 else None
        out[text] = Label(text=text, format=found.format.name, gs1=gs1)
    return list(out.values())
