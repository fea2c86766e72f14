"""Review and data protection: `kiosk report custody|policy|stock-takes`, `export`, `audit`, `purge` and `copy-to`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kiosk.anchoring import issue_anchor, print_footer
from kiosk.cli.options import acting_as, date_range, days, listing
from kiosk.output import emit
from kiosk.policy_report import policy_keys, policy_row

if TYPE_CHECKING:
    from db.core import Database


def add_report(report, options) -> None:
    """`kiosk report custody`: build_parser makes the `report` group, shared with devices.py."""
    date_range(listing(options.command(report, "custody", cmd_report_custody, "phone events between two days",
                                       acting=True)))
    date_range(listing(options.command(report, "stock-takes", cmd_report_stock_takes,
                                       "the stock-takes of cupboards and the office between two days", acting=True)))


def add_policy_report(report, options) -> None:
    """`kiosk report policy`, added after the device reports (the order of `kiosk report --help` is kept)."""
    p = options.command(report, "policy", cmd_report_policy, "how the phone rules are working (R8): figures per "
                        "class and for the school, this half-term unless a period or days are given")
    date_range(listing(p), from_help="first day (with --from alone: up to today)")
    p.add_argument("--class", dest="class_name", metavar="CLASS", help="only this class's rows (and the school's)")
    p.add_argument("--period", metavar="PERIOD",
                   help="this-half-term (the default), this-term or this-year, from the term_dates setting")
    p.add_argument("--by", dest="per", metavar="week|day|year",
                   help="the figures for each week or school day, or the school's by year group")
    p.add_argument("--pack", metavar="FILE.pdf", help="write the evidence pack for the period instead: one PDF for "
                   "governors or an inspector (figures by class and year, trends, the lists behind them, the anchor)")


CUSTODY_KEYS = ("entry", "at", "action", "code", "pupil", "class", "location", "by", "kiosk", "note", "voided_by")


def cmd_report_custody(args, database: Database) -> None:
    from db.core import today
    from db.phones import custody_rows

    start, end = days(args)

    def rows():  # written as read (five years is a million rows), never held: a long table reads them twice
        return ({"entry": entry, "at": at, "action": action, "code": code, "pupil": pupil, "class": class_name,
                 "location": location, "by": by, "kiosk": kiosk, "note": note, "voided_by": voided_by}
                for at, action, code, pupil, class_name, location, by, kiosk, note, entry, voided_by
                in custody_rows(database, start, end, by=acting_as(args)))

    count = emit(rows, args.format, keys=CUSTODY_KEYS, empty="Nothing happened to any phone on those days.",
                 today=today(database))
    print_footer(database, args.settings, args.format, count)


STOCK_KEYS = ("entry", "at", "place", "by", "expected", "found", "missing", "not_expected", "phones")


def cmd_report_stock_takes(args, database: Database) -> None:
    from db.core import today
    from db.phones import stock_takes

    start, end = days(args)
    rows = [{"entry": t.entry, "at": t.at, "place": t.place, "by": t.by, "expected": t.expected, "found": t.found,
             "missing": len(t.missing), "not_expected": len(t.not_expected),
             "phones": "; ".join(f"{p.result} {p.pupil}{' ' + p.class_name if p.class_name else ''} ({p.record})"
                                 for p in (*t.missing, *t.not_expected))}
            for t in stock_takes(database, start, end, by=acting_as(args))]
    emit(rows, args.format, keys=STOCK_KEYS, empty="No stock-take was recorded on those days.",
         today=today(database))
    print_footer(database, args.settings, args.format, len(rows))


POLICY_HEADINGS = {
    "class": "CLASS", "week": "WEEK OF", "day": "DAY", "year": "YEAR", "pupils_in_year": "ON ROLL",
    "school_days": "DAYS", "phones_in": "IN", "pupils_with_phones": "PUPILS", "cupboard_phones": "CUPBD",
    "office_phones": "OFFICE", "handed_back": "BACK", "left_overnight": "NIGHT", "early_hand_backs": "EARLY",
    "parents_told": "TOLD", "parents_not_told": "UNTOLD", "parents_told_median_minutes": "MED MIN",
    "parents_told_max_minutes": "MAX MIN", "cupboard_unconfirmed_days": "UNLOCKED", "confiscations": "CONFISC",
    "confiscation_repeat_pupils": "REPEAT", "confiscation_median_hours": "MED HRS", "exceptions_active": "EXCEPT",
    "exceptions_review_due": "REVIEW"}
POLICY_LEGEND = (
    "DAYS school days · IN phones checked in · PUPILS pupils who brought one · CUPBD to the class cupboard (R1) · "
    "OFFICE to the office (R2) · BACK handed back the same day · NIGHT left overnight · EARLY handed back before "
    "home-time · TOLD / UNTOLD parents told / still to tell, MED MIN / MAX MIN minutes until told · UNLOCKED days a "
    "cupboard had phones and no lock confirmed · CONFISC confiscations, REPEAT pupils confiscated from twice or "
    "more, MED HRS hours until collected · EXCEPT exceptions standing, REVIEW of them due for review")


def cmd_report_policy(args, database: Database) -> None:
    import textwrap

    from db.core import COMMAND_LINE, plural, today
    from db.phones import policy_figures

    start, end = days(args)
    if args.pack:
        return write_policy_pack(args, database, start, end)
    report = policy_figures(database, start, end, terms=args.settings.school_terms(), period=args.period,
                            class_name=args.class_name, per=args.per, by=COMMAND_LINE)
    keys = policy_keys(report.per)
    rows = [policy_row(row, keys) for row in report.rows]
    if args.format == "table":
        school_days = report.rows[-1].school_days if report.per in (None, "year") else \
            sum(r.school_days for r in report.rows if r.class_name == "school")
        print(f"Phone rules, {report.first:%a} {report.first.day} {report.first:%b %Y} to {report.last:%a} "
              f"{report.last.day} {report.last:%b %Y} ({plural(school_days, 'school day')}):\n")
    emit(rows, args.format, keys=keys, empty="", today=today(database), headings=POLICY_HEADINGS)
    if args.format == "table":
        print("\n" + textwrap.fill(POLICY_LEGEND, 110))
    print_footer(database, args.settings, args.format, len(rows))


def write_policy_pack(args, database: Database, start, end) -> None:
    """`report policy --pack FILE.pdf`: the whole school's figures (by class, by year, by week), the period's
    stock-takes and the lists behind them, in one PDF."""
    from db.core import COMMAND_LINE, Refused
    from db.phones import policy_figures, stock_takes
    from kiosk.evidence_pack import make_pack

    if args.class_name or args.per:
        raise Refused("The evidence pack covers the whole school, by class, year and week: leave out --class and --by.")
    terms = args.settings.school_terms()

    def figures(per):
        return policy_figures(database, start, end, terms=terms, period=args.period, per=per, by=COMMAND_LINE)

    classes = figures(None)
    takes = [{"when": t.at, "place": t.place, "who": t.by, "expected": t.expected, "found": t.found,
              "missing": len(t.missing), "not_expected": len(t.not_expected)}
             for t in stock_takes(database, classes.first, classes.last, by=COMMAND_LINE)]
    try:
        path = make_pack(args.pack, database, args.settings, classes.first, classes.last, by=COMMAND_LINE,
                         classes=classes.rows, years=figures("year").rows, weeks=figures("week").rows,
                         stock_takes=takes)
    except OSError as exc:  # the folder is missing, read-only or full: nothing was written under that name
        raise Refused(f"The evidence pack could not be written to {args.pack} ({exc.strerror or exc}): "
                      "choose a folder that exists and has room.") from exc
    print(f"Evidence pack for {classes.first:%a} {classes.first.day} {classes.first:%b %Y} to "
          f"{classes.last:%a} {classes.last.day} {classes.last:%b %Y} written to {path}")


def add_commands(sub, options) -> None:
    export = options.group(sub, "export", "subject access", dest="what")
    p = options.command(export, "pupil", cmd_export_pupil, "everything held about one pupil, as JSON", acting=True)
    p.add_argument("pupil", metavar="PUPIL", help="UPN, admission number or phone tag code")
    audit = options.group(sub, "audit", "the tamper-evident ledger")
    p = options.command(audit, "verify", cmd_audit_verify, "check that no ledger record was edited, deleted or lost, "
                        "against the anchors written down, and that the file and the current-state tables agree",
                        acting=True)
    p.add_argument("--anchor", action="append", default=[], metavar="TEXT",
                   help="an anchor written down earlier (K1-…; repeat for more), checked with those the kiosk kept")
    p.add_argument("--full", action="store_true", help="SQLite's full integrity_check instead of its quick_check")
    options.command(audit, "anchor", cmd_audit_anchor, "print the ledger's head as one short line to keep outside "
                    "(and keep it in the anchors file beside the backups)", acting=True)
    p = options.command(sub, "purge", cmd_purge,
                        "blank and delete records past the retention periods (settings keep_*_years)", acting=True)
    p.add_argument("--dry-run", action="store_true", help="count what would go, change nothing")
    copy = options.command(sub, "copy-to", cmd_copy_to, "copy this kiosk's records into a new, empty database "
                           "(e.g. the school's PostgreSQL), then verify the copy", acting=True)
    copy.add_argument("url", metavar="URL", help="the target, e.g. postgresql+psycopg://kiosk:PASSWORD@server/kiosk")


def cmd_export_pupil(args, database: Database) -> None:
    import json

    from db.records import export_pupil

    json.dump(export_pupil(database, args.pupil, by=acting_as(args)), sys.stdout, ensure_ascii=False, indent=2)
    print()


def cmd_audit_verify(args, database: Database) -> int:
    from db.core import Refused
    from db.records import check_record, known, parse, place

    given = []
    for text in args.anchor:
        anchor = parse(text)
        if anchor is None:
            raise Refused(f"“{text[:40]}” is not an anchor: an anchor looks like K1-000231-7QF3KD2M-20261128T1544, "
                          "as `kiosk audit anchor` printed it.")
        given.append(anchor)
    folder = args.settings.backups()
    try:
        kept = known(folder, place(database))
    except OSError as exc:  # an unreachable share: the anchors given are still checked, and the rest
        kept = []
        print(f"The anchors file in {folder} could not be read ({exc.strerror or exc}): only the anchors given "
              "with --anchor are checked.", file=sys.stderr)
    found = check_record(database, by=acting_as(args), anchors=kept + given, full=args.full)
    if found.problems:
        print(f"The record is not whole: {len(found.problems)} problem{'s' if len(found.problems) != 1 else ''} "
              "found.", file=sys.stderr)
        for problem in found.problems:
            print(f"- {problem}", file=sys.stderr)
        print("What each means and what to do: the README, “Proving the record is whole”.", file=sys.stderr)
        return 1
    print(f"The ledger is intact: {found.records} records, each linked to the one before.")
    print(f"It agrees with {found.anchors} anchor{'s' if found.anchors != 1 else ''} written down outside it."
          if found.anchors else "No anchors to check it against yet: `kiosk audit anchor` writes one down.")
    if found.file_check:
        print(f"SQLite's own check ({found.file_check}) finds the file sound.")
    print("Every held phone, parents-to-tell task, confiscation and device loan follows from the ledger.")
    return 0


def cmd_audit_anchor(args, database: Database) -> int:
    from db.core import Refused, acting

    acting(database, acting_as(args), "admin", "writing down the ledger's anchor")
    folder = args.settings.backups()
    try:
        anchor = issue_anchor(database, folder)
    except OSError as exc:
        from db.records import head

        anchor = head(database)
        print(f"The anchor could not be kept in {folder} ({exc.strerror or exc}): write it down.", file=sys.stderr)
    if anchor is None:
        raise Refused("The ledger is empty, so there is nothing to anchor yet.")
    print(anchor)
    return 0


def cmd_purge(args, database: Database) -> None:
    from db.core import acting
    from db.records import Retention, purge, verify

    settings = args.settings
    retention = Retention(custody_years=settings.keep_custody_years,
                          device_loans_years=settings.keep_device_loans_years,
                          confiscations_years=settings.keep_confiscations_years,
                          exceptions_years=settings.keep_exceptions_years, leavers_years=settings.keep_leavers_years)
    acting(database, acting_as(args), "admin", "purging old records")  # a refusal stays one sentence
    # Flushed before the first batch: a long purge shows it is working (and the kill test waits for it).
    print("Counting records older than the retention periods…" if args.dry_run
          else "Purging records older than the retention periods…", file=sys.stderr, flush=True)
    report = purge(database, retention, by=acting_as(args), dry_run=args.dry_run, progress=_purge_progress)
    _day = lambda day: f"{day.day} {day:%b %Y}"  # noqa: E731 - "1 Sep 2025" (%-d is not on Windows)
    names = {"custody": "Custody records", "device_loans": "Device loan records",
             "confiscations": "Confiscation records", "exceptions": "Exception records"}
    for category, name in names.items():
        count = report.redacted[category]
        print(f"{name} before {_day(report.cutoffs[category])}: {count:,} "
              f"{'would be blanked' if report.dry_run else 'blanked'}")
    tables = {"parent_task": "closed parents-to-tell task", "device_loan": "finished device loan",
              "confiscation": "released confiscation", "phone_exception": "ended pupil exception",
              "staff_phone_exception": "ended staff phone exception", "consent_event": "consent answer",
              "tag": "phone tag"}
    deleted = [f"{n:,} {name}{'' if n == 1 else 's'}" for table, name in tables.items() if (n := report.deleted[table])]
    print(f"Deleted: {', '.join(deleted)}" if deleted and not report.dry_run
          else f"Would delete: {', '.join(deleted)}" if deleted else "No rows to delete.")
    print(f"Leavers who left before {_day(report.cutoffs['leavers'])}: {report.leavers:,} "
          f"{'would be removed' if report.dry_run else 'removed'}"
          + (f" ({report.redacted['leavers']:,} more of their records blanked)" if report.redacted["leavers"] else ""))
    if report.dry_run:
        print("Nothing was changed (--dry-run).")
        return
    print(f"The audit chain still verifies: {verify(database, by=acting_as(args)):,} records.")


def _purge_progress(report) -> None:
    """After each batch but the last: how far it has got (a purge stopped here carries on when run again)."""
    deleted = sum(n for table, n in report.deleted.items() if table != "pupil")
    print(f"… {report.total_redacted:,} records blanked, {deleted:,} rows deleted, {report.leavers:,} leavers removed "
          "so far", file=sys.stderr, flush=True)


def cmd_copy_to(args, database: Database) -> None:
    from db.core import open_database
    from db.records import copy_to

    target = open_database(args.url, clock=database.clock, kiosk_name=database.kiosk_name,
                           zone=args.settings.timezone, home_time=args.settings.home_time)
    try:
        result = copy_to(database, target, by=acting_as(args))
    finally:
        target.engine.dispose()
    print(f"Copied to {result.target}:")
    emit([{"table": t.table, "rows": t.rows} for t in result.tables], "table", keys=("table", "rows"), empty="")
    print(f"The ledger there is intact: {result.ledger_verified} records, each linked to the one before.")
