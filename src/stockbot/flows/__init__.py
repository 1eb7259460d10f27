"""The workflows. Each flow module declares what it answers:

- `COMMANDS`: command name → `(ctx, cmd) -> Reply`;
- `DOC_COMMANDS`: (command, document type) → `(ctx, cmd, doc_id) -> Reply`, for commands that
  name a document (`/approve PR-3`, `/reject MR-7 …`, `/cancel …`);
- `ACTIONS`: (document type, action) → `(ctx, token) -> Reply`, for pressed buttons;
- `REPLIES`: conversation kind → `(ctx, conversation, text) -> Reply`, for a bare answer.
The runtime merges them; a flow never imports a chat library.
"""

FLOW_MODULES = (
    "stock",
    "requests",
    "purchases",
    "receipts",
    "moves",
    "returns",
    "stocktake",
    "undo",
    "history",
    "admin",
    "pending",
    "alerts",
    "summary",
)
