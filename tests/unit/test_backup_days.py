"""When the kiosk's own backup is due, and when the last one counts as overdue: school days are Monday to Friday."""

from __future__ import annotations

from datetime import date, datetime, time

from kiosk.backup_watch import BackupStatus, is_due, last_due

FOUR = time(16, 0)


def test_the_days_backup_is_due_from_its_time_and_a_weekend_waits_for_friday_s():
    assert last_due(datetime(2026, 11, 10, 16, 0), FOUR) == datetime(2026, 11, 10, 16, 0)  # Tuesday, on the dot
    assert last_due(datetime(2026, 11, 10, 15, 59), FOUR) == datetime(2026, 11, 9, 16, 0)  # before it: Monday's
    assert last_due(datetime(2026, 11, 9, 8, 30), FOUR) == datetime(2026, 11, 6, 16, 0)  # Monday morning: Friday's
    assert last_due(datetime(2026, 11, 8, 12, 0), FOUR) == datetime(2026, 11, 6, 16, 0)  # Sunday: Friday's
    # The PC was off on Friday at 16:00: Monday's start makes it; made on Monday at 08:30, nothing more is due.
    assert is_due(datetime(2026, 11, 5, 16, 0), datetime(2026, 11, 9, 8, 30), FOUR)
    assert not is_due(datetime(2026, 11, 9, 8, 30), datetime(2026, 11, 9, 15, 0), FOUR)
    assert is_due(None, datetime(2026, 11, 9, 8, 30), FOUR)


def test_a_backup_is_overdue_after_two_school_days_without_one():
    monday = BackupStatus(last=datetime(2026, 11, 9, 16, 0))
    assert not monday.overdue(date(2026, 11, 11))  # Tue and Wed since: the usual wait for Wednesday's
    assert monday.overdue(date(2026, 11, 12))  # Thursday
    assert monday.short(date(2026, 11, 12)) == "Backup overdue: last Mon 09 Nov"
    friday = BackupStatus(last=datetime(2026, 11, 6, 16, 0))
    assert not friday.overdue(date(2026, 11, 10)) and friday.overdue(date(2026, 11, 11))  # the weekend is no day
    assert friday.short(date(2026, 11, 10)) == "" and friday.sentence(date(2026, 11, 10)) == ""
