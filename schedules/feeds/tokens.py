"""The unguessable addresses of exported calendars: one per partnership and one per board."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import Board, CalendarToken, Partnership
from storage.queries.audit import Auditor
from storage.queries.feeds import calendar_token, token_named

PATH_PREFIX = "/calendar/"
TOKEN_BYTES = 24  # 32 URL-safe characters: 192 bits, not guessable
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def feed_path(token: str) -> str:
    return f"{PATH_PREFIX}{token}.ics"


def feed_url(base: str, token: str) -> str:
    return base.rstrip("/") + feed_path(token)


def token_in_path(path: str) -> str | None:
    """The token in `/calendar/TOKEN.ics`, if the path has that shape."""
    if not (path.startswith(PATH_PREFIX) and path.endswith(".ics")):
        return None
    token = path[len(PATH_PREFIX) : -len(".ics")]
    return token if TOKEN_SHAPE.match(token) else None


def scope_of(board: Board | None) -> str:
    return board.key if board is not None else ""


def existing(
    partnership: Partnership, board: Board | None, *, session: Session
) -> CalendarToken | None:
    return calendar_token(partnership.id, scope_of(board), session=session)


def token_for(
    partnership: Partnership, board: Board | None, *, now: datetime, actor: str, session: Session
) -> CalendarToken:
    """The calendar's token, made (and audited) the first time it is asked for."""
    found = existing(partnership, board, session=session)
    if found is not None:
        return found
    assert partnership.id is not None
    made = CalendarToken(
        partnership_id=partnership.id,
        board_key=scope_of(board),
        token=secrets.token_urlsafe(TOKEN_BYTES),
        created_by=actor[:40],
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(made)
    except IntegrityError:  # someone else made it a moment ago: theirs stands
        found = existing(partnership, board, session=session)
        assert found is not None
        return found
    scope = {"calendar": scope_of(board) or "partnership"}
    auditor = Auditor(session, now, actor, partnership.id)
    auditor.record("calendar.token_made", "calendartoken", made.id, after=scope)
    return made


def revoke(
    partnership: Partnership, board: Board | None, *, now: datetime, actor: str, session: Session
) -> bool:
    """Delete the token: its address answers 404 from now on. False if there was none."""
    found = existing(partnership, board, session=session)
    if found is None:
        return False
    scope = {"calendar": scope_of(board) or "partnership"}
    auditor = Auditor(session, now, actor, partnership.id)
    auditor.record("calendar.token_revoked", "calendartoken", found.id, before=scope)
    session.delete(found)
    return True


def find(token: str, *, session: Session) -> CalendarToken | None:
    return token_named(token, session=session)
