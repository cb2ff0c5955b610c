"""Structured JSON logs (one object per line) with the context of the record being processed."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

CONTEXT_FIELDS = ("item_id", "topic", "partition", "offset", "error_code", "event", "config")
_RESERVED = set(logging.LogRecord("x", 0, "x", 0, "x", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats records as JSON lines: time, level, logger, message, and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


class RepeatFilter(logging.Filter):
    """Lets a repeated message through once per ``interval`` seconds, then says how often it repeated.

    During a broker outage the Kafka client logs the same connection error ten times a
    second; this keeps the log readable (and small) without hiding that it is happening.
    Messages are grouped by logger, level and their format string (not the arguments).
    wirewash's own warnings are never collapsed: they are rate-limited by their backoff.
    """

    def __init__(self, interval: float = 30.0, clock: Callable[[], float] = time.monotonic, max_keys: int = 1000):
        super().__init__()
        self.interval = interval
        self.clock = clock
        self.max_keys = max_keys
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or record.name.startswith("wirewash"):
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        first, suppressed = self._seen.get(key, (None, 0))
        if first is not None and now - first < self.interval:
            self._seen[key] = (first, suppressed + 1)
            return False
        if len(self._seen) >= self.max_keys:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if suppressed:
            record.repeated = suppressed  # shown as a field in JSON logs
            record.msg = f"{record.msg} (and {suppressed} more like it in the last {self.interval:.0f}s)"
        return True


def configure(level: str = "INFO", fmt: str = "json", repeat_interval: float = 30.0) -> None:
    """Route all logging (wirewash, faust, aiokafka) to stderr in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    if repeat_interval > 0:
        handler.addFilter(RepeatFilter(repeat_interval))
    root.addHandler(handler)
    root.setLevel(level)
    # the Kafka client is chatty at INFO about every rebalance step
    for noisy in ("aiokafka", "kafka"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
