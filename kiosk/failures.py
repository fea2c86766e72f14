"""What a person is told when an action does not go through, in one place for the kiosk and the command line.

A refusal (a rule, a wrong code) and a named fault (unreachable, busy, disk full, read-only, damaged:
``db.core.faults``) already carry their sentence. Anything else is a fault the kiosk does not know: its
traceback goes to ``kiosk.log`` in the user data folder for IT, and the person is told where, never shown
the traceback and never told it was saved.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from db.core import Fault, NotReady, Refused
from kiosk.config import data_dir

LOG_NAME = "kiosk.log"
UNKNOWN = "Not saved: the kiosk hit a fault it does not know (details in {log}); tell IT."
_logger = logging.getLogger("custody_kiosk.faults")


def log_file() -> Path:
    return data_dir() / LOG_NAME


def sentence_for(exc: BaseException) -> str:
    """The one sentence for what went wrong; an unknown fault is logged with its traceback first."""
    if isinstance(exc, (Refused, Fault, NotReady)):
        return str(exc)
    return UNKNOWN.format(log=record(exc))


def record(exc: BaseException) -> str:
    """Write the exception and its traceback to the log file; returns where (or why it could not)."""
    path = log_file()
    try:
        if not _logger.handlers:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            _logger.addHandler(handler)
            _logger.propagate = False
        _logger.error("unexpected fault", exc_info=(type(exc), exc, exc.__traceback__))
        for handler in _logger.handlers:
            handler.flush()
    except OSError:  # the disk that failed may hold the log too: say so instead of a path that has nothing
        return f"{path}, which could not be written either"
    return str(path)
