"""The year ahead without Slack: the same planning code the clock uses, over a date range."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from pydantic import Field, TypeAdapter, ValidationError

from schedules import calendar
from schedules.calendar import financial_year, year_label
from schedules.cycle import (
    MeetingRef,
    Occurrence,
    Trigger,
    duty_specs,
    occurrences,
    triggered_occurrence,
)
from schedules.prompts import OCCURRENCE_KINDS, PlanContext, Prompt, agenda_pack, plan_occurrence
from schedules.prompts.audience import meeting_audience
from schedules.protocol.checks import unknown_party
from schedules.protocol.errors import problems_from
from schedules.protocol.fields import Key, Strict
from schedules.protocol.loader import ProtocolInvalid
from schedules.protocol.model import Protocol
from schedules.protocol.yamlsource import Problem, YamlSyntaxError, dotted, parse_yaml
from storage.errors import BoardbotError

KIND_ORDER = {kind: index for index, kind in enumerate(OCCURRENCE_KINDS)}
MEETING_TIME = time(12, 0)  # a simulated meeting's time of day: only its date matters


def plan_context(protocol: Protocol, horizon: date, overdue_repeats: int | None) -> PlanContext:
    return PlanContext(
        settings=protocol.prompts,
        horizon=horizon,
        overdue_repeats=overdue_repeats,
    )


def meeting_on(board: str, day: date, number: int) -> MeetingRef:
    """A meeting of `board` on `day`, as simulate imagines it (keyed by its place in the list)."""
    return MeetingRef(str(number), board, calendar.at_local_time(day, MEETING_TIME))


def simulate(
    protocol: Protocol,
    start: date,
    end: date,
    *,
    overdue_repeats: int | None = 0,
    meetings: Sequence[MeetingRef] = (),
    triggers: Sequence[tuple[str, Trigger]] = (),
) -> list[Prompt]:
    """Prompts sent from `start` to `end` inclusive if nothing were marked done.

    Overdue notices repeat weekly until a duty is done; `overdue_repeats` caps how many
    repeats are shown (0: only the first notice; None: every one up to `end`). Meetings bring
    their boards' agenda packs and the duties due after them; each trigger (a duty id and a
    Trigger) opens an occurrence of that triggered duty.
    """
    ctx = plan_context(protocol, end, overdue_repeats)
    found = year_occurrences(protocol, start, end, meetings, triggers)
    prompts = [p for occ in found for p in plan_occurrence(occ, ctx) if p.send_on >= start]
    prompts += [p for p in agenda_packs(protocol, meetings, found) if start <= p.send_on <= end]
    return sorted(prompts, key=prompt_order)


def year_occurrences(
    protocol: Protocol,
    start: date,
    end: date,
    meetings: Sequence[MeetingRef] = (),
    triggers: Sequence[tuple[str, Trigger]] = (),
) -> list[Occurrence]:
    """Every occurrence with something to say between `start` and `end`."""
    start_month = protocol.partnership.year_start_month
    # The year before `start` too: its windows may still be closing (Oct–Feb, Mar–May).
    years = range(financial_year(start, start_month) - 1, financial_year(end, start_month) + 1)
    specs = {spec.key: spec for spec in duty_specs(protocol)}
    found = []
    for spec in specs.values():
        found += occurrences(
            spec,
            years,
            start_month=start_month,
            close_on_working_day=protocol.prompts.close_on_working_day,
            meetings=meetings,
        )
    found += [triggered_occurrence(specs[key], trigger) for key, trigger in triggers]
    return found


def agenda_packs(
    protocol: Protocol, meetings: Sequence[MeetingRef], found: Sequence[Occurrence]
) -> list[Prompt]:
    """Each meeting's agenda pack, to the board's business manager and its guests."""
    days = protocol.prompts.agenda_pack_working_days
    prompts = []
    for meeting in meetings:
        held = calendar.london_date(meeting.starts_at)
        items = [
            agenda_pack.due_item(occ.duty.title, None, occ.due)
            for occ in found
            if meeting.board in occ.duty.counterparts and occ.opens <= held <= occ.due
        ]
        audience = meeting_audience(meeting.board, protocol.board(meeting.board).guests)
        prompts += agenda_pack.pack(
            meeting.board,
            held,
            calendar.add_working_days(held, -days),
            items,
            subject=f"meeting:{meeting.key}",
            audience=audience,
        )
    return prompts


def prompt_order(prompt: Prompt) -> tuple[date, int, str, str]:
    return (
        prompt.send_on,
        KIND_ORDER.get(prompt.kind, 99),
        prompt.duty or "",
        prompt.recipient.label,
    )


def period_of(prompt: Prompt, start_month: int = 4) -> str:
    """The financial year a prompt is about: its window's, else the year it is sent in."""
    day = prompt.window[0] if prompt.window else prompt.send_on
    return year_label(financial_year(day, start_month))


# The table: one row per event (what is sent, when, about what), not per recipient.
TABLE_WIDTH = 100
COLUMNS = (("date", 10), ("kind", 18), ("period", 7), ("to", 18))
GAP = "  "


@dataclass(frozen=True)
class Event:
    """One prompt as a reader thinks of it: sent on a day, of a kind, about one thing, to some."""

    send_on: date
    kind: str
    period: str
    to: tuple[str, ...]  # board and partner keys, in the order the prompts name them
    title: str
    recipients: int


