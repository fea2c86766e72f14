"""Plain data only the phones room hands back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PhoneNotIn:
    """A tagged pupil of the class whose phone has not come in today (it may simply be at home)."""

    code: str
    pupil: str
    description: str | None
