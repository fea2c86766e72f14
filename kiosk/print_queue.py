"""The kiosk's print queue: jobs print one at a time in order; a failed one stays until retried or cancelled.

Plain Python and thread-safe: the kiosk's print worker takes jobs from a thread while the screens
read the list. Sending is not done here (kiosk.printing.send does it); this only keeps the order
and the state of each job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from db.core import Refused

if TYPE_CHECKING:  # kiosk.printing loads the database layer: not before the sign-in screen is up
    from kiosk.printing import PrintJob

WAITING, PRINTING, FAILED, PRINTED = "waiting", "printing", "failed", "printed"
KEEP_PRINTED = 10  # printed jobs stay listed (newest) so the screen can show "printed"; older ones go


@dataclass(frozen=True)
class QueuedJob:
    """One job in the queue as it stands; a new copy replaces it each time its state changes."""

    id: int
    title: str  # e.g. "Tags for 6A (27)"
    kind: str  # "tag", "tags", "receipt" or "list": what the kiosk calls it in a sentence
    printer: str  # the printer address it goes to
    state: str  # waiting, printing, failed or printed
    created: datetime
    problem: str | None = None  # a failed job's one sentence
    job: PrintJob | None = None  # the bytes; dropped once printed

    @property
    def open(self) -> bool:
        """Still the queue's business: not printed yet."""
        return self.state != PRINTED


class PrintQueue:
    """Jobs in the order they were queued; at most one is printing at any moment."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._jobs: list[QueuedJob] = []
        self._next_id = 1

    def submit(self, job: PrintJob, printer: str, kind: str) -> QueuedJob:
        """Add a job at the back of the queue, waiting."""
        with self._lock:
            queued = QueuedJob(self._next_id, job.title, kind, printer, WAITING, self._clock(), job=job)
            self._next_id += 1
            self._jobs.append(queued)
            return queued

    def start_next(self) -> QueuedJob | None:
        """The first waiting job, now marked printing; None when nothing waits or another job is printing."""
        with self._lock:
            if any(j.state == PRINTING for j in self._jobs):
                return None
            for i, queued in enumerate(self._jobs):
                if queued.state == WAITING:
                    self._jobs[i] = replace(queued, state=PRINTING, problem=None)
                    return self._jobs[i]
            return None

    def finish(self, job_id: int, problem: str | None = None) -> QueuedJob | None:
        """Mark a printing job printed, or failed with its sentence; None if it was cancelled meanwhile."""
        with self._lock:
            i = self._index(job_id)
            if i is None:
                return None
            queued = self._jobs[i]
            if problem:
                self._jobs[i] = replace(queued, state=FAILED, problem=problem)
            else:
                self._jobs[i] = replace(queued, state=PRINTED, problem=None, job=None)
                printed = [j for j in self._jobs if j.state == PRINTED]
                for old in printed[:-KEEP_PRINTED]:
                    self._jobs.remove(old)
            return self._jobs[self._index(job_id)]

    def retry(self, job_id: int) -> QueuedJob:
        """Put a failed job back to waiting, in its old place in the order; Refused for any other job."""
        with self._lock:
            i = self._find(job_id)
            queued = self._jobs[i]
            if queued.state != FAILED:
                raise Refused(_ONLY_FAILED[queued.state])
            self._jobs[i] = replace(queued, state=WAITING, problem=None)
            return self._jobs[i]

    def cancel(self, job_id: int) -> QueuedJob:
        """Take a waiting or failed job out of the queue; Refused for one printing or printed."""
        with self._lock:
            i = self._find(job_id)
            queued = self._jobs[i]
            if queued.state == PRINTING:
                raise Refused("That job is printing now and cannot be stopped: wait for it to finish.")
            if queued.state == PRINTED:
                raise Refused("That job has printed already: there is nothing to cancel.")
            return self._jobs.pop(i)

    def jobs(self) -> list[QueuedJob]:
        """Every job listed, oldest first (a copy: the queue may change meanwhile)."""
        with self._lock:
            return list(self._jobs)

    def summary(self) -> str:
        """The open jobs in a few words, e.g. "1 failed, 2 waiting"; "" when nothing is left to print."""
        with self._lock:
            counts = {state: sum(1 for j in self._jobs if j.state == state) for state in (FAILED, PRINTING, WAITING)}
        return ", ".join(f"{n} {state}" for state, n in counts.items() if n)

    def _index(self, job_id: int) -> int | None:
        return next((i for i, j in enumerate(self._jobs) if j.id == job_id), None)

    def _find(self, job_id: int) -> int:
        i = self._index(job_id)
        if i is None:
            raise Refused("That job is no longer in the print queue.")
        return i


_ONLY_FAILED = {
    WAITING: "That job is waiting to print already.",
    PRINTING: "That job is printing now.",
    PRINTED: "That job has printed already: to print it again, start it again from the scan screen.",
}
