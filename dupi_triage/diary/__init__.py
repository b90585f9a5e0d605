"""The dose and skin diary: entries (pure), their SQLite store (the edge) and the commands.

Nothing here is imported unless a diary is used: `dupi-triage diary ...` or `assess --from-diary`.
"""
