"""A loaded rutland partnership with channels and role holders, and a way to run commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from commands.context import Invocation
from commands.registry import command_handler
from commands.reply import Reply
from schedules.protocol import load_protocol
from schedules.protocol.store import store_protocol
from storage.errors import BoardbotError
from storage.models import Membership
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person

# 23 November 2026, a Monday, 10:00 in London (GMT).
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

PEOPLE = {
    "hwb": {"U0HWBCHAIR": "chair", "U0HWBBM": "business_manager", "U0HWBSEC": "secretariat"},
    "lrlscb": {"U0LSCBCHAIR": "chair", "U0LSCBBM": "business_manager", "U0LSCBSEC": "secretariat"},
    "lrsab": {"U0SABCHAIR": "chair", "U0SABBM": "business_manager"},
}
CHANNELS = {"hwb": "C0HWB", "lrlscb": "C0LSCB", "lrsab": "C0SAB"}
OUTSIDER = "U0OUTSIDER"


@dataclass
class BoundPartnership:
    """The rutland partnership bound to its channels and role holders, in an open session."""

    session: Session
    now: datetime = NOW

    def invocation(
        self, user: str, channel: str = "C0ELSEWHERE", now: datetime | None = None
    ) -> Invocation:
        return Invocation(self.session, user, channel, now or self.now, trigger_id="T.trigger")

    def run(self, command: str, text: str, user: str, channel: str = "C0ELSEWHERE") -> Reply:
        """Run a slash command as one transaction, as the Slack edge does.

        A refusal must come before any write: that is checked here, inside the transaction,
        before the rollback that would otherwise hide a half-written record."""
        inv = self.invocation(user, channel)
        before = row_counts(self.session)
        try:
            reply = command_handler(command)(inv, text)
            self.session.commit()
        except BoardbotError:
            modified = [o for o in self.session.dirty if self.session.is_modified(o)]
            pending = list(self.session.new) + list(self.session.deleted) + modified
            after = row_counts(self.session)
            self.session.rollback()
            assert not pending and after == before, f"{command} {text!r} wrote before refusing"
            raise
        except BaseException:
            self.session.rollback()
            raise
        return reply


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table as this transaction sees them."""
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def bind_rutland(session: Session) -> None:
    store_protocol(load_protocol("rutland"), session=session, now=NOW)
    session.flush()
    partnership = partnership_by_key("rutland", session=session)
    assert partnership and partnership.id
    partnership.digest_channel = "C0DIGEST"
    bind_boards(session, partnership.id, PEOPLE, CHANNELS)
    session.commit()


def bind_boards(
    session: Session,
    partnership_id: int,
    people: dict[str, dict[str, str]],
    channels: dict[str, str],
) -> None:
    """Each board its channel and its people's roles, as a setup file would."""
    for key, held in people.items():
        board = board_by_key(partnership_id, key, session=session)
        assert board and board.id
        board.channel_id = channels[key]
        for user, role in held.items():
            person = ensure_person(user, session=session)
            assert person.id
            session.add(Membership(person_id=person.id, board_id=board.id, role=role))
