# ruff: noqa: E501
"""Work orders (工单), BOMs (物料清单) and the suggested purchase list (建议采购).

zh-Hant is written out where OpenCC's s2twp would not give the floor's word (工單, 齊套)."""

from stockbot.i18n import register

MESSAGES = {
    "wo.created": {
        "en": "{no}: work order for {qty} {product}{due}, by {who}.",
        "zh-Hans": "{no}：{who} 创建工单，{product} {qty}{due}。",
        "zh-Hant": "{no}：{who} 建立工單，{product} {qty}{due}。",
    },
    "wo.due": {"en": ", due {day}", "zh-Hans": "，交期 {day}", "zh-Hant": "，交期 {day}"},
    "wo.card": {
        "en": "*{no}* {qty} {product}{due} — {state}. Kitting check:",
        "zh-Hans": "*{no}* {product} {qty}{due} — {state}。齐套检查：",
        "zh-Hant": "*{no}* {product} {qty}{due} — {state}。齊套檢查：",
    },
    "wo.ready": {
        "en": "✅ Ready to release: every component is available.",
        "zh-Hans": "✅ 物料齐套，可以下达。",
        "zh-Hant": "✅ 物料齊套，可以下達。",
    },
    "wo.kit_short": {
        "en": "⚠ {n} component(s) short: {items}.",
        "zh-Hans": "⚠ 缺料 {n} 项：{items}。",
        "zh-Hant": "⚠ 缺料 {n} 項：{items}。",
    },
    "wo.substitute": {
        "en": "{item}: substitute {sub} has {qty} available.",
        "zh-Hans": "{item}：替代料 {sub} 可用 {qty}。",
        "zh-Hant": "{item}：替代料 {sub} 可用 {qty}。",
    },
    "wo.h.component": {"en": "Component", "zh-Hans": "物料", "zh-Hant": "物料"},
    "wo.h.required": {"en": "Required", "zh-Hans": "需求", "zh-Hant": "需求"},
    "wo.h.available": {"en": "Available", "zh-Hans": "可用", "zh-Hant": "可用"},
    "wo.h.short": {"en": "Short", "zh-Hans": "缺", "zh-Hant": "缺"},
    "wo.h.on_order": {"en": "On order", "zh-Hans": "在途", "zh-Hant": "在途"},
    "wo.h.arrives": {"en": "Arrives", "zh-Hans": "预计到货", "zh-Hant": "預計到貨"},
    "wo.no_bom": {
        "en": "{product} has no BOM; import one with `stockbot import boms FILE`.",
        "zh-Hans": "{product} 没有物料清单，请先用 `stockbot import boms 文件` 导入。",
        "zh-Hant": "{product} 沒有物料清單，請先用 `stockbot import boms 檔案` 匯入。",
    },
    "wo.cycle": {
        "en": "The BOM of {product} contains itself: {cycle}. Fix the BOM first.",
        "zh-Hans": "{product} 的物料清单存在循环：{cycle}。请先修正物料清单。",
        "zh-Hant": "{product} 的物料清單存在循環：{cycle}。請先修正物料清單。",
    },
    "wo.released": {
        "en": "🔒 {no} released by {who} at {at}: {n} component(s) reserved.",
        "zh-Hans": "🔒 {no} 已由 {who} 于 {at} 下达，预留 {n} 项物料。",
        "zh-Hant": "🔒 {no} 已由 {who} 於 {at} 下達，預留 {n} 項物料。",
    },
    "wo.released_partly": {
        "en": "🔒 {no} released partially by {who} at {at}: {n} component(s) reserved, "
        "{m} still short.",
        "zh-Hans": "🔒 {no} 已由 {who} 于 {at} 部分下达：预留 {n} 项，仍缺 {m} 项。",
        "zh-Hant": "🔒 {no} 已由 {who} 於 {at} 部分下達：預留 {n} 項，仍缺 {m} 項。",
    },
    "wo.cannot_release": {
        "en": "{no} cannot be released in full: {items} short. Release partially, or request "
        "purchase for the shortages.",
        "zh-Hans": "{no} 无法全部下达：{items} 缺料。可部分下达，或为缺料申请采购。",
        "zh-Hant": "{no} 無法全部下達：{items} 缺料。可部分下達，或為缺料申請採購。",
    },
    "wo.nothing_to_reserve": {
        "en": "{no}: nothing more can be reserved now.",
        "zh-Hans": "{no}：目前没有可再预留的物料。",
        "zh-Hant": "{no}：目前沒有可再預留的物料。",
    },
    "wo.issue_card": {
        "en": "To issue: {no} — kit for {qty} {product} ({n} components), released by {who}.",
        "zh-Hans": "待发料：{no} — {product} {qty} 的套料（{n} 项），下达人 {who}。",
        "zh-Hant": "待發料：{no} — {product} {qty} 的套料（{n} 項），下達人 {who}。",
    },
    "wo.issued": {
        "en": "📦 {no}: kit of {n} component(s) issued by {who} at {at}.",
        "zh-Hans": "📦 {no}：{who} 于 {at} 发放套料 {n} 项。",
        "zh-Hant": "📦 {no}：{who} 於 {at} 發放套料 {n} 項。",
    },
    "wo.nothing_to_issue": {
        "en": "{no}: nothing is reserved to issue.",
        "zh-Hans": "{no}：没有已预留待发的物料。",
        "zh-Hant": "{no}：沒有已預留待發的物料。",
    },
    "wo.completed": {
        "en": "🏁 {no}: {qty} {product} completed by {who} at {at} ({done} of {total}){flushed}.",
        "zh-Hans": "🏁 {no}：{who} 于 {at} 完工入库 {product} {qty}（累计 {done}/{total}）{flushed}。",
        "zh-Hant": "🏁 {no}：{who} 於 {at} 完工入庫 {product} {qty}（累計 {done}/{total}）{flushed}。",
    },
    "wo.flushed": {
        "en": "; {n} component(s) backflushed",
        "zh-Hans": "；倒冲 {n} 项物料",
        "zh-Hant": "；倒沖 {n} 項物料",
    },
    "wo.too_much": {
        "en": "Only {left} of {no} is left to complete.",
        "zh-Hans": "{no} 只剩 {left} 待完工。",
        "zh-Hant": "{no} 只剩 {left} 待完工。",
    },
    "wo.cancelled": {
        "en": "{no} cancelled by {who}; its reservations are released. Return unused "
        "components with `/return <item> <qty> {no}`.",
        "zh-Hans": "{no} 已由 {who} 取消，预留已释放。未用物料请用 `退料 <物料> <数量> {no}` 退回。",
        "zh-Hant": "{no} 已由 {who} 取消，預留已釋放。未用物料請用 `退料 <物料> <數量> {no}` 退回。",
    },
    "wo.purchased": {
        "en": "🛒 {no}: {n} purchase request(s) raised for the shortages: {prs}.",
        "zh-Hans": "🛒 {no}：已为缺料提交 {n} 张采购申请：{prs}。",
        "zh-Hant": "🛒 {no}：已為缺料提交 {n} 張採購申請：{prs}。",
    },
    "wo.nothing_to_buy": {
        "en": "{no}: nothing to buy — what is short is already on order.",
        "zh-Hans": "{no}：无需采购，缺料均已在途。",
        "zh-Hant": "{no}：無需採購，缺料均已在途。",
    },
    "wo.stale": {
        "en": "{no} changed since this card: {act} by {who} at {at}; nothing was done.",
        "zh-Hans": "{no} 在此卡片之后已变更：{who} 于 {at} {act}，本次未做任何操作。",
        "zh-Hant": "{no} 在此卡片之後已變更：{who} 於 {at} {act}，本次未做任何操作。",
    },
    "wo.unknown": {
        "en": "There is no {no}.",
        "zh-Hans": "没有 {no}。",
        "zh-Hant": "沒有 {no}。",
    },
    "wo.list_title": {
        "en": "*Open work orders* ({n}):",
        "zh-Hans": "*未完工单*（{n}）：",
        "zh-Hant": "*未完工單*（{n}）：",
    },
    "wo.list_none": {
        "en": "No open work orders. Create one: `/wo <product> <qty> [due <date>]`.",
        "zh-Hans": "没有未完成的工单。新建：`工单 <产品> <数量> [交期 <日期>]`。",
        "zh-Hant": "沒有未完成的工單。新建：`工單 <產品> <數量> [交期 <日期>]`。",
    },
    "wo.kit.ready": {"en": "kit ready", "zh-Hans": "齐套", "zh-Hant": "齊套"},
    "wo.kit.short": {"en": "{n} short", "zh-Hans": "缺 {n} 项", "zh-Hant": "缺 {n} 項"},
    "wo.h.wo": {"en": "WO", "zh-Hans": "工单", "zh-Hant": "工單"},
    "wo.h.product": {"en": "Product", "zh-Hans": "产品", "zh-Hant": "產品"},
    "wo.h.qty": {"en": "Qty", "zh-Hans": "数量", "zh-Hant": "數量"},
    "wo.h.state": {"en": "State", "zh-Hans": "状态", "zh-Hant": "狀態"},
    "wo.h.kit": {"en": "Kit", "zh-Hans": "齐套", "zh-Hant": "齊套"},
    "wo.h.due": {"en": "Due", "zh-Hans": "交期", "zh-Hant": "交期"},
    "wo.state.open": {"en": "not released", "zh-Hans": "未下达", "zh-Hant": "未下達"},
    "wo.state.released": {"en": "released", "zh-Hans": "已下达", "zh-Hant": "已下達"},
    "wo.state.kitted": {"en": "kit issued", "zh-Hans": "已发料", "zh-Hant": "已發料"},
    "wo.state.completed": {"en": "completed", "zh-Hans": "已完工", "zh-Hant": "已完工"},
    "wo.state.cancelled": {"en": "cancelled", "zh-Hans": "已取消", "zh-Hant": "已取消"},
    "wo.act.create": {"en": "created", "zh-Hans": "创建", "zh-Hant": "建立"},
    "wo.act.release": {"en": "released", "zh-Hans": "下达", "zh-Hant": "下達"},
    "wo.act.release_partial": {
        "en": "released partially",
        "zh-Hans": "部分下达",
        "zh-Hant": "部分下達",
    },
    "wo.act.purchase": {"en": "purchase requested", "zh-Hans": "申请采购", "zh-Hant": "申請採購"},
    "wo.act.issue": {"en": "kit issued", "zh-Hans": "发料", "zh-Hant": "發料"},
    "wo.act.complete": {"en": "completed", "zh-Hans": "完工", "zh-Hant": "完工"},
    "wo.act.cancel": {"en": "cancelled", "zh-Hans": "取消", "zh-Hant": "取消"},
    "wo.btn.release": {"en": "Release", "zh-Hans": "下达", "zh-Hant": "下達"},
    "wo.btn.release_partial": {
        "en": "Release partially",
        "zh-Hans": "部分下达",
        "zh-Hant": "部分下達",
    },
    "wo.btn.purchase": {
        "en": "Request purchase for all shortages",
        "zh-Hans": "为全部缺料申请采购",
        "zh-Hant": "為全部缺料申請採購",
    },
    "wo.btn.issue": {"en": "Issue kit", "zh-Hans": "发放套料", "zh-Hant": "發放套料"},
    "wo.btn.complete": {"en": "Complete {qty}", "zh-Hans": "完工 {qty}", "zh-Hant": "完工 {qty}"},
    "wo.btn.cancel": {"en": "Cancel", "zh-Hans": "取消", "zh-Hant": "取消"},
    "mr.over_bom": {
        "en": "(beyond the BOM of {wo}: {left} left on it)",
        "zh-Hans": "（超出工单 {wo} 的物料清单：清单余量 {left}）",
        "zh-Hant": "（超出工單 {wo} 的物料清單：清單餘量 {left}）",
    },
    # --- /bom ----------------------------------------------------------------------------------
    "bom.title": {
        "en": "*BOM of {product}* (for {qty}; scrap included):",
        "zh-Hans": "*{product} 的物料清单*（按 {qty} 计，含损耗）：",
        "zh-Hant": "*{product} 的物料清單*（按 {qty} 計，含損耗）：",
    },
    "bom.line": {"en": "{indent}{item} {qty}{extra}", "zh-Hans": "{indent}{item} {qty}{extra}"},
    "bom.scrap": {
        "en": " (scrap {pct} %)",
        "zh-Hans": "（损耗 {pct}%）",
        "zh-Hant": "（損耗 {pct}%）",
    },
    "bom.backflush": {"en": " · backflush", "zh-Hans": " · 倒冲", "zh-Hant": " · 倒沖"},
    "bom.sub": {
        "en": " · substitute {sub}",
        "zh-Hans": " · 替代料 {sub}",
        "zh-Hant": " · 替代料 {sub}",
    },
    "bom.extra1": {"en": "{a}", "zh-Hans": "{a}"},
    "bom.extra2": {"en": "{a}{b}", "zh-Hans": "{a}{b}"},
    "bom.extra3": {"en": "{a}{b}{c}", "zh-Hans": "{a}{b}{c}"},
    "bom.more": {"en": "… and more lines", "zh-Hans": "……还有更多", "zh-Hant": "……還有更多"},
    # --- /suggest ------------------------------------------------------------------------------
    "suggest.title": {
        "en": "*Suggested purchases* ({n}): projected below the reorder point or below what "
        "work orders still need.",
        "zh-Hans": "*建议采购*（{n}）：预计库存低于再订货点，或不够工单所需。",
        "zh-Hant": "*建議採購*（{n}）：預計庫存低於再訂貨點，或不夠工單所需。",
    },
    "suggest.none": {
        "en": "Nothing to buy: every item is above its reorder point and covers its work orders.",
        "zh-Hans": "无需采购：所有物料都高于再订货点，且满足工单需求。",
        "zh-Hant": "無需採購：所有物料都高於再訂貨點，且滿足工單需求。",
    },
    "suggest.h.item": {"en": "Item", "zh-Hans": "物料", "zh-Hant": "物料"},
    "suggest.h.projected": {"en": "Projected", "zh-Hans": "预计", "zh-Hant": "預計"},
    "suggest.h.rop": {"en": "Reorder pt", "zh-Hans": "再订货点", "zh-Hant": "再訂貨點"},
    "suggest.h.wo": {"en": "WO need", "zh-Hans": "工单需求", "zh-Hant": "工單需求"},
    "suggest.h.qty": {"en": "Buy", "zh-Hans": "建议量", "zh-Hant": "建議量"},
    "suggest.h.supplier": {"en": "Supplier", "zh-Hans": "供应商", "zh-Hant": "供應商"},
    "suggest.btn.raise": {
        "en": "Raise all {n} purchase requests",
        "zh-Hans": "全部提交采购申请（{n}）",
        "zh-Hant": "全部提交採購申請（{n}）",
    },
    "suggest.raised": {
        "en": "🛒 {n} purchase request(s) raised: {prs}.",
        "zh-Hans": "🛒 已提交 {n} 张采购申请：{prs}。",
        "zh-Hant": "🛒 已提交 {n} 張採購申請：{prs}。",
    },
    "suggest.already": {
        "en": "These suggestions were already raised by {who} at {at}: {prs}.",
        "zh-Hans": "这些建议已由 {who} 于 {at} 提交：{prs}。",
        "zh-Hant": "這些建議已由 {who} 於 {at} 提交：{prs}。",
    },
    # --- /pending and the summary --------------------------------------------------------------
    "pending.wo": {
        "en": "Work orders short of material or due within 3 days",
        "zh-Hans": "缺料或 3 天内到期的工单",
        "zh-Hant": "缺料或 3 天內到期的工單",
    },
}

register(MESSAGES)
