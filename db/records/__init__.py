"""The record as evidence and as personal data (R7): checking the ledger's chain, a pupil's subject access
export, the retention purge, and copying a kiosk's record to another database."""

from db.records.audit import verify
from db.records.copy import CopiedTable, CopyResult, copy_to
from db.records.export import export_pupil
from db.records.retention import PurgeReport, Retention, cutoffs, purge, redacted_digest

__all__ = [
    "CopiedTable", "CopyResult", "PurgeReport", "Retention", "copy_to", "cutoffs", "export_pupil", "purge",
    "redacted_digest", "verify",
]
