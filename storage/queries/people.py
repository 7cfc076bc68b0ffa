"""People and their roles on boards; one person may hold several roles on several boards.

A role belongs to the body: held through any partnership's row of a shared board, it is held on
every row of that body (`same_body_ids`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import Board, Membership, PartnerContact, Person
from storage.queries.boards import same_body_ids
from storage.queries.records import chunks
from storage.roles import Role


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


def memberships_of(slack_user_id: str, *, session: Session) -> list[tuple[Board, Role]]:
    """(board, role) for every role the person holds on a board in force, in board order; a
    shared board's role once for each partnership's row."""
    held_on = aliased(Board)
    query = (
        select(Board, Membership.role)
        .join(held_on, col(held_on.body_id) == col(Board.body_id))
        .join(Membership, col(Membership.board_id) == col(held_on.id))
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(Person.slack_user_id == slack_user_id, col(Board.retired_at).is_(None))
        .order_by(col(Board.id), col(Membership.role))
        .distinct()
    )
    return [(board, Role(role)) for board, role in session.exec(query)]


def roles_on(board_id: int, slack_user_id: str, *, session: Session) -> set[Role]:
    query = (
        select(Membership.role)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(col(Membership.board_id).in_(same_body_ids(board_id)))
        .where(Person.slack_user_id == slack_user_id)
    )
    return {Role(role) for role in session.exec(query)}


def holds_any(
    board_ids: Iterable[int | None], slack_user_id: str, roles: Iterable[Role], *, session: Session
) -> bool:
    """Whether the person holds one of `roles` on one of these boards."""
    wanted = set(roles)
    return any(
        roles_on(board_id, slack_user_id, session=session) & wanted
        for board_id in board_ids
        if board_id is not None
    )


def people_of_board(board_id: int, *, session: Session) -> list[tuple[Person, Role]]:
    """(person, role) for every role held on the board, by role, then as they were added."""
    query = (
        select(Person, Membership.role)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(col(Membership.board_id).in_(same_body_ids(board_id)))
        .order_by(col(Membership.role), col(Person.id))
        .distinct()
    )
    return [(p, Role(role)) for p, role in session.exec(query)]


def people_of_boards(
    board_ids: Iterable[int], *, session: Session
) -> dict[int, list[tuple[Person, Role]]]:
    """`people_of_board` for many boards in one query: every board id given is a key; a shared
    board's people are those of its body."""
    ids = sorted(set(board_ids))
    found: dict[int, list[tuple[Person, Role]]] = {board_id: [] for board_id in ids}
    for chunk in chunks(ids):
        held_on = aliased(Board)  # a role held through any row of the board's body
        query = (
            select(Person, Membership.role, Board.id)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .join(held_on, col(held_on.id) == col(Membership.board_id))
            .join(Board, col(Board.body_id) == col(held_on.body_id))
            .where(col(Board.id).in_(chunk))
            .order_by(col(Membership.role), col(Person.id))
            .distinct()
        )
        for person, role, board_id in session.exec(query):
            if board_id is not None:
                found[board_id].append((person, Role(role)))
    return found


def people_with_role(board_id: int, role: Role, *, session: Session) -> list[Person]:
    return [person for person, held in people_of_board(board_id, session=session) if held == role]


def memberships_on(board_id: int, slack_user_id: str, *, session: Session) -> list[Membership]:
    """The person's roles on the board, oldest first."""
    query = (
        select(Membership)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(col(Membership.board_id).in_(same_body_ids(board_id)))
        .where(Person.slack_user_id == slack_user_id)
        .order_by(col(Membership.id))
    )
    return list(session.exec(query))


def memberships_by_holder(board_id: int, *, session: Session) -> dict[tuple[str, Role], Membership]:
    """(Slack user id, role) -> membership, for every role held on the board, oldest first."""
    query = (
        select(Membership, Person.slack_user_id)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(col(Membership.board_id).in_(same_body_ids(board_id)))
        .order_by(col(Membership.id))
    )
    return {(user, m.role): m for m, user in session.exec(query)}


def names_of(user_ids: Iterable[str], *, session: Session) -> dict[str, str]:
    """Slack user id -> the name stored for that person, for those whose name is known."""
    found: dict[str, str] = {}
    for part in chunks(sorted(set(user_ids))):
        query = select(Person).where(col(Person.slack_user_id).in_(part), Person.name != "")
        found.update({p.slack_user_id: p.name for p in session.exec(query)})
    return found


def partner_contacts(partnership_id: int, *, session: Session) -> dict[str, list[str]]:
    """Each partner's people (Slack user ids), by partner key, in the order they were added."""
    query = (
        select(PartnerContact.partner_key, Person.slack_user_id)
        .join(Person, col(Person.id) == col(PartnerContact.person_id))
        .where(PartnerContact.partnership_id == partnership_id)
        .order_by(col(PartnerContact.id))
    )
    found: dict[str, list[str]] = {}
    for key, user in session.exec(query):
        found.setdefault(key, []).append(user)
    return found


def partner_contact_rows(partnership_id: int, *, session: Session) -> list[PartnerContact]:
    query = select(PartnerContact).where(PartnerContact.partnership_id == partnership_id)
    return list(session.exec(query.order_by(col(PartnerContact.id))))


def partners_of(partnership_id: int, slack_user_id: str, *, session: Session) -> list[str]:
    """The keys of the partners the person hears for, in this partnership."""
    return [
        key
        for key, users in partner_contacts(partnership_id, session=session).items()
        if slack_user_id in users
    ]


def contact_partnerships(slack_user_id: str, *, session: Session) -> list[int]:
    """The partnerships in which the person hears for a partner."""
    query = (
        select(PartnerContact.partnership_id)
        .join(Person, col(Person.id) == col(PartnerContact.person_id))
        .where(Person.slack_user_id == slack_user_id)
    )
    return sorted(set(session.exec(query)))
