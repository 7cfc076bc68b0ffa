"""Reading a command's words: splitting them, the text after the first few, an id, free text."""

from __future__ import annotations

from storage.errors import BoardbotError

MAX_ID = 2**31 - 1  # ids are database integers; anything larger names nothing


def parse_id(token: str, what: str, *, usage: str | None = None) -> int:
    """A record id as typed (`12` or `#12`): plain ASCII digits, within the database's range."""
    number = token.strip().lstrip("#")
    if not (number.isascii() and number.isdecimal()) or int(number) > MAX_ID:
        raise BoardbotError(f"'{token}' is not {what} id; ids are numbers, e.g. 12", usage=usage)
    return int(number)


def split_args(text: str) -> list[str]:
    return text.strip().split()


def rest_after(text: str, count: int) -> str:
    """The text after the first `count` words, with its own spacing kept."""
    remainder = text.strip()
    for _ in range(count):
        parts = remainder.split(None, 1)
        remainder = parts[1] if len(parts) > 1 else ""
    return remainder.strip()


def short_text(text: str, limit: int = 500) -> str:
    """Free text is kept short: boardbot records governance, not case details."""
    text = " ".join(text.split())
    if len(text) > limit:
        raise BoardbotError(
            f"that text is {len(text)} characters; keep it under {limit} "
            "(record the governance point, never case details)"
        )
    return text
