"""The open API (`/api/v1`): what the factory's ERP, MES or finance software reads and posts.

It is an adapter like Slack or Telegram: it authenticates a key, turns JSON into the typed
commands the chat parses into, and runs the same flows through the runtime — the one posting
path, the same refusals in the caller's language. Reads are plain queries on the store.
"""
