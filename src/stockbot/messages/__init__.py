"""Message catalogues of the flows, one module per area, apart from the logic that uses them.

Each module registers its keys with `stockbot.i18n.register` when imported; the flow module
imports its catalogue. Keys are what tests assert (`reply.keys()`), not English words.
"""
