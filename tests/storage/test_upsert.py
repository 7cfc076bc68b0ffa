"""insert_if_absent counts what it truly inserted; update_one_if lets exactly one caller win."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.models import Partnership, SendingPause
from storage.upsert import insert_if_absent, update_one_if

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def pause(workspace: str) -> dict[str, object]:
    return {"workspace": workspace, "error": "token_revoked", "since": NOW, "checked_at": NOW}


def test_insert_if_absent_inserts_new_keys_only_and_says_how_many(engine: Engine) -> None:
    with Session(engine) as session:
        rows = [pause(f"T{n:04d}") for n in range(450)]  # over SQLite's 999 parameters
        assert insert_if_absent(SendingPause, rows, unique=["workspace"], session=session) == 450
        again = [pause("T0001"), pause("T9999")]
        assert insert_if_absent(SendingPause, again, unique=["workspace"], session=session) == 1
        assert insert_if_absent(SendingPause, [], unique=["workspace"], session=session) == 0
        session.commit()
        assert len(session.exec(select(SendingPause)).all()) == 451


def test_update_one_if_changes_the_row_once_while_its_condition_holds(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Partnership(key="p", name="P", loaded_at=NOW))
        session.commit()
    wins = []
    for name in ("first", "second"):  # separate sessions, as separate requests are
        with Session(engine) as session:
            unchanged = col(Partnership.name) == "P"
            wins.append(update_one_if(Partnership, 1, unchanged, session=session, name=name))
            session.commit()
    assert wins == [True, False]
    with Session(engine) as session:
        assert session.exec(select(Partnership.name)).one() == "first"
