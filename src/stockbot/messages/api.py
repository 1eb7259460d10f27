"""The open API's own answers (`stockbot.api`); refusals of writes come from the flows."""

from stockbot.i18n import register

MESSAGES = {
    "api.unauthorized": {
        "en": "Send a valid API key as `Authorization: Bearer <key>`.",
        "zh-Hans": "请以 `Authorization: Bearer <密钥>` 提供有效的 API 密钥。",
    },
    "api.forbidden": {
        "en": "This key's scope ({scope}) does not allow this; it needs {needed}.",
        "zh-Hans": "此密钥的权限（{scope}）不允许此操作，需要 {needed}。",
    },
    "api.not_found": {
        "en": "Nothing here: {what}.",
        "zh-Hans": "未找到：{what}。",
    },
    "api.invalid": {
        "en": "The request is not valid: {why}",
        "zh-Hans": "请求无效：{why}",
    },
    "api.bad_cursor": {
        "en": "That cursor was not given out by this server; start without one.",
        "zh-Hans": "该游标不是本服务给出的，请不带游标重新开始。",
    },
    "api.too_large": {
        "en": "The body is larger than {limit} bytes.",
        "zh-Hans": "请求体超过 {limit} 字节。",
    },
    "api.rate_limited": {
        "en": "Too many requests with this key; try again in {seconds} s.",
        "zh-Hans": "此密钥请求过于频繁，请 {seconds} 秒后再试。",
    },
    "api.idempotency_required": {
        "en": "A write needs an `Idempotency-Key` header (1-100 characters), so a retry "
        "cannot post twice.",
        "zh-Hans": "写入请求需要 `Idempotency-Key` 请求头（1-100 个字符），以免重试时重复过账。",
    },
    "api.idempotency_reused": {
        "en": "This Idempotency-Key was used for a different request; use a new key.",
        "zh-Hans": "此 Idempotency-Key 已用于另一个不同的请求，请换一个新的键。",
    },
    "api.unavailable": {
        "en": "The database did not answer; nothing was changed. Try again in a moment.",
        "zh-Hans": "数据库暂无响应，未做任何更改。请稍后重试。",
    },
    "api.error": {
        "en": "Something went wrong on our side; nothing was changed. It has been logged.",
        "zh-Hans": "服务器内部出错，未做任何更改，已记录日志。",
    },
}

register(MESSAGES)
