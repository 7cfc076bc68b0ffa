"""The migration that lets an occurrence name the meeting it was done at keeps every occurrence,
its evidence and note, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text
from sqlmodel import Session

from storage.db import make_engine
from storage.migrate import code_heads, current_revision, downgrade, model_drift, upgrade
from storage.models import Board, Body, DutyOccurrence, Meeting
from tests.storage.rows import PARTNERSHIP

BEFORE = "0013"
COLUMN = "evidence_meeting_id"


def columns(engine: object) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("dutyoccurrence")}  # type: ignore[arg-type]


def test_every_occurrence_keeps_its_evidence_and_can_name_a_meeting(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        assert COLUMN not in columns(engine)
        with engine.begin() as connection:
            connection.execute(text(PARTNERSHIP))
            connection.execute(
                text(
                    "INSERT INTO duty (id, partnership_id, key, kind, title, owners, counterparts,"
                    " evidence, clause, schedule, attendee_roles) VALUES (1, 1, 'd', 'duty', 'D',"
                    " '[]', '[]', '', '', '{}', '[]')"
                )
            )
            for number, status in enumerate(("pending", "done", "waived"), start=1):
                connection.execute(
                    text(
                        "INSERT INTO dutyoccurrence (id, duty_id, period_key, label, opens, closes,"
                        " due, status, evidence_link, note) VALUES (:id, 1, :key, '',"
                        " '2026-09-01', '2026-11-30', '2026-11-30', :status, :link, :note)"
                    ),
                    {
                        "id": number,
                        "key": f"p{number}",
                        "status": status,
                        "link": "https://example.org/e.pdf" if status == "done" else None,
                        "note": f"note {number}",
                    },
                )
        upgrade(database_url)
        assert COLUMN in columns(engine)
        assert model_drift(engine) == []
        with Session(engine) as session:  # the tables as the models now declare them
            body = Body()
            session.add(body)
            session.flush()
            assert body.id is not None
            board = Board(partnership_id=1, body_id=body.id, key="b", name="B", kind="board")
            session.add(board)
            session.flush()
            assert board.id is not None
            meeting = Meeting(board_id=board.id, starts_at=datetime(2026, 11, 12, 10, tzinfo=UTC))
            session.add(meeting)
            session.flush()
            done = session.get(DutyOccurrence, 2)
            assert done is not None
            done.evidence_meeting_id = meeting.id
            session.commit()
            meeting_id = meeting.id
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    f"SELECT id, status, evidence_link, note, {COLUMN} FROM dutyoccurrence"
                    " ORDER BY id"
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            (1, "pending", None, "note 1", None),
            (2, "done", "https://example.org/e.pdf", "note 2", meeting_id),
            (3, "waived", None, "note 3", None),
        ]
        downgrade(database_url, BEFORE)
        assert COLUMN not in columns(engine)
        with engine.connect() as connection:
            kept = connection.execute(
                text("SELECT id, status, evidence_link FROM dutyoccurrence ORDER BY id")
            ).all()
        assert [tuple(row) for row in kept] == [
            (1, "pending", None),
            (2, "done", "https://example.org/e.pdf"),
            (3, "waived", None),
        ]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
