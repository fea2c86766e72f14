"""Pupils' phones (R1, R2, R6): check-in and hand-back, confiscation, parents to tell, cupboards, the
exceptions register (pupils who keep their phone, staff phones in contact time), stock-takes of a cupboard or
the office, the phone reports, and the leadership team's figures on how the phone rules are working (R8) and
the lists behind them for a period (logs: R5 names, for the evidence pack).

Each part loads on first use (PEP 562 ``__getattr__`` below, as ``db.core`` does): `kiosk phone where` loads
held.py alone, not the figures, the logs or the ORM the other parts use (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.lazy import on_first_use

# Each name and the module it lives in; imported below for type checkers and import-linter.
_PARTS = {
    "db.phones.behind_figures": ("cupboards_unconfirmed", "early_hand_backs", "exceptions_due", "parents_untold",
        "policy_lists", "repeat_confiscations"),
    "db.phones.corrections": ("PHONE_VOIDS",),
    "db.phones.custody": ("RESCAN_WINDOW", "check_in_at_kiosk", "confiscate", "cupboard_locked", "parents_told",
        "phone_in", "phone_out"),
    "db.phones.custody_record": ("PHONE_ACTIONS", "custody_events", "custody_report", "custody_rows", "custody_rows"),
    "db.phones.held": ("phones_held",),
    "db.phones.logs": ("ConfiscationEntry", "CupboardDay", "ExceptionEntry", "confiscation_log", "cupboard_days",
        "exceptions_in_force"),
    "db.phones.policy": ("PER", "policy_figures"),
    "db.phones.register": ("MAX_REVIEW_DAYS", "add_exception", "agree_staff_phone", "end_exception", "exception_kind",
        "exceptions_register", "imei_note", "set_imei_note", "staff_phone_agreements"),
    "db.phones.reports": ("ToCollect", "class_cupboard", "class_phones_today", "cupboards_to_check", "parents_pending",
        "phone_places", "phones_not_in", "phones_to_collect"),
    "db.phones.taking_stock": ("stock_take", "stock_take_phone", "stock_take_place", "stock_takes"),
    "db.phones.views": ("FIGURE_KEYS", "CupboardUnconfirmed", "EarlyHandBack", "ExceptionDue", "ParentsUntold",
        "PhoneNotIn", "PolicyFigures", "PolicyLists", "PolicyReport", "RepeatConfiscation", "StockPhone", "StockPlace",
        "StockTake"),
}
if TYPE_CHECKING:
    from db.phones.behind_figures import (
        cupboards_unconfirmed,
        early_hand_backs,
        exceptions_due,
        parents_untold,
        policy_lists,
        repeat_confiscations,
    )
    from db.phones.corrections import PHONE_VOIDS
    from db.phones.custody import (
        RESCAN_WINDOW,
        check_in_at_kiosk,
        confiscate,
        cupboard_locked,
        parents_told,
        phone_in,
        phone_out,
    )
    from db.phones.custody_record import PHONE_ACTIONS, custody_events, custody_report, custody_rows
    from db.phones.held import phones_held
    from db.phones.logs import (
        ConfiscationEntry,
        CupboardDay,
        ExceptionEntry,
        confiscation_log,
        cupboard_days,
        exceptions_in_force,
    )
    from db.phones.policy import PER, policy_figures
    from db.phones.register import (
        MAX_REVIEW_DAYS,
        add_exception,
        agree_staff_phone,
        end_exception,
        exception_kind,
        exceptions_register,
        imei_note,
        set_imei_note,
        staff_phone_agreements,
    )
    from db.phones.reports import (
        ToCollect,
        class_cupboard,
        class_phones_today,
        cupboards_to_check,
        parents_pending,
        phone_places,
        phones_not_in,
        phones_to_collect,
    )
    from db.phones.taking_stock import stock_take, stock_take_phone, stock_take_place, stock_takes
    from db.phones.views import (
        FIGURE_KEYS,
        CupboardUnconfirmed,
        EarlyHandBack,
        ExceptionDue,
        ParentsUntold,
        PhoneNotIn,
        PolicyFigures,
        PolicyLists,
        PolicyReport,
        RepeatConfiscation,
        StockPhone,
        StockPlace,
        StockTake,
    )

__getattr__ = on_first_use(__name__, _PARTS, globals())


__all__ = [
    "ConfiscationEntry", "CupboardDay", "ExceptionEntry", "confiscation_log", "cupboard_days", "exceptions_in_force",
    "MAX_REVIEW_DAYS", "PHONE_ACTIONS", "PHONE_VOIDS", "RESCAN_WINDOW", "PhoneNotIn", "add_exception",
    "agree_staff_phone", "check_in_at_kiosk", "class_cupboard", "class_phones_today", "phones_not_in",
    "confiscate", "cupboard_locked", "cupboards_to_check", "custody_events", "custody_report", "custody_rows",
    "end_exception", "exception_kind",
    "exceptions_register", "imei_note", "parents_pending", "parents_told", "phone_in", "phone_out",
    "phone_places", "phones_held", "phones_to_collect", "set_imei_note", "staff_phone_agreements", "ToCollect",
    "FIGURE_KEYS", "PER", "PolicyFigures", "PolicyReport", "policy_figures",
    "StockPhone", "StockPlace", "StockTake", "stock_take", "stock_take_phone", "stock_take_place", "stock_takes",
    "CupboardUnconfirmed", "EarlyHandBack", "ExceptionDue", "ParentsUntold", "PolicyLists", "RepeatConfiscation",
    "cupboards_unconfirmed", "early_hand_backs", "exceptions_due", "parents_untold", "policy_lists",
    "repeat_confiscations",
]
