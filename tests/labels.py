"""Photos of labels, made in the test: a barcode or QR code drawn by zxing-cpp's own writer,
then treated the way a phone treats it — on a white sheet, turned a little, blurred, saved as
JPEG — so the decoder is tested on realistic pictures, not on perfect bitmaps."""

from __future__ import annotations

import io

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter

FORMATS = {
    "ean13": zxingcpp.BarcodeFormat.EAN13,
    "code128": zxingcpp.BarcodeFormat.Code128,
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "datamatrix": zxingcpp.BarcodeFormat.DataMatrix,
}


def code_image(content: str, kind: str, *, gs1: bool = False, scale: int = 4) -> Image.Image:
    """The bare symbol with its quiet zone, in grey levels."""
    kwargs = {"gs1": True} if gs1 else {}
    symbol = zxingcpp.create_barcode(content, FORMATS[kind], **kwargs)
    return Image.fromarray(np.array(symbol.to_image(scale=scale))).convert("L")


def photo(
    *symbols: Image.Image,
    rotate: float = 8.0,
    blur: float = 1.2,
    size: tuple[int, int] = (1280, 960),
    fmt: str = "JPEG",
) -> bytes:
    """The symbols side by side on a white page of *size*, turned by *rotate* degrees,
    Gaussian-blurred by *blur* pixels and saved as *fmt* (JPEG at phone quality)."""
    page = Image.new("L", size, 235)
    x = 40
    for symbol in symbols:
        page.paste(symbol, (x, (size[1] - symbol.height) // 2))
        x += symbol.width + 60
    page = page.rotate(rotate, expand=False, fillcolor=235, resample=Image.Resampling.BICUBIC)
    if blur:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    page.convert("RGB").save(out, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return out.getvalue()


def blank_photo() -> bytes:
    """A photo of a bare bench: no code on it."""
    return photo(rotate=0, blur=2)
