"""The tracker canvas's content: a partnership's year of duties per board, overdue first.

Markdown within what Slack's canvases take (headings, lists, bold, links); the statuses are the
evidence pack's (schedules/evidence), so the canvas, the pack and its CSV always agree. The
content carries no time of day, so it changes only when the record or the London day does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from sqlmodel import Session

from schedules import calendar
from schedules.evidence.duties import STATUS_WORDS, DutyRow
from schedules.evidence.gather import year_duties
from schedules.evidence.year import PackYear, current_start
from storage.models import Partnership
from storage.queries.boards import boards_of
from storage.queries.people import names_of
from storage.queries.trackers import changes_of
from storage.status import Standing

# Raised whenever the content's shape changes, so that every canvas is redrawn after an upgrade.
FORMAT = 1
# Within a board: what needs doing first, then what is coming, then what is settled.
ORDER = (
    Standing.OVERDUE,
    Standing.OPEN,
    Standing.UPCOMING,
    Standing.DONE_LATE,
    Standing.DONE,
    Standing.WAIVED,
)
SETTLED = frozenset({Standing.DONE_LATE, Standing.DONE, Standing.WAIVED})
LIMIT = 1_000_000  # characters: a canvas's markdown holds at most 1,048,576
CUT = "- … and more than a canvas holds: the evidence pack lists every duty."
# Each free text sits inside a line, so only the inline marks need escaping.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
URL_SAFE = ":/?#@!$&'*+,;=%~-._"  # kept as they are in a link; brackets and spaces are escaped


@dataclass(frozen=True)
class BoardDuties:
    key: str
    name: str
    rows: list[DutyRow]


def tracker_markdown(partnership: Partnership, at: datetime, *, session: Session) -> str:
    """The canvas of `partnership` as the record stands at `at`: the year holding `at`."""
    pid = partnership.id
    assert pid is not None
    year = PackYear(current_start(at, partnership.year_start_month), partnership.year_start_month)
    boards = boards_of(pid, session=session, retired=True)
    keys = {b.id: b.key for b in boards if b.id is not None}
    # What closed before the partnership started using boardbot is not its to track.
    rows = [
        row
        for row in year_duties(partnership, year, at, keys, session=session).rows
        if row.status != Standing.BEFORE_BOARDBOT
    ]
    names = names_of({r.done_by for r in rows if r.done_by}, session=session)
    current = [b for b in boards if b.retired_at is None or b.retired_at > at]
    sections = [
        BoardDuties(b.key, b.name, [r for r in rows if b.key in r.duty.owners]) for b in current
    ]
    return render(partnership.name, year, rows, sections, names)


def tracker_inputs(partnership: Partnership, at: datetime, *, session: Session) -> str:
    """A short mark of what the content is made from: when it is unchanged since the canvas
    was last drawn, so is the content, and the clock skips building it. Every change to the
    record writes an audit entry; a held meeting can open a duty; a new day can move a status.
    (A name learnt from Slack without a change to the record shows from the next change.)"""
    pid = partnership.id
    assert pid is not None
    year = PackYear(current_start(at, partnership.year_start_month), partnership.year_start_month)
    held = changes_of(pid, year.begins_at, min(at, year.ends_at), session=session)
    return f"v{FORMAT} {partnership.key} {calendar.london_date(at).isoformat()} {held}"


def render(
    name: str,
    year: PackYear,
    rows: Sequence[DutyRow],
    sections: Sequence[BoardDuties],
    names: dict[str, str],
) -> str:
    """`rows`: each occurrence once; `sections`: each board's, so a joint duty is in several.

    Within what a canvas holds: past LIMIT, each board's settled duties are counted rather
    than listed, and past it still, the list is cut where it reaches the limit."""
    head = [
        f"# {plain(name)}: duties {year.label}",
        "",
        f"The partnership's year, {year.span_text()}: each board's duties with the overdue "
        "first, kept up to date by boardbot.",
        "",
        counts(rows),
    ]
    text = "\n".join(head + board_lines(sections, names, fold=False)) + "\n"
    if len(text) <= LIMIT:
        return text
    text = "\n".join(head + board_lines(sections, names, fold=True)) + "\n"
    if len(text) <= LIMIT:
        return text
    cut = text.rfind("\n", 0, LIMIT - len(CUT) - 1)
    return text[: cut + 1] + CUT + "\n"


def board_lines(sections: Sequence[BoardDuties], names: dict[str, str], *, fold: bool) -> list[str]:
    lines: list[str] = []
    for section in sections:
        lines += ["", f"## {plain(section.key.upper())}: {plain(section.name)}", ""]
        if not section.rows:
            lines.append("- No duties this year.")
        ordered = sorted(section.rows, key=lambda r: (ORDER.index(r.status), r.due, r.opens))
        settled = [row for row in ordered if row.status in SETTLED]
        shown = [row for row in ordered if not (fold and row.status in SETTLED)]
        lines += [item(row, names) for row in shown]
        if fold and settled:
            lines.append(f"- {len(settled)} more done or waived: the evidence pack lists them.")
    return lines


def counts(rows: Iterable[DutyRow]) -> str:
    statuses = [row.status for row in rows]
    found = [f"{statuses.count(s)} {STATUS_WORDS[s]}" for s in ORDER if s in statuses]
    return f"**{', '.join(found)}.**" if found else "**No duties this year.**"


def item(row: DutyRow, names: dict[str, str]) -> str:
    """One occurrence as a list item: its status first, in bold."""
    title = plain(row.duty.title)
    if row.label and row.label not in row.duty.title:
        title += f" ({plain(row.label)})"
    return f"- **{STATUS_WORDS[row.status].capitalize()}**: {title}, {outcome(row, names)}"


def outcome(row: DutyRow, names: dict[str, str]) -> str:
    due = f"due {day(row.due)}"
    if row.status == "upcoming":
        return f"opens {day(row.opens)}, {due}"
    if row.status in ("overdue", "open"):
        return f"{due} (window from {day(row.opens)})"
    assert row.done_on is not None
    by = f" by {plain(names.get(row.done_by, row.done_by))}" if row.done_by else ""
    if row.status == "waived":
        reason = f": {plain(row.waived_reason)}" if row.waived_reason else ""
        return f"{due}, waived {day(row.done_on)}{by}{reason}"
    said = [f"{due}, done {day(row.done_on)}{by}"]
    if row.evidence:
        said.append(link(row.evidence))
    if row.note:
        said.append(plain(row.note))
    return "; ".join(said)


def day(value: date) -> str:
    return calendar.short_date(value)


def link(url: str) -> str:
    """An evidence link that opens; anything else is shown as text."""
    if not re.match(r"^https?://[^\s]+$", url):
        return plain(url)
    return f"[evidence]({quote(url, safe=URL_SAFE)})"


def plain(text: str) -> str:
    """Free text as text: markdown's marks escaped, on one line."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
