"""A partner that is not a board is bound to people by the setup file; they hear its prompts and
counterpart notices by direct message, through the stand-in Slack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.cli.setup import binding_of, render_setup
from bot.fakeslack import FakeSlack
from bot.sender import SlackSender
from bot.setup_file import SetupInvalid, apply_setup, parse_setup
from bot.slack_client import clock_client
from schedules.clock import tick
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import partner_contacts
from tests.bot.conftest import settings_for
from tests.commands.anyborough import PROTOCOL

BEFORE = datetime(2026, 8, 3, 9, tzinfo=UTC)
SEPT_1 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)
SETUP = """\
partnership: anyborough.yaml
boards:
  hwb: {channel: C0HWB, people: {U0HWBCHAIR: chair, U0HWBBM: business_manager}}
  scb: {channel: C0LSCB, people: {U0SCBCHAIR: chair, U0SCBBM: business_manager}}
partners:
  cabinet: {people: {U0CAB: contact, U0CAB2: contact}}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "anyborough.yaml").write_text(PROTOCOL)
    return tmp_path


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def apply(session: Session, folder: Path, text: str) -> str:
    setup = parse_setup(text, str(folder / "setup.yaml"), session=session)
    report = apply_setup(setup, session=session, now=BEFORE)
    session.commit()
    return report.render()


def contacts(session: Session) -> dict[str, list[str]]:
    partnership = partnership_by_key("anyborough", session=session)
    assert partnership and partnership.id
    return partner_contacts(partnership.id, session=session)


def test_the_setup_file_binds_a_partners_people_exactly_and_shows_them_back(
    session: Session, folder: Path
) -> None:
    report = apply(session, folder, SETUP)
    assert "cabinet: U0CAB added as contact" in report
    assert contacts(session) == {"cabinet": ["U0CAB", "U0CAB2"]}
    assert apply(session, folder, SETUP).endswith("no changes")
    fewer = SETUP.replace(", U0CAB2: contact", "")
    assert "cabinet: U0CAB2 removed as contact (not in the file)" in apply(session, folder, fewer)
    assert contacts(session) == {"cabinet": ["U0CAB"]}
    shown = render_setup(binding_of("anyborough", session=session))
    assert "partners:\n  cabinet:\n    people: {U0CAB: contact}" in shown


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  cabinet:",
            "  cabinett:",
            "setup.yaml:6: partners.cabinett: unknown partner key 'cabinett'; "
            "use one of cabinet, lead-member",
        ),
        (
            "U0CAB: contact",
            "U0CAB: chair",
            "setup.yaml:6: partners.cabinet.people.U0CAB: 'chair' is not a partner's role; "
            "write contact, e.g. U0CAB: contact",
        ),
        (
            "  cabinet: {people:",
            "  cabinet: {channel: C0CAB, people:",
            "setup.yaml:6: partners.cabinet.channel: unknown field; allowed here: people, "
            "e.g. cabinet: {people: {U0CAB: contact}}",
        ),
        (
            "U0CAB: contact",
            "cabinet-office: contact",
            "setup.yaml:6: partners.cabinet.people.cabinet-office: 'cabinet-office' is not a "
            "Slack user id",
        ),
    ],
)
def test_it_says_what_is_wrong_with_a_partner_at_its_line(
    folder: Path, old: str, new: str, expected: str
) -> None:
    with pytest.raises(SetupInvalid) as raised:
        parse_setup(SETUP.replace(old, new), str(folder / "setup.yaml"))
    found = [line.removeprefix(f"{folder}/") for line in raised.value.render().splitlines()]
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_partners_people_receive_its_counterpart_notice_by_direct_message(
    engine: Engine, session: Session, folder: Path, fake: FakeSlack, sqlite_url: str
) -> None:
    apply(session, folder, SETUP)
    fake.clock = lambda: SEPT_1
    tick(engine, SEPT_1, SlackSender(clock_client(settings_for(fake, sqlite_url), timeout=3)))
    for person in ("U0CAB", "U0CAB2"):
        (notice,) = fake.messages(person)
        assert "SCB is due to bring “SCB annual report to the HWB and Cabinet”" in notice["text"]
        assert "Is it on an agenda?" not in notice["text"]
    assert fake.messages("U0SCBCHAIR") and fake.messages("C0LSCB")
