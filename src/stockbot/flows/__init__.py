"""The workflows. Each flow module declares what it answers:

- `WF`: its document's workflow (`flows.workflow.Workflow`), when it has a document: the runtime
  sends it the document's buttons, `/approve|/reject|/cancel <NO>` and the answers to its
  questions ("why?");
- `COMMANDS`: command name → `(ctx, cmd) -> Reply`;
- `ACTIONS`: (token type, action) → `(ctx, token) -> Reply`, for buttons that are not a
  document's step (a "did you mean" choice, "Request purchase" on a shortage card);
- `REPLIES`: conversation kind → `(ctx, conversation, text) -> Reply`, for a bare answer to a
  question that is not a document's (the count's "how many?").
The runtime merges them; a flow never imports a chat library.
"""

FLOW_MODULES = (
    "stock",
    "requests",
    "purchases",
    "workorders",
    "planning",
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
    "reports",
    "policy",
    "board",
)
