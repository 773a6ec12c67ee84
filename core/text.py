"""Text that people and programs send: control characters and unpaired UTF-16 surrogates taken out or refused.

A lone surrogate (JSON "\\ud800") cannot be encoded as UTF-8, so it fails in the database or the page; control
characters other than tab and line breaks are never meant and can break logs, CSV files and terminals.
"""

from __future__ import annotations

import re

_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# JSON bodies: nesting deeper than this is not a request of ours (and deep enough nesting crashes parsers).
JSON_MAX_DEPTH = 20


def clean_text(value: str) -> str:
    """The text without control characters (tab, CR and LF stay) and without unpaired surrogates."""
    return _UNWANTED.sub("", value)


def is_clean_text(value: str) -> bool:
    return _UNWANTED.search(value) is None


def json_problem(value: object, *, max_depth: int = JSON_MAX_DEPTH) -> str | None:
    """None for a decoded JSON value whose texts (keys too) are clean and whose nesting is at most ``max_depth``;
    otherwise "depth" or "text"."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not is_clean_text(item):
                return "text"
        elif isinstance(item, dict | list):
            if depth > max_depth:
                return "depth"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def is_clean_json(value: object) -> bool:
    return json_problem(value) is None


def name_shown_to_others(*, name: str, patronymic: str, surname: str) -> str:
    """A person as a bank shows them to someone who pays them or is paid by them: "Иван Петрович С."
    (the surname reduced to its initial, so a payment does not give away a customer's full name)."""
    initial = f"{surname.strip()[:1]}." if surname.strip() else ""
    return " ".join(part for part in (name.strip(), patronymic.strip(), initial) if part)
