"""Transfers (调拨) and returns (退料)."""

from stockbot.i18n import register

MESSAGES = {
    "mv.unknown_place": {
        "en": "There is no warehouse or location “{place}”. Warehouses: {known}.",
        "zh-Hans": "没有仓库或库位“{place}”。现有仓库：{known}。",
    },
    "mv.unknown_location": {
        "en": "Warehouse {wh} has no location “{loc}”. Its locations: {known}.",
        "zh-Hans": "仓库 {wh} 没有库位“{loc}”。现有库位：{known}。",
    },
    "mv.ambiguous_place": {
        "en": "“{place}” is a location in several warehouses; write one of: {known}.",
        "zh-Hans": "多个仓库都有库位“{place}”，请写成：{known}。",
    },
    "mv.same_place": {
        "en": "{place} is both the source and the target; nothing was changed.",
        "zh-Hans": "调出和调入都是 {place}，未做任何更改。",
    },
    "mv.short_available": {
        "en": "Not enough {item} available in {wh}: {on_hand} on hand, {reserved} reserved, "
        "{available} available, {qty} to move — short by {short}. Nothing was changed.",
        "zh-Hans": "{wh} 的 {item} 可用量不足：在库 {on_hand}，已预留 {reserved}，可用 "
        "{available}，需调拨 {qty}，缺 {short}。未做任何更改。",
    },
    "mv.short_place": {
        "en": "Not enough {item} at {place}: {on_hand} there, {qty} to move — short by "
        "{short}. Nothing was changed.",
        "zh-Hans": "{place} 的 {item} 不足：现有 {on_hand}，需调拨 {qty}，缺 {short}。"
        "未做任何更改。",
    },
    "mv.moved": {
        "en": "🔁 Moved {qty} {item} from {src} to {dst}{batches} ({who}, {at}).",
        "zh-Hans": "🔁 已将 {item} {qty} 从 {src} 调拨到 {dst}{batches}（{who}，{at}）。",
    },
    "mv.batches": {"en": "; batches {lots}", "zh-Hans": "；批次 {lots}"},
    "mv.already": {
        "en": "That transfer was already done by {who} at {at}; nothing was moved again.",
        "zh-Hans": "该调拨已由 {who} 于 {at} 完成，未重复调拨。",
    },
    "mv.returned": {
        "en": "↩ {qty} {item} returned to {place} by {who}{batch}. Thank you.",
        "zh-Hans": "↩ {who} 已将 {item} {qty} 退回 {place}{batch}。谢谢。",
    },
    "mv.return_batch": {"en": " (batch {lot})", "zh-Hans": "（批次 {lot}）"},
    "mv.return_note": {
        "en": "↩ Return: {who} brought back {qty} {item} to {place}{batch}{note}.",
        "zh-Hans": "↩ 退料：{who} 退回 {item} {qty} 至 {place}{batch}{note}。",
    },
    "mv.note": {"en": " — “{note}”", "zh-Hans": "——“{note}”"},
    "mv.return_already": {
        "en": "That return was already recorded; nothing was added again.",
        "zh-Hans": "该退料已登记，未重复入库。",
    },
    "ret.no_such_issue": {
        "en": "{no} issued no {item}; name the request the material came from, or leave it "
        "out to use your latest. Nothing was changed.",
        "zh-Hans": "{no} 没有发放过 {item}；请写明物料来自哪张领料单，或不写以使用你最近的一张。"
        "未做任何更改。",
    },
    "ret.why_more": {
        "en": "more than is still out on {no} ({out})",
        "zh-Hans": "超过 {no} 尚未退回的数量（{out}）",
    },
    "ret.why_none": {
        "en": "no {item} was issued to them",
        "zh-Hans": "未曾向其发放 {item}",
    },
    "ret.card": {
        "en": "↩ Return to confirm: {who} brings back {qty} {item} to {place}{batch} — "
        "{why}{note}. Nothing is in stock until a keeper confirms.",
        "zh-Hans": "↩ 待确认退料：{who} 退回 {item} {qty} 至 {place}{batch}——{why}{note}。"
        "仓管确认前不入库。",
    },
    "ret.btn.confirm": {"en": "Confirm return", "zh-Hans": "确认退料"},
    "ret.waits": {
        "en": "↩ Your return of {qty} {item} waits for a keeper to confirm ({why}); "
        "nothing is in stock yet.",
        "zh-Hans": "↩ 你退回的 {item} {qty} 需仓管确认（{why}），暂未入库。",
    },
    "ret.confirmed": {
        "en": "↩ {by} confirmed your return: {qty} {item} is back at {place}{batch}.",
        "zh-Hans": "↩ {by} 已确认你的退料：{item} {qty} 已退回 {place}{batch}。",
    },
    "ret.already": {
        "en": "That return was already confirmed by {who} at {at}; nothing was added again.",
        "zh-Hans": "该退料已由 {who} 于 {at} 确认，未重复入库。",
    },
}

register(MESSAGES)
