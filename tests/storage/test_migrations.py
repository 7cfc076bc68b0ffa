"""Tables come from Alembic, and the migrations build exactly what the models declare."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from storage.db import make_engine, normalise_url
from storage.migrate import current_revision, downgrade, model_drift, upgrade
from storage.models import Partnership


def test_the_migrations_and_the_models_agree(engine: Engine) -> None:
    assert model_drift(engine) == []
    assert current_revision(engine) is not None


def test_it_upgrades_an_upgraded_database_without_complaint(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)


def test_it_downgrades_to_nothing_and_back(tmp_path: object) -> None:
    url = "sqlite:///" + str(tmp_path) + "/fresh.sqlite3"
    upgrade(url)
    downgrade(url, "base")
    engine = make_engine(url)
    assert current_revision(engine) is None
    upgrade(url)
    assert model_drift(engine) == []
    engine.dispose()


def test_it_stores_utc_and_gives_back_aware_datetimes(engine: Engine) -> None:
    london_summer = timezone(timedelta(hours=1))
    with Session(engine) as session:
        session.add(
            Partnership(key="p", name="P", loaded_at=datetime(2026, 9, 1, 9, tzinfo=london_summer))
        )
        session.commit()
    with Session(engine) as session:
        row = session.get(Partnership, 1)
        assert row is not None
        assert row.loaded_at == datetime(2026, 9, 1, 8, tzinfo=UTC)
        assert row.loaded_at.tzinfo is not None


def test_it_refuses_a_naive_datetime(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Partnership(key="p", name="P", loaded_at=datetime(2026, 9, 1, 9)))
        with pytest.raises(Exception, match="naive datetime"):
            session.commit()


def test_it_sends_postgres_urls_to_psycopg_three() -> None:
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url(None).startswith("sqlite:///")


def test_a_second_minute_share_for_the_same_meeting_day_is_refused_by_the_database(
    engine: Engine,
) -> None:
    from datetime import date

    from sqlalchemy.exc import IntegrityError

    from storage.models import Board, Body, MinuteShare

    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    with Session(engine) as session:
        session.add(Partnership(key="p", name="P", loaded_at=at))
        session.flush()
        session.add(Body(id=1))
        session.flush()
        session.add(Board(partnership_id=1, body_id=1, key="hwb", name="HWB", kind="other"))
        session.flush()
        for _ in range(2):
            session.add(
                MinuteShare(board_id=1, meeting_on=date(2026, 11, 19), logged_by="U1", logged_at=at)
            )
        with pytest.raises(IntegrityError):
            session.commit()


def test_migration_0003_moves_attendee_roles_out_of_the_schedule_and_back(tmp_path: object) -> None:
    url = "sqlite:///" + str(tmp_path) + "/roles.sqlite3"
    upgrade(url, "0002")
    engine = make_engine(url)
    at = "2026-11-23 10:00:00"
    schedule = '{"every": "quarter", "attendee_roles": ["business_manager"]}'
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO partnership (id, key, name, timezone, year_start_month, source, protocol,"
            f" loaded_at) VALUES (1, 'p', 'P', 'Europe/London', 4, '', '{{}}', '{at}')"
        )
        connection.exec_driver_sql(
            "INSERT INTO duty (id, partnership_id, key, kind, title, owners, counterparts,"
            f" evidence, clause, schedule) VALUES (1, 1, 'm', 'joint_meeting', 'M', '[]', '[]',"
            f" 'e', 'c', '{schedule}')"
        )
    upgrade(url)
    with engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT schedule, attendee_roles FROM duty").one()
    assert json.loads(row[0]) == {"every": "quarter"}
    assert json.loads(row[1]) == ["business_manager"]
    downgrade(url, "0002")
    with engine.connect() as connection:
        restored = connection.exec_driver_sql("SELECT schedule FROM duty").scalar_one()
    assert json.loads(restored) == {"every": "quarter", "attendee_roles": ["business_manager"]}
    engine.dispose()


def test_migration_0004_adds_the_sending_pause_table_and_keeps_every_prompt(
    database_url: str,
) -> None:
    from sqlalchemy import inspect

    downgrade(database_url, "0003")
    engine = make_engine(database_url)
    at = "2026-09-01 08:00:00+00"
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO partnership (id, key, name, timezone, year_start_month, source, protocol,"
            f" loaded_at) VALUES (1, 'p', 'P', 'Europe/London', 4, '', '{{}}', '{at}')"
        )
        connection.exec_driver_sql(
            "INSERT INTO notification (key, partnership_id, kind, subject, due_on, recipient,"
            " recipient_label, payload, status, attempts, next_attempt_at, late, created_at)"
            f" VALUES ('k', 1, 'reminder', 's', '2026-09-01', 'C0HWB', '', '{{}}', 'pending', 0,"
            f" '{at}', false, '{at}')"
        )
    assert "sendingpause" not in inspect(engine).get_table_names()
    upgrade(database_url)
    assert "sendingpause" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        kept = connection.exec_driver_sql("SELECT key, status FROM outboxprompt").all()
    assert [tuple(row) for row in kept] == [("1|k", "pending")]  # 0017: the partnership first
    assert model_drift(engine) == []
    engine.dispose()


def test_a_database_with_occurrences_downgrades_and_upgrades_keeping_them(sqlite_url: str) -> None:
    """SQLite's batch mode rebuilds tables that occurrences refer to: foreign keys must wait."""
    from schedules.protocol import load_protocol
    from schedules.protocol.store import store_protocol

    engine = make_engine(sqlite_url)
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    with Session(engine) as session:
        store_protocol(load_protocol("rutland"), session=session, now=at)
        session.commit()
    count = "SELECT count(*) FROM dutyoccurrence"
    with engine.connect() as connection:
        made = connection.exec_driver_sql(count).scalar_one()
    assert made > 0
    downgrade(sqlite_url, "0002")
    upgrade(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql(count).scalar_one() == made
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert model_drift(engine) == []
    engine.dispose()
