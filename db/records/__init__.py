"""The record as evidence and as personal data (R7): checking the ledger's chain (against anchors kept outside the
database, and the tables that say what holds now), a pupil's subject access
export, the retention purge, and copying a kiosk's record to another database."""

from db.records.anchors import FILE_NAME, Anchor, compare, head, known, parse, place, remember
from db.records.audit import RecordCheck, check_record, file_damage, verify
from db.records.copy import CopiedTable, CopyResult, copy_to
from db.records.export import export_pupil
from db.records.retention import PurgeReport, Retention, cutoffs, purge, redacted_digest

__all__ = [
    "FILE_NAME", "Anchor", "CopiedTable", "CopyResult", "PurgeReport", "RecordCheck", "Retention", "check_record",
    "compare", "copy_to", "cutoffs", "export_pupil", "file_damage", "head", "known", "parse", "place", "purge",
    "redacted_digest", "remember", "verify",
]
