"""The cover teacher's slip: a one-day code and PIN for the kiosk, the class and when it stops working."""

from __future__ import annotations

from dataclasses import dataclass

from labels.layouts import DEFAULT_PAPER, Paper, _Checked, _Sheet


@dataclass(frozen=True)
class CoverSlip(_Checked):
    """What the office hands a supply teacher: their name, the class, the code and PIN, the expiry."""

    name: str
    class_name: str
    code: str
    pin: str
    until: str  # "18:00 today"


def cover_slip_job(slip: CoverSlip, paper: Paper = DEFAULT_PAPER) -> bytes:
    """The slip: code and PIN in large type, so they can be typed at the kiosk."""
    sheet = _Sheet(paper)
    sheet.text("Cover badge", bold=True, size="tall", align="center", max_lines=1)
    sheet.blank()
    sheet.text(f"{slip.name} · {slip.class_name}", bold=True, max_lines=2)
    sheet.text(f"Code: {slip.code}", size="big", max_lines=1)
    sheet.text(f"PIN:  {slip.pin}", size="big", max_lines=1)
    sheet.text(f"Teacher rights for {slip.class_name} until {slip.until}.", max_lines=2)
    sheet.text("Keep the PIN to yourself; the slip stops working then.", max_lines=2)
    sheet.end_piece()
    return sheet.output()
