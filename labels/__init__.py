"""Tags and slips on paper: QR rendering (ESC/POS, PNG, terminal), receipt layouts (tag, do-not-photograph
slip, end-of-day list, check-in receipt) and printer connections (USB, network, serial, file, preview).

Takes plain data, never a database session; imports neither ``db`` nor Textual. python-escpos loads only
when a job is laid out or sent.
"""

from labels.cover_slip import CoverSlip, cover_slip_job
from labels.layouts import (
                            CheckInReceipt,
                            HeldLine,
                            NoPhotoLine,
                            TagLabel,
                            check_in_receipt_job,
                            no_photo_slip_job,
                            paper_named,
                            still_held_job,
                            tags_job,
)
from labels.printers import PrinterError, parse_uri, send
from labels.qr import qr_halfblocks

__all__ = ["CheckInReceipt", "CoverSlip", "HeldLine", "NoPhotoLine", "PrinterError", "TagLabel", "check_in_receipt_job",
           "cover_slip_job",
           "no_photo_slip_job", "paper_named", "parse_uri", "qr_halfblocks", "send", "still_held_job", "tags_job"]
