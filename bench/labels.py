"""How the report names a backend and a chat setup, in its tables and charts alike."""

from __future__ import annotations

LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL", "postgresql": "PostgreSQL"}


def backend_label(result: dict) -> str:
    return LABELS.get(result.get("backend", ""), result.get("backend", "?"))


def chat_label(result: dict) -> str:
    processes = result["processes"]
    return f"{backend_label(result)}, {result['layer']} layer, {processes} process{'es' if processes > 1 else ''}"
