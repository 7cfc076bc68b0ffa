"""Loading a protocol: again means update in place; a removed duty retires with its history."""

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from schedules.protocol import load_protocol, parse_protocol
from schedules.protocol.store import store_protocol
from storage.models import AuditEntry, Board, Duty, Partnership

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_it_loads_a_bundled_protocol_with_its_boards_and_duties(engine: Engine) -> None:
    with Session(engine) as session:
        report = store_protocol(load_protocol("rutland"), session=session, now=NOW)
        session.commit()
        assert report.created[0] == "partnership rutland"
        keys = sorted(b.key for b in session.exec(select(Board)))
        assert keys == ["hwb", "lrlscb", "lrsab"]
        assert len(session.exec(select(Duty)).all()) == 4


def test_it_updates_in_place_when_loaded_again(engine: Engine) -> None:
    with Session(engine) as session:
        store_protocol(load_protocol("rutland"), session=session, now=NOW)
        session.commit()
        report = store_protocol(load_protocol("rutland"), session=session, now=NOW)
        session.commit()
        assert report.created == [] and report.updated == [] and report.retired == []
        assert len(session.exec(select(Partnership)).all()) == 1
        assert len(session.exec(select(Duty)).all()) == 4
        assert len(session.exec(select(AuditEntry)).all()) == 2


def test_it_retires_a_duty_removed_from_the_file_and_keeps_its_row(engine: Engine) -> None:
    protocol = load_protocol("rutland")
    trimmed = parse_protocol(
        protocol.model_copy(update={"duties": protocol.duties[:3]}).model_dump_json()
    )
    with Session(engine) as session:
        store_protocol(protocol, session=session, now=NOW)
        session.commit()
        report = store_protocol(trimmed, session=session, now=NOW)
        session.commit()
        assert report.retired == ["duty refreshed-plans-shared"]
        retired = session.exec(select(Duty).where(Duty.key == "refreshed-plans-shared")).one()
        assert retired.retired_at == NOW
        # Putting it back brings the same row back to life.
        report = store_protocol(protocol, session=session, now=NOW)
        session.commit()
        assert "duty refreshed-plans-shared" in report.updated
        assert session.get(Duty, retired.id).retired_at is None  # type: ignore[union-attr]


def test_it_records_a_changed_title_as_an_update(engine: Engine) -> None:
    protocol = load_protocol("rutland")
    renamed = protocol.model_copy(
        update={"duties": [protocol.duties[0].model_copy(update={"title": "New title"})]}
    )
    with Session(engine) as session:
        store_protocol(protocol, session=session, now=NOW)
        report = store_protocol(renamed, session=session, now=NOW)
        assert "duty lrlscb-annual-report-to-hwb" in report.updated
        assert len(report.retired) == 3
