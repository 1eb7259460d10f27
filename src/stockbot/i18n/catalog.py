"""The message catalogue: one entry per key, one line per language (see `stockbot.i18n`).

Add ``"area.key": {"en": "...", "zh-Hans": "..."},`` here; ``"zh-Hant"`` only where the OpenCC
conversion of the ``"zh-Hans"`` text is wrong.
"""

from __future__ import annotations

from stockbot.i18n.help_catalog import HELP, HELP_LINES
from stockbot.platforms import identity_examples, names

# The platforms an identity may name, from the one table (`stockbot.platforms`).
_IDS = names("|")
_EXAMPLES = identity_examples()

__all__ = ["CATALOG", "HELP_LINES"]

# fmt: off
CATALOG: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- languages
    "lang.en": {"en": "English", "zh-Hans": "英文"},
    "lang.zh-Hans": {"en": "Simplified Chinese", "zh-Hans": "简体中文", "zh-Hant": "簡體中文"},
    "lang.zh-Hant": {"en": "Traditional Chinese", "zh-Hans": "繁体中文", "zh-Hant": "繁體中文"},

    # ---------------------------------------------------------------- parser errors
    "parse.empty": {
        "en": "Send a command, e.g. `stock M8`, or `help` for the list.",
        "zh-Hans": "请发送命令，例如 `查库存 M8`，或发送 `帮助` 查看命令列表。",
    },
    "parse.too_long": {
        "en": "That message is too long ({length} characters; the limit is {max}).",
        "zh-Hans": "消息太长（{length} 个字符，上限 {max}）。",
    },
    "parse.control_chars": {
        "en": "The message contains control characters; please type it again.",
        "zh-Hans": "消息里有控制字符，请重新输入。",
    },
    "parse.direction_marks": {
        "en": "“{field}” contains invisible text-direction marks, which can disguise a code "
        "(exe.gnp shown as png.exe); please type it again without them.",
        "zh-Hans": "“{field}”里含有不可见的文字方向控制符，可能伪装编码（如 exe.gnp 显示成 "
        "png.exe），请去掉后重新输入。",
    },
    "parse.unknown_command": {
        "en": "I don't know the command “{command}”. Send `help` for the list.",
        "zh-Hans": "我不认识命令“{command}”。发送 `帮助` 查看命令列表。",
    },
    "parse.missing_query": {
        "en": "What should I look up? Give a code, name or spec.",
        "zh-Hans": "要查什么？请给出物料编码、名称或规格。",
    },
    "parse.missing_item": {
        "en": "Which item? Put the item before the quantity.",
        "zh-Hans": "是哪个物料？请把物料写在数量前面。",
    },
    "parse.missing_quantity": {
        "en": "How many? Put the quantity after the item, e.g. `M8 bolt 20`.",
        "zh-Hans": "数量是多少？请把数量写在物料后面，例如 `M8螺栓 20`。",
    },
    "parse.missing_value": {
        "en": "“{keyword}” needs a value after it.",
        "zh-Hans": "“{keyword}”后面需要填写内容。",
    },
    "parse.duplicate_keyword": {
        "en": "“{keyword}” was given twice.",
        "zh-Hans": "“{keyword}”重复了。",
    },
    "parse.unexpected_text": {
        "en": "I don't understand “{text}” here.",
        "zh-Hans": "这里的“{text}”我看不懂。",
    },
    "parse.bad_date": {
        "en": "“{value}” is not a date; write it as YYYY-MM-DD, e.g. 2025-12-31.",
        "zh-Hans": "“{value}”不是有效日期，请按 年-月-日 填写，例如 2025-12-31。",
    },
    "parse.missing_locations": {
        "en": "Say where from and where to, e.g. `transfer M8 20 WH1 WH2`.",
        "zh-Hans": "请写明从哪里调到哪里，例如 `调拨 M8 20 一号仓 二号仓`。",
    },
    "parse.same_location": {
        "en": "From and to are the same place ({location}).",
        "zh-Hans": "调出和调入是同一个地方（{location}）。",
    },
    "parse.no_arguments": {
        "en": "This command takes nothing after it.",
        "zh-Hans": "这个命令后面不需要再写内容。",
    },
    "parse.missing_target": {
        "en": "Which location or item?",
        "zh-Hans": "是哪个库位或物料？",
    },
    "parse.missing_report": {
        "en": "Which report?",
        "zh-Hans": "要哪个报表？",
    },
    "parse.missing_movement": {
        "en": "Which movement? Give its number, e.g. `undo 1234 wrong item`.",
        "zh-Hans": "冲销哪一条出入库记录？请给出编号，例如 `冲销 1234 物料录错`。",
    },
    "parse.missing_reason": {
        "en": "Say why; the reason is kept in the ledger.",
        "zh-Hans": "请写明原因，原因会记入台账。",
    },
    "parse.unknown_help_topic": {
        "en": "There is no command “{topic}”.",
        "zh-Hans": "没有“{topic}”这个命令。",
    },
    "parse.missing_user": {
        "en": "Whose role? Mention the user, e.g. `role @li keeper`.",
        "zh-Hans": "给谁设置角色？请 @ 这个用户，例如 `role @小李 keeper`。",
    },
    "parse.bad_user": {
        "en": "“{user}” is not a mention; write @name.",
        "zh-Hans": "“{user}”不是 @用户，请写成 @名字。",
    },
    "parse.missing_role": {
        "en": "Which role? staff, keeper, purchaser, approver or admin.",
        "zh-Hans": "什么角色？staff（员工）、keeper（仓管）、purchaser（采购）、approver（审批人）或 admin（管理员）。",  # noqa: E501
    },
    "parse.unknown_role": {
        "en": "Unknown role “{role}”; use staff, keeper, purchaser, approver or admin.",
        "zh-Hans": "没有“{role}”这个角色；可选 staff、keeper、purchaser、approver、admin。",
    },
    "parse.bad_limit": {
        "en": "“{value}” is not an amount.",
        "zh-Hans": "“{value}”不是有效金额。",
    },
    "parse.missing_warehouse": {
        "en": "Which warehouse should this chat use?",
        "zh-Hans": "本群绑定哪个仓库？",
    },
    "parse.missing_lang": {
        "en": "Which language? en, zh-Hans or zh-Hant.",
        "zh-Hans": "用哪种语言？en、zh-Hans 或 zh-Hant。",
    },
    "parse.unknown_lang": {
        "en": "Unknown language “{value}”; use en, zh-Hans or zh-Hant.",
        "zh-Hans": "不支持“{value}”；可选 en、zh-Hans、zh-Hant。",
    },

    # ---------------------------------------------------------------- quantities
    "qty.missing": {
        "en": "The quantity is missing.",
        "zh-Hans": "缺少数量。",
    },
    "qty.invalid": {
        "en": "“{token}” is not a quantity; write e.g. 20, 20pcs, 2.5kg or 1,000.",
        "zh-Hans": "“{token}”不是有效的数量，请写成 20、20个、2.5kg 或 1,000 这样。",
    },
    "qty.not_positive": {
        "en": "The quantity must be more than zero (got “{token}”).",
        "zh-Hans": "数量必须大于零（收到“{token}”）。",
    },
    "qty.not_finite": {
        "en": "“{token}” is not a number.",
        "zh-Hans": "“{token}”不是数字。",
    },
    "qty.scientific": {
        "en": "Write the quantity in full, without exponents (got “{token}”).",
        "zh-Hans": "请写完整的数字，不要用科学计数法（收到“{token}”）。",
    },
    "qty.too_many_decimals": {
        "en": "At most {max} decimal places, please (got “{token}”).",
        "zh-Hans": "最多 {max} 位小数（收到“{token}”）。",
    },
    "qty.too_large": {
        "en": "“{token}” is too large (at most {max} digits before the decimal point).",
        "zh-Hans": "“{token}”太大了（整数部分最多 {max} 位）。",
    },

    # ---------------------------------------------------------------- console
    "console.error": {
        "en": "Something went wrong; it has been logged. Please try again.",
        "zh-Hans": "出了点问题，已记录，请再试一次。",
    },
    "console.as_user": {
        "en": "Now typing as {user}.",
        "zh-Hans": "现在以 {user} 的身份输入。",
    },
    "console.as_usage": {
        "en": "Usage: `/as <user>` (now typing as {user}).",
        "zh-Hans": "用法：`/as <用户>`（当前身份：{user}）。",
    },
    "console.unknown_button": {
        "en": "There is no button [{number}] in this chat. Type `/pending` for what waits for "
              "you, with fresh buttons.",
        "zh-Hans": "本对话中没有编号为 [{number}] 的按钮。"
                   "输入 `待办` 查看等你处理的事项（附新按钮）。",
        "zh-Hant": "本對話中沒有編號為 [{number}] 的按鈕。"
                   "輸入 `待辦` 查看等你處理的事項（附新按鈕）。",
    },
    "console.pressed": {"en": "(pressed [{number}])", "zh-Hans": "（已按 [{number}]）"},
    "console.answered": {
        "en": "(answered the open question with {number}; type [{number}] to press a button)",
        "zh-Hans": "（已用 {number} 回答当前问题；按按钮请输入 [{number}]）",
    },

    # ---------------------------------------------------------------- usage lines
    "usage.stock": {
        "en": "Usage: `/stock <code, name or spec>`",
        "zh-Hans": "用法：`查库存 <编码、名称或规格>`（或 `/stock`）",
    },
    "usage.request": {
        "en": "Usage: `/request <item> <qty> [for <WO>] [note…]`",
        "zh-Hans": "用法：`领料 <物料> <数量> [工单 <工单号>] [备注…]`（或 `/request`）",
    },
    "usage.receive": {
        "en": "Usage: `/receive <item> <qty> [po <PO>] [batch <lot>] [exp <YYYY-MM-DD>] [loc <location>]`",  # noqa: E501
        "zh-Hans": "用法：`入库 <物料> <数量> [采购单 <单号>] [批次 <批号>] [有效期 <年-月-日>] [库位 <库位>]`（或 `/receive`）",  # noqa: E501
    },
    "usage.purchase": {
        "en": "Usage: `/purchase <item> <qty> [supplier…]`",
        "zh-Hans": "用法：`采购 <物料> <数量> [供应商…]`（或 `/purchase`）",
    },
    "usage.transfer": {
        "en": "Usage: `/transfer <item> <qty> <from> <to>`",
        "zh-Hans": "用法：`调拨 <物料> <数量> <调出> <调入>`（或 `/transfer`）",
    },
    "usage.return": {
        "en": "Usage: `/return <item> <qty> [note…]`",
        "zh-Hans": "用法：`退料 <物料> <数量> [备注…]`（或 `/return`）",
    },
    "usage.count": {
        "en": "Usage: `/count <location or item>`",
        "zh-Hans": "用法：`盘点 <库位或物料>`（或 `/count`）",
    },
    "usage.wo": {
        "en": "Usage: `/wo <product> <qty> [due <YYYY-MM-DD>]`, `/wo` (list), `/wo <WO> complete <qty>`",  # noqa: E501
        "zh-Hans": "用法：`工单 <产品> <数量> [交期 <年-月-日>]`、`工单`（列表）、`工单 <工单号> 完工 <数量>`（或 `/wo`）",  # noqa: E501
    },
    "usage.bom": {
        "en": "Usage: `/bom <product>`",
        "zh-Hans": "用法：`物料清单 <产品>`（或 `/bom`）",
    },
    "usage.suggest": {
        "en": "Usage: `/suggest`",
        "zh-Hans": "用法：`建议采购`（或 `/suggest`）",
    },
    "usage.shortages": {
        "en": "Usage: `/shortages`",
        "zh-Hans": "用法：`缺料`（或 `/shortages`）",
    },
    "usage.summary": {
        "en": "Usage: `/summary`",
        "zh-Hans": "用法：`日报`（或 `/summary`）",
    },
    "usage.report": {
        "en": "Usage: `/report [<name> [period]]` — `/report` alone lists them",
        "zh-Hans": "用法：`报表 [<名称> [期间]]`（或 `/report`）— 只写 `报表` 列出全部",
    },
    "usage.policy": {
        "en": "Usage: `/policy <item> [pin safety|rop <qty> | dynamic | fixed]`",
        "zh-Hans": "用法：`补货策略 <物料> [pin safety|rop <数量> | dynamic | fixed]`"
        "（或 `/policy`）",
    },
    "usage.undo": {
        "en": "Usage: `/undo <movement no.> <reason…>`",
        "zh-Hans": "用法：`冲销 <记录编号> <原因…>`（或 `/undo`）",
    },
    "usage.history": {
        "en": "Usage: `/history <item or document>`",
        "zh-Hans": "用法：`历史 <物料或单据>`（或 `/history`）",
    },
    "usage.help": {
        "en": "Usage: `/help [command]`",
        "zh-Hans": "用法：`帮助 [命令]`（或 `/help`）",
    },
    "usage.role": {
        "en": "Usage: `/role <@user> <staff|keeper|purchaser|approver|admin> [limit]`; "
              f"name someone as `<{_IDS}>:<id>` too",
        "zh-Hans": "用法：`/role <@用户> <staff|keeper|purchaser|approver|admin> [审批限额]`；"
                   f"也可写成 `<{_IDS}>:<编号>`",
    },
    "usage.bind": {
        "en": "Usage: `/bind <warehouse> [en|zh-Hans|zh-Hant]`",
        "zh-Hans": "用法：`/bind <仓库> [en|zh-Hans|zh-Hant]`",
    },
    "usage.lang": {
        "en": "Usage: `/lang <en|zh-Hans|zh-Hant>`",
        "zh-Hans": "用法：`/lang <en|zh-Hans|zh-Hant>`（或 `语言 简体`）",
    },
    "parse.missing_document": {
        "en": "Which document? Give its number, e.g. MR-00012.",
        "zh-Hans": "请给出单号，例如 MR-00012。",
    },
    "usage.issue": {
        "en": "Usage: `/issue <MR-no.> [qty]` (keepers; all that is left when no qty)",
        "zh-Hans": "用法：`发料 <领料单号> [数量]`（仓管；不写数量则发剩余全部）",
    },
    "usage.approve": {
        "en": "Usage: `/approve <document no.>`",
        "zh-Hans": "用法：`批准 <单号>`（或 `/approve`）",
    },
    "usage.reject": {
        "en": "Usage: `/reject <document no.> <reason…>`",
        "zh-Hans": "用法：`驳回 <单号> <原因…>`（或 `/reject`）",
    },
    "usage.qc": {
        "en": "Usage: `/qc <GR-no.> <accepted qty> [reject <qty> <reason…>]`",
        "zh-Hans": "用法：`质检 <入库单号> <合格数量> [reject <不合格数量> <原因…>]`",
    },
    "usage.confirm": {
        "en": "Usage: `/confirm <MR-no.>` (the requester confirms receipt)",
        "zh-Hans": "用法：`签收 <领料单号>`（申请人确认收到）",
    },
    "usage.cancel": {
        "en": "Usage: `/cancel <document no.> [reason]`",
        "zh-Hans": "用法：`取消 <单号> [原因]`（或 `/cancel`）",
    },
    "usage.pending": {
        "en": "Usage: `/pending` (what waits for you)",
        "zh-Hans": "用法：`待办`（或 `/pending`）",
    },
    "usage.link": {
        "en": f"Usage: `/link <@user> <{_IDS}>:<id>` (admins)",
        "zh-Hans": f"用法：`/link <@用户> <{_IDS}>:<编号>`（管理员）",
    },
    "parse.bad_identity": {
        "en": f"“{{value}}” is not an identity; write it as `<platform>:<id>`, e.g. {_EXAMPLES}.",
        "zh-Hans": f"“{{value}}”不是有效身份，请写成 `<平台>:<编号>`，例如 {_EXAMPLES}。",
    },
    "parse.identity_too_long": {
        "en": "“{value}” is longer than any user id or username ({max} characters at most).",
        "zh-Hans": "“{value}”超过了用户 ID 或用户名的最大长度（最多 {max} 个字符）。",
    },
    "usage.as": {
        "en": "Usage: `/as <user>` (console only)",
        "zh-Hans": "用法：`/as <用户>`（仅限控制台）",
    },

}
# fmt: on

CATALOG.update(HELP)
