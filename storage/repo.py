"""Repository functions for partnerships, boards and people; the caller owns the transaction."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import Board, Membership, Partnership, Person


def partnerships(*, session: Session) -> list[Partnership]:
    return list(session.exec(select(Partnership).order_by(col(Partnership.key))))


def partnership_by_key(key: str, *, session: Session) -> Partnership | None:
    return session.exec(select(Partnership).where(Partnership.key == key)).first()


def boards(partnership_id: int, *, session: Session) -> list[Board]:
    query = (
        select(Board)
        .where(Board.partnership_id == partnership_id, col(Board.retired_at).is_(None))
        .order_by(col(Board.id))
    )
    return list(session.exec(query))


def board_by_key(partnership_id: int, key: str, *, session: Session) -> Board | None:
    query = select(Board).where(
        Board.partnership_id == partnership_id,
        Board.key == key.lower(),
        col(Board.retired_at).is_(None),
    )
    return session.exec(query).first()


def boards_by_channel(channel_id: str, *, session: Session) -> list[Board]:
    query = select(Board).where(Board.channel_id == channel_id, col(Board.retired_at).is_(None))
    return list(session.exec(query))


def partnerships_by_digest_channel(channel_id: str, *, session: Session) -> list[Partnership]:
    return list(session.exec(select(Partnership).where(Partnership.digest_channel == channel_id)))


def person(slack_user_id: str, *, session: Session) -> Person | None:
    return session.exec(select(Person).where(Person.slack_user_id == slack_user_id)).first()


def ensure_person(slack_user_id: str, *, session: Session, name: str = "") -> Person:
    found = person(slack_user_id, session=session)
    if found is None:
        found = Person(slack_user_id=slack_user_id, name=name)
        session.add(found)
        session.flush()
    elif name and found.name != name:
        found.name = name
    return found


def memberships_of(slack_user_id: str, *, session: Session) -> list[tuple[Board, str]]:
    """(board, role) for every role the person holds, on any board."""
    query = (
        select(Board, Membership.role)
        .join(Membership, col(Membership.board_id) == col(Board.id))
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(Person.slack_user_id == slack_user_id, col(Board.retired_at).is_(None))
        .order_by(col(Board.id))
    )
    return [(board, role) for board, role in session.exec(query)]


def roles_on(board_id: int, slack_user_id: str, *, session: Session) -> set[str]:
    query = (
        select(Membership.role)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(Membership.board_id == board_id, Person.slack_user_id == slack_user_id)
    )
    return set(session.exec(query))


def people_with_role(board_id: int, role: str, *, session: Session) -> list[Person]:
    query = (
        select(Person)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(Membership.board_id == board_id, Membership.role == role)
        .order_by(col(Person.id))
    )
    return list(session.exec(query))


def people_of_board(board_id: int, *, session: Session) -> list[tuple[Person, str]]:
    query = (
        select(Person, Membership.role)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(Membership.board_id == board_id)
        .order_by(col(Membership.role), col(Person.id))
    )
    return [(p, role) for p, role in session.exec(query)]
