"""``LEARNLOOP_LOG_FORMAT=json``: every log record (uvicorn's and learnloop's request log) as one
JSON object a line on stderr, for a log collector; ``text`` writes them in uvicorn's own format.
Either way the request log is learnloop's, never uvicorn's access log (logging_config)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

__all__ = ["JsonFormatter", "logging_config"]

# uvicorn adds color_message, the message with terminal colour codes: not for a log collector
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


JsonFormatter.converter = time.gmtime


def logging_config(log_format: str, *, access_log: bool = True) -> dict[str, Any]:
    """uvicorn's ``log_config``. Either format writes the request log from learnloop's own logger
    (``learnloop.request``: no query string, no secret path) and silences uvicorn's access log,
    which writes each request's full URL: query strings carry e-mail addresses (xAPI agents) and
    a reminder's stop token, and a calendar link's path is its secret. ``access_log`` off: no
    request log at all."""
    requests = "INFO" if access_log else "WARNING"
    if log_format == "json":
        formatter: dict[str, Any] = {"()": JsonFormatter}
    else:  # uvicorn's own look: "INFO:     message"
        formatter = {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "learnloop": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "learnloop.request": {"level": requests},
        },
    }
