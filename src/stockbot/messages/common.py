"""What every flow says: roles, items, units, documents, stale buttons."""

from stockbot.i18n import register

MESSAGES = {
    "flow.no_role": {
        "en": "Only {roles} may do that; nothing was changed.",
        "zh-Hans": "只有{roles}可以执行此操作，未做任何更改。",
    },
    "role.staff": {"en": "staff", "zh-Hans": "员工"},
    "role.keeper": {"en": "a warehouse keeper", "zh-Hans": "仓管员"},
    "role.purchaser": {"en": "a purchaser", "zh-Hans": "采购员"},
    "role.approver": {"en": "an approver", "zh-Hans": "审批人"},
    "role.admin": {"en": "an admin", "zh-Hans": "管理员"},
    "or": {"en": " or ", "zh-Hans": "或"},
    "item.none": {
        "en": "No item matches “{query}”.",
        "zh-Hans": "没有找到与“{query}”匹配的物料。",
    },
    "item.choose": {
        "en": "Which item do you mean by “{query}”?",
        "zh-Hans": "“{query}”指的是哪个物料？",
    },
    "item.same_name": {
        "en": "Several items are called “{query}” — which one?",
        "zh-Hans": "有多个物料名为“{query}”，请选择：",
        "zh-Hant": "有多個物料名為「{query}」，請選擇：",
    },
    "item.closest": {
        "en": "No exact match for “{query}” — closest:",
        "zh-Hans": "没有与“{query}”完全一致的物料，最接近的是：",
        "zh-Hant": "沒有與「{query}」完全一致的物料，最接近的是：",
    },
    "item.label": {"en": "{code} {name}", "zh-Hans": "{code} {name}", "zh-Hant": "{code} {name}"},
    "unit.unknown": {
        "en": "{item} is counted in {unit}; “{given}” is not a unit it knows ({known}).",
        "zh-Hans": "{item} 的单位是 {unit}，不认识“{given}”（可用：{known}）。",
    },
    "doc.unknown": {"en": "There is no {doc}.", "zh-Hans": "没有找到 {doc}。"},
    "button.stale": {
        "en": "That button is no longer valid; nothing was changed.",
        "zh-Hans": "该按钮已失效，未做任何更改。",
    },
    "outbox.to": {"en": "📨 to {who}", "zh-Hans": "📨 发给 {who}"},
}

register(MESSAGES)
