"""The start-date migration gives each partnership the day it was first bound (else the day it was
loaded), keeps every record, and takes only its two columns away."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade

BEFORE = "0014"
PARTNERSHIPS = (
    "INSERT INTO partnership (id, key, name, timezone, year_start_month, source, protocol,"
    " digest_channel, loaded_at) VALUES"
    " (1, 'bound', 'Bound', 'Europe/London', 4, '', '{}', NULL, '2025-04-01 10:00:00+00'),"
    " (2, 'loaded', 'Loaded', 'Europe/London', 4, '', '{}', NULL, '2026-03-02 23:30:00+00')"
)
AUDIT = (
    "INSERT INTO auditentry (at, actor, action, entity, entity_id, partnership_id, before, after)"
    " VALUES ('2025-06-30 23:30:00+00', 'cli', 'board.channel_linked', 'board', 1, 1, '{}', '{}'),"
    " ('2025-09-01 09:00:00+00', 'cli', 'setup.applied', 'partnership', 1, 1, '{}', '{}'),"
    " ('2025-05-01 09:00:00+00', 'cli', 'protocol.loaded', 'partnership', 1, 1, '{}', '{}')"
)


def columns(engine: object) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("partnership")}  # type: ignore[arg-type]


def test_each_partnership_starts_on_the_day_it_was_first_bound_else_loaded(
    database_url: str,
) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        assert "started_on" not in columns(engine)
        with engine.begin() as connection:
            connection.execute(text(PARTNERSHIPS))
            connection.execute(text(AUDIT))
        upgrade(database_url)
        assert model_drift(engine) == []
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT key, started_on, started_on_given FROM partnership ORDER BY id")
            ).all()
            audit_count = connection.execute(text("SELECT count(*) FROM auditentry")).scalar()
        found = [(key, str(day), bool(given)) for key, day, given in rows]
        # 23:30 UTC on 30 June 2025 is 1 July in London (BST); 2 March 2026 23:30 is GMT.
        assert found == [("bound", "2025-07-01", False), ("loaded", "2026-03-02", False)]
        assert audit_count == 3
        downgrade(database_url, BEFORE)
        assert "started_on" not in columns(engine)
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT key FROM partnership ORDER BY id")).all()
        assert [row[0] for row in kept] == ["bound", "loaded"]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
