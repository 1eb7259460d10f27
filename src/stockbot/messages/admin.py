"""Administration answers about whom an admin means (`/role`, `/link`)."""

from stockbot.i18n import register
from stockbot.platforms import identity_examples, spoken_list

_HOW_EN = (
    "mention them (pick them from the list as you type), reply to one of their messages with "
    f"the command, or name them as <platform>:<id>, the platform being {spoken_list('en')} "
    f"(e.g. {identity_examples()})"
)
_HOW_ZH = (
    "请在输入时从列表中选择并提及对方，或回复对方的消息发送命令，"
    f"或写成 <平台>:<编号>，平台为 {spoken_list('zh-Hans')}（例如 {identity_examples()}）"
)

MESSAGES = {
    "admin.user_unknown": {
        "en": "I cannot tell who “{user}” is: nobody with that username has written here. "
        f"To name someone, {_HOW_EN}. Nothing was changed.",
        "zh-Hans": f"无法确定“{{user}}”是谁：没有使用该用户名的人在这里发过消息。{_HOW_ZH}。"
        "未做任何更改。",
    },
    "admin.user_ambiguous": {
        "en": f"Several users answer to “{{user}}”; {_HOW_EN}. Nothing was changed.",
        "zh-Hans": f"有多个用户对应“{{user}}”。{_HOW_ZH}。未做任何更改。",
    },
    "admin.name_whom": {
        "en": f"Whom do you mean? To name someone, {_HOW_EN}. Nothing was changed.",
        "zh-Hans": f"指的是谁？{_HOW_ZH}。未做任何更改。",
    },
}
register(MESSAGES)
