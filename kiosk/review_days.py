"""The days a review covers, as the leadership team types them: shared by the devices and phone-rules reviews."""

from __future__ import annotations

import re
from datetime import date, timedelta

from db.core import Refused, parse_day


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_days(text: str) -> tuple[date, date]:
    """The first and last day as a person types them: one day, or two ("01/09/2026 18/12/2026", "… to …").

    Either order; Refused, in one sentence, for anything else.
    """
    words = re.sub(r"\s+(?:to|until|till|and)\s+|\s*[–—]\s*|\s+-\s+", " ", f" {text.strip()} ", flags=re.I).split()
    if not 1 <= len(words) <= 2:
        raise Refused("Type the first and last day, e.g. 01/09/2026 18/12/2026.")
    days = [parse_day(word, "the review") for word in words]
    return min(days), max(days)
