"""Shared boards' migrations: every board becomes its own body, every prompt's key gains its
partnership, and every record stays, both ways."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlmodel import Session

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade
from storage.models import Board
from storage.queries.boards import new_body

BEFORE = "0015"
AT = "2026-09-01 08:00:00+00"


def seed(connection: object) -> None:
    statements = [
        "INSERT INTO partnership (id, key, name, timezone, year_start_month, source, protocol,"
        f" loaded_at) VALUES (1, 'p', 'P', 'Europe/London', 4, '', '{{}}', '{AT}')",
        "INSERT INTO board (id, partnership_id, key, name, kind, channel_id) VALUES"
        " (1, 1, 'hwb', 'HWB', 'health_and_wellbeing', 'C0HWB'),"
        " (2, 1, 'lscb', 'LSCB', 'safeguarding_children', 'C0LSCB')",
        "INSERT INTO person (id, slack_user_id, name) VALUES (1, 'U0BM', '')",
        "INSERT INTO membership (id, person_id, board_id, role) VALUES"
        " (1, 1, 2, 'business_manager')",
        "INSERT INTO outboxprompt (key, partnership_id, kind, subject, due_on, recipient,"
        " recipient_label, payload, status, attempts, next_attempt_at, late, created_at) VALUES"
        " ('reminder|occurrence:d:2026-09-01|2026-09-01|C0LSCB', 1, 'reminder', 's',"
        f" '2026-09-01', 'C0LSCB', '', '{{}}', 'sent', 1, '{AT}', false, '{AT}')",
    ]
    for statement in statements:
        connection.execute(text(statement))  # type: ignore[attr-defined]


def test_every_board_becomes_its_own_body_and_every_record_stays(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            seed(connection)
        upgrade(database_url)
        assert model_drift(engine) == []
        with engine.connect() as connection:
            boards = connection.execute(
                text("SELECT id, body_id, channel_id FROM board ORDER BY id")
            )
            assert [tuple(row) for row in boards] == [(1, 1, "C0HWB"), (2, 2, "C0LSCB")]
            assert connection.execute(text("SELECT id FROM body ORDER BY id")).scalars().all() == [
                1,
                2,
            ]
            key = connection.execute(text("SELECT key FROM outboxprompt")).scalar_one()
            assert key == "1|reminder|occurrence:d:2026-09-01|2026-09-01|C0LSCB"
            assert connection.execute(text("SELECT count(*) FROM membership")).scalar_one() == 1
        with Session(engine) as session:  # a new body takes the next id
            body = new_body(session=session)
            assert body == 3
            session.add(
                Board(id=3, partnership_id=1, body_id=body, key="sab", name="SAB", kind="other")
            )
            session.commit()
        downgrade(database_url, BEFORE)
        assert "body" not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT key, channel_id FROM board ORDER BY id")).all()
            assert [tuple(row) for row in kept] == [
                ("hwb", "C0HWB"),
                ("lscb", "C0LSCB"),
                ("sab", None),
            ]
            key = connection.execute(text("SELECT key FROM outboxprompt")).scalar_one()
            assert key == "reminder|occurrence:d:2026-09-01|2026-09-01|C0LSCB"
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()


def test_prompts_keyed_alike_in_two_partnerships_both_survive_a_downgrade(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            for pid in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO partnership (id, key, name, timezone, year_start_month,"
                        f" source, protocol, loaded_at) VALUES ({pid}, 'p{pid}', 'P', "
                        f"'Europe/London', 4, '', '{{}}', '{AT}')"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO outboxprompt (key, partnership_id, kind, subject, due_on,"
                        " recipient, recipient_label, payload, status, attempts,"
                        f" next_attempt_at, late, created_at) VALUES ('{pid}|reminder|s|C0X',"
                        f" {pid}, 'reminder', 's', '2026-09-01', 'C0X', '', '{{}}', 'sent', 1,"
                        f" '{AT}', false, '{AT}')"
                    )
                )
        downgrade(database_url, BEFORE)
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT key FROM outboxprompt ORDER BY id")).scalars()
            assert list(keys) == ["reminder|s|C0X", "2|reminder|s|C0X"]
        upgrade(database_url)
    finally:
        engine.dispose()
