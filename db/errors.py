"""The one exception the ledger raises for a person: a refusal with a plain sentence."""


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
