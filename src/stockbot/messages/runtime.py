"""The runtime's own answers: errors, refused postings, commands not available yet."""

from stockbot.i18n import register

MESSAGES = {
    "runtime.error": {
        "en": "Sorry, something went wrong; nothing was changed. Please try again.",
        "zh-Hans": "抱歉，出错了，未做任何更改。请重试。",
    },
    "runtime.try_again": {
        "en": "The database did not answer just now; nothing was changed. Please try again in a "
        "moment.",
        "zh-Hans": "数据库暂时没有响应，未做任何更改。请稍后重试。",
    },
    "runtime.read_only": {
        "en": "The stock records are read-only at the moment, so nothing can be changed; "
        "looking things up still works. Please tell an admin.",
        "zh-Hans": "库存记录目前为只读，无法做任何更改；查询仍可使用。请告知管理员。",
    },
    "runtime.not_yet": {
        "en": "/{command} is not available yet.",
        "zh-Hans": "/{command} 功能暂未开放。",
    },
    "runtime.insufficient": {
        "en": "Not enough {item}{place}: {on_hand} on hand, {requested} needed — short by "
        "{short}. Nothing was changed.",
        "zh-Hans": "{item}{place} 库存不足：在库 {on_hand}，需要 {requested}，缺 {short}。"
        "未做任何更改。",
    },
    "posting.qty_limit": {
        "en": "{item}{place}: the {what} would be {value}, more than stockbot can keep "
        "exactly (at most {limit}); nothing was changed.",
        "zh-Hans": "{item}{place}：{what}将达到 {value}，超出系统可精确记录的上限（{limit}），"
        "未做任何更改。",
    },
    "posting.what.line": {"en": "line", "zh-Hans": "单行数量"},
    "posting.what.balance": {"en": "balance", "zh-Hans": "库存余额"},
    "posting.what.daily total": {"en": "daily total", "zh-Hans": "当日累计"},
    "posting.what.monthly total": {"en": "monthly total", "zh-Hans": "当月累计"},
    "posting.what.unit cost": {"en": "unit cost", "zh-Hans": "单价"},
    "runtime.posting_refused": {
        "en": "Refused: {reason}. Nothing was changed.",
        "zh-Hans": "已拒绝：{reason}。未做任何更改。",
    },
}

register(MESSAGES)
