"""QR tags: issuing them for phones, devices, places and staff badges, and listing them with their printed
label. The code format itself is ``tagcodes``."""

from db.tags.issue import (
    KINDS,
    MakeCode,
    issue_device_tag,
    issue_location_tag,
    issue_phone_tag,
    issue_staff_tag,
    label,
    list_tags,
)

__all__ = [
    "KINDS", "MakeCode", "issue_device_tag", "issue_location_tag", "issue_phone_tag", "issue_staff_tag",
    "label", "list_tags",
]
