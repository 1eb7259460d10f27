"""Goods receipts (入库 / 到货确认) and their QC."""

from stockbot.i18n import register

MESSAGES = {
    "gr.received": {
        "en": "📥 {no}: {qty} {item} received into {place}{batch}{po}.",
        "zh-Hans": "📥 {no}：{item} {qty} 已入库 {place}{batch}{po}。",
    },
    "gr.received_qc": {
        "en": "🧪 {no}: {qty} {item} received into {place}{batch}{po} — waiting for QC, "
        "not available until accepted.",
        "zh-Hans": "🧪 {no}：{item} {qty} 已到货 {place}{batch}{po}，待质检，合格前不可用。",
    },
    "gr.batch": {"en": " (batch {lot}{exp})", "zh-Hans": "（批次 {lot}{exp}）"},
    "gr.exp": {"en": ", expires {exp}", "zh-Hans": "，有效期至 {exp}"},
    "gr.po_progress": {
        "en": " against {po} — {received} of {ordered} received{closed}",
        "zh-Hans": "，采购单 {po} 已收 {received}/{ordered}{closed}",
    },
    "gr.po_against": {"en": " against {po}", "zh-Hans": "，采购单 {po}"},
    "gr.po_closed": {"en": "; {po} is complete", "zh-Hans": "，{po} 已全部到货"},
    "gr.qc_card": {
        "en": "🧪 QC needed: {no} — {qty} {item}{batch}{po}, received by {who}.",
        "zh-Hans": "🧪 待质检：{no} — {item} {qty}{batch}{po}，收货人 {who}。",
    },
    "gr.qc_hint": {
        "en": "To split: `/qc {no} <accepted> reject <qty> <reason>`",
        "zh-Hans": "部分合格：`/qc {no} <合格数量> reject <不合格数量> <原因>`",
    },
    "gr.nobody_else": {
        "en": "⚠ Nobody else was told: no chat is bound to warehouse {wh} and no other keeper "
        "can be reached. Decide the QC yourself with the buttons above, or an admin can send "
        "`/bind {wh}` in the warehouse's chat, or `/role @name keeper`.",
        "zh-Hans": "⚠ 没有通知到其他人：仓库 {wh} 没有绑定群聊，也联系不到其他仓管员。"
        "可以直接用上面的按钮质检，或由管理员在仓库群里发送 `/bind {wh}`，"
        "或 `/role @名字 keeper`。",
    },
    "gr.qc_done": {
        "en": "{icon} {no} QC by {who} at {at}: {accepted} {item} accepted{rejected}{po}.",
        "zh-Hans": "{icon} {no} 已由 {who} 于 {at} 质检：{item} 合格 {accepted}{rejected}{po}。",
    },
    "gr.qc_rejected": {
        "en": ", {qty} rejected ({reason})",
        "zh-Hans": "，不合格 {qty}（{reason}）",
    },
    "gr.told_received": {
        "en": "📥 Your purchase {pr}: {qty} {item} received by {who} ({no}){po}.",
        "zh-Hans": "📥 你的采购申请 {pr}：{item} {qty} 已由 {who} 入库（{no}）{po}。",
    },
    "gr.told_qc": {
        "en": "🧪 Your purchase {pr}: {qty} {item} arrived ({no}, received by {who}) and "
        "waits for QC.",
        "zh-Hans": "🧪 你的采购申请 {pr}：{item} {qty} 已到货（{no}，收货人 {who}），等待质检。",
    },
    "gr.told_qc_done": {
        "en": "{icon} Your purchase {pr}: QC of {no} by {who} — {accepted} {item} "
        "accepted{rejected}{po}.",
        "zh-Hans": "{icon} 你的采购申请 {pr}：{no} 已由 {who} 质检，{item} 合格 {accepted}"
        "{rejected}{po}。",
    },
    "gr.on_order_left": {"en": "; {qty} still on order", "zh-Hans": "，仍有 {qty} 在途"},
    "gr.done.reject": {"en": "rejected in full", "zh-Hans": "全部判为不合格"},
    "gr.qc_sum": {
        "en": "{no} received {qty}: accepted + rejected must make {qty} (you gave {accepted} "
        "+ {rejected}). Nothing was changed.",
        "zh-Hans": "{no} 到货 {qty}：合格数量 + 不合格数量必须等于 {qty}（现为 {accepted} + "
        "{rejected}）。未做任何更改。",
    },
    "gr.qc_reason": {
        "en": "Rejected goods need a reason; nothing was changed.",
        "zh-Hans": "不合格需要填写原因，未做任何更改。",
    },
    "gr.state.qc_pending": {"en": "waiting for QC", "zh-Hans": "待质检"},
    "gr.state.accepted": {"en": "accepted", "zh-Hans": "质检合格"},
    "gr.state.partially_accepted": {"en": "partly accepted", "zh-Hans": "质检部分合格"},
    "gr.state.rejected": {"en": "rejected", "zh-Hans": "质检不合格"},
    "gr.no_po": {"en": "There is no purchase order {po}.", "zh-Hans": "没有采购单 {po}。"},
    "gr.po_not_open": {
        "en": "{po} is {state}; nothing can be received against it.",
        "zh-Hans": "采购单 {po} 状态为{state}，不能再收货。",
    },
    "gr.po_state.closed": {"en": "closed (fully received)", "zh-Hans": "已关闭（已全部到货）"},
    "gr.po_state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
    "gr.po_other_item": {
        "en": "{po} is for {items}, not {item}; nothing was changed.",
        "zh-Hans": "采购单 {po} 的物料是 {items}，不是 {item}，未做任何更改。",
    },
    "gr.line_done": {
        "en": "{item} on {po} is already fully received ({received} of {ordered}).",
        "zh-Hans": "采购单 {po} 的 {item} 已全部到货（{received}/{ordered}）。",
    },
    "gr.over": {
        "en": "Too much for {po}: {ordered} {item} ordered, {received} already received"
        "{in_qc}; with the {tolerance}% tolerance it may take at most {most} now. "
        "Nothing was changed.",
        "zh-Hans": "超出采购单 {po}：订购 {item} {ordered}，已收 {received}{in_qc}；"
        "按 {tolerance}% 的允差，本次最多可收 {most}。未做任何更改。",
    },
    "gr.in_qc": {"en": " ({qty} more in QC)", "zh-Hans": "（另有 {qty} 待质检）"},
    "gr.no_loc": {
        "en": "{warehouse} has no location “{loc}”. Known locations: {known}.",
        "zh-Hans": "仓库 {warehouse} 没有库位“{loc}”。现有库位：{known}。",
    },
    "gr.no_locs": {
        "en": "none (leave out `loc` for the default)",
        "zh-Hans": "无（不写库位即用默认库位）",
    },
    "gr.lot_too_long": {
        "en": "A batch number may have at most {max} characters.",
        "zh-Hans": "批号最多 {max} 个字符。",
    },
    "gr.lot_expiry": {
        "en": "Batch {lot} of {item} is already recorded with expiry {old}, not {new}; "
        "nothing was changed.",
        "zh-Hans": "{item} 的批次 {lot} 已登记有效期 {old}，不是 {new}，未做任何更改。",
    },
    "gr.too_large": {
        "en": "{qty} {item} is too large to be right; nothing was changed.",
        "zh-Hans": "{item} {qty} 数量过大，未做任何更改。",
    },
    "gr.busy": {
        "en": "{po} changed while this was booked; nothing was changed. Please try again.",
        "zh-Hans": "采购单 {po} 刚被修改，未做任何更改，请重试。",
    },
    "gr.btn.accept": {"en": "Accept all", "zh-Hans": "全部合格"},
    "gr.btn.reject": {"en": "Reject all…", "zh-Hans": "全部不合格…"},
}

register(MESSAGES)
