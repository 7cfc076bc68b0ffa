"""What people type is screened at the edge, and what the logs show never quotes it.

Two classes of character are refused wherever a person types (slash-command text, modal
values) and wherever a payload carries a value back (button values, a modal's metadata):
- control characters (NUL, the rest of C0 and C1, DEL), except tab, newline and carriage
  return, which are whitespace: a NUL cannot be stored in PostgreSQL, and none of them can be
  shown in Slack;
- bidirectional controls (the embeddings and overrides U+202A-U+202E, the isolates
  U+2066-U+2069 and the marks U+200E, U+200F and U+061C): they make a text read differently
  from what it stores.
Refusing, rather than stripping, keeps what is stored exactly what the person saw they sent.
"""

from __future__ import annotations

import logging
import traceback
import unicodedata
from collections.abc import Iterator

WHITESPACE = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
HIDDEN_DETAIL = "(detail hidden: it can quote stored text)"


def unacceptable(text: str) -> str | None:
    """Why `text` cannot be accepted as typed, or None when it can."""
    for character in text:
        if character in WHITESPACE:
            continue
        if unicodedata.category(character) == "Cc":
            return (
                f"that text contains a control character ({codepoint(character)}), which "
                "boardbot does not accept; type it again without it"
            )
        if character in BIDI_CONTROLS:
            return (
                f"that text contains a hidden text-direction control ({codepoint(character)}), "
                "which can make it read differently from what is stored; type it again without it"
            )
    return None


def codepoint(character: str) -> str:
    return f"U+{ord(character):04X}"


class DatabaseDetailFilter(logging.Filter):
    """Logs a traceback without PostgreSQL's DETAIL lines, which quote rows and keys.

    SQLAlchemy's own parameters are already hidden by the engine (`hide_parameters`); a
    constraint's DETAIL ("Key (text)=(...)", "Failing row contains (...)") is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and not record.exc_text:
            record.exc_text = redacted_traceback(error)
        return True


def redacted_traceback(error: BaseException) -> str:
    text = "".join(traceback.format_exception(error)).rstrip("\n")
    for detail in database_details(error):
        text = text.replace(detail, HIDDEN_DETAIL)
    return text


def database_details(error: BaseException) -> Iterator[str]:
    """The DETAIL text of every database error in the chain (psycopg keeps it in `diag`)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        for candidate in (current, getattr(current, "orig", None)):
            detail = getattr(getattr(candidate, "diag", None), "message_detail", None)
            if detail:
                yield str(detail)
        pending += [current.__cause__, current.__context__, getattr(current, "orig", None)]
