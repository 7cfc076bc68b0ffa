"""The partner contacts' migration adds their table and a note column beside every record."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade
from tests.storage.rows import PARTNERSHIP

BEFORE = "0012"
TABLE = "partnercontact"


def _occurrences(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = "SELECT id, period_key, status, note FROM dutyoccurrence ORDER BY id"
        return [tuple(row) for row in connection.execute(text(query)).all()]


def test_partner_contacts_and_trigger_notes_come_and_go_and_every_record_stays(
    database_url: str,
) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        assert TABLE not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            connection.execute(text(PARTNERSHIP))
            connection.execute(
                text("INSERT INTO person (id, slack_user_id, name) VALUES (1, 'U0CAB', '')")
            )
            connection.execute(
                text(
                    "INSERT INTO duty (id, partnership_id, key, kind, title, owners, counterparts,"
                    " evidence, clause, schedule, attendee_roles) VALUES (1, 1, 'd', 'duty', 'D',"
                    " '[]', '[]', '', '', '{}', '[]')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO dutyoccurrence (id, duty_id, period_key, label, opens, closes,"
                    " due, status, note) VALUES (1, 1, 'k', '', '2026-09-01', '2026-11-30',"
                    " '2026-11-30', 'waived', 'merged')"
                )
            )
        before = _occurrences(engine)
        upgrade(database_url)
        assert TABLE in inspect(engine).get_table_names()
        assert model_drift(engine) == []
        assert _occurrences(engine) == before
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO partnercontact (partnership_id, partner_key, person_id)"
                    " VALUES (1, 'cabinet', 1)"
                )
            )
            connection.execute(text("UPDATE dutyoccurrence SET trigger_note = 'after the review'"))
        downgrade(database_url, BEFORE)
        assert TABLE not in inspect(engine).get_table_names()
        assert _occurrences(engine) == before
        with engine.connect() as connection:
            people = connection.execute(text("SELECT slack_user_id FROM person")).all()
        assert [tuple(row) for row in people] == [("U0CAB",)]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
