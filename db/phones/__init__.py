"""Pupils' phones (R1, R2, R6): check-in and hand-back, confiscation, parents to tell, cupboards, the
exceptions register (pupils who keep their phone, staff phones in contact time), and the phone reports."""

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
    custody_events,
    custody_report,
    parents_pending,
    phone_places,
    phones_held,
    phones_not_in,
    phones_to_collect,
)
from db.phones.views import PhoneNotIn

__all__ = [
    "MAX_REVIEW_DAYS", "PHONE_ACTIONS", "PHONE_VOIDS", "RESCAN_WINDOW", "PhoneNotIn", "add_exception",
    "agree_staff_phone", "check_in_at_kiosk", "class_cupboard", "class_phones_today", "phones_not_in",
    "confiscate", "cupboard_locked", "cupboards_to_check", "custody_events", "custody_report", "end_exception",
    "exception_kind",
    "exceptions_register", "imei_note", "parents_pending", "parents_told", "phone_in", "phone_out",
    "phone_places", "phones_held", "phones_to_collect", "set_imei_note", "staff_phone_agreements", "ToCollect",
]
