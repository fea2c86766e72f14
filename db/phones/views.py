"""Plain data only the phones room hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.core import StockResult


@dataclass(frozen=True)
class PhoneNotIn:
    """A tagged pupil of the class whose phone has not come in today (it may simply be at home)."""

    code: str
    pupil: str
    description: str | None


@dataclass(frozen=True)
class StockPhone:
    """One phone in a stock-take: whose it is (R5: first name and surname initial), and where the record says it is."""

    code: str
    pupil: str  # "Amira K."; the tag's code alone when the pupil's record is gone (a leaver purged)
    class_name: str | None
    description: str | None
    result: StockResult
    record: str  # where the record says the phone is: "in the Office since 08:45 today", "not checked in"


@dataclass(frozen=True)
class StockPlace:
    """A cupboard or the office, as a stock-take starts on it: what the record says is there now."""

    ref: str  # what `stock_take` takes for this place again: its class, or "office", or its location tag
    name: str
    class_name: str | None
    expected: int


@dataclass(frozen=True)
class StockTake:
    """A stock-take as recorded: the counts, and every phone expected or found (found, missing, not expected).

    ``found`` counts every phone scanned here, expected or not; ``missing`` and ``not_expected`` name the
    phones to look into.
    """

    entry: int
    at: datetime
    place: str
    class_name: str | None
    by: str  # first name and surname initial (R5 for anything printed; the evidence pack prints it)
    expected: int
    found: int
    phones: tuple[StockPhone, ...]

    @property
    def missing(self) -> tuple[StockPhone, ...]:
        return tuple(p for p in self.phones if p.result == StockResult.MISSING)

    @property
    def not_expected(self) -> tuple[StockPhone, ...]:
        return tuple(p for p in self.phones if p.result == StockResult.NOT_EXPECTED)

    @property
    def all_found(self) -> bool:
        """Every phone the record put here was found here (phones not expected aside)."""
        return not self.missing
