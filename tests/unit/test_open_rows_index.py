"""The partial unique indexes (one open loan per device, one open confiscation per phone) say their WHERE to each
backend, though the model names no backend's option (db/core/models.py: naming one imports that dialect)."""

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex

from db.core.models import Confiscation, DeviceLoan

EXPECTED = {
    "uq_device_loan_open": "CREATE UNIQUE INDEX uq_device_loan_open ON device_loan (device_id) "
                           "WHERE returned_at IS NULL",
    "uq_confiscation_open": "CREATE UNIQUE INDEX uq_confiscation_open ON confiscation (tag_code) "
                            "WHERE released_at IS NULL",
}


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=lambda d: d.name)
def test_each_backend_gets_the_where(dialect):
    indexes = {index.name: index for model in (DeviceLoan, Confiscation) for index in model.__table__.indexes}
    assert {name: str(CreateIndex(indexes[name]).compile(dialect=dialect)) for name in EXPECTED} == EXPECTED
