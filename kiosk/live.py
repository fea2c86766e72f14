"""Keeping every kiosk live: one cheap poll of the newest ledger row, once a second.

When any kiosk records anything, the newest ledger id changes and the screens that list phones reload. The same
poll is the health check: a poll that cannot reach the school database puts up the "Not saved" banner with that
fault's own sentence, and the first poll that gets through again takes it down. One query
(``SELECT max(id) FROM ledger_entry``, a primary key lookup) works the same on SQLite and PostgreSQL, on any
network, with no server-side set-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.dom import DOMNode
from textual.signal import Signal

from kiosk.failures import record, sentence_for

if TYPE_CHECKING:
    from db.core import Database

POLL_SECONDS = 1.0  # a check-in at another kiosk shows within about a second (docs/performance.md)
CLOCK_EVERY = 60  # polls between looks at the server's clock: a PC's clock drifts over days, not seconds
CLOCK_WRONG = timedelta(minutes=2)  # less is a PC's normal drift between network time updates


class LedgerWatch:
    """Polls the database from a thread of its own and tells the event loop what changed.

    ``changed`` carries the newest ledger id when another write lands (or the database comes back);
    ``reach`` carries the outage's sentence when the database cannot be reached, and None when it can again.
    ``database`` gives the database (None until it opens); ``back`` runs when it can be reached again.

    Its own daemon thread rather than a Textual worker: a worker that never ends would hold an executor
    slot that scans need and would keep ``workers.wait_for_complete()`` waiting for ever.
    """

    def __init__(self, app: App, database: Callable[[], Database | None], back: Callable[[], None],
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.app = app
        self.database = database
        self.back = back
        self.poll_seconds = poll_seconds
        self.changed: Signal[int] = Signal(app, "ledger-changed")
        self.reach: Signal[str | None] = Signal(app, "database-reach")
        # The sentence while this PC's clock is wrong by more than CLOCK_WRONG (PostgreSQL only), else None.
        self.clock: Signal[str | None] = Signal(app, "clock-wrong")
        self.clock_wrong: str | None = None
        self._polls = 0
        self.outage: str | None = None  # the sentence while the database cannot be reached
        self.newest: int | None = None
        self._fault: str | None = None  # another poll failure, said once until a poll gets through
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
            except Exception as exc:  # noqa: BLE001 - a screen's callback failing must not end the watch for the day
                record(exc)
            self._stop.wait(self.poll_seconds)

    def poll(self) -> None:
        """One look at the database (in the watch thread; a test may call it directly)."""
        from db.core import Unreachable  # loaded by the time the database is open

        try:
            newest = self.database().newest_entry()
        except Unreachable as exc:
            if self.outage is None:
                self.outage = str(exc)
                self._tell(self.reach.publish, self.outage)
            return
        except Exception as exc:  # noqa: BLE001 - not an outage: the next poll tries again
            if self._fault is None:  # a fault the kiosk does not know goes to kiosk.log, once, not every second
                self._fault = sentence_for(exc)
            return
        self._fault = None
        came_back = self.outage is not None
        if came_back:
            self.back()  # a kiosk started during the outage checks the database is set up
            self.outage = None
            self._tell(self.reach.publish, None)
        if came_back or (self.newest is not None and newest != self.newest):
            self._tell(self.changed.publish, newest)
        self.newest = newest
        if self._polls % CLOCK_EVERY == 0:
            self.check_clock()
        self._polls += 1

    def check_clock(self) -> None:
        """Compare this PC's clock with the school's record (in the watch thread; a test may call it directly)."""
        database = self.database()
        try:
            sentence = clock_sentence(database, database.clock_gap())
        except Exception:  # noqa: BLE001 - unreachable now: the outage banner says so; the next look tries again
            return
        if sentence != self.clock_wrong:
            self.clock_wrong = sentence
            self._tell(self.clock.publish, sentence)

    def _tell(self, publish: Callable[[Any], None], value: Any) -> None:
        if self._stop.is_set():  # the app is closing: nobody is left to tell
            return
        try:
            self.app.call_from_thread(publish, value)
        except RuntimeError:  # the app has closed
            self._stop.set()


def clock_sentence(database: Database, gap: timedelta | None) -> str | None:
    """What the banner says when the record's clock is ``gap`` ahead of this PC's (None: nothing to say)."""
    if gap is None or abs(gap) <= CLOCK_WRONG:
        return None
    pc = database.local(database.clock())
    school = database.local(database.clock() + gap)
    shown = "%H:%M" if pc.date() == school.date() else "%H:%M on %a %d %b %Y"
    return (f"This PC's clock is wrong: it says {pc:{shown}}, the school's record says {school:{shown}}. "
            "Records use the school's time.")


def when_ledger_changes(node: DOMNode, callback: Callable[[], object]) -> None:
    """Call ``callback`` on the event loop whenever another write lands (screens reload their lists)."""
    watch = getattr(node.app, "live", None)
    if watch is not None:
        watch.changed.subscribe(node, lambda _newest: callback())
