"""Shortage warnings (缺料预警) and the open shortage incidents `/shortages` lists."""

from stockbot.i18n import register

MESSAGES = {
    "alert.and": {"en": "{a}; {b}", "zh-Hans": "{a}；{b}"},
    "alert.reason.stockout": {"en": "out of stock", "zh-Hans": "已断货"},
    "alert.reason.below_safety": {"en": "below safety stock", "zh-Hans": "低于安全库存"},
    "alert.reason.below_reorder": {"en": "below reorder point", "zh-Hans": "低于再订货点"},
    "alert.reason.cover": {
        "en": "runs out before a new order could arrive",
        "zh-Hans": "可用天数短于采购周期",
    },
    "alert.reason.expiring": {"en": "batch expiring", "zh-Hans": "批次即将过期"},
    "alert.reason.overdue_po": {"en": "purchase order overdue", "zh-Hans": "采购单逾期"},
    "alert.title": {"en": "⚠ {item}: {why}", "zh-Hans": "⚠ 缺料预警 {item}：{why}"},
    "alert.f.available": {"en": "Available", "zh-Hans": "可用"},
    "alert.f.on_order": {"en": "On order", "zh-Hans": "在途"},
    "alert.f.requested": {"en": "Approved purchase requests", "zh-Hans": "已批采购申请"},
    "alert.f.projected": {"en": "Projected", "zh-Hans": "预计可用"},
    "alert.f.thresholds": {"en": "Safety stock / reorder point", "zh-Hans": "安全库存 / 再订货点"},
    "alert.f.cover": {"en": "Days of cover", "zh-Hans": "可用天数"},
    "alert.f.lead": {"en": "Lead time", "zh-Hans": "采购周期"},
    "alert.f.waiting": {"en": "Requests waiting for it", "zh-Hans": "待满足的领料申请"},
    "alert.f.suggested": {"en": "Suggested order", "zh-Hans": "建议采购量"},
    "alert.f.batch": {"en": "Batch {lot}", "zh-Hans": "批次 {lot}"},
    "alert.thresholds": {"en": "{safety} / {rop}", "zh-Hans": "{safety} / {rop}"},
    "alert.days": {"en": "{n} days", "zh-Hans": "{n} 天"},
    "alert.none": {"en": "none", "zh-Hans": "无"},
    "alert.dash": {"en": "-", "zh-Hans": "-"},
    "alert.waiting": {"en": "{n} ({qty})", "zh-Hans": "{n} 张（{qty}）"},
    "alert.batch_line": {"en": "{qty} expiring {date}", "zh-Hans": "{qty}，{date} 到期"},
    "alert.po_line": {
        "en": "{qty} expected {date} ({late} days late)",
        "zh-Hans": "{qty}，应于 {date} 到货（逾期 {late} 天）",
    },
    "alert.btn.purchase": {"en": "Request purchase ({qty})", "zh-Hans": "申请采购（{qty}）"},
    "alert.btn.snooze": {"en": "Snooze 1 day", "zh-Hans": "暂缓 1 天"},
    "alert.btn.ack": {"en": "Acknowledge", "zh-Hans": "知道了"},
    "alert.back": {
        "en": "✅ {item} is back above its reorder point (projected {qty}).",
        "zh-Hans": "✅ {item} 已回到再订货点以上（预计可用 {qty}）。",
    },
    "alert.back_safety": {
        "en": "✅ {item} is back above its safety stock (available {qty}).",
        "zh-Hans": "✅ {item} 已回到安全库存以上（可用 {qty}）。",
    },
    "alert.digest.title": {"en": "⚠ *{n} stock warnings*", "zh-Hans": "⚠ *{n} 条缺料预警*"},
    "alert.digest.more": {
        "en": "…and {n} more. Send /shortages for the full list and buttons.",
        "zh-Hans": "……还有 {n} 条。发送 `缺料` 查看完整列表。",
    },
    "alert.digest.back": {
        "en": "✅ Back above reorder point: {items}",
        "zh-Hans": "✅ 已恢复：{items}",
    },
    "alert.digest.back_more": {"en": "{items} (+{n})", "zh-Hans": "{items}（+{n}）"},
    "alert.h.item": {"en": "Item", "zh-Hans": "物料"},
    "alert.h.why": {"en": "Why", "zh-Hans": "原因"},
    "alert.h.available": {"en": "Available", "zh-Hans": "可用"},
    "alert.h.projected": {"en": "Projected", "zh-Hans": "预计"},
    "alert.h.suggested": {"en": "Suggested", "zh-Hans": "建议采购"},
    "alert.h.state": {"en": "State", "zh-Hans": "状态"},
    # the document's states, as "already …" names them
    "alert.state.open": {"en": "open", "zh-Hans": "待处理"},
    "alert.state.snoozed": {"en": "snoozed", "zh-Hans": "暂缓"},
    "alert.state.acknowledged": {"en": "acknowledged", "zh-Hans": "确认知悉"},
    "alert.state.closed": {"en": "closed", "zh-Hans": "已解除"},
    # the state column of /shortages
    "alert.col.open": {"en": "open", "zh-Hans": "待处理"},
    "alert.col.snoozed": {"en": "snoozed until {at}", "zh-Hans": "暂缓至 {at}"},
    "alert.col.acknowledged": {"en": "acknowledged by {who}", "zh-Hans": "{who} 已知悉"},
    "alert.list.title": {"en": "*Stock warnings: {n}*", "zh-Hans": "*当前缺料预警：{n} 条*"},
    "alert.list.none": {"en": "No open stock warnings. 👍", "zh-Hans": "当前没有缺料预警。👍"},
    "alert.list.more": {"en": "…and {n} more.", "zh-Hans": "……还有 {n} 条。"},
    "alert.snoozed": {
        "en": "😴 {item}: snoozed by {who} until {at}.",
        "zh-Hans": "😴 {item}：{who} 已暂缓提醒至 {at}。",
    },
    "alert.acked": {
        "en": "👍 {item}: acknowledged by {who}; it stays on /shortages until stock is back.",
        "zh-Hans": "👍 {item}：{who} 已知悉，库存恢复前仍会列在缺料清单中。",
    },
    "alert.note.snoozed": {
        "en": "{item}: snoozed until {at}.",
        "zh-Hans": "{item}：暂缓至 {at}。",
    },
    "alert.note.acknowledged": {
        "en": "{item}: someone is on it; it stays on /shortages until stock is back.",
        "zh-Hans": "{item}：已有人处理，库存恢复前仍会列在缺料清单中。",
    },
    "alert.note.closed": {
        "en": "{item} is no longer short (resolved at {at}).",
        "zh-Hans": "{item} 已不缺料（{at} 已解除）。",
    },
    "wf.act.snooze": {"en": "snooze", "zh-Hans": "暂缓"},
    "wf.act.acknowledge": {"en": "acknowledge", "zh-Hans": "确认知悉"},
    # open shortage incidents (a request that met too little stock), after the warnings
    "sh.list.title": {
        "en": "*Open shortages (requests that met too little stock): {n}*",
        "zh-Hans": "*未结缺料记录：{n} 条*",
    },
    "sh.list.more": {"en": "…and {n} more.", "zh-Hans": "……还有 {n} 条。"},
    "sh.h.no": {"en": "No.", "zh-Hans": "编号"},
    "sh.h.item": {"en": "Item", "zh-Hans": "物料"},
    "sh.h.short": {"en": "Short", "zh-Hans": "缺"},
    "sh.h.requester": {"en": "Requested by", "zh-Hans": "申请人"},
    "sh.h.wo": {"en": "Work order", "zh-Hans": "工单"},
    "sh.h.purchase": {"en": "Purchase", "zh-Hans": "采购"},
}

register(MESSAGES)
