"""The print queue on its own (plain Python): order, one job at a time, failed jobs kept until retried or cancelled."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from db.core import Refused
from kiosk.print_queue import FAILED, KEEP_PRINTED, PRINTED, PRINTING, WAITING, PrintQueue
from kiosk.printing import PrintJob

NOON = datetime(2026, 11, 10, 12, 0, tzinfo=timezone.utc)


def queue_of(*titles: str) -> tuple[PrintQueue, list[int]]:
    queue = PrintQueue(lambda: NOON)
    return queue, [queue.submit(PrintJob(t, t.encode(), "80mm"), "tcp://printer", "tags").id for t in titles]


def test_jobs_print_one_at_a_time_in_the_order_queued():
    queue, (a, b) = queue_of("first", "second")
    first = queue.start_next()
    assert (first.id, first.state) == (a, PRINTING)
    assert queue.start_next() is None  # the printer is busy with the first
    queue.finish(a)
    assert queue.start_next().id == b
    assert [j.state for j in queue.jobs()] == [PRINTED, PRINTING]
    assert queue.jobs()[0].job is None  # a printed job's bytes are let go


def test_a_failed_job_stays_with_its_sentence_until_retried_or_cancelled():
    queue, (a, b) = queue_of("receipt", "tags")
    queue.start_next()
    queue.finish(a, "The printer at 10.0.0.9:9100 did not answer: check it is switched on.")
    assert queue.summary() == "1 failed, 1 waiting"
    failed = queue.jobs()[0]
    assert failed.state == FAILED and failed.problem.startswith("The printer at 10.0.0.9:9100")
    assert queue.start_next().id == b  # the next job is not held up by the failed one
    queue.finish(b)
    queue.retry(a)
    assert [(j.id, j.state) for j in queue.jobs()] == [(a, WAITING), (b, PRINTED)]
    assert queue.start_next().id == a and queue.jobs()[0].problem is None
    queue.finish(a, "Out of paper.")
    cancelled = queue.cancel(a)
    assert cancelled.title == "receipt" and [j.id for j in queue.jobs()] == [b]
    assert queue.summary() == ""


def test_only_failed_jobs_can_be_retried_and_a_printing_or_printed_one_cannot_be_cancelled():
    queue, (a, b) = queue_of("one", "two")
    with pytest.raises(Refused, match="waiting to print already"):
        queue.retry(b)
    queue.start_next()
    with pytest.raises(Refused, match="printing now and cannot be stopped"):
        queue.cancel(a)
    queue.finish(a)
    with pytest.raises(Refused, match="printed already"):
        queue.cancel(a)
    assert queue.cancel(b).id == b  # a waiting job can go
    with pytest.raises(Refused, match="no longer in the print queue"):
        queue.retry(b)


def test_only_the_newest_printed_jobs_stay_listed():
    queue, ids = queue_of(*(f"job {n}" for n in range(KEEP_PRINTED + 3)))
    while (job := queue.start_next()) is not None:
        queue.finish(job.id)
    assert [j.id for j in queue.jobs()] == ids[-KEEP_PRINTED:]


def test_many_threads_never_print_two_jobs_at_once():
    queue, ids = queue_of(*(f"job {n}" for n in range(200)))
    printed: list[int] = []
    overlap = threading.Event()
    busy = threading.Lock()

    def printer() -> None:
        while (job := queue.start_next()) is not None or any(j.state != PRINTED for j in queue.jobs()):
            if job is None:
                continue
            if not busy.acquire(blocking=False):
                overlap.set()
                continue
            printed.append(job.id)
            busy.release()
            queue.finish(job.id)

    threads = [threading.Thread(target=printer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not overlap.is_set()
    assert printed == ids  # every job once, in order
