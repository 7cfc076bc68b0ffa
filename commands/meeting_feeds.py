"""/meetings subscribe, unsubscribe and feed: boards' calendar feeds in, boards' calendars out."""

from __future__ import annotations

from collections.abc import Callable

from commands.context import Invocation, board_arg, require_role
from commands.reply import Code, Line, Link, Message, Reply, lines
from commands.words import short_text, split_args
from schedules.feeds import subscriptions, tokens
from schedules.feeds.fetch import FeedError, is_web_address, web_address
from storage.errors import BoardbotError
from storage.models import Board
from storage.queries.people import memberships_of
from storage.roles import ROLES, WRITERS, Role

SUBSCRIBE_USAGE = "Usage: `/meetings subscribe BOARD URL [--match TEXT]`"
UNSUBSCRIBE_USAGE = "Usage: `/meetings unsubscribe BOARD`"
FEED_USAGE = "Usage: `/meetings feed [BOARD]`"
URL_LIMIT = 500
MATCH_LIMIT = 200


def subscribe(inv: Invocation, rest: str) -> Reply:
    words, _, match_text = rest.partition("--match")
    args = split_args(words)
    if len(args) != 2:
        raise BoardbotError("give the board and the calendar feed's address", usage=SUBSCRIBE_USAGE)
    board = board_arg(inv, args[0], usage=SUBSCRIBE_USAGE)
    require_role(inv, board, WRITERS, f"change {board.key.upper()}'s calendar feed")
    url = feed_address(args[1])
    match = short_text(match_text.strip().strip("\"'“”"), MATCH_LIMIT)
    if "--match" in rest and not match:
        raise BoardbotError("give the text to match after --match", usage=SUBSCRIBE_USAGE)
    try:
        _, report = subscriptions.subscribe(
            board, url, match=match, now=inv.now, actor=inv.user_id, session=inv.session
        )
    except FeedError as failure:
        raise BoardbotError(f"could not read that feed: {failure}. Nothing was changed.") from None
    only = f" (events titled '{match}')" if match else ""
    text = (
        f"{board.key.upper()} now follows its calendar feed{only}: {report.summary()}. "
        "boardbot reads it again every hour and tells the board's channel when a meeting "
        "moves or is cancelled."
    )
    return Reply.say(text, lines(text))


def feed_address(token: str) -> str:
    address = token.strip()
    if not is_web_address(address):
        raise BoardbotError(
            f"'{address}' is not a web address; give the feed's https:// (or webcal://) address",
            usage=SUBSCRIBE_USAGE,
        )
    if len(address) > URL_LIMIT:
        raise BoardbotError(f"that address is over {URL_LIMIT} characters", usage=SUBSCRIBE_USAGE)
    return web_address(address)


def unsubscribe(inv: Invocation, rest: str) -> Reply:
    args = split_args(rest)
    if len(args) != 1:
        raise BoardbotError("give the board", usage=UNSUBSCRIBE_USAGE)
    board = board_arg(inv, args[0], usage=UNSUBSCRIBE_USAGE)
    require_role(inv, board, WRITERS, f"change {board.key.upper()}'s calendar feed")
    subscriptions.unsubscribe(board, now=inv.now, actor=inv.user_id, session=inv.session)
    return Reply.say(
        f"{board.key.upper()} no longer follows its calendar feed. The meetings it brought stay; "
        "change them with `/meetings move` and `/meetings cancel`."
    )


def feed(inv: Invocation, rest: str) -> Reply:
    """The calendar's address, in a DM to someone who holds a role on the board (or any board)."""
    args = split_args(rest)
    if len(args) > 1:
        raise BoardbotError("give one board, or none for the whole partnership", usage=FEED_USAGE)
    board = board_arg(inv, args[0], usage=FEED_USAGE) if args else None
    if board is not None:
        require_role(inv, board, ROLES, f"get {board.key.upper()}'s calendar")
    elif not any(b.partnership_id == inv.partnership_id for b, _ in holdings(inv)):
        raise BoardbotError(
            "to get the partnership's calendar you need a role on one of its boards"
        )
    if not inv.public_url:
        raise BoardbotError(
            "calendar links need the address people reach boardbot at; "
            "an administrator sets BOARDBOT_PUBLIC_URL"
        )
    made = tokens.token_for(
        inv.partnership, board, now=inv.now, actor=inv.user_id, session=inv.session
    )
    url = tokens.feed_url(inv.public_url, made.token)
    which = (
        f"{board.key.upper()}'s meetings and deadlines"
        if board
        else f"{inv.partnership.name}: every board's meetings and deadlines"
    )
    dm = Message(
        f"{which} as a calendar: {url}",
        [lines(*feed_lines(which, url, inv.partnership.key, board))],
        channel=inv.user_id,
    )
    sent = "I have sent you the calendar's address in a direct message."
    return Reply(Message(sent, [lines(sent)]), posts=[dm])


def holdings(inv: Invocation) -> list[tuple[Board, Role]]:
    return memberships_of(inv.user_id, session=inv.session)


def feed_lines(which: str, url: str, partnership: str, board: Board | None) -> list[Line]:
    scope = f"{partnership} {board.key}" if board else partnership
    return [
        (f"{which}, as a calendar: ", Link(url, url)),
        (
            "Subscribe to it in Outlook (Add calendar, From internet), Google Calendar (Other "
            "calendars, From URL) or Apple Calendar (New Calendar Subscription); "
            "it keeps itself up to date.",
        ),
        (
            "Keep the address to yourself: anyone who has it can read the calendar. If it gets "
            "out, an administrator revokes it with ",
            Code(f"boardbot calendar revoke {scope}"),
            ".",
        ),
    ]


FEED_VERBS: dict[str, Callable[[Invocation, str], Reply]] = {
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "feed": feed,
}
