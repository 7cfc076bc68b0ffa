"""simulate as a reader sees it: one row per event, meetings and triggers, within 100 columns."""

from __future__ import annotations

from datetime import date

import pytest

from schedules.protocol import ProtocolInvalid, load_protocol, template_names
from schedules.simulate import events, read_meetings, read_triggers, simulate, table
from storage.errors import BoardbotError

YEAR = (date(2026, 4, 1), date(2027, 3, 31))
ISLINGTON_MEETINGS = """\
# Two board meetings in the summer
- {board: iscb, date: 2026-06-10}
- board: hwbb
  date: 2026-07-08
"""


def test_the_table_has_one_row_per_event_not_per_recipient() -> None:
    protocol = load_protocol("rutland")
    prompts = simulate(protocol, *YEAR)
    rows = events(prompts)
    opening = [r for r in rows if r.kind == "window_opens" and r.send_on == date(2026, 9, 1)]
    # Two annual reports open on 1 September: one row each, though each goes to three places.
    assert [(r.title, r.to, r.recipients) for r in opening] == [
        ("LRLSCB annual report to the HWB", ("lrlscb",), 3),
        ("LRSAB annual report to the HWB", ("lrsab",), 3),
    ]
    assert sum(r.recipients for r in rows) == len(prompts)
    lines = table(protocol, prompts, *YEAR)
    assert lines[1] == f"2026-04-01 to 2027-03-31: {len(rows)} events, {len(prompts)} prompts"
    assert lines[3].split() == ["date", "kind", "period", "to", "what"]
    assert len(lines) == 4 + len(rows)


def test_a_previous_years_overdue_notice_names_that_year() -> None:
    protocol = load_protocol("westminster")
    rows = events(simulate(protocol, *YEAR))
    # The business plan window of March–May 2026 belongs to 2025/26 and is overdue on 1 June.
    overdue = next(r for r in rows if r.kind == "overdue" and r.send_on == date(2026, 6, 1))
    assert overdue.period == "2025/26"
    lines = table(protocol, simulate(protocol, *YEAR), *YEAR)
    assert any(line.startswith("2026-06-01  overdue") and "2025/26" in line for line in lines)


@pytest.mark.parametrize("name", template_names())
def test_every_template_year_fits_in_100_columns(name: str) -> None:
    protocol = load_protocol(name)
    meetings = [
        read_meetings(f"- {{board: {key}, date: 2026-10-14}}\n", "m.yaml", protocol)[0]
        for key in protocol.board_keys
    ]
    lines = table(protocol, simulate(protocol, *YEAR, meetings=meetings), *YEAR)
    assert max(len(line) for line in lines) <= 100


def test_meetings_bring_their_minutes_duties_and_agenda_packs_to_the_guests() -> None:
    protocol = load_protocol("islington")
    meetings = read_meetings(ISLINGTON_MEETINGS, "meetings.yaml", protocol)
    prompts = simulate(protocol, date(2026, 5, 1), date(2026, 8, 31), meetings=meetings)
    packs = {(p.send_on, p.recipient.label) for p in prompts if p.kind == "agenda_pack"}
    # Five working days before each meeting; the other board's chair attends as a guest.
    assert packs == {
        (date(2026, 6, 3), "business_manager:iscb"),
        (date(2026, 6, 3), "chair:hwbb"),
        (date(2026, 7, 1), "business_manager:hwbb"),
        (date(2026, 7, 1), "chair:iscb"),
    }
    nudges = {(p.duty, p.send_on) for p in prompts if p.kind == "minutes_nudge"}
    assert nudges == {
        ("iscb-minutes-shared", date(2026, 6, 24)),
        ("hwbb-minutes-shared", date(2026, 7, 22)),
    }


def test_an_agenda_pack_lists_what_is_due_to_come_to_that_meeting() -> None:
    protocol = load_protocol("rutland")
    meetings = read_meetings("- {board: hwb, date: 2026-10-14}\n", "m.yaml", protocol)
    [pack] = [p for p in simulate(protocol, *YEAR, meetings=meetings) if p.kind == "agenda_pack"]
    assert pack.text == (
        "HWB meets on 14 October 2026. For its agenda: LRLSCB annual report to the HWB (due 30 "
        "November 2026); LRSAB annual report to the HWB (due 30 November 2026)."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            "m.yaml:1: the file is empty; write a list of meetings, e.g. "
            "- {board: hwb, date: 2026-06-10}",
        ),
        (
            "board: hwb\n",
            "m.yaml:1: the file is not a list; write a list of meetings, e.g. "
            "- {board: hwb, date: 2026-06-10}",
        ),
        (
            "- {board: hwb, date: 2026-06-10}\n- {board: csp, date: 2026-07-01}\n",
            "m.yaml:2: [1].board: unknown board key 'csp'; use one of hwb, lrlscb, lrsab",
        ),
        (
            "- {board: hwb, date: 10/06/2026}\n",
            "m.yaml:1: [0].date: '10/06/2026' is not a date; write YYYY-MM-DD",
        ),
        (
            "- {board: hwb, date: 2026-06-10 14:00:00}\n",
            "m.yaml:1: [0].date: 2026-06-10 14:00:00 has a time of day; write the day alone, "
            "e.g. 2014-10-28",
        ),
        ("- {board: hwb}\n", "m.yaml:1: [0].date: is required but missing; write YYYY-MM-DD"),
        (
            "- {board: hwb, date: 2026-06-10, time: 10}\n",
            "m.yaml:1: [0].time: unknown field; allowed here: board, date",
        ),
        (
            "- [hwb, 2026-06-10]\n",
            "m.yaml:1: [0]: should be a mapping (key: value lines), not a list",
        ),
        ("- {board: hwb, date: [2026\n", "m.yaml:2: not valid YAML: "),
    ],
)
def test_a_bad_meetings_file_gets_file_line_field_messages(text: str, expected: str) -> None:
    with pytest.raises(ProtocolInvalid) as caught:
        read_meetings(text, "m.yaml", load_protocol("rutland"))
    assert caught.value.render().startswith(expected)


def test_a_trigger_shows_a_triggered_duty_opening() -> None:
    protocol = load_protocol("islington")
    triggers = read_triggers(["hwbb-strategy-progress-report@2026-11-05"], protocol)
    prompts = simulate(protocol, date(2026, 11, 1), date(2026, 12, 31), triggers=triggers)
    report = [p for p in prompts if p.duty == "hwbb-strategy-progress-report"]
    assert {(p.send_on, p.kind) for p in report} >= {
        (date(2026, 11, 5), "window_opens"),
        (date(2026, 11, 5), "counterpart_notice"),
        (date(2026, 12, 4), "overdue"),  # 20 working days: due Thursday 3 December
    }


def test_two_triggers_of_a_duty_on_one_day_are_two_occurrences() -> None:
    protocol = load_protocol("islington")
    triggers = read_triggers(["hwbb-strategy-progress-report@2026-11-05"] * 2, protocol)
    assert [t.period_key for _, t in triggers] == [
        "triggered:2026-11-05:1",
        "triggered:2026-11-05:2",
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("iscb-scrutiny-report-to-hwbb@2026-11-05", "is not a triggered duty; triggered: "),
        ("hwbb-strategy-progress-report@5 Nov", "write DUTY_ID@YYYY-MM-DD, e.g. "),
    ],
)
def test_a_bad_trigger_is_refused_with_the_right_form(written: str, message: str) -> None:
    with pytest.raises(BoardbotError, match=message):
        read_triggers([written], load_protocol("islington"))
