"""The one exception the ledger raises for a person: a refusal with a plain sentence."""


# The one sentence for a database that cannot be reached: the kiosk's banner and panel, and the command line.
UNREACHABLE = "Not saved — the school database cannot be reached: check the network cable, then try again."


class Refused(Exception):
    """A rule, an unknown code, unknown staff or bad rows: nothing was changed.

    ``str(exc)`` is one sentence saying why and what to do, fit for a teacher.
    ``details`` holds extra lines (e.g. every bad row of an import).
    """

    def __init__(self, sentence: str, details: tuple[str, ...] = ()):
        super().__init__(sentence)
        self.details = details


class ReasonNeeded(Refused):
    """A phone handed back before home-time without a reason: the kiosk asks for one and tries again."""

    def __init__(self, sentence: str, pupil: str):
        super().__init__(sentence)
        self.pupil = pupil


class ParentNeeded(Refused):
    """A confiscated phone handed back without a parent or carer named: the kiosk asks for their name."""

    def __init__(self, sentence: str, pupil: str):
        super().__init__(sentence)
        self.pupil = pupil


def plain(text: str | None, limit: int) -> str:
    """Free text as typed at the kiosk or on the command line, made safe to store and show.

    Control and format characters (a terminal escape, a bell, a right-to-left
    override) are dropped, runs of spaces and line breaks become one space, and
    the text is cut at ``limit``. SQL needs nothing here: every query binds its values.
    """
    import unicodedata

    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in unicodedata.normalize("NFC", text or ""))
    return " ".join(kept.split())[:limit]
