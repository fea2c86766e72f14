"""The scan screen's printing keys: F7 prints a class's phone tags (counted, then asked), F8 reprints the tag of
the phone just scanned (after a preview), F9 shows the print queue.

A mixin: ScanScreen supplies ``staff``, ``kiosk``, ``_seq``, ``_last_code``, ``signed_out``, ``focus_scan`` and
``_for_phones``, and its ``on_done`` routes the "tag-count" and "tag" answers here.
"""

from __future__ import annotations

from textual import work

from db.core import Database, TagInfo, plural
from db.tags import list_tags
from kiosk.screens.ask import AskScreen
from kiosk.screens.confirm import ConfirmScreen
from kiosk.work import carry_out


class TagPrinting:
    def action_print_class_tags(self) -> None:
        if not self._for_phones():
            return
        problem = self.kiosk.printer_problem()
        if problem:
            self.notify(problem, title="Nothing printed", severity="warning", timeout=12)
        elif self.staff.class_name:
            self._print_class(self.staff.class_name)
        else:
            self.app.push_screen(AskScreen("Which class's tags shall I print?", placeholder="The class, e.g. 6A"),
                                 callback=self._print_class)

    def _print_class(self, class_name: str | None) -> None:
        # A whole class's tags are a lot of paper for one key: count them, then ask.
        if class_name:
            self._seq += 1
            self.count_class_tags(self._seq, class_name)
        self.focus_scan()

    @work(thread=True, exclusive=True, group="tag-count", exit_on_error=False)
    def count_class_tags(self, seq: int, class_name: str) -> None:
        carry_out(self, "tag-count", (seq, class_name), class_tag_count, self.kiosk.database, class_name)

    def _ask_to_print_class(self, class_name: str, count: int) -> None:
        if not count:
            self.notify(f"{class_name} has no phone tags to print yet: issue them with F3.", title="Nothing printed",
                        severity="warning")
            return
        tags = plural(count, "tag")
        self.app.push_screen(ConfirmScreen(f"Print {class_name}'s phone tags: {tags}?\n\nOne tag for each pupil "
                                           f"in {class_name} with a phone tag, on the slip printer.",
                                           yes=f"Print {tags}", no="Cancel"),
                             callback=lambda yes: self._print_class_now(class_name, yes))

    def _print_class_now(self, class_name: str, yes: bool) -> None:
        if yes and not self.signed_out:
            self.kiosk.print_class_tags(class_name)
        self.focus_scan()

    def action_reprint_tag(self) -> None:
        problem = self.kiosk.printer_problem()
        if problem:
            self.notify(problem, title="Nothing printed", severity="warning", timeout=12)
        elif self._last_code is None:
            self.notify("Scan a phone first: F8 reprints the tag of the phone just scanned.",
                        title="Nothing printed", severity="warning")
        else:
            self.find_tag(self._last_code[1])

    @work(thread=True, exclusive=True, group="find-tag", exit_on_error=False)
    def find_tag(self, code: str) -> None:
        carry_out(self, "tag", None, one_tag, self.kiosk.database, code)

    def _previewed(self, tag: TagInfo, print_it: bool) -> None:
        if print_it:
            self.kiosk.print_tag(tag.code)
        self.focus_scan()

    def action_print_queue(self) -> None:
        self.kiosk.show_print_queue()


def class_tag_count(database: Database, class_name: str) -> int:
    return len(list_tags(database, "phone", class_name=class_name))


def one_tag(database: Database, code: str) -> TagInfo:
    [tag] = list_tags(database, code=code)
    return tag
