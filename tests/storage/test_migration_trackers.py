"""The tracker canvases' migration adds their table beside every record, and takes only it away."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade

BEFORE = "0009"
TABLE = "trackercanvas"


def test_the_tracker_table_comes_and_goes_and_every_partnership_stays(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        assert TABLE not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO partnership (id, key, name, timezone, year_start_month, source,"
                    " protocol, digest_channel, loaded_at) VALUES (1, 'p', 'P', 'Europe/London',"
                    " 4, '', '{}', 'C0DIGEST', '2026-11-23 10:00:00+00')"
                )
            )
        upgrade(database_url)
        assert TABLE in inspect(engine).get_table_names()
        assert model_drift(engine) == []
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO trackercanvas (channel, canvas_id, creating, off_reason)"
                    " VALUES ('C0DIGEST', 'F0CANVAS', false, NULL)"
                )
            )
        downgrade(database_url, BEFORE)
        assert TABLE not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT key, digest_channel FROM partnership")).all()
        assert [tuple(row) for row in kept] == [("p", "C0DIGEST")]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
