"""The message catalogue: one entry per key, one line per language (see `stockbot.i18n`).

Add ``"area.key": {"en": "...", "zh-Hans": "..."},`` here; ``"zh-Hant"`` only where the OpenCC
conversion of the ``"zh-Hans"`` text is wrong.
"""

from __future__ import annotations

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
        "en": "There is no button [{number}].",
        "zh-Hans": "没有编号为 [{number}] 的按钮。",
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
        "en": "Usage: `/report <name>`",
        "zh-Hans": "用法：`报表 <名称>`（或 `/report`）",
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
        "en": "Usage: `/role <@user> <staff|keeper|purchaser|approver|admin> [limit]`",
        "zh-Hans": "用法：`/role <@用户> <staff|keeper|purchaser|approver|admin> [审批限额]`",
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
        "en": "Usage: `/link <@user> <slack|telegram>:<id>` (admins)",
        "zh-Hans": "用法：`/link <@用户> <slack|telegram>:<编号>`（管理员）",
    },
    "parse.bad_identity": {
        "en": "“{value}” is not an identity; write it as `telegram:123456789` or `slack:U0123`.",
        "zh-Hans": "“{value}”不是有效身份，请写成 `telegram:123456789` 或 `slack:U0123`。",
    },
    "parse.identity_too_long": {
        "en": "“{value}” is longer than any user id or username ({max} characters at most).",
        "zh-Hans": "“{value}”超过了用户 ID 或用户名的最大长度（最多 {max} 个字符）。",
    },
    "usage.as": {
        "en": "Usage: `/as <user>` (console only)",
        "zh-Hans": "用法：`/as <用户>`（仅限控制台）",
    },

    # ---------------------------------------------------------------- help
    "help.overview": {
        "en": (
            "*Commands* (Chinese aliases work too)\n"
            "`/stock <query>` look up stock (查库存)\n"
            "`/request <item> <qty> [for <WO>]` ask for material (领料)\n"
            "`/receive <item> <qty> [po …] [batch …] [exp …] [loc …]` goods in (入库)\n"
            "`/purchase <item> <qty> [supplier]` purchase request (采购)\n"
            "`/transfer <item> <qty> <from> <to>` move stock (调拨)\n"
            "`/return <item> <qty>` material back to stock (退料)\n"
            "`/count <location or item>` stocktake (盘点)\n"
            "`/wo <product> <qty> [due <date>]` work order with kitting check; `/wo` lists (工单)\n"
            "`/bom <product>` bill of materials (物料清单); `/suggest` what to buy (建议采购)\n"
            "`/pending` what waits for you (待办)\n"
            "`/issue`, `/approve`, `/reject`, `/qc`, `/confirm`, `/cancel` `<doc no.>` "
            "act on a document (发料, 批准, 驳回, 质检, 签收, 取消)\n"
            "`/shortages`, `/summary`, `/report <name>` reports (缺料, 日报, 报表)\n"
            "`/undo <movement> <reason>` reverse a movement (冲销)\n"
            "`/history <item or document>` movements (历史)\n"
            "`/role`, `/bind`, `/lang` admin and settings\n"
            "`/help <command>` details for one command"
        ),
        "zh-Hans": (
            "*命令*（英文命令同样可用）\n"
            "`查库存 <查询>` 查库存（/stock）\n"
            "`领料 <物料> <数量> [工单 <工单号>]` 领料申请（/request）\n"
            "`入库 <物料> <数量> [采购单 …] [批次 …] [有效期 …] [库位 …]` 到货入库（/receive）\n"
            "`采购 <物料> <数量> [供应商]` 采购申请（/purchase）\n"
            "`调拨 <物料> <数量> <调出> <调入>` 调拨（/transfer）\n"
            "`退料 <物料> <数量>` 退料（/return）\n"
            "`盘点 <库位或物料>` 盘点（/count）\n"
            "`工单 <产品> <数量> [交期 <日期>]` 工单与齐套检查；`工单` 列出工单（/wo）\n"
            "`物料清单 <产品>` 物料清单（/bom）；`建议采购` 建议采购清单（/suggest）\n"
            "`待办` 等你处理的事项（/pending）\n"
            "`发料`、`批准`、`驳回`、`质检`、`签收`、`取消` `<单号>` 处理单据\n"
            "`缺料`、`日报`、`报表 <名称>` 报表（/shortages、/summary、/report）\n"
            "`冲销 <记录编号> <原因>` 冲销出入库记录（/undo）\n"
            "`历史 <物料或单据>` 出入库记录（/history）\n"
            "`/role`、`/bind`、`/lang` 角色、绑定仓库与语言\n"
            "`帮助 <命令>` 查看某个命令的说明"
        ),
    },
    "help.stock": {
        "en": "Looks up by code, name, spec or alias: on hand, reserved, available, on order. "
              "Several matches give a choice.\nExample: `/stock M8`",
        "zh-Hans": "按编码、名称、规格或别名查找：在库、预留、可用、在途。多个结果时让你选择。\n"
                   "例如：`查库存 M8`",
    },
    "help.request": {
        "en": "Asks for material; after approval the keeper issues it. The quantity is the last "
              "number before `for`.\nExample: `/request hex bolt M8 20 for WO-12 urgent`",
        "zh-Hans": "提交领料申请，审批后由仓管发料。数量是 `工单` 前面的最后一个数字。\n"
                   "例如：`领料 M8螺栓 20个 工单 WO-12 加急`",
    },
    "help.receive": {
        "en": "Books goods in, against a purchase order if given; items that need QC wait for "
              "inspection.\nExample: `/receive 6204 bearing 100 po PO-7 batch L2405 exp 2026-05-31 loc A-01`",  # noqa: E501
        "zh-Hans": "到货入库，可关联采购单；需要质检的物料先待检。\n"
                   "例如：`入库 6204轴承 100 采购单 PO-7 批次 L2405 有效期 2026-05-31 库位 A-01`",
    },
    "help.purchase": {
        "en": "Raises a purchase request for approval.\nExample: `/purchase M8 bolt 5000 Acme`",
        "zh-Hans": "提交采购申请，等待审批。\n例如：`采购 M8螺栓 5000 华东五金`",
    },
    "help.transfer": {
        "en": "Moves stock between warehouses or locations.\nExample: `/transfer M8 bolt 200 WH1 WH2`",  # noqa: E501
        "zh-Hans": "在仓库或库位之间调拨。\n例如：`调拨 M8螺栓 200 一号仓 二号仓`",
    },
    "help.return": {
        "en": "Returns unused material to stock.\nExample: `/return M8 bolt 5 left over`",
        "zh-Hans": "把没用完的物料退回仓库。\n例如：`退料 M8螺栓 5 多领了`",
    },
    "help.count": {
        "en": "Starts a count, or answers one; differences become adjustments after approval.\n"
              "Example: `/count A-01`; correct a counted line: `/count CNT-1 line 3 150`",
        "zh-Hans": "发起或回复盘点；盘盈盘亏经审批后调整。\n例如：`盘点 A-01`；"
                   "更正已盘的行：`盘点 CNT-1 行 3 150`",
    },
    "help.wo": {
        "en": "Creates a work order: explodes the BOM and shows the kitting check (required, "
              "available, short, on order, arrival); then Release (reserve), Issue kit, "
              "Complete, Cancel. `/wo` alone lists open work orders.\n"
              "Example: `/wo chair 50 due 2026-12-24`",
        "zh-Hans": "创建工单：展开物料清单并做齐套检查（需求、可用、缺料、在途、到货日），"
                   "然后下达（预留）、发放套料、完工、取消。只输入 `工单` 列出未完工单。\n"
                   "例如：`工单 椅子 50 交期 2026-12-24`",
    },
    "help.bom": {
        "en": "Shows a product's bill of materials as a tree, per unit, scrap included.\n"
              "Example: `/bom chair`",
        "zh-Hans": "以树形显示产品的物料清单（每件用量，含损耗）。\n例如：`物料清单 椅子`",
    },
    "help.suggest": {
        "en": "Suggested purchases: items projected below their reorder point or short for "
              "work orders, with quantity and supplier, and one button to raise them all.",
        "zh-Hans": "建议采购：预计低于再订货点或不够工单所需的物料，附建议量和供应商，"
                   "一键全部提交采购申请。",
    },
    "help.shortages": {
        "en": "Items whose projected stock is below the reorder point.",
        "zh-Hans": "预计库存低于再订货点的物料。",
    },
    "help.summary": {
        "en": "Today's movements and open requests, like the daily post.",
        "zh-Hans": "今天的出入库和待办申请，与每日推送相同。",
    },
    "help.report": {
        "en": "Sends a named report.\nExample: `/report stale`",
        "zh-Hans": "发送指定的报表。\n例如：`报表 呆滞料`",
    },
    "help.issue": {
        "en": "Issue an approved material request, FIFO / first-expiry-first-out across batches.",
        "zh-Hans": "按先进先出/先到期先出发放已批准的领料单。",
    },
    "help.approve": {
        "en": "Approve a material or purchase request (never your own).",
        "zh-Hans": "批准领料或采购申请（不能批准自己的申请）。",
    },
    "help.reject": {
        "en": "Reject a request; the reason is sent to the requester.",
        "zh-Hans": "驳回申请，原因会通知申请人。",
    },
    "help.qc": {
        "en": "Record the QC result of a receipt; only accepted quantity becomes stock.",
        "zh-Hans": "登记入库质检结果；只有合格数量入账。",
    },
    "help.confirm": {
        "en": "Confirm you received the material issued to you (签收).",
        "zh-Hans": "确认已收到发放的物料。",
    },
    "help.cancel": {
        "en": "Cancel your own request that has not been issued yet.",
        "zh-Hans": "取消尚未发料的本人申请。",
    },
    "help.pending": {
        "en": "Lists what waits for you: approvals, issues, QC, receipts to confirm.",
        "zh-Hans": "列出等待你处理的事项：审批、发料、质检、签收。",
    },
    "help.link": {
        "en": "Tells stockbot that an identity on another platform is the same person, so roles "
        "and requests follow them (admins).",
        "zh-Hans": "把另一平台上的身份关联到同一个人，角色与申请随之共享（管理员）。",
    },
    "help.undo": {
        "en": "Reverses a movement with a new movement (keeper or admin); the reason is kept.\n"
              "Example: `/undo 1234 wrong item`",
        "zh-Hans": "用一条反向记录冲销（仓管或管理员），原因会保留。\n例如：`冲销 1234 物料录错`",
    },
    "help.history": {
        "en": "Recent movements of an item, or of a document (request, PO, WO).\n"
              "Example: `/history M8`",
        "zh-Hans": "某个物料或单据（领料单、采购单、工单）的出入库记录。\n例如：`历史 M8`",
    },
    "help.help": {
        "en": "Lists the commands, or explains one.\nExample: `/help request`",
        "zh-Hans": "列出所有命令，或说明某个命令。\n例如：`帮助 领料`",
    },
    "help.role": {
        "en": "Admin only: sets a user's role; an approver may get an amount limit.\n"
              "Example: `/role @li approver 5000`",
        "zh-Hans": "仅限管理员：设置用户角色，审批人可设金额上限。\n"
                   "例如：`/role @小李 approver 5000`",
    },
    "help.bind": {
        "en": "Admin only: binds this chat to a warehouse and, optionally, a language.\n"
              "Example: `/bind WH1 zh-Hans`",
        "zh-Hans": "仅限管理员：把本群绑定到仓库，可同时设置语言。\n例如：`/bind 一号仓 zh-Hans`",
    },
    "help.lang": {
        "en": "Sets the language of my replies to you (admins set a chat's with `/bind`).\n"
        "Example: `/lang zh-Hant`",
        "zh-Hans": "设置我回复你时使用的语言（群的语言由管理员用 `/bind` 设置）。\n"
        "例如：`/lang zh-Hans`",
    },
    "help.as": {
        "en": "Console only: type as another user, to try roles and approvals.\nExample: `/as li`",
        "zh-Hans": "仅限控制台：切换成另一个用户，用来试角色和审批。\n例如：`/as li`",
    },
}
# fmt: on
