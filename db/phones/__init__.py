"""Pupils' phones (R1, R2, R6): check-in and hand-back, confiscation, parents to tell, cupboards, the
exceptions register (pupils who keep their phone, staff phones in contact time), stock-takes of a cupboard or
the office, the phone reports, and the leadership team's figures on how the phone rules are working (R8) and
the lists behind them for a period (logs: R5 names, for the evidence pack)."""

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
from db.phones.logs import (
    ConfiscationEntry,
    CupboardDay,
    EarlyHandBack,
    ExceptionEntry,
    confiscation_log,
    cupboard_days,
    early_hand_backs,
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
    PHONE_ACTIONS,
    ToCollect,
    class_cupboard,
    class_phones_today,
    cupboards_to_check,
    custody_report,
    parents_pending,
    phone_places,
    phones_held,
    phones_not_in,
    phones_to_collect,
)
from db.phones.taking_stock import stock_take, stock_take_phone, stock_take_place, stock_takes
from db.phones.views import FIGURE_KEYS, PhoneNotIn, PolicyFigures, PolicyReport, StockPhone, StockPlace, StockTake

__all__ = [
    "ConfiscationEntry", "CupboardDay", "EarlyHandBack", "ExceptionEntry", "confiscation_log", "cupboard_days",
    "early_hand_backs", "exceptions_in_force",
    "MAX_REVIEW_DAYS", "PHONE_ACTIONS", "PHONE_VOIDS", "RESCAN_WINDOW", "PhoneNotIn", "add_exception",
    "agree_staff_phone", "check_in_at_kiosk", "class_cupboard", "class_phones_today", "phones_not_in",
    "confiscate", "cupboard_locked", "cupboards_to_check", "custody_report", "end_exception", "exception_kind",
    "exceptions_register", "imei_note", "parents_pending", "parents_told", "phone_in", "phone_out",
    "phone_places", "phones_held", "phones_to_collect", "set_imei_note", "staff_phone_agreements", "ToCollect",
    "FIGURE_KEYS", "PER", "PolicyFigures", "PolicyReport", "policy_figures",
    "StockPhone", "StockPlace", "StockTake", "stock_take", "stock_take_phone", "stock_take_place", "stock_takes",
]
