"""What a person is told when an action does not go through, in one place for the kiosk and the command line.

A refusal (a rule, a wrong code) and a named fault (unreachable, busy, disk full, read-only, damaged:
``db.core.faults``) already carry their sentence. Anything else is a fault the kiosk does not know: its
traceback goes to ``kiosk.log`` in the user data folder for IT, and the person is told where, never shown
the traceback and never told it was saved.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
from pathlib import Path

from db.core import Fault, NotReady, Refused
from kiosk.config import data_dir

LOG_NAME = "kiosk.log"
UNKNOWN = "{not_done}: the kiosk hit a fault it does not know (details in {log}); tell IT."
_logger = logging.getLogger("custody_kiosk.faults")
_lock = threading.Lock()


def log_file() -> Path:
    return data_dir() / LOG_NAME


def sentence_for(exc: BaseException, not_done: str = "Not saved") -> str:
    """The one sentence for what went wrong; an unknown fault is logged with its traceback first.

    ``not_done`` opens the sentence for an unknown fault: "Not printed" when a print job failed, not a record.
    """
    if isinstance(exc, (Refused, Fault, NotReady)):
        return str(exc)
    return UNKNOWN.format(not_done=not_done, log=record(exc))


def record(exc: BaseException) -> str:
    """Write the exception and its traceback to the log file; returns where (or why it could not)."""
    path = log_file()
    try:
        with _lock:  # workers may fail at the same moment
            _log_to(path)
            _logger.error("unexpected fault", exc_info=(type(exc), exc, exc.__traceback__))
            for handler in _logger.handlers:
                handler.flush()
    except OSError:  # the disk that failed may hold the log too: say so instead of a path that has nothing
        return f"{path}, which could not be written either"
    return str(path)


def _log_to(path: Path) -> None:
    """Point the log at ``path``: once, and again if the user data folder moved (each test has its own)."""
    if any(getattr(handler, "baseFilename", None) == os.path.abspath(path) for handler in _logger.handlers):
        return
    for old in list(_logger.handlers):
        _logger.removeHandler(old)
        old.close()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a traceback may quote a pupil's name
    # backslashreplace: a fault quoting a file name with bytes that are not UTF-8 is still logged, as \xff.
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8",
                                                   errors="backslashreplace")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    _logger.addHandler(handler)
    _logger.propagate = False
