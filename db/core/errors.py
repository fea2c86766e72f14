"""What the ledger raises for a person: a refusal with a plain sentence, and a database not set up yet."""

from db.core.text import plain

SENTENCE_MAX = 2000


class Refused(Exception):
    """A rule, an unknown code, unknown staff or bad rows: nothing was changed.

    ``str(exc)`` is one sentence saying why and what to do, fit for a teacher.
    ``details`` holds extra lines (e.g. every bad row of an import).
    """

    def __init__(self, sentence: str, details: tuple[str, ...] = ()):
        # A refusal often quotes what was typed or scanned: never pass a terminal escape through to the screen.
        super().__init__(plain(sentence, SENTENCE_MAX))
        self.details = tuple(plain(line, SENTENCE_MAX) for line in details)


class NotAllowed(Refused):
    """A role that may not do this. ``str(exc)`` names the member of staff, as the command line's ``--by`` did;
    ``to_you`` says it to the person signed in at the kiosk ("You are signed in as a teacher: …")."""

    def __init__(self, sentence: str, to_you: str):
        super().__init__(sentence)
        self.to_you = plain(to_you, SENTENCE_MAX)


class AnswerNeeded(Refused):
    """A hand-back the kiosk can finish by asking one more thing about the pupil's phone, then trying again."""

    def __init__(self, sentence: str, pupil: str):
        super().__init__(sentence)
        self.pupil = pupil


class ReasonNeeded(AnswerNeeded):
    """Before home-time without a reason: the kiosk asks why (an early leaver, an appointment)."""


class ParentNeeded(AnswerNeeded):
    """A confiscated phone without a parent or carer named: the kiosk asks who is collecting it."""


class NotReady(RuntimeError):
    """The database is missing or needs ``kiosk init``; the message says which."""
