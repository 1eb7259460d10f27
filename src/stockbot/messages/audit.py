"""Reversals (`/undo`) and traceability (`/history`)."""

from stockbot.i18n import register

MESSAGES = {
    "undo.no_such": {
        "en": "There is no {no} (movements are numbered like MV-00012, postings like "
        "PST-00007); nothing was changed.",
        "zh-Hans": "没有编号为 {no} 的记录（出入库记录形如 MV-00012，过账形如 PST-00007），"
        "未做任何更改。",
    },
    "undo.of_reversal": {
        "en": "{no} is itself a reversal and cannot be undone; post a new "
        "movement instead. Nothing was changed.",
        "zh-Hans": "{no} 本身就是冲销记录，不能再冲销；请另行录入新的出入库。未做任何更改。",
    },
    "undo.use_document": {
        "en": "{no} belongs to {doc}; correct it through that document "
        "(/cancel, a /return, or a new /count) so the document stays true. "
        "Nothing was changed.",
        "zh-Hans": "{no} 属于单据 {doc}，请通过该单据处理（/cancel 取消、/return 退料或重新 "
        "/count 盘点），以保持单据与台账一致。未做任何更改。",
    },
    "undo.already": {
        "en": "{no} was already reversed by {who} at {at} (reversal {rev}); nothing was changed.",
        "zh-Hans": "{no} 已由 {who} 于 {at} 冲销（冲销记录 {rev}），未做任何更改。",
    },
    "undo.reserved": {
        "en": "Undoing {no} would leave {item} in {wh} at {after}, below the {reserved} "
        "reserved for approved requests; nothing was changed.",
        "zh-Hans": "冲销 {no} 后 {item} 在 {wh} 只剩 {after}，"
        "低于已批准申请预留的 {reserved}，未做任何更改。",
    },
    "undo.confirm": {
        "en": "Reverse {posting} ({kind}, {who}, {at})? Reason: {reason}\n"
        "These lines will be reversed; nothing changes until you press Confirm.",
        "zh-Hans": "冲销 {posting}（{kind}，{who}，{at}）？原因：{reason}\n"
        "将冲销以下记录；按“确认”之前不做任何更改。",
    },
    "undo.to_reverse": {"en": "Posting {posting}", "zh-Hans": "过账 {posting}"},
    "undo.btn.confirm": {"en": "Confirm reversal", "zh-Hans": "确认冲销"},
    "undo.btn.cancel": {"en": "Cancel", "zh-Hans": "取消"},
    "undo.cancelled": {
        "en": "Reversal of {posting} cancelled by {who}; nothing was changed.",
        "zh-Hans": "{who} 已取消冲销 {posting}，未做任何更改。",
    },
    "undo.done": {
        "en": "↩ {no} reversed by {who} at {at}: {reason}",
        "zh-Hans": "↩ {no} 已由 {who} 于 {at} 冲销：{reason}",
    },
    "undo.lines": {"en": "Reversal posting {posting}", "zh-Hans": "冲销过账 {posting}"},
    "undo.notice": {
        "en": "↩ Your {no} was reversed by {who}: {reason}",
        "zh-Hans": "↩ 你录入的 {no} 已被 {who} 冲销：{reason}",
    },
    "undo.notice_line": {"en": "• {kind} {qty} {item}", "zh-Hans": "• {kind} {item} {qty}"},
    "hist.none_item": {
        "en": "No movements for {item} yet.",
        "zh-Hans": "{item} 尚无出入库记录。",
    },
    "hist.item_title": {
        "en": "*{item}* {name} — last {n} movements (newest last); on hand {on_hand}",
        "zh-Hans": "*{item}* {name} — 最近 {n} 条出入库记录（最新在后）；在库 {on_hand}",
    },
    "hist.doc_title": {"en": "*{no}* {what} — {state}", "zh-Hans": "*{no}* {what} — {state}"},
    "hist.decisions": {"en": "Decisions", "zh-Hans": "审批与操作记录"},
    "hist.movements": {"en": "Movements", "zh-Hans": "出入库记录"},
    "hist.no_decisions": {
        "en": "No decisions recorded.",
        "zh-Hans": "没有操作记录。",
    },
    "hist.no_movements": {
        "en": "No stock has moved for this document.",
        "zh-Hans": "该单据尚无出入库记录。",
    },
    "hist.movement_title": {"en": "Movement {no}", "zh-Hans": "出入库记录 {no}"},
    "hist.choose": {
        "en": "Whose history — which item do you mean by “{query}”?",
        "zh-Hans": "查哪个物料的记录？“{query}”指的是：",
    },
    "hist.unknown": {
        "en": "I found no item, document or movement called “{query}”. Try an item code, "
        "a document number such as MR-00012, or a movement number such as MV-00123.",
        "zh-Hans": "没有找到名为“{query}”的物料、单据或出入库记录。请输入物料编码、单号（如 "
        "MR-00012）或记录编号（如 MV-00123）。",
    },
    "hist.col.no": {"en": "No.", "zh-Hans": "编号"},
    "hist.col.when": {"en": "When", "zh-Hans": "时间"},
    "hist.col.kind": {"en": "Kind", "zh-Hans": "类型"},
    "hist.col.item": {"en": "Item", "zh-Hans": "物料"},
    "hist.col.qty": {"en": "Qty", "zh-Hans": "数量"},
    "hist.col.place": {"en": "Place", "zh-Hans": "位置"},
    "hist.col.who": {"en": "Who", "zh-Hans": "操作人"},
    "hist.col.doc": {"en": "Document", "zh-Hans": "单据"},
    "hist.col.chat": {"en": "Chat", "zh-Hans": "来源群聊"},
    "hist.col.action": {"en": "Action", "zh-Hans": "操作"},
    "hist.col.reason": {"en": "Reason", "zh-Hans": "原因"},
    "hist.f.posting": {"en": "Posting", "zh-Hans": "过账"},
    "hist.f.message": {"en": "Message", "zh-Hans": "消息"},
    "hist.f.note": {"en": "Note", "zh-Hans": "备注"},
    "hist.f.reverses": {"en": "Reverses", "zh-Hans": "冲销的记录"},
    "hist.f.reversed_by": {"en": "Reversed by", "zh-Hans": "已被冲销"},
    "hist.f.same_posting": {
        "en": "Other lines of the posting",
        "zh-Hans": "同一过账的其他记录",
    },
    "hist.act.request": {"en": "requested", "zh-Hans": "申请"},
    "hist.act.approve": {"en": "approved", "zh-Hans": "批准"},
    "hist.act.reject": {"en": "rejected", "zh-Hans": "驳回"},
    "hist.act.issue": {"en": "issued", "zh-Hans": "发料"},
    "hist.act.confirm": {"en": "confirmed receipt", "zh-Hans": "签收"},
    "hist.act.unreserve": {"en": "reservation cut by a count", "zh-Hans": "盘点削减预留"},
    "hist.act.cancel": {"en": "cancelled", "zh-Hans": "取消"},
    "hist.act.receive": {"en": "received", "zh-Hans": "收货"},
    "hist.act.qc": {"en": "QC", "zh-Hans": "质检"},
    "hist.act.order": {"en": "ordered", "zh-Hans": "下单"},
    "hist.act.count": {"en": "counted", "zh-Hans": "盘点"},
    "hist.act.submit": {"en": "submitted", "zh-Hans": "提交"},
    "hist.act.grant": {"en": "granted role", "zh-Hans": "授予角色"},
    "hist.kind.opening": {"en": "opening stock", "zh-Hans": "期初库存"},
}

register(MESSAGES)
