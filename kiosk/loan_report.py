"""The device loans report's columns, once: `kiosk report devices` lists them and the review screen exports them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.devices import Loan

# The command line's contract (shared/DESIGN.md names the first ten): add, never change.
LOAN_KEYS = ("device", "staff", "class", "purpose", "out", "returned", "images", "verified", "uploaded_by",
             "uploaded_at", "wiped", "status")


def loan_rows(loans: list[Loan]) -> list[dict[str, Any]]:
    return list(each_loan_row(loans))


def each_loan_row(loans: Iterable[Loan]) -> Iterator[dict[str, Any]]:
    """One row at a time, as the loans are read (a report of years of loans is never held)."""
    return ({"device": loan.device, "staff": loan.staff, "class": loan.class_name, "purpose": loan.purpose,
             "out": loan.out, "returned": loan.returned, "images": loan.images, "verified": loan.verified,
             "uploaded_by": loan.uploaded_by, "uploaded_at": loan.uploaded_at, "wiped": loan.wiped,
             "status": loan.status} for loan in loans)
