"""Free text as people type it, made safe to store and to show on a terminal or a receipt."""

from __future__ import annotations

import unicodedata


def plain(text: str | None, limit: int) -> str:
    """Control and format characters (a terminal escape, a bell, a right-to-left override) are dropped,
    runs of spaces and line breaks become one space, and the text is cut at ``limit``.

    SQL needs nothing here: every query binds its values.
    """
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in unicodedata.normalize("NFC", text or ""))
    return " ".join(kept.split())[:limit]
