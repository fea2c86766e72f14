"""The record as evidence and as personal data (R7): checking the ledger's chain, a pupil's subject access
export, the retention purge, copying a kiosk's record to another database, and backing it up and restoring it."""

from db.records.audit import verify
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

__all__ = [
    "Backup", "Contents", "CopiedTable", "CopyResult", "Keep", "PurgeReport", "Restored", "Retention", "backups",
    "check_file", "contents", "copy_to", "cutoffs", "export_pupil", "make_backup", "purge", "read_only",
    "redacted_digest", "restore_backup", "taken", "to_remove", "verify",
]
