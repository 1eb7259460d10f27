"""Stocktakes (盘点): counting line by line, the variance card, the decision on it."""

from stockbot.i18n import register

MESSAGES = {
    "cnt.opened": {
        "en": "📋 {no} opened by {who}: {n} lines to count in {scope}. The count is blind: "
        "write what you find, not what the books say.",
        "zh-Hans": "📋 {who} 已开启盘点 {no}：{scope} 共 {n} 行待盘。盲盘：请按实物填写数量。",
    },
    "cnt.question": {
        "en": "*{no}* {pos}/{total}: {item} · {name} at {place}{batch} — how many?",
        "zh-Hans": "*{no}* {pos}/{total}：{item} · {name}，位置 {place}{batch} —— 实盘多少？",
    },
    "cnt.batch": {"en": " (batch {lot})", "zh-Hans": "（批次 {lot}）"},
    "cnt.recorded": {
        "en": "Line {pos}: {qty} recorded.",
        "zh-Hans": "第 {pos} 行：已记录 {qty}。",
    },
    "cnt.taken": {
        "en": "Line {pos} was already counted by {who}; your answer was not used.",
        "zh-Hans": "第 {pos} 行已由 {who} 盘点，你的数量未采用。",
    },
    "cnt.others": {
        "en": "Others are counting the rest of {no} ({n} left). Thank you!",
        "zh-Hans": "{no} 剩余 {n} 行正由其他人盘点。谢谢！",
    },
    "cnt.bad_answer": {
        "en": "{error} Write the quantity you counted, e.g. 12 (0 if there is none).",
        "zh-Hans": "{error}请填写实盘数量，例如 12（没有则填 0）。",
    },
    "cnt.negative": {
        "en": "A count cannot be negative (got “{token}”).",
        "zh-Hans": "盘点数量不能为负数（收到“{token}”）。",
    },
    "cnt.submitted": {
        "en": "✅ {no} counted ({n} lines); it now waits for approval.",
        "zh-Hans": "✅ {no} 已盘完（{n} 行），等待审批。",
    },
    "cnt.review": {
        "en": "{no} ({scope}) counted by {who}: {n} lines, {v} with a variance. Approve the "
        "adjustment (worth {amount})?",
        "zh-Hans": "{no}（{scope}）由 {who} 盘点完成：共 {n} 行，差异 {v} 行，调整金额 {amount}。"
        "是否批准调整？",
    },
    "cnt.variance": {
        "en": "• {item} {name} at {place}: book {book}, counted {counted} ({sign}{diff}, {value})",
        "zh-Hans": "• {item} {name}，{place}：账面 {book}，实盘 {counted}（{sign}{diff}，"
        "金额 {value}）",
    },
    "cnt.total": {
        "en": "Total: {net} (written up {up}, written off {off}).",
        "zh-Hans": "合计：{net}（盘盈 {up}，盘亏 {off}）。",
    },
    "cnt.col.value": {"en": "Value", "zh-Hans": "金额"},
    "cnt.col.total": {"en": "Total", "zh-Hans": "合计"},
    "cnt.btn.correct": {"en": "Correct line {pos}", "zh-Hans": "更正第 {pos} 行"},
    "cnt.btn.at": {"en": "Count in {wh}", "zh-Hans": "盘点 {wh}"},
    "cnt.which_warehouse": {
        "en": "{item} is booked in {n} warehouses ({codes}). Which one do you count?",
        "zh-Hans": "{item} 在 {n} 个仓库有账面库存（{codes}）。要盘点哪个仓库？",
    },
    "cnt.fix_ask": {
        "en": "Line {pos} was counted as {qty}. Write the right quantity:",
        "zh-Hans": "第 {pos} 行已记录为 {qty}。请填写正确数量：",
    },
    "cnt.corrected": {
        "en": "Line {pos} corrected: {was} → {qty}.",
        "zh-Hans": "第 {pos} 行已更正：{was} → {qty}。",
    },
    "cnt.no_line": {
        "en": "{no} has no line {pos} (lines 1–{total}).",
        "zh-Hans": "{no} 没有第 {pos} 行（共 1–{total} 行）。",
    },
    "cnt.not_counted": {
        "en": "Line {pos} of {no} is not counted yet: answer it when you are asked.",
        "zh-Hans": "{no} 第 {pos} 行尚未盘点：被问到时直接填写数量即可。",
    },
    "cnt.not_yours": {
        "en": "Line {pos} was counted by {who}: they, the opener or a keeper may correct it.",
        "zh-Hans": "第 {pos} 行由 {who} 盘点：只有本人、开单人或仓管可以更正。",
    },
    "cnt.variances": {"en": "Variances", "zh-Hans": "盘点差异"},
    "cnt.no_variance": {
        "en": "No variances: the count matches the books.",
        "zh-Hans": "无差异：实盘与账面一致。",
    },
    "cnt.col.item": {"en": "Item", "zh-Hans": "物料"},
    "cnt.col.location": {"en": "Location", "zh-Hans": "库位"},
    "cnt.col.book": {"en": "Book", "zh-Hans": "账面"},
    "cnt.col.counted": {"en": "Counted", "zh-Hans": "实盘"},
    "cnt.col.variance": {"en": "Variance", "zh-Hans": "差异"},
    "cnt.approved": {
        "en": "✅ {no} approved by {who} at {at}; {n} adjustments posted.",
        "zh-Hans": "✅ {no} 已由 {who} 于 {at} 批准，已过账 {n} 笔盘点调整。",
    },
    "cnt.rejected": {
        "en": "❌ {no} rejected by {who} at {at}: {reason}. Nothing was posted.",
        "zh-Hans": "❌ {no} 已被 {who} 于 {at} 驳回：{reason}。未过账。",
    },
    "cnt.cancelled": {
        "en": "{no} cancelled by {who}; nothing was posted.",
        "zh-Hans": "{no} 已由 {who} 取消，未过账。",
    },
    "cnt.unreserved": {
        "en": "The count leaves less on hand than requests had reserved, so their reservations "
        "were cut, newest request first:",
        "zh-Hans": "盘点后在库数量少于领料申请的预留数量，已按申请从新到旧削减预留：",
    },
    "cnt.unreserved.told": {
        "en": "• {no} ({who}): {qty} {item} no longer reserved, {held} still is; {who} was told.",
        "zh-Hans": "• {no}（{who}）：{item} {qty} 不再预留，仍预留 {held}；已通知 {who}。",
    },
    "cnt.unreserved.untold": {
        "en": "• {no} ({who}): {qty} {item} no longer reserved, {held} still is; {who} could "
        "not be reached — please tell them.",
        "zh-Hans": "• {no}（{who}）：{item} {qty} 不再预留，仍预留 {held}；无法联系到 {who}，"
        "请转告。",
    },
    "cnt.empty": {
        "en": "Nothing to count in {scope}: no stock is booked there.",
        "zh-Hans": "{scope} 没有账面库存，无需盘点。",
    },
    "cnt.which_batch": {
        "en": "{item} is held there in several batches ({lots}): name the batch counted.",
        "zh-Hans": "{item} 在该位置有多个批次（{lots}），请注明所盘批次。",
    },
    "cnt.no_batch": {
        "en": "{item} has no batch {lot} (batches there: {lots}).",
        "zh-Hans": "{item} 没有批次 {lot}（该位置的批次：{lots}）。",
    },
    "cnt.busy": {
        "en": "{no} already covers {scope} and is {state}; finish it first.",
        "zh-Hans": "{no} 已覆盖 {scope}，当前{state}，请先完成它。",
    },
    "cnt.btn.next": {"en": "Count next line", "zh-Hans": "盘下一行"},
    "cnt.btn.cancel": {"en": "Cancel count", "zh-Hans": "取消盘点"},
    "cnt.btn.approve": {"en": "Approve adjustment", "zh-Hans": "批准调整"},
    "cnt.btn.reject": {"en": "Reject count", "zh-Hans": "驳回盘点"},
    "count.state.counting": {"en": "being counted", "zh-Hans": "盘点中"},
    "count.state.submitted": {"en": "waiting for approval", "zh-Hans": "待审批"},
    "count.state.approved": {"en": "approved", "zh-Hans": "已批准"},
    "count.state.rejected": {"en": "rejected", "zh-Hans": "已驳回"},
    "count.state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
}

register(MESSAGES)
