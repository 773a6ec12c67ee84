"""Routine refusals (a 403 or a 404) are logged as one line: they are answers the site meant to give, not faults."""

from __future__ import annotations

import logging

ROUTINE_STATUSES = frozenset({400, 401, 403, 404, 405, 429})


class RoutineRefusalsInOneLine(logging.Filter):
    """Django logs a PermissionDenied or Http404 with its traceback; keep the line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in ROUTINE_STATUSES:
            record.exc_info = None
            record.exc_text = None
        return True
