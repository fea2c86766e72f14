"""The record as evidence and as personal data (R7): checking the ledger's chain (against anchors kept outside the
database, and the tables that say what holds now), a pupil's subject access export, the retention purge, copying
a kiosk's record to another database, and backing it up and restoring it.

Each part loads on first use (PEP 562 ``__getattr__`` below, as ``db.core`` does): the anchor under `kiosk report
custody` loads anchors.py alone, not the purge, the copy or the ORM they use (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.lazy import on_first_use

# Each name and the module it lives in; imported below for type checkers and import-linter.
_PARTS = {
    "db.records.anchors": ("FILE_NAME", "Anchor", "compare", "head", "known", "parse", "place", "remember"),
    "db.records.audit": ("RecordCheck", "check_record", "file_damage", "verify"),
    "db.records.backup": ("Backup", "Contents", "Keep", "backups", "check_file", "contents", "make_backup",
                          "read_only", "taken", "to_remove"),
    "db.records.copy": ("CopiedTable", "CopyResult", "copy_to"),
    "db.records.export": ("export_pupil",),
    "db.records.restore": ("Restored", "restore_backup"),
    "db.records.retention": ("PurgeReport", "Retention", "cutoffs", "purge", "redacted_digest"),
}
if TYPE_CHECKING:
    from db.records.anchors import FILE_NAME, Anchor, compare, head, known, parse, place, remember
    from db.records.audit import RecordCheck, check_record, file_damage, verify
    from db.records.backup import (
        Backup,
        Contents,
        Keep,
        backups,
        check_file,
        contents,
        make_backup,
        read_only,
        taken,
        to_remove,
    )
    from db.records.copy import CopiedTable, CopyResult, copy_to
    from db.records.export import export_pupil
    from db.records.restore import Restored, restore_backup
    from db.records.retention import PurgeReport, Retention, cutoffs, purge, redacted_digest

__getattr__ = on_first_use(__name__, _PARTS, globals())


__all__ = [
    "FILE_NAME", "Anchor", "Backup", "Contents", "CopiedTable", "CopyResult", "Keep", "PurgeReport", "RecordCheck",
    "Restored", "Retention", "backups", "check_file", "check_record", "compare", "contents", "copy_to", "cutoffs",
    "export_pupil", "file_damage", "head", "known", "make_backup", "parse", "place", "purge", "read_only",
    "redacted_digest", "remember", "restore_backup", "taken", "to_remove", "verify",
]
