"""The ladders migration keeps every ladder, in force, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade
from tests.storage.rows import PARTNERSHIP

BEFORE = "0006"


def test_every_stored_ladder_is_kept_in_force_and_survives_a_downgrade(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(PARTNERSHIP))
            for number, key in ((1, "default"), (2, "mutual-challenge")):
                connection.execute(
                    text(
                        "INSERT INTO ladder (id, partnership_id, key, name, clause, stages)"
                        " VALUES (:id, 1, :key, 'L', '', '[]')"
                    ),
                    {"id": number, "key": key},
                )
        upgrade(database_url)
        assert model_drift(engine) == []
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, key, retired_at FROM ladder ORDER BY id"))
            assert [tuple(row) for row in rows] == [
                (1, "default", None),
                (2, "mutual-challenge", None),
            ]
        downgrade(database_url, BEFORE)
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT id, key FROM ladder ORDER BY id")).all()
        assert [tuple(row) for row in kept] == [(1, "default"), (2, "mutual-challenge")]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
