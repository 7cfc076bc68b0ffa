"""The year at a glance as inline SVG: a row per duty (grouped by owner boards), each window a
bar ending on its due date, a mark for its outcome, and the boards' meetings as ticks.

Outcomes differ in shape as well as colour, so the page reads in black and white: done on time
a filled circle, done late a filled triangle, waived a hollow diamond, overdue a cross. Every
text is escaped with MarkupSafe, as the rest of the pack is by Jinja2's autoescape."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from markupsafe import Markup, escape

from schedules import calendar
from schedules.evidence.duties import DutyRow
from schedules.evidence.year import PackYear
from storage.status import Standing

WIDTH, LABEL_X, PLOT_X, PLOT_RIGHT = 1000, 8, 330, 985
ROW, GROUP, LANE, TOP = 16, 22, 14, 78
COLOURS = {
    Standing.DONE: "#1a7f37",
    Standing.DONE_LATE: "#bc4c00",
    Standing.WAIVED: "#57606a",
    Standing.OVERDUE: "#cf222e",
}
LABELS = {
    Standing.DONE: "done on time",
    Standing.DONE_LATE: "done late",
    Standing.WAIVED: "waived",
    Standing.OVERDUE: "overdue",
    Standing.BEFORE_BOARDBOT: "before boardbot",
}
LABEL_CHARACTERS = 52
short_date = lru_cache(maxsize=2048)(calendar.short_date)  # called for every bar and mark


@dataclass(frozen=True)
class Tick:
    board: str
    starts_at: datetime


def mark(status: Standing, x: float, y: float, caption: str, role: str = "data-status") -> str:
    """The outcome's shape at (x, y); `role` names the attribute that tells tests and CSS what it
    stands for (data-status on the timeline, data-legend in the legend)."""
    colour, tip = COLOURS[status], f"<title>{escape(caption)}</title>"
    common = f'class="mark mark-{status}" {role}="{status}"'
    if status == Standing.DONE:
        return f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}">{tip}</circle>'
    if status == Standing.DONE_LATE:
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon {common} points="{points}" fill="{colour}">{tip}</polygon>'
    if status == Standing.WAIVED:
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return (
            f'<polygon {common} points="{points}" fill="#ffffff" stroke="{colour}" '
            f'stroke-width="1.6">{tip}</polygon>'
        )
    a, b, c, d = f"{x - 4:.1f}", f"{x + 4:.1f}", f"{y - 4:.1f}", f"{y + 4:.1f}"
    cross = f"M{a},{c}L{b},{d}M{b},{c}L{a},{d}"  # two strokes: reads as a cross without colour
    return (
        f'<path {common} d="{cross}" fill="none" stroke="{colour}" stroke-width="2.4">{tip}</path>'
    )


def owner_groups(
    rows: Sequence[DutyRow], board_order: Sequence[str]
) -> list[tuple[str, list[list[DutyRow]]]]:
    """(group label, one list of rows per duty), grouped by the duties' owner boards in the
    order of the boards; a duty owed by several boards jointly forms a group of its own."""
    rank = {key: index for index, key in enumerate(board_order)}
    groups: dict[tuple[str, ...], dict[int, list[DutyRow]]] = {}
    for row in rows:
        groups.setdefault(row.duty.owners, {}).setdefault(row.duty.id, []).append(row)
    ordered = sorted(groups, key=lambda owners: ([rank.get(k, len(rank)) for k in owners], owners))
    return [
        (" + ".join(k.upper() for k in owners), list(groups[owners].values())) for owners in ordered
    ]


class Scale:
    def __init__(self, year: PackYear) -> None:
        self.first = year.first
        self.days = (year.last - year.first).days + 1
        self.per_day = (PLOT_RIGHT - PLOT_X) / self.days

    def x(self, day: date) -> float:
        """The left edge of `day`, clamped to the year."""
        offset = min(max((day - self.first).days, 0), self.days)
        return PLOT_X + offset * self.per_day

    def middle(self, day: date) -> float:
        return min(self.x(day) + self.per_day / 2, PLOT_RIGHT)


def timeline_svg(
    rows: Sequence[DutyRow],
    ticks: Sequence[Tick],
    boards: Sequence[str],
    year: PackYear,
    at: datetime,
    name_of: Callable[[str], str] = str,
) -> Markup:
    scale, parts, y = Scale(year), [], TOP
    for board in boards:
        own = [t for t in ticks if t.board == board]
        parts.append(_lane(board, own, scale, y))
        y += LANE
    for label, duties in owner_groups(rows, boards):
        parts.append(f'<text class="group" x="{LABEL_X}" y="{y + 15}">{escape(label)}</text>')
        y += GROUP
        for occurrences in duties:
            parts.append(_duty_row(occurrences, scale, y, name_of))
            y += ROW
    height = y + 10
    head = _head(rows, ticks, year, height) + _legend() + _months(scale, year, height)
    return Markup("".join([head, *parts, _today(scale, year, at, height), "</svg>"]))


def _head(rows: Sequence[DutyRow], ticks: Sequence[Tick], year: PackYear, height: int) -> str:
    counts = ", ".join(f"{sum(r.status == s for r in rows)} {LABELS.get(s, s)}" for s in Standing)
    duties = len({r.duty.id for r in rows})
    desc = (
        f"{len(rows)} occurrences of {duties} duties from {year.span_text()}: {counts}; "
        f"{len(ticks)} board meetings."
    )
    return (
        f'<svg class="timeline" role="img" aria-labelledby="timeline-title timeline-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="timeline-title">The year {escape(year.label)} at a glance</title>'
        f'<desc id="timeline-desc">{escape(desc)}</desc>'
    )


def _legend() -> str:
    parts, x = ['<g class="legend">'], LABEL_X
    for status in COLOURS:
        parts.append(mark(status, x + 5, 14, LABELS[status], role="data-legend"))
        parts.append(f'<text x="{x + 14}" y="18">{LABELS[status]}</text>')
        x += 30 + 7 * len(LABELS[status])
    parts.append(f'<rect class="window" x="{x}" y="10" width="26" height="8"/>')
    parts.append(f'<text x="{x + 32}" y="18">window, ending on the due date</text>')
    x += 200
    parts.append(f'<rect class="window window-upcoming" x="{x}" y="10" width="26" height="8"/>')
    parts.append(f'<text x="{x + 32}" y="18">not open yet</text>')
    x += 105
    parts.append(f'<line class="tick" x1="{x + 3}" y1="8" x2="{x + 3}" y2="20"/>')
    parts.append(f'<text x="{x + 10}" y="18">meeting</text>')
    return "".join(parts) + "</g>"


def _months(scale: Scale, year: PackYear, height: int) -> str:
    parts, day = [], year.first
    while day <= year.last:
        x = scale.x(day)
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="{TOP - 16}" x2="{x:.1f}" y2="{height}"/>'
        )
        parts.append(f'<text class="month" x="{x + 3:.1f}" y="{TOP - 20}">{day:%b}</text>')
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = scale.x(year.last + timedelta(days=1))
    parts.append(
        f'<line class="grid" x1="{end:.1f}" y1="{TOP - 16}" x2="{end:.1f}" y2="{height}"/>'
    )
    return "".join(parts)


def _today(scale: Scale, year: PackYear, at: datetime, height: int) -> str:
    today = calendar.london_date(at)
    if not year.holds(today):
        return ""
    x = scale.middle(today)
    # Near the right edge the label goes to the left of the line, inside the picture.
    place = f'x="{x - 3:.1f}" text-anchor="end"' if x > PLOT_RIGHT - 90 else f'x="{x + 3:.1f}"'
    return (
        f'<line class="today" x1="{x:.1f}" y1="{TOP - 16}" x2="{x:.1f}" y2="{height}"/>'
        f'<text class="today-label" {place} y="{TOP - 4}">as at {short_date(today)}</text>'
    )


def _lane(board: str, ticks: Iterable[Tick], scale: Scale, y: int) -> str:
    parts = [f'<g class="lane" data-board="{escape(board)}">']
    parts.append(f'<text x="{LABEL_X}" y="{y + 11}">{escape(board.upper())} meetings</text>')
    for tick in ticks:
        day = calendar.london_date(tick.starts_at)
        x = scale.middle(day)
        when = f"{board.upper()} meeting {short_date(day)}"
        parts.append(
            f'<line class="tick" x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" y2="{y + 12}">'
            f"<title>{escape(when)}</title></line>"
        )
    return "".join(parts) + "</g>"


def _duty_row(
    occurrences: Sequence[DutyRow], scale: Scale, y: int, name_of: Callable[[str], str]
) -> str:
    duty = occurrences[0].duty
    title = (
        duty.title
        if len(duty.title) <= LABEL_CHARACTERS
        else duty.title[: LABEL_CHARACTERS - 1] + "…"
    )
    parts = [
        f'<g class="duty" data-duty="{escape(duty.key)}">',
        f'<text x="{LABEL_X + 10}" y="{y + 12}">{escape(title)}'
        f"<title>{escape(duty.title)}</title></text>",
    ]
    for row in occurrences:
        left, right = scale.x(row.opens), scale.x(row.due + timedelta(days=1))
        upcoming = " window-upcoming" if row.status == Standing.UPCOMING else ""
        window = f"{row.label}: {short_date(row.opens)} to {short_date(row.due)}"
        parts.append(
            f'<rect class="window{upcoming}" x="{left:.1f}" y="{y + 4}" '
            f'width="{max(right - left, 2):.1f}" height="8"><title>{escape(window)}</title></rect>'
        )
        if row.status in COLOURS:
            parts.append(_outcome(row, scale, y + 8, name_of))
    return "".join(parts) + "</g>"


def _outcome(row: DutyRow, scale: Scale, y: int, name_of: Callable[[str], str]) -> str:
    """Where the outcome was recorded; overdue sits on its due date."""
    on = row.due if row.status == Standing.OVERDUE or row.done_on is None else row.done_on
    caption = f"{row.duty.title} ({row.label}): {LABELS[row.status]}"
    if row.done_on is not None:
        caption += f" on {short_date(row.done_on)}"
        if row.done_by:
            caption += f" by {name_of(row.done_by)}"
    else:
        caption += f", due {short_date(row.due)}"
    return mark(row.status, scale.middle(on), y, caption)
