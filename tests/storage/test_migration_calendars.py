"""The calendars migration keeps every meeting, as one typed by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade
from tests.storage.rows import PARTNERSHIP

BEFORE = "0004"


def test_existing_meetings_become_timed_meetings_typed_by_hand_and_survive_a_downgrade(
    database_url: str,
) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(PARTNERSHIP))
            connection.execute(
                text(
                    "INSERT INTO board (id, partnership_id, key, name, kind)"
                    " VALUES (1, 1, 'hwb', 'HWB', 'x')"
                )
            )
            for number, status in ((1, "scheduled"), (2, "cancelled")):
                connection.execute(
                    text(
                        "INSERT INTO meeting (id, board_id, starts_at, venue, status, created_by)"
                        " VALUES (:id, 1, '2027-03-03 10:00:00+00', 'Chamber', :status, 'U1')"
                    ),
                    {"id": number, "status": status},
                )
        upgrade(database_url)
        assert model_drift(engine) == []
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT id, status, venue, origin, all_day, feed_uid, sequence, changed_at"
                    " FROM meeting ORDER BY id"
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            (1, "scheduled", "Chamber", "hand", False, None, 0, None),
            (2, "cancelled", "Chamber", "hand", False, None, 0, None),
        ]
        downgrade(database_url, BEFORE)
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT id, status FROM meeting ORDER BY id")).all()
        assert [tuple(row) for row in kept] == [(1, "scheduled"), (2, "cancelled")]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
