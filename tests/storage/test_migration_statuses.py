"""The status migration keeps every occurrence and stores no 'overdue', on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade
from storage.status import OccurrenceStatus
from tests.storage.rows import PARTNERSHIP

BEFORE = "0005"


def test_an_occurrence_stored_as_overdue_becomes_pending_and_every_row_is_kept(
    database_url: str,
) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(PARTNERSHIP))
            connection.execute(
                text(
                    "INSERT INTO duty (id, partnership_id, key, kind, title, owners, counterparts,"
                    " evidence, clause, schedule, attendee_roles) VALUES (1, 1, 'd', 'duty', 'D',"
                    " '[]', '[]', '', '', '{}', '[]')"
                )
            )
            for number, status in enumerate(("pending", "overdue", "done", "waived"), start=1):
                connection.execute(
                    text(
                        "INSERT INTO dutyoccurrence (id, duty_id, period_key, label, opens, closes,"
                        " due, status) VALUES (:id, 1, :key, '', '2026-09-01', '2026-11-30',"
                        " '2026-11-30', :status)"
                    ),
                    {"id": number, "key": f"p{number}", "status": status},
                )
        upgrade(database_url)
        assert model_drift(engine) == []
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, status FROM dutyoccurrence ORDER BY id")
            ).all()
        assert [tuple(row) for row in rows] == [
            (1, "pending"),
            (2, "pending"),
            (3, "done"),
            (4, "waived"),
        ]
        assert {status for _, status in rows} <= {s.value for s in OccurrenceStatus}
        downgrade(database_url, BEFORE)
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
