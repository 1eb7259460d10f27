"""Purchase requests and their approval levels (采购审批)."""

from stockbot.i18n import register

MESSAGES = {
    "pr.created": {
        "en": "{no}: {qty} {item} from {supplier}, amount {amount} — waiting for approval{levels}.",
        "zh-Hans": "{no}：采购 {item} {qty}，供应商 {supplier}，金额 {amount}，等待审批{levels}。",
    },
    "pr.two_levels": {"en": " (two approvals needed)", "zh-Hans": "（需两级审批）"},
    "pr.card": {
        "en": "{no}: {who} asks to buy {qty} {item} from {supplier} (amount {amount}). "
        "Approve{level}?",
        "zh-Hans": "{no}：{who} 申请采购 {item} {qty}，供应商 {supplier}（金额 {amount}）。"
        "是否批准{level}？",
    },
    "pr.card_level": {"en": " (level {level} of {of})", "zh-Hans": "（第 {level}/{of} 级）"},
    "pr.level_done": {
        "en": "✅ {no}: level {level} approved by {who} at {at}; waiting for a second "
        "approver (amount {amount}).",
        "zh-Hans": "✅ {no}：第 {level} 级已由 {who} 于 {at} 批准，等待第二位审批人"
        "（金额 {amount}）。",
    },
    "pr.ordered": {
        "en": "🧾 {no} approved by {who} at {at} → {po}: {qty} {item} from {supplier}, "
        "expected {expected}.",
        "zh-Hans": "🧾 {no} 已由 {who} 于 {at} 批准 → 采购单 {po}：{item} {qty}，"
        "供应商 {supplier}，预计 {expected} 到货。",
    },
    "pr.rejected": {
        "en": "❌ {no} rejected by {who} at {at}: {reason}",
        "zh-Hans": "❌ {no} 已被 {who} 于 {at} 驳回：{reason}",
    },
    "pr.cancelled": {"en": "{no} cancelled by {who}.", "zh-Hans": "{no} 已由 {who} 取消。"},
    "pr.level_already": {
        "en": "Level {level} of {no} was already approved by {who} at {at}; nothing was changed.",
        "zh-Hans": "{no} 的第 {level} 级已由 {who} 于 {at} 批准，未做任何更改。",
    },
    "pr.state.pending": {"en": "waiting for approval", "zh-Hans": "待审批"},
    "pr.state.ordered": {"en": "approved and ordered", "zh-Hans": "批准并下单"},
    "pr.state.rejected": {"en": "rejected", "zh-Hans": "已驳回"},
    "pr.state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
    "pr.no_supplier": {
        "en": "No supplier matches “{query}”. Known suppliers: {known}.",
        "zh-Hans": "没有与“{query}”匹配的供应商。现有供应商：{known}。",
    },
    "pr.many_suppliers": {
        "en": "“{query}” matches several suppliers: {matches}. Use the supplier code.",
        "zh-Hans": "“{query}”匹配多个供应商：{matches}。请使用供应商编码。",
    },
    "pr.none_known": {"en": "none yet", "zh-Hans": "暂无"},
    "pr.no_default_supplier": {"en": "(supplier to be chosen)", "zh-Hans": "（待定）"},
    "pr.too_large": {
        "en": "{qty} {item} (amount {amount}) is too large to be right; nothing was changed.",
        "zh-Hans": "{item} {qty}（金额 {amount}）数额过大，未做任何更改。",
    },
    "pr.from_shortage_done": {
        "en": "This shortage already became {no}, requested by {who} at {at}; nothing was changed.",
        "zh-Hans": "该缺料已由 {who} 于 {at} 提交采购申请 {no}，未做任何更改。",
    },
    # --- requests of several lines (one per supplier: a work order's shortages, /suggest) ----
    "pr.created_lines": {
        "en": "{no}: {n} items from {supplier}, total {amount} — waiting for approval{levels}.",
        "zh-Hans": "{no}：采购 {n} 项物料，供应商 {supplier}，合计 {amount}，等待审批{levels}。",
    },
    "pr.card_lines": {
        "en": "{no}: {who} asks to buy {n} items from {supplier} (total {amount}). Approve{level}?",
        "zh-Hans": "{no}：{who} 申请采购 {n} 项物料，供应商 {supplier}（合计 {amount}）。"
        "是否批准{level}？",
    },
    "pr.ordered_lines": {
        "en": "🧾 {no} approved by {who} at {at} → {po}: {n} items from {supplier}, "
        "total {amount}, expected {expected}.",
        "zh-Hans": "🧾 {no} 已由 {who} 于 {at} 批准 → 采购单 {po}：{n} 项物料，"
        "供应商 {supplier}，合计 {amount}，预计 {expected} 到货。",
    },
    "pr.line": {
        "en": "  • {item}: {qty}, {amount}",
        "zh-Hans": "  • {item}：{qty}，{amount}",
    },
    "pr.without_supplier": {
        "en": "⚠️ {no}: no default supplier for these items; the purchaser chooses one "
        "when ordering.",
        "zh-Hans": "⚠️ {no}：这些物料没有默认供应商，由采购员下单时选定。",
    },
    "pr.btn.approve": {"en": "Approve", "zh-Hans": "批准"},
    "pr.btn.reject": {"en": "Reject", "zh-Hans": "驳回"},
}

register(MESSAGES)
