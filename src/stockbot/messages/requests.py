"""Material requests (领料) and the shortage they may run into."""

from stockbot.i18n import register

MESSAGES = {
    "mr.created_pending": {
        "en": "{no}: {qty} {item} for {who} — waiting for approval (amount {amount}).",
        "zh-Hans": "{no}：{who} 申请 {item} {qty}，金额 {amount}，等待审批。",
    },
    "mr.created_reserved": {
        "en": "{no}: {qty} {item} reserved for {who}.",
        "zh-Hans": "{no}：已为 {who} 预留 {item} {qty}。",
    },
    "mr.approve_card": {
        "en": "*{no}* {who} requests {qty} {item}{wo} (amount {amount}). Approve?",
        "zh-Hans": "*{no}* {who} 申请领料 {item} {qty}{wo}（金额 {amount}），是否批准？",
    },
    "mr.issue_card": {
        "en": "To issue: {no} — {qty} {item}{wo} for {who}.",
        "zh-Hans": "待发料：{no} — {item} {qty}{wo}，申请人 {who}。",
    },
    "mr.for_wo": {"en": " for {wo}", "zh-Hans": "（工单 {wo}）"},
    "mr.approved": {
        "en": "✅ {no} approved by {who} at {at}; {qty} reserved.",
        "zh-Hans": "✅ {no} 已由 {who} 于 {at} 批准，已预留 {qty}。",
    },
    "mr.rejected": {
        "en": "❌ {no} rejected by {who} at {at}: {reason}",
        "zh-Hans": "❌ {no} 已被 {who} 于 {at} 驳回：{reason}",
    },
    "mr.issued": {
        "en": "📦 {no}: {qty} {item} issued by {who} at {at}{rest}.",
        "zh-Hans": "📦 {no}：{who} 于 {at} 发放 {item} {qty}{rest}。",
    },
    "pick.h.location": {"en": "Pick from", "zh-Hans": "库位"},
    "pick.h.batch": {"en": "Batch", "zh-Hans": "批次"},
    "pick.h.qty": {"en": "Qty", "zh-Hans": "数量"},
    "pick.h.item": {"en": "Item", "zh-Hans": "物料"},
    "mr.rest": {"en": "; {qty} still to issue", "zh-Hans": "，还剩 {qty} 待发"},
    "mr.ready": {
        "en": "Your material is ready: {no}, {qty} {item} (issued by {who}). Confirm receipt?",
        "zh-Hans": "你的物料已备好：{no}，{item} {qty}（发料人 {who}）。请签收。",
    },
    "mr.confirmed": {
        "en": "🤝 {no} received by {who} at {at}.",
        "zh-Hans": "🤝 {no} 已由 {who} 于 {at} 签收。",
    },
    "mr.cancelled": {
        "en": "{no} cancelled by {who}; the reservation is released.",
        "zh-Hans": "{no} 已由 {who} 取消，预留已释放。",
    },
    "mr.too_much": {
        "en": "Only {left} of {no} is left to issue.",
        "zh-Hans": "{no} 只剩 {left} 待发。",
    },
    "mr.state.pending_approval": {"en": "waiting for approval", "zh-Hans": "待审批"},
    "shortage.title": {
        "en": "⚠ Not enough {item}: {requested} requested, {available} available — "
        "short by {short}.",
        "zh-Hans": "⚠ {item} 库存不足：申请 {requested}，可用 {available}，缺 {short}。",
    },
    "shortage.substitutes": {"en": "Substitutes", "zh-Hans": "替代料"},
    "shortage.elsewhere": {"en": "In other warehouses", "zh-Hans": "其他仓库"},
    "shortage.recorded": {
        "en": "Shortage {no} recorded for review; it stays open until the stock is there "
        "(`/shortages`).",
        "zh-Hans": "缺料 {no} 已记录，到货前保持未结（`/缺料` 可查看）。",
    },
    "btn.approve": {"en": "Approve", "zh-Hans": "批准"},
    "btn.reject": {"en": "Reject", "zh-Hans": "驳回"},
    "btn.issue_all": {"en": "Issue {qty}", "zh-Hans": "发料 {qty}"},
    "btn.confirm": {"en": "Confirm receipt", "zh-Hans": "签收"},
    "btn.cancel": {"en": "Cancel request", "zh-Hans": "取消申请"},
    "btn.purchase": {"en": "Request purchase ({qty})", "zh-Hans": "申请采购（{qty}）"},
    "btn.transfer_from": {"en": "Transfer {qty} from {wh}", "zh-Hans": "从 {wh} 调拨 {qty}"},
    "state.pending_approval": {"en": "waiting for approval", "zh-Hans": "待审批"},
    "state.approved": {"en": "approved", "zh-Hans": "已批准"},
    "state.issued": {"en": "issued", "zh-Hans": "已发料"},
    "state.received": {"en": "received", "zh-Hans": "已签收"},
    "state.rejected": {"en": "rejected", "zh-Hans": "已驳回"},
    "state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
}

register(MESSAGES)
