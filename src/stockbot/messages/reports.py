"""Reports (`/report`) and the reorder policy (`/policy`). 繁體 is derived by OpenCC (s2twp)
from 简体 unless given, like every catalogue here."""

from stockbot.i18n import register

MESSAGES = {
    # --- the list and the errors --------------------------------------------------------------
    "rep.list": {
        "en": "📊 *Reports* — `/report <name> [period]`; periods: `7d`, `30d`, `90d`, `2026-11`, "
        "`2026-01-01..2026-03-31`, `本月`, `上月`, `近30天`",
        "zh-Hans": "📊 *报表* — `报表 <名称> [期间]`；期间：`7d`、`30d`、`90d`、`2026-11`、"
        "`2026-01-01..2026-03-31`、`本月`、`上月`、`近30天`",
    },
    "rep.list.line": {"en": "`{name}` — {desc}", "zh-Hans": "`{name}` — {desc}"},
    "rep.desc.turnover": {
        "en": "turnover and days of inventory per category and overall",
        "zh-Hans": "按类别及总体的库存周转率和周转天数",
    },
    "rep.desc.ageing": {
        "en": "stock value by age (0–30, 31–90, 91–180, 180+ days) and the stale list",
        "zh-Hans": "按库龄（0–30、31–90、91–180、180 天以上）的库存金额及呆滞料清单",
    },
    "rep.desc.abc": {
        "en": "ABC classes by consumption value (80/15/5, or e.g. `70/20/10`)",
        "zh-Hans": "按消耗金额的 ABC 分类（80/15/5，也可写 `70/20/10`）",
    },
    "rep.desc.cover": {
        "en": "days of cover per item, shortest first, with what is on order",
        "zh-Hans": "每种物料的可用天数（最短在前）及在途采购",
    },
    "rep.desc.suppliers": {
        "en": "on-time delivery and QC pass rate per supplier",
        "zh-Hans": "各供应商的准时交货率和质检合格率",
    },
    "rep.desc.shortages": {
        "en": "shortage incidents by item, work order and cause — the review",
        "zh-Hans": "按物料、工单和原因的缺料记录 — 复盘",
    },
    "rep.desc.movements": {
        "en": "value in/out by day, `category` or `warehouse`",
        "zh-Hans": "按天、`类别` 或 `仓库` 的出入库金额",
    },
    "rep.unknown": {
        "en": "There is no report “{name}”. Type `/report` for the list.",
        "zh-Hans": "没有“{name}”这个报表。输入 `报表` 查看列表。",
    },
    "rep.bad_period": {
        "en": "“{text}” is not a period I know. Try `7d`, `30d`, `2026-11`, "
        "`2026-01-01..2026-03-31`, `本月`, `上月` or `近30天`.",
        "zh-Hans": "“{text}” 不是有效的期间。可以写 `7d`、`30d`、`2026-11`、"
        "`2026-01-01..2026-03-31`、`本月`、`上月` 或 `近30天`。",
    },
    "rep.bad_option": {
        "en": "The {name} report does not take “{text}”.",
        "zh-Hans": "{name} 报表不接受“{text}”。",
    },
    "rep.title": {
        "en": "📊 *{title}* — {period}",
        "zh-Hans": "📊 *{title}* — {period}",
    },
    "rep.as_of": {"en": "as of {date}", "zh-Hans": "截至 {date}"},
    "rep.more": {
        "en": "…{n} more rows in `stockbot report {name} --format xlsx`.",
        "zh-Hans": "……另有 {n} 行，见 `stockbot report {name} --format xlsx`。",
    },
    "rep.empty": {"en": "Nothing in this period.", "zh-Hans": "该期间没有数据。"},
    "rep.chart_caption": {"en": "{title}", "zh-Hans": "{title}"},
    # --- section titles -------------------------------------------------------------------------
    "rep.sec.turnover": {"en": "Turnover by category", "zh-Hans": "按类别的库存周转"},
    "rep.sec.ageing": {"en": "Stock value by age", "zh-Hans": "按库龄的库存金额"},
    "rep.sec.stale": {
        "en": "Stale stock (no outbound for {days} days): {n} items, {value}",
        "zh-Hans": "呆滞料（{days} 天无出库）：{n} 种，金额 {value}",
    },
    "rep.sec.abc": {"en": "ABC classes ({split})", "zh-Hans": "ABC 分类（{split}）"},
    "rep.sec.abc_items": {"en": "Items by consumption value", "zh-Hans": "按消耗金额排列的物料"},
    "rep.sec.cover": {
        "en": "Days of cover (usage over {window} days)",
        "zh-Hans": "可用天数（按近 {window} 天用量）",
    },
    "rep.sec.suppliers": {"en": "Supplier reliability", "zh-Hans": "供应商表现"},
    "rep.sec.shortage_causes": {
        "en": "Shortages by cause ({n} incidents)",
        "zh-Hans": "缺料原因（共 {n} 次）",
    },
    "rep.sec.shortage_items": {
        "en": "Shortages by item and work order",
        "zh-Hans": "按物料和工单的缺料",
    },
    "rep.sec.movements": {"en": "Value in and out by {by}", "zh-Hans": "按{by}的出入库金额"},
    # --- column headers -------------------------------------------------------------------------
    "rep.col.category": {"en": "Category", "zh-Hans": "类别"},
    "rep.col.avg_value": {"en": "Average stock value", "zh-Hans": "平均库存金额"},
    "rep.col.used_value": {"en": "Consumption value", "zh-Hans": "消耗金额"},
    "rep.col.turnover": {"en": "Turnover (×)", "zh-Hans": "周转率（次）"},
    "rep.col.days_of_inventory": {"en": "Days of inventory", "zh-Hans": "周转天数"},
    "rep.col.age": {"en": "Age", "zh-Hans": "库龄"},
    "rep.col.items": {"en": "Items", "zh-Hans": "物料数"},
    "rep.col.value": {"en": "Value", "zh-Hans": "金额"},
    "rep.col.share": {"en": "Share", "zh-Hans": "占比"},
    "rep.col.item": {"en": "Item", "zh-Hans": "物料编码"},
    "rep.col.name": {"en": "Name", "zh-Hans": "名称"},
    "rep.col.on_hand": {"en": "On hand", "zh-Hans": "在库"},
    "rep.col.unit": {"en": "Unit", "zh-Hans": "单位"},
    "rep.col.last_out": {"en": "Last outbound", "zh-Hans": "最后出库"},
    "rep.col.class": {"en": "Class", "zh-Hans": "分类"},
    "rep.col.value_share": {"en": "Share of value", "zh-Hans": "金额占比"},
    "rep.col.item_share": {"en": "Share of items", "zh-Hans": "品种占比"},
    "rep.col.cumulative": {"en": "Cumulative share", "zh-Hans": "累计占比"},
    "rep.col.available": {"en": "Available", "zh-Hans": "可用"},
    "rep.col.daily_usage": {"en": "Daily usage", "zh-Hans": "日均用量"},
    "rep.col.cover_days": {"en": "Days of cover", "zh-Hans": "可用天数"},
    "rep.col.on_order": {"en": "On order", "zh-Hans": "在途"},
    "rep.col.next_arrival": {"en": "Next arrival", "zh-Hans": "预计到货"},
    "rep.col.supplier": {"en": "Supplier", "zh-Hans": "供应商"},
    "rep.col.receipts": {"en": "Receipts", "zh-Hans": "到货次数"},
    "rep.col.on_time": {"en": "On time", "zh-Hans": "准时率"},
    "rep.col.qc_pass": {"en": "QC pass", "zh-Hans": "质检合格率"},
    "rep.col.lead_days": {"en": "Lead time (days)", "zh-Hans": "交期（天）"},
    "rep.col.cause": {"en": "Cause", "zh-Hans": "原因"},
    "rep.col.incidents": {"en": "Incidents", "zh-Hans": "次数"},
    "rep.col.open": {"en": "Still open", "zh-Hans": "未关闭"},
    "rep.col.work_order": {"en": "Work order", "zh-Hans": "工单"},
    "rep.col.short_qty": {"en": "Short", "zh-Hans": "缺口"},
    "rep.col.day": {"en": "Day", "zh-Hans": "日期"},
    "rep.col.warehouse": {"en": "Warehouse", "zh-Hans": "仓库"},
    "rep.col.value_in": {"en": "Value in", "zh-Hans": "入库金额"},
    "rep.col.value_out": {"en": "Value out", "zh-Hans": "出库金额"},
    "rep.col.lines": {"en": "Lines", "zh-Hans": "笔数"},
    # --- translated values ----------------------------------------------------------------------
    "rep.v.0_30": {"en": "0–30 days", "zh-Hans": "0–30 天"},
    "rep.v.31_90": {"en": "31–90 days", "zh-Hans": "31–90 天"},
    "rep.v.91_180": {"en": "91–180 days", "zh-Hans": "91–180 天"},
    "rep.v.180_plus": {"en": "over 180 days", "zh-Hans": "180 天以上"},
    "rep.v.late_supply": {"en": "supplier late", "zh-Hans": "供应商延迟"},
    "rep.v.on_order": {"en": "ordered, not due yet", "zh-Hans": "已下单未到期"},
    "rep.v.not_ordered": {"en": "not ordered in time", "zh-Hans": "未及时下单"},
    "rep.v.no_policy": {"en": "no safety stock set", "zh-Hans": "未设安全库存"},
    "rep.by.day": {"en": "day", "zh-Hans": "天"},
    "rep.by.category": {"en": "category", "zh-Hans": "类别"},
    "rep.by.warehouse": {"en": "warehouse", "zh-Hans": "仓库"},
    # --- chart axes -----------------------------------------------------------------------------
    "rep.axis.money": {"en": "Value ({currency})", "zh-Hans": "金额（{currency}）"},
    "rep.axis.days": {"en": "Days", "zh-Hans": "天数"},
    "rep.axis.percent": {"en": "Rate (%)", "zh-Hans": "比率（%）"},
    "rep.axis.ratio": {"en": "Turns", "zh-Hans": "次数"},
    "rep.axis.qty": {"en": "Quantity ({unit})", "zh-Hans": "数量（{unit}）"},
    "rep.axis.count": {"en": "Count", "zh-Hans": "数量"},
    # --- the reorder policy ---------------------------------------------------------------------
    "pol.title": {
        "en": "📐 *Reorder policy — {item}*: {mode}",
        "zh-Hans": "📐 *补货策略 — {item}*：{mode}",
    },
    "pol.mode.fixed": {"en": "fixed", "zh-Hans": "固定"},
    "pol.mode.dynamic": {"en": "dynamic (recomputed weekly)", "zh-Hans": "动态（每周重算）"},
    "pol.safety": {"en": "Safety stock", "zh-Hans": "安全库存"},
    "pol.rop": {"en": "Reorder point", "zh-Hans": "再订货点"},
    "pol.pinned": {"en": "{qty} (pinned)", "zh-Hans": "{qty}（已固定）"},
    "pol.recomputed": {"en": "Last recomputed", "zh-Hans": "上次重算"},
    "pol.never": {"en": "never", "zh-Hans": "从未"},
    "pol.basis": {"en": "From", "zh-Hans": "依据"},
    "pol.basis.text": {
        "en": "{days} days of issues: {usage_days} days with usage, average {avg}/day, "
        "max {max}/day; {n} receipt(s): lead time average {avg_lead} d, max {max_lead} d",
        "zh-Hans": "近 {days} 天出库：{usage_days} 天有用量，日均 {avg}，单日最多 {max}；"
        "{n} 次到货：平均交期 {avg_lead} 天，最长 {max_lead} 天",
    },
    "pol.status.ok": {"en": "recomputed from history", "zh-Hans": "已按历史数据重算"},
    "pol.status.little_usage": {
        "en": "too little history: issues on {usage_days} day(s) in {days} (need {need}); "
        "the fixed values stay",
        "zh-Hans": "历史数据不足：{days} 天中仅 {usage_days} 天有出库（需 {need} 天），保留固定值",
    },
    "pol.status.few_receipts": {
        "en": "too little history: {n} purchase receipt(s) (need {need}); the fixed values stay",
        "zh-Hans": "历史数据不足：仅 {n} 次采购到货（需 {need} 次），保留固定值",
    },
    "pol.status_label": {"en": "Status", "zh-Hans": "状态"},
    "pol.changes": {"en": "*Changes*", "zh-Hans": "*变更记录*"},
    "pol.change": {
        "en": "{when} {who}: {field} {old} → {new}",
        "zh-Hans": "{when} {who}：{field} {old} → {new}",
    },
    "pol.field.safety": {"en": "safety stock", "zh-Hans": "安全库存"},
    "pol.field.rop": {"en": "reorder point", "zh-Hans": "再订货点"},
    "pol.field.mode": {"en": "mode", "zh-Hans": "模式"},
    "pol.scheduler": {"en": "weekly recompute", "zh-Hans": "每周重算"},
    "pol.pinned_done": {
        "en": "📌 {item}: {field} pinned at {qty} (was {old}).",
        "zh-Hans": "📌 {item}：{field} 固定为 {qty}（原为 {old}）。",
    },
    "pol.dynamic_done": {
        "en": "🔁 {item}: dynamic again — pins removed; recomputed now: {status}.",
        "zh-Hans": "🔁 {item}：已恢复动态 — 取消固定；已重算：{status}。",
    },
    "pol.fixed_done": {
        "en": "🔒 {item}: fixed — the weekly recompute leaves it alone.",
        "zh-Hans": "🔒 {item}：改为固定 — 每周重算不再改动。",
    },
    "pol.bad_args": {
        "en": "Usage: `/policy <item>`, `/policy <item> pin safety 40`, "
        "`/policy <item> pin rop 120`, `/policy <item> dynamic`, `/policy <item> fixed`",
        "zh-Hans": "用法：`/policy <物料>`、`/policy <物料> pin safety 40`、"
        "`/policy <物料> pin rop 120`、`/policy <物料> dynamic`、`/policy <物料> fixed`",
    },
    "pol.bad_qty": {
        "en": "“{text}” is not a quantity (a number, 0 or more).",
        "zh-Hans": "“{text}” 不是有效数量（须为 0 或正数）。",
    },
}

register(MESSAGES)
