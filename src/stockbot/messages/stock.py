"""Stock lookup (查库存): the card and its choices."""

from stockbot.i18n import register

MESSAGES = {
    "stock.usage": {
        "en": "Usage: /stock <code, name or spec>",
        "zh-Hans": "用法：/stock <编码、名称或规格>",
    },
    "stock.none": {
        "en": "No item matches “{query}”.",
        "zh-Hans": "没有找到与“{query}”匹配的物料。",
    },
    "stock.choose": {
        "en": "Several items match “{query}” — which one?",
        "zh-Hans": "有多个物料匹配“{query}”，请选择：",
    },
    "stock.gone": {"en": "That item no longer exists.", "zh-Hans": "该物料已不存在。"},
    "stock.quantities": {"en": "Quantities ({unit})", "zh-Hans": "数量（{unit}）"},
    "qty.on_hand": {"en": "On hand", "zh-Hans": "在库"},
    "qty.reserved": {"en": "Reserved", "zh-Hans": "已预留"},
    "qty.available": {"en": "Available", "zh-Hans": "可用"},
    "qty.on_order": {"en": "On order", "zh-Hans": "在途"},
    "qty.projected": {"en": "Projected", "zh-Hans": "预计可用"},
    "qty.thresholds": {"en": "Safety stock / reorder point", "zh-Hans": "安全库存 / 再订货点"},
    "qty.days_cover": {"en": "Days of cover", "zh-Hans": "可用天数"},
    "qty.days_cover_value": {
        "en": "{days} days (uses {usage}/day)",
        "zh-Hans": "{days} 天（日均用量 {usage}）",
    },
    "qty.below_reorder": {"en": "⚠ below reorder point", "zh-Hans": "⚠ 低于再订货点"},
    "stock.by_warehouse": {"en": "By warehouse", "zh-Hans": "按仓库"},
    "stock.by_location": {"en": "By location", "zh-Hans": "按库位"},
    "stock.batches": {
        "en": "Batches on hand (oldest first)",
        "zh-Hans": "在库批次（先进先出）",
    },
    "col.warehouse": {"en": "Warehouse", "zh-Hans": "仓库"},
    "col.location": {"en": "Location", "zh-Hans": "库位"},
    "col.batch": {"en": "Batch", "zh-Hans": "批次"},
    "col.received": {"en": "Received", "zh-Hans": "入库日期"},
    "col.expiry": {"en": "Expiry", "zh-Hans": "有效期"},
    "col.qty": {"en": "Qty", "zh-Hans": "数量"},
    "stock.last": {
        "en": "Last movement: {kind} {qty} by {actor} at {at} ({warehouse})",
        "zh-Hans": "最近一次：{kind} {qty}，{actor}，{at}（{warehouse}）",
    },
    "stock.never": {"en": "No movements yet.", "zh-Hans": "尚无出入库记录。"},
    "kind.receipt": {"en": "receipt", "zh-Hans": "入库"},
    "kind.issue": {"en": "issue", "zh-Hans": "发料"},
    "kind.return": {"en": "return", "zh-Hans": "退料"},
    "kind.transfer_out": {"en": "transfer out", "zh-Hans": "调出"},
    "kind.transfer_in": {"en": "transfer in", "zh-Hans": "调入"},
    "kind.adjustment": {"en": "adjustment", "zh-Hans": "盘点调整"},
    "kind.reversal": {"en": "reversal", "zh-Hans": "冲销"},
    "someone": {"en": "someone", "zh-Hans": "某人"},
}

register(MESSAGES)
