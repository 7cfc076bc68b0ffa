"""GET /calendar/TOKEN.ics: a partnership's or a board's calendar, for calendar apps to follow.

An unknown or revoked token gets a bare 404. Responses carry an ETag (the body's hash) and a
matching If-None-Match gets 304, so a calendar app polling hourly costs one small answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from schedules.calendar import utcnow
from schedules.feeds import tokens
from schedules.feeds.export import CalendarFile, export_calendar
from storage.models import Partnership
from storage.queries.boards import board_by_key

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Clock = Callable[[], Any]
CACHE = "private, max-age=300"


def with_calendar_feeds(app: WsgiApp, engine: Engine, now: Clock = utcnow) -> WsgiApp:
    """`app`, with /calendar/… answered here and everything else passed on."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(tokens.PATH_PREFIX):
            return app(environ, start_response)
        return calendar_response(engine, now, environ, start_response)

    return application


def calendar_response(
    engine: Engine, now: Clock, environ: dict[str, Any], start_response: Callable[..., Any]
) -> list[bytes]:
    method = environ.get("REQUEST_METHOD", "")
    if method not in ("GET", "HEAD"):
        return answer(start_response, "405 Method Not Allowed", [("Allow", "GET, HEAD")])
    token = tokens.token_in_path(environ.get("PATH_INFO", ""))
    found = calendar_file(engine, token, now()) if token else None
    if found is None:
        return answer(start_response, "404 Not Found", [], b"not found")
    headers = [("ETag", found.etag), ("Cache-Control", CACHE)]
    wanted = etags(environ.get("HTTP_IF_NONE_MATCH", ""))
    if found.etag in wanted or "*" in wanted:
        return answer(start_response, "304 Not Modified", headers)
    headers.append(("Content-Type", "text/calendar; charset=utf-8"))
    body = b"" if method == "HEAD" else found.body
    start_response("200 OK", [*headers, ("Content-Length", str(len(found.body)))])
    return [body]


def calendar_file(engine: Engine, token: str, now: Any) -> CalendarFile | None:
    with Session(engine) as session:
        made = tokens.find(token, session=session)
        if made is None:
            return None
        partnership = session.get(Partnership, made.partnership_id)
        if partnership is None or partnership.id is None:
            return None
        board = None
        if made.board_key:
            board = board_by_key(partnership.id, made.board_key, session=session)
            if board is None:
                return None  # the board was retired
        return export_calendar(partnership, board, now, session=session)


def etags(header: str) -> set[str]:
    """The tags an If-None-Match names; a weak tag matches too (RFC 9110's weak comparison)."""
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def answer(
    start_response: Callable[..., Any],
    status: str,
    headers: list[tuple[str, str]],
    body: bytes = b"",
) -> list[bytes]:
    kind = [("Content-Type", "text/plain; charset=utf-8")] if body else []
    start_response(status, [*headers, *kind, ("Content-Length", str(len(body)))])
    return [body]
