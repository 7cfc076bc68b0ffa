"""The evidence pack as one self-contained HTML document (Jinja2, autoescaped; CSS inline)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from schedules import calendar
from schedules.evidence.duties import STATUS_WORDS as DUTY_STATUS_WORDS
from schedules.evidence.gather import YearRecord
from schedules.evidence.summary import summaries
from schedules.evidence.timeline import timeline_svg

STATUS_WORDS: dict[str, str] = {
    **DUTY_STATUS_WORDS,
    "on_time": "on time",
    "late": "late",
    "shared": "shared (no time limit)",
    "not_shared": "not shared",
    "not_yet_due": "not due yet",
    "accepted": "accepted",
    "declined": "declined",
    "unanswered": "unanswered",
    "resolved": "resolved",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("schedules.evidence", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = day_text
    env.filters["moment"] = moment_text
    env.filters["status"] = lambda status: STATUS_WORDS.get(status, status)
    env.tests["web_link"] = web_link
    return env


def web_link(value: str | None) -> bool:
    """Only http(s) addresses become links (never javascript: and the like)."""
    return bool(value) and str(value).lower().startswith(("https://", "http://"))


@lru_cache(maxsize=2048)
def day_text(value: date | None) -> str:
    """12 Nov 2026 (a year's pack repeats a few hundred days many times)."""
    return calendar.short_date(value) if value else ""


def moment_text(value: datetime | None) -> str:
    """'23 Nov 2026 10:00', London time."""
    if value is None:
        return ""
    local = value.astimezone(calendar.LONDON)
    return f"{calendar.short_date(local.date())} {local:%H:%M}"


@lru_cache(maxsize=1)
def stylesheet() -> Markup:
    css = resources.files("schedules.evidence").joinpath("templates/pack.css").read_text("utf-8")
    return Markup(css)  # our own file, not data


def html_bytes(found: YearRecord) -> bytes:
    svg = timeline_svg(
        found.duties,
        found.meetings,
        [board.key for board in found.boards],
        found.year,
        found.at,
        found.name_of,
    )
    duties: dict[int, list] = {}
    for row in found.duties:
        duties.setdefault(row.duty.id, []).append(row)
    page = (
        environment()
        .get_template("pack.html")
        .render(
            r=found,
            css=stylesheet(),
            timeline=svg,
            summaries=summaries(found),
            duties=list(duties.values()),
            who=found.name_of,
        )
    )
    return page.encode("utf-8")
