"""The help texts: `/help` (composed from HELP_LINES) and `/help <command>`, merged into
the catalogue by `stockbot.i18n.catalog`. Kept apart because they are long."""

from __future__ import annotations

# fmt: off
HELP: dict[str, dict[str, str]] = {
    # The overview is composed (`stockbot.i18n.help_text`): the head, then one line per entry
    # of HELP_LINES whose commands all have a handler.
    "help.head": {
        "en": "*Commands* (Chinese aliases work too)",
        "zh-Hans": "*命令*（英文命令同样可用）",
    },
    "help.line.stock": {
        "en": "`/stock <query>` look up stock (查库存)",
        "zh-Hans": "`查库存 <查询>` 查库存（/stock）",
    },
    "help.line.request": {
        "en": "`/request <item> <qty> [for <WO>]` ask for material (领料)",
        "zh-Hans": "`领料 <物料> <数量> [工单 <工单号>]` 领料申请（/request）",
    },
    "help.line.receive": {
        "en": "`/receive <item> <qty> [po …] [batch …] [exp …] [loc …]` goods in (入库)",
        "zh-Hans": "`入库 <物料> <数量> [采购单 …] [批次 …] [有效期 …] [库位 …]` 到货入库（/receive）",  # noqa: E501
    },
    "help.line.purchase": {
        "en": "`/purchase <item> <qty> [supplier]` purchase request (采购)",
        "zh-Hans": "`采购 <物料> <数量> [供应商]` 采购申请（/purchase）",
    },
    "help.line.transfer": {
        "en": "`/transfer <item> <qty> <from> <to>` move stock (调拨)",
        "zh-Hans": "`调拨 <物料> <数量> <调出> <调入>` 调拨（/transfer）",
    },
    "help.line.return": {
        "en": "`/return <item> <qty>` material back to stock (退料)",
        "zh-Hans": "`退料 <物料> <数量>` 退料（/return）",
    },
    "help.line.count": {
        "en": "`/count <location or item>` stocktake (盘点)",
        "zh-Hans": "`盘点 <库位或物料>` 盘点（/count）",
    },
    "help.line.wo": {
        "en": "`/wo <product> <qty> [due <date>]` work order, kitting check; `/wo` lists (工单)",
        "zh-Hans": "`工单 <产品> <数量> [交期 <日期>]` 工单与齐套检查；`工单` 列出工单（/wo）",
    },
    "help.line.bom": {
        "en": "`/bom <product>` bill of materials (物料清单); `/suggest` what to buy (建议采购)",
        "zh-Hans": "`物料清单 <产品>` 物料清单（/bom）；`建议采购` 建议采购清单（/suggest）",
    },
    "help.line.pending": {
        "en": "`/pending` what waits for you (待办)",
        "zh-Hans": "`待办` 等你处理的事项（/pending）",
    },
    "help.line.documents": {
        "en": "`/issue`, `/approve`, `/reject`, `/qc`, `/confirm`, `/cancel` `<doc no.>` "
              "act on a document (发料, 批准, 驳回, 质检, 签收, 取消)",
        "zh-Hans": "`发料`、`批准`、`驳回`、`质检`、`签收`、`取消` `<单号>` 处理单据",
    },
    "help.line.reports": {
        "en": "`/shortages`, `/summary`, `/report <name>` reports (缺料, 日报, 报表)",
        "zh-Hans": "`缺料`、`日报`、`报表 <名称>` 报表（/shortages、/summary、/report）",
    },
    "help.line.undo": {
        "en": "`/undo <movement> <reason>` reverse a movement (冲销)",
        "zh-Hans": "`冲销 <记录编号> <原因>` 冲销出入库记录（/undo）",
    },
    "help.line.history": {
        "en": "`/history <item or document>` movements (历史)",
        "zh-Hans": "`历史 <物料或单据>` 出入库记录（/history）",
    },
    "help.line.settings": {
        "en": "`/role`, `/bind`, `/lang` admin and settings",
        "zh-Hans": "`/role`、`/bind`、`/lang` 角色、绑定仓库与语言",
    },
    "help.line.help": {
        "en": "`/help <command>` details for one command",
        "zh-Hans": "`帮助 <命令>` 查看某个命令的说明",
    },
    "help.unavailable": {
        "en": "`/{command}` is not available in this version yet: nothing handles it, so it is "
              "not in `/help`. See `/help` for what works today.",
        "zh-Hans": "`/{command}` 在当前版本中尚未开放（没有处理它的功能），所以不在帮助列表中。"
                   "发送 `帮助` 查看现在可用的命令。",
        "zh-Hant": "`/{command}` 在目前版本中尚未開放（沒有處理它的功能），所以不在說明列表中。"
                   "傳送 `幫助` 查看現在可用的命令。",
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
        "en": "A report as a chart and a table: turnover, ageing, abc, cover, suppliers, "
        "shortages, movements; `/report` alone lists them.\n"
        "Example: `/report turnover 90d`, `/report movements 本月 warehouse`",
        "zh-Hans": "以图表和表格显示报表：周转、库龄、ABC、可用天数、供应商、缺料、出入库；"
        "只发 `报表` 列出全部。\n例如：`报表 周转 90d`、`报表 出入库 本月 仓库`",
    },
    "help.policy": {
        "en": "Safety stock and reorder point of an item: fixed, or dynamic (recomputed weekly "
        "from usage and lead times). Admins may pin a value or return it to dynamic.\n"
        "Example: `/policy M8 pin safety 40`",
        "zh-Hans": "物料的安全库存和再订货点：固定，或动态（每周按用量和交期重算）。"
        "管理员可固定某个值或恢复动态。\n例如：`补货策略 M8 pin safety 40`",
    },
    "help.line.policy": {
        "en": "`/policy <item>` safety stock and reorder point (补货策略)",
        "zh-Hans": "`补货策略 <物料>` 安全库存与再订货点（/policy）",
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

#: The overview's lines in order: (the commands a line offers, its key). A line is shown only
#: when every command it names has a handler, so a command appears in `/help` the moment its
#: flow registers it (and never before).
HELP_LINES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("stock",), "help.line.stock"),
    (("request",), "help.line.request"),
    (("receive",), "help.line.receive"),
    (("purchase",), "help.line.purchase"),
    (("transfer",), "help.line.transfer"),
    (("return",), "help.line.return"),
    (("count",), "help.line.count"),
    (("wo",), "help.line.wo"),
    (("bom", "suggest"), "help.line.bom"),
    (("pending",), "help.line.pending"),
    (("issue", "approve", "reject", "qc", "confirm", "cancel"), "help.line.documents"),
    (("shortages", "summary", "report"), "help.line.reports"),
    (("policy",), "help.line.policy"),
    (("board",), "help.line.board"),
    (("undo",), "help.line.undo"),
    (("history",), "help.line.history"),
    (("role", "bind", "lang"), "help.line.settings"),
    (("help",), "help.line.help"),
)
