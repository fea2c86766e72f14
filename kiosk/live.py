"""Keeping every kiosk live: one cheap poll of the newest ledger row, once a second.

When any kiosk records anything, the newest ledger id changes and the screens that list phones reload. The same
poll is the health check: a poll that cannot reach the school database puts up the "Not saved" banner, and the
first poll that gets through again takes it down. One query (``SELECT max(id) FROM ledger_entry``, a primary key
lookup) works the same on SQLite and PostgreSQL, on any network, with no server-side set-up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.dom import DOMNode
from textual.signal import Signal

if TYPE_CHECKING:
    from kiosk.app import KioskApp

POLL_SECONDS = 1.0  # a check-in at another kiosk shows within about a second (docs/performance.md)


class LedgerWatch:
    """Polls the database from a thread of its own and tells the event loop what changed.

    ``changed`` carries the newest ledger id when another write lands (or the database comes back);
    ``reach`` carries True/False when the school database becomes reachable or unreachable.

    Its own daemon thread rather than a Textual worker: a worker that never ends would hold an executor
    slot that scans need and would keep ``workers.wait_for_complete()`` waiting for ever.
    """

    def __init__(self, app: KioskApp, poll_seconds: float = POLL_SECONDS) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.changed: Signal[int] = Signal(app, "ledger-changed")
        self.reach: Signal[bool] = Signal(app, "database-reach")
        self.reachable = True
        self.newest: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start polling (once; later calls do nothing)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ledger-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - a screen's callback failing must not end the watch for the day
                logging.getLogger(__name__).exception("the ledger watch's poll failed")
            self._stop.wait(self.poll_seconds)

    def poll(self) -> None:
        """One look at the database (in the watch thread; a test may call it directly)."""
        from db.core import Unreachable  # loaded by the time the database is open

        try:
            newest = self.app.database.newest_entry()
        except Unreachable:
            if self.reachable:
                self.reachable = False
                self._tell(self.reach.publish, False)
            return
        except Exception:  # noqa: BLE001 - anything else is not an outage; the next poll tries again
            return
        came_back = not self.reachable
        if came_back:
            self.app.database_back()  # a kiosk started during the outage checks the database is set up
            self.reachable = True
            self._tell(self.reach.publish, True)
        if came_back or (self.newest is not None and newest != self.newest):
            self._tell(self.changed.publish, newest)
        self.newest = newest

    def _tell(self, publish: Callable[[Any], None], value: Any) -> None:
        if self._stop.is_set():  # the app is closing: nobody is left to tell
            return
        try:
            self.app.call_from_thread(publish, value)
        except RuntimeError:  # the app has closed
            self._stop.set()


def when_ledger_changes(node: DOMNode, callback: Callable[[], object]) -> None:
    """Call ``callback`` on the event loop whenever another write lands (screens reload their lists)."""
    watch = getattr(node.app, "live", None)
    if watch is not None:
        watch.changed.subscribe(node, lambda _newest: callback())
