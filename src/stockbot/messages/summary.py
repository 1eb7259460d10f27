"""The morning summary (日报), the stale-stock report (呆滞料) and reminders."""

from stockbot.i18n import register

MESSAGES = {
    "sum.title": {
        "en": "☀ *Stock summary — {date}*",
        "zh-Hans": "☀ *每日库存摘要 — {date}*",
    },
    "sum.stock": {"en": "Stock", "zh-Hans": "库存"},
    "sum.stockouts": {"en": "Out of stock", "zh-Hans": "断货"},
    "sum.below_safety": {"en": "Below safety stock", "zh-Hans": "低于安全库存"},
    "sum.value": {"en": "Inventory value", "zh-Hans": "库存金额"},
    "sum.stale": {"en": "Stale stock ({days} days)", "zh-Hans": "呆滞料（{days} 天）"},
    "sum.stale_value": {"en": "{n} items, {value}", "zh-Hans": "{n} 种，{value}"},
    "sum.yesterday": {"en": "Yesterday ({date})", "zh-Hans": "昨日（{date}）"},
    "sum.received": {"en": "Received", "zh-Hans": "入库"},
    "sum.issued": {"en": "Issued", "zh-Hans": "出库"},
    "sum.items_value": {"en": "{n} items, {value}", "zh-Hans": "{n} 种物料，{value}"},
    "sum.count_list": {"en": "{n} — {names}", "zh-Hans": "{n} 种 — {names}"},
    "sum.none": {"en": "none", "zh-Hans": "无"},
    "sum.approvals": {
        "en": "*Waiting for approval ({n})*",
        "zh-Hans": "*待审批（{n}）*",
    },
    "sum.open_requests": {
        "en": "*Approved, waiting to be issued ({n})*",
        "zh-Hans": "*已批准待发料（{n}）*",
    },
    "sum.waited": {"en": "waiting {age}", "zh-Hans": "已等 {age}"},
    "sum.pos": {"en": "*Purchase orders*", "zh-Hans": "*采购单*"},
    "sum.po_today": {"en": "due today: {list}", "zh-Hans": "今日到货：{list}"},
    "sum.po_late": {"en": "overdue: {list}", "zh-Hans": "逾期：{list}"},
    "sum.late_days": {"en": "{n} d late", "zh-Hans": "逾期 {n} 天"},
    "sum.qc": {
        "en": "*QC pending:* {n} receipt(s)",
        "zh-Hans": "*待质检：*{n} 张入库单",
    },
    "sum.work_orders": {
        "en": "*Work orders short of material or due within 3 days ({n})*",
        "zh-Hans": "*缺料或 3 天内到期的工单（{n}）*",
        "zh-Hant": "*缺料或 3 天內到期的工單（{n}）*",
    },
    "sum.top": {"en": "*Most used, last 7 days*", "zh-Hans": "*近 7 天用量最多*"},
    "sum.chart": {
        "en": "Below safety stock; value in/out per day (30 days)",
        "zh-Hans": "低于安全库存的物料；近 30 天每日出入库金额",
    },
    "sum.chart.below": {"en": "Below safety stock", "zh-Hans": "低于安全库存"},
    "sum.chart.below_some": {
        "en": "Below safety stock ({n} of {total})",
        "zh-Hans": "低于安全库存（{total} 种中的 {n} 种）",
    },
    "sum.chart.qty_axis": {"en": "quantity ({unit})", "zh-Hans": "数量（{unit}）"},
    "sum.chart.qty_axis_mixed": {
        "en": "quantity (each item's unit)",
        "zh-Hans": "数量（按各物料单位）",
    },
    "sum.chart.value_axis": {"en": "value ({currency})", "zh-Hans": "金额（{currency}）"},
    "sum.chart.trend": {"en": "Value in / out per day", "zh-Hans": "每日出入库金额"},
    "sum.chart.available": {"en": "available", "zh-Hans": "可用"},
    "sum.chart.safety": {"en": "safety stock", "zh-Hans": "安全库存"},
    "sum.chart.rop": {"en": "reorder point", "zh-Hans": "再订货点"},
    "sum.chart.in": {"en": "in", "zh-Hans": "入库"},
    "sum.chart.out": {"en": "out", "zh-Hans": "出库"},
    "sum.chart.none": {"en": "nothing below safety stock", "zh-Hans": "没有低于安全库存的物料"},
    "age.minutes": {"en": "{n} min", "zh-Hans": "{n} 分钟"},
    "age.hours": {"en": "{n} h", "zh-Hans": "{n} 小时"},
    "age.days": {"en": "{n} d", "zh-Hans": "{n} 天"},
    "stale.title": {
        "en": "🧊 *Stale stock (no outbound for {days} days): {n} items, {value}*",
        "zh-Hans": "🧊 *呆滞料（{days} 天无出库）：{n} 种，金额 {value}*",
    },
    "stale.none": {
        "en": "🧊 No stale stock: everything in stock moved out within {days} days.",
        "zh-Hans": "🧊 没有呆滞料：所有在库物料 {days} 天内都有出库。",
    },
    "stale.h.item": {"en": "Item", "zh-Hans": "物料"},
    "stale.h.on_hand": {"en": "On hand", "zh-Hans": "在库"},
    "stale.h.value": {"en": "Value", "zh-Hans": "金额"},
    "stale.h.last_out": {"en": "Last outbound", "zh-Hans": "最后出库"},
    "stale.never": {"en": "never", "zh-Hans": "从未"},
    "stale.more": {"en": "…and {n} more.", "zh-Hans": "……还有 {n} 种。"},
    "report.unknown": {
        "en": "There is no report “{name}”. Reports: stale (呆滞料), summary, shortages.",
        "zh-Hans": "没有“{name}”这个报表。可用：呆滞料、日报、缺料。",
    },
    "remind.mr": {
        "en": "⏰ Reminder: *{no}* — {who} asked for {qty} {item} (amount {amount}); "
        "waiting for approval for {age}.",
        "zh-Hans": "⏰ 提醒：*{no}* — {who} 申请 {item} {qty}（金额 {amount}），已等待审批 {age}。",
    },
    "remind.pr": {
        "en": "⏰ Reminder: *{no}* — purchase of {qty} {item} (amount {amount}) by {who}; "
        "waiting for approval for {age}.",
        "zh-Hans": "⏰ 提醒：*{no}* — {who} 申请采购 {item} {qty}（金额 {amount}），"
        "已等待审批 {age}。",
    },
    "remind.escalate": {
        "en": "⏫ Escalation: *{no}* has waited {age} for approval — {qty} {item} for {who} "
        "(amount {amount}).",
        "zh-Hans": "⏫ 升级提醒：*{no}* 已等待审批 {age} — {who} 的 {item} {qty}"
        "（金额 {amount}）。",
    },
    "remind.pr_lines": {
        "en": "⏰ Reminder: *{no}* — purchase of {what} (total {amount}) by {who}; "
        "waiting for approval for {age}.",
        "zh-Hans": "⏰ 提醒：*{no}* — {who} 申请采购 {what}（合计 {amount}），已等待审批 {age}。",
    },
    "remind.escalate_lines": {
        "en": "⏫ Escalation: *{no}* has waited {age} for approval — {what} for {who} "
        "(total {amount}).",
        "zh-Hans": "⏫ 升级提醒：*{no}* 已等待审批 {age} — {who} 的 {what}（合计 {amount}）。",
    },
    "remind.qc": {
        "en": "⏰ QC waiting: *{no}* — {qty} {item} received by {who} {age} ago is not "
        "checked yet; it is not available until it is.",
        "zh-Hans": "⏰ 待质检：*{no}* — {who} 于 {age} 前收货的 {item} {qty} 尚未质检，"
        "质检前不可用。",
    },
    "remind.btn.approve": {"en": "Approve", "zh-Hans": "批准"},
    "remind.btn.reject": {"en": "Reject", "zh-Hans": "驳回"},
    "remind.btn.accept": {"en": "Accept all", "zh-Hans": "全部合格"},
    "remind.btn.qc_reject": {"en": "Reject all…", "zh-Hans": "全部不合格…"},
}

register(MESSAGES)
