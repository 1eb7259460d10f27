"""The live stock board (`/board` and the web page). 繁體 is derived by OpenCC (s2twp) from
简体 unless given, like every catalogue here; the page's words are plain text (no markup)."""

from stockbot.i18n import register

MESSAGES = {
    # --- chat ---------------------------------------------------------------------------------
    "usage.board": {
        "en": "Usage: `/board` (a private link to the live stock board), `/board revoke`",
        "zh-Hans": "用法：`看板`（或 `/board`，私信给你一个库存看板链接），`看板 撤销`",
    },
    "help.board": {
        "en": "The live stock board in your browser: a private link, valid for hours, no "
        "password. `/board revoke` makes your links stop working.",
        "zh-Hans": "在浏览器里看实时库存看板：私信给你一个链接，数小时内有效，无需密码。"
        "`看板 撤销` 让你的链接全部失效。",
    },
    "help.line.board": {
        "en": "`/board` the live stock board in the browser (看板)",
        "zh-Hans": "`看板` 浏览器里的实时库存看板（/board）",
    },
    "parse.board_word": {
        "en": "`/board` takes nothing after it, or `revoke`.",
        "zh-Hans": "`看板` 后面不加内容，或只加 `撤销`。",
    },
    "board.link": {
        "en": "📺 Your stock board (valid {hours} h, only for you — do not forward): {url}",
        "zh-Hans": "📺 你的库存看板（{hours} 小时内有效，仅供本人使用，请勿转发）：{url}",
    },
    "board.sent": {
        "en": "📺 I sent you a private link to the stock board (valid {hours} h).",
        "zh-Hans": "📺 已私信给你库存看板链接（{hours} 小时内有效）。",
    },
    "board.revoked": {
        "en": "🔒 {n} board link(s) revoked.",
        "zh-Hans": "🔒 已撤销 {n} 个看板链接。",
    },
    # --- the page -------------------------------------------------------------------------------
    "board.title": {"en": "Stock board", "zh-Hans": "库存看板"},
    "board.denied": {
        "en": "This link has expired or was revoked. Send /board in chat for a new one.",
        "zh-Hans": "此链接已过期或已撤销。请在聊天中发送 看板 获取新链接。",
    },
    "board.for": {"en": "for {name}", "zh-Hans": "查看人：{name}"},
    "board.as_of": {"en": "as of {time}", "zh-Hans": "更新于 {time}"},
    "board.live": {"en": "live", "zh-Hans": "实时"},
    "board.total_value": {"en": "Inventory value", "zh-Hans": "库存总值"},
    "board.items_in_stock": {"en": "Items in stock", "zh-Hans": "有库存物料"},
    "board.value_by_category": {"en": "Value by category", "zh-Hans": "按类别的库存金额"},
    "board.value_by_warehouse": {"en": "Value by warehouse", "zh-Hans": "按仓库的库存金额"},
    "board.qty_by_warehouse": {"en": "Items by warehouse", "zh-Hans": "按仓库的物料数"},
    "board.out_of_stock": {"en": "Out of stock", "zh-Hans": "缺货"},
    "board.below_safety": {"en": "Below safety stock", "zh-Hans": "低于安全库存"},
    "board.shortages": {"en": "Open shortage incidents", "zh-Hans": "未关闭的缺料事件"},
    "board.waiting": {"en": "Waiting for approval", "zh-Hans": "待审批"},
    "board.to_issue": {"en": "Approved, waiting to be issued", "zh-Hans": "已批准待发料"},
    "board.qc_pending": {"en": "Receipts waiting for QC: {n}", "zh-Hans": "待质检入库单：{n}"},
    "board.po_due": {"en": "Purchase orders due today", "zh-Hans": "今天到货的采购单"},
    "board.po_overdue": {"en": "Purchase orders overdue", "zh-Hans": "逾期未到的采购单"},
    "board.in_out": {"en": "In / out, last 30 days", "zh-Hans": "近 30 天出入库"},
    "board.in": {"en": "In", "zh-Hans": "入库"},
    "board.out": {"en": "Out", "zh-Hans": "出库"},
    "board.suppliers": {"en": "Suppliers, last 90 days", "zh-Hans": "供应商（近 90 天）"},
    "board.on_time": {"en": "On time", "zh-Hans": "准时率"},
    "board.qc_pass": {"en": "QC pass", "zh-Hans": "质检合格率"},
    "board.receipts": {"en": "Receipts", "zh-Hans": "入库次数"},
    "board.none": {"en": "None", "zh-Hans": "无"},
    "board.more": {"en": "… and {n} more", "zh-Hans": "……另有 {n} 项"},
    "board.col.item": {"en": "Item", "zh-Hans": "物料"},
    "board.col.available": {"en": "Available", "zh-Hans": "可用"},
    "board.col.safety": {"en": "Safety", "zh-Hans": "安全库存"},
    "board.col.doc": {"en": "Document", "zh-Hans": "单据"},
    "board.col.qty": {"en": "Qty", "zh-Hans": "数量"},
    "board.col.amount": {"en": "Amount", "zh-Hans": "金额"},
    "board.col.waiting": {"en": "Waiting", "zh-Hans": "已等待"},
    "board.col.po": {"en": "PO", "zh-Hans": "采购单"},
    "board.col.supplier": {"en": "Supplier", "zh-Hans": "供应商"},
    "board.col.expected": {"en": "Expected", "zh-Hans": "预计到货"},
    "board.col.requested": {"en": "Requested", "zh-Hans": "需求"},
    "board.col.since": {"en": "Since", "zh-Hans": "开始于"},
    "board.col.work_order": {"en": "Work order", "zh-Hans": "工单"},
    "board.col.category": {"en": "Category", "zh-Hans": "类别"},
    "board.col.warehouse": {"en": "Warehouse", "zh-Hans": "仓库"},
    "board.col.value": {"en": "Value ({currency})", "zh-Hans": "金额（{currency}）"},
    "board.col.items": {"en": "Items", "zh-Hans": "物料数"},
    "board.no_values": {
        "en": "Values are shown to keepers, purchasers, approvers and admins.",
        "zh-Hans": "金额仅对仓管、采购、审批人和管理员显示。",
    },
}

register(MESSAGES)
