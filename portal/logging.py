"""Structured log events: a name and fields (run id, sheet id, counts, duration) that a log
collector can search, written one JSON object a line in production (`JsonFormatter`)."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

#: attributes every LogRecord has; anything else on a record came from `extra={...}`
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


def log_event(logger: logging.Logger, event: str, **fields: Any) -> None:
    """`logger.info(event)` with `event` and `fields` as the record's structured fields."""
    logger.info(event, extra={"event": event, **fields})


def since(start: float) -> float:
    """Seconds elapsed since `start` (a `time.monotonic()` reading), in milliseconds' steps."""
    return round(time.monotonic() - start, 3)


def event_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields of a record: what its `extra={...}` added."""
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the record's
    structured fields, and the exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **event_fields(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
