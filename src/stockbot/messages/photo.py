"""A photo of a label as a lookup (or as the item and batch of a receipt)."""

from stockbot.i18n import register

MESSAGES = {
    "photo.unreadable": {
        "en": "I could not read a barcode or QR code on that photo. Hold the phone closer, "
        "keep the label flat and lit, and send it again — or type `/stock <code>`.",
        "zh-Hans": "这张照片里没有识别出条码或二维码。请靠近一些、让标签平整且光线充足后重拍，"
        "或直接输入 `/stock <编码>`。",
    },
    "photo.unknown": {
        "en": "The label reads {codes}, but no item has that code or barcode.",
        "zh-Hans": "标签上是 {codes}，但没有物料使用这个编码或条码。",
    },
    "photo.choose": {
        "en": "The photo shows codes of several items — which one?",
        "zh-Hans": "照片里有多个物料的条码，请选择：",
    },
}

register(MESSAGES)