def events(prompts: Sequence[Prompt], start_month: int = 4) -> list[Event]:
    """Prompts grouped by day, kind and subject, in the order they are sent."""
    grouped: dict[tuple[date, str, str], list[Prompt]] = {}
    for prompt in prompts:
        grouped.setdefault((prompt.send_on, prompt.kind, prompt.subject), []).append(prompt)
    found = []
    for (send_on, kind, _), group in grouped.items():
        keys = dict.fromkeys(p.recipient.board or p.recipient.role for p in group)
        found.append(
            Event(
                send_on,
                kind,
                period_of(group[0], start_month),
                tuple(keys),
                group[0].title,
                len(group),
            )
        )
    return found


def table(
    protocol: Protocol, prompts: Sequence[Prompt], start: date, end: date, width: int = TABLE_WIDTH
) -> list[str]:
    """The lines `boardbot simulate` prints: a heading, then one row per event, in `width`."""
    rows = events(prompts, protocol.partnership.year_start_month)
    heading = [
        _fit(protocol.partnership.name, width),
        f"{start} to {end}: {len(rows)} events, {len(prompts)} prompts",
        "",
        _row([name for name, _ in COLUMNS], "what", width),
    ]
    return heading + [
        _row(
            [row.send_on.isoformat(), row.kind, row.period, _keys(row.to, COLUMNS[3][1])],
            row.title,
            width,
        )
        for row in rows
    ]


def _row(cells: Sequence[str], last: str, width: int) -> str:
    used = sum(size for _, size in COLUMNS) + len(GAP) * len(COLUMNS)
    text = GAP.join(f"{cell:<{size}}" for cell, (_, size) in zip(cells, COLUMNS, strict=True))
    return f"{text}{GAP}{_fit(last, width - used)}".rstrip()


def _fit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _keys(keys: Sequence[str], size: int) -> str:
    """'hwb, ctjcg +3' within `size` characters."""
    shown: list[str] = []
    for number, key in enumerate(keys):
        rest = len(keys) - number - 1
        candidate = ", ".join([*shown, key]) + (f" +{rest}" if rest else "")
        if len(candidate) > size and shown:
            return ", ".join(shown) + f" +{len(keys) - number}"
        shown.append(key)
    return _fit(", ".join(shown), size)


# The meetings file of `simulate --meetings`: a YAML list of {board, date}.
MEETINGS_EXAMPLE = "- {board: hwb, date: 2026-06-10}"


class MeetingEntry(Strict):
    """One imagined meeting: a board of the protocol and the day it meets."""

    board: Key
    day: date = Field(alias="date")


def read_meetings(text: str, filename: str, protocol: Protocol) -> list[MeetingRef]:
    """The meetings a file lists, in its order; or every problem as FILE:LINE: field: message."""
    try:
        source = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise ProtocolInvalid(filename, [exc.problem]) from None
    if not isinstance(source.data, list) or not source.data:
        found = "empty" if source.data is None or source.data == [] else "not a list"
        message = f"the file is {found}; write a list of meetings, e.g. {MEETINGS_EXAMPLE}"
        raise ProtocolInvalid(filename, [Problem(1, "", message)])
    try:
        entries = MEETINGS.validate_python(source.data)
    except ValidationError as exc:
        hints = {"board": "a board key of the protocol, e.g. hwb", "date": "YYYY-MM-DD"}
        raise ProtocolInvalid(filename, problems_from(exc, source, MeetingEntry, hints)) from None
    problems = []
    for index, entry in enumerate(entries):
        reason = unknown_party(protocol, entry.board, boards_only=True)
        if reason:
            loc = (index, "board")
            problems.append(Problem(source.line_of(loc), dotted(loc), reason))
    if problems:
        raise ProtocolInvalid(filename, problems)
    return [meeting_on(e.board, e.day, number) for number, e in enumerate(entries, start=1)]


MEETINGS = TypeAdapter(list[MeetingEntry])


def read_meetings_file(path: Path, protocol: Protocol) -> list[MeetingRef]:
    """`read_meetings` of a file, or a message saying it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BoardbotError(f"--meetings: cannot read {path} as UTF-8 text") from None
    return read_meetings(text, str(path), protocol)


def read_triggers(texts: Sequence[str], protocol: Protocol) -> list[tuple[str, Trigger]]:
    """`DUTY_ID@YYYY-MM-DD` each, as `simulate --trigger` takes them: that duty triggered then."""
    triggered = [spec.key for spec in duty_specs(protocol) if spec.schedule.triggered]
    example = f"{triggered[0] if triggered else 'DUTY_ID'}@2026-11-05"
    found: list[tuple[str, Trigger]] = []
    for text in texts:
        key, _, written = text.partition("@")
        if key not in triggered:
            known = ", ".join(triggered) or "none in this protocol"
            raise BoardbotError(f"--trigger: '{key}' is not a triggered duty; triggered: {known}")
        try:
            day = date.fromisoformat(written)
        except ValueError:
            raise BoardbotError(f"--trigger: write DUTY_ID@YYYY-MM-DD, e.g. {example}") from None
        same_day = sum(1 for k, t in found if k == key and t.day == day)
        found.append((key, Trigger(day, sequence=same_day + 1)))
    return found
