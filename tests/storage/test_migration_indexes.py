"""The read indexes' migration adds two indexes beside every record, and takes only them away."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade

BEFORE = "0010"
ADDED = {
    ("agendarequest", "ix_agendarequest_from_board_id"),
    ("escalation", "ix_escalation_from_board_id"),
}
ROWS = [
    "INSERT INTO partnership (id, key, name, timezone, year_start_month, source, protocol,"
    " digest_channel, loaded_at) VALUES (1, 'p', 'P', 'Europe/London', 4, '', '{}', NULL,"
    " '2026-11-23 10:00:00+00')",
    "INSERT INTO board (id, partnership_id, key, name, kind) VALUES (1, 1, 'a', 'A', 'hwb'),"
    " (2, 1, 'b', 'B', 'lscb')",
    "INSERT INTO agendarequest (id, partnership_id, from_board_id, to_board_id, text, status,"
    " requested_by, requested_at) VALUES (1, 1, 1, 2, 'item', 'open', 'U0A',"
    " '2026-11-23 10:00:00+00')",
]


def indexes(engine: Engine) -> set[tuple[str, str]]:
    found = inspect(engine)
    return {(t, i["name"] or "") for t, _ in ADDED for i in found.get_indexes(t)}


def test_the_indexes_come_and_go_and_every_record_stays(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        assert not ADDED & indexes(engine)
        with engine.begin() as connection:
            for row in ROWS:
                connection.execute(text(row))
        upgrade(database_url)
        assert indexes(engine) >= ADDED
        assert model_drift(engine) == []
        downgrade(database_url, BEFORE)
        assert not ADDED & indexes(engine)
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT text, from_board_id FROM agendarequest")).all()
        assert [tuple(row) for row in kept] == [("item", 1)]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
