"""The outbox's table is renamed with every prompt in it, on SQLite and PostgreSQL, and back."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade

BEFORE = "0007"
AT = "2026-09-01 08:00:00+00"


def test_every_prompt_is_kept_when_notification_becomes_outboxprompt(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO partnership (id, key, name, timezone, year_start_month, source,"
                    f" protocol, loaded_at) VALUES (1, 'p', 'P', 'Europe/London', 4, '', '{{}}',"
                    f" '{AT}')"
                )
            )
            for key, status in (("a", "pending"), ("b", "sent"), ("c", "failed")):
                connection.execute(
                    text(
                        "INSERT INTO notification (key, partnership_id, kind, subject, due_on,"
                        " recipient, recipient_label, payload, status, attempts,"
                        " next_attempt_at, late, created_at) VALUES (:key, 1, 'reminder', 's',"
                        f" '2026-09-01', 'C0HWB', '', '{{}}', :status, 0, '{AT}', false, '{AT}')"
                    ),
                    {"key": key, "status": status},
                )
        upgrade(database_url)
        assert "notification" not in inspect(engine).get_table_names()
        assert model_drift(engine) == []
        with engine.begin() as connection:
            rows = connection.execute(text("SELECT key, status FROM outboxprompt ORDER BY id"))
            assert [tuple(row) for row in rows] == [  # 0017 puts the partnership first
                ("1|a", "pending"),
                ("1|b", "sent"),
                ("1|c", "failed"),
            ]
            connection.execute(  # a new prompt takes the next id
                text(
                    "INSERT INTO outboxprompt (key, partnership_id, kind, subject, due_on,"
                    " recipient, recipient_label, payload, status, attempts, next_attempt_at,"
                    f" late, created_at) VALUES ('d', 1, 'reminder', 's', '2026-09-01', 'C0HWB',"
                    f" '', '{{}}', 'pending', 0, '{AT}', false, '{AT}')"
                )
            )
            assert connection.execute(text("SELECT max(id) FROM outboxprompt")).scalar() == 4
        downgrade(database_url, BEFORE)
        with engine.connect() as connection:
            back = connection.execute(text("SELECT key FROM notification ORDER BY id")).all()
        assert [row[0] for row in back] == ["a", "b", "c", "d"]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
