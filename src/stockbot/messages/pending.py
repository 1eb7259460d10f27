"""`/pending` (待办): the personal inbox."""

from stockbot.i18n import register

MESSAGES = {
    "pending.title": {"en": "*What waits for you, {who}*", "zh-Hans": "*{who} 的待办*"},
    "pending.none": {
        "en": "Nothing waits for you, {who}. 🎉",
        "zh-Hans": "{who}，你目前没有待办事项。🎉",
    },
    "pending.to_approve": {"en": "To approve", "zh-Hans": "待审批"},
    "pending.to_issue": {"en": "To issue", "zh-Hans": "待发料"},
    "pending.qc": {"en": "Receipts waiting for QC", "zh-Hans": "待质检的入库"},
    "pending.unconfirmed": {
        "en": "Issued but not confirmed within a day",
        "zh-Hans": "已发料但超过一天未签收",
    },
    "pending.mine": {"en": "Your open requests", "zh-Hans": "你的未完成申请"},
    "pending.stuck": {"en": "⚠ Nobody can act on these", "zh-Hans": "⚠ 以下单据无人能处理"},
    "pending.shortages": {"en": "Open shortages", "zh-Hans": "未结缺料"},
    "pending.can": {"en": "can act: {people}", "zh-Hans": "可处理：{people}"},
    "pending.nobody": {
        "en": "nobody can act — {why}; fix: /role @name {role}{limit}",
        "zh-Hans": "无人能处理 — {why}；解决：/role @名字 {role}{limit}",
    },
    "pending.short": {
        "en": "{requested} requested, {available} available",
        "zh-Hans": "申请 {requested}，可用 {available}",
    },
    "pending.no_pr": {"en": "no purchase yet", "zh-Hans": "尚未申请采购"},
    "pending.left": {"en": "{qty} left", "zh-Hans": "剩 {qty}"},
    "pending.more": {"en": "…and {n} more", "zh-Hans": "……还有 {n} 项"},
    "pending.issued_ago": {"en": "issued {age} ago", "zh-Hans": "已发料 {age}"},
    "pending.age.min": {"en": "{n} min", "zh-Hans": "{n} 分钟"},
    "pending.age.h": {"en": "{n} h", "zh-Hans": "{n} 小时"},
    "pending.age.d": {"en": "{n} d", "zh-Hans": "{n} 天"},
    "pending.btn.approve": {"en": "Approve {no}", "zh-Hans": "批准 {no}"},
    "pending.btn.issue": {"en": "Issue {no} ({qty})", "zh-Hans": "发料 {no}（{qty}）"},
    "pending.btn.confirm": {"en": "Confirm {no}", "zh-Hans": "签收 {no}"},
}

register(MESSAGES)
