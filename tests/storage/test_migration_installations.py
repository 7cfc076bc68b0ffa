"""The migration of Slack's OAuth tables adds them beside every record, and takes only them away."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.installations import BOTS, INSTALLATIONS, OAUTH_STATES
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade
from tests.storage.rows import PARTNERSHIP

BEFORE = "0008"
TABLES = {BOTS, INSTALLATIONS, OAUTH_STATES}


def test_the_slack_tables_come_and_go_and_every_partnership_stays(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            connection.execute(text(PARTNERSHIP))
        upgrade(database_url)
        assert set(inspect(engine).get_table_names()) >= TABLES
        assert model_drift(engine) == []
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO slack_bots (client_id, app_id, team_id, bot_token,"
                    " is_enterprise_install, installed_at)"
                    " VALUES ('1.2', 'A0FAKE', 'T0AAA', 'xoxb-a', false, '2026-11-23 10:00:00')"
                )
            )
        downgrade(database_url, BEFORE)
        assert not TABLES & set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT key FROM partnership")).scalars().all()
        assert kept == ["p"]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
