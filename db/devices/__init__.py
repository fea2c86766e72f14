"""School cameras and iPads (R3, R4, R5): lending and return, photo consent and the do-not-photograph
list, matching the Drive's photos to the devices, the leadership's review, and the device and consent imports.

Each function is one thing a person does or asks. It opens its own session, applies the rule, writes the
ledger row with the projection it changes (``device_loan``, ``consent_event``), and returns plain frozen data.

- Consent is an append-only history per pupil and category; a pupil's consent at a moment is their
  latest answer at or before it, and no answer means no.
- An image belongs to a device when its EXIF make and model match the device's and, where both carry
  one, so does the body serial number. iPads write no serial, so same-model iPads are told apart only
  by which one was lent when the photo was taken.
"""

from db.devices.consent import CATEGORIES, PHOTOS, category_key, consent_of, do_not_photograph, set_consent
from db.devices.corrections import DEVICE_VOIDS
from db.devices.imports import ConsentImportReport, import_consent, import_devices
from db.devices.lending import (
    MAX_IMAGES,
    PURPOSE_MAX,
    FewerFound,
    confirm_upload,
    device_info,
    lend_device,
    list_devices,
    return_device,
)
from db.devices.matching import CLOCK_GRACE, model_key, provenance, serial_key
from db.devices.review import (
    devices_not_back,
    devices_out,
    images_per_week,
    loans_between,
    loans_report,
    outstanding_uploads,
)
from db.devices.views import (
    ConsentAnswer,
    DeviceInfo,
    LendResult,
    Loan,
    NoPhotoList,
    NoPhotoPupil,
    ProvenanceReport,
    ProvenanceRow,
    PupilConsent,
    UploadResult,
    WeekImages,
    device_label,
)

__all__ = [
    "CATEGORIES", "CLOCK_GRACE", "DEVICE_VOIDS", "MAX_IMAGES", "PHOTOS", "PURPOSE_MAX", "ConsentAnswer",
    "ConsentImportReport", "DeviceInfo", "FewerFound", "LendResult", "Loan", "NoPhotoList", "NoPhotoPupil",
    "ProvenanceReport", "ProvenanceRow", "PupilConsent", "UploadResult", "WeekImages", "category_key",
    "confirm_upload", "consent_of", "device_info", "device_label", "devices_not_back", "devices_out",
    "do_not_photograph", "images_per_week", "import_consent", "import_devices", "lend_device", "list_devices",
    "loans_between", "loans_report", "model_key", "outstanding_uploads", "provenance", "return_device", "serial_key",
    "set_consent",
]
