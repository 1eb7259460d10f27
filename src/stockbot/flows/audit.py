"""(to be written)"""

COMMANDS: dict = {}
DOC_COMMANDS: dict = {}
ACTIONS: dict = {}
REPLIES: dict = {}
