"""The format's newer fields: what they mean, and FILE:LINE: field: messages for their mistakes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
import yaml

from schedules.cycle import duty_specs
from schedules.protocol import ProtocolInvalid, parse_protocol

# Lines 1-13; the cases below add sections from line 14 on.
BASE = """\
partnership:
  key: demo
  name: Demo partnership
boards:
  - key: hwb
    name: Demo Health and Wellbeing Board
    kind: health_and_wellbeing
  - key: lscb
    name: Demo Local Safeguarding Children Board
    kind: safeguarding_children
partners:
  - key: cabinet
    name: Demo Council Cabinet
"""


def duty(schedule: str = "{every: year}", **fields: str) -> str:
    """duties: on line 14, id 15, title 16, owners 17, counterparts 18 ... schedule 21."""
    values = {
        "id": "a",
        "title": "A duty",
        "owners": "[lscb]",
        "counterparts": "[hwb]",
        "evidence": "Shown",
        "clause": '"1"',
        **fields,
    }
    body = "".join(f"    {key}: {value}\n" for key, value in values.items())
    return "duties:\n  - " + body.removeprefix("    ") + f"    schedule: {schedule}\n"


def rendered(text: str) -> list[str]:
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(text, "f.yaml")
    return caught.value.render().splitlines()


FULL = (
    BASE.replace(
        "  name: Demo partnership\n",
        "  name: Demo partnership\n  agreed: 2014-10-28\n  next_review: 2026-10-28\n",
    ).replace(
        "    kind: safeguarding_children\n",
        "    kind: safeguarding_children\n"
        "    guests: [{board: hwb, roles: [chair, business_manager]}, {partner: cabinet}]\n",
    )
    + """\
duties:
  - id: protocol-review
    title: Protocol reviewed
    owners: all
    evidence: The protocol reviewed and re-agreed by every board
    clause: "9"
    schedule: {every: "1 year", from: 2014-10-28}
  - id: report-to-cabinet
    title: Annual report to Cabinet
    owners: [lscb]
    counterparts: [cabinet]
    evidence: Report presented to Cabinet
    clause: "4"
    schedule: {every: "2 years", from: 2015-04-01}
  - id: cabinet-response
    title: Cabinet's response
    owners: [cabinet]
    counterparts: [lscb]
    evidence: Cabinet's response sent to the LSCB
    clause: "5"
    schedule: {triggered: {within_working_days: 15, by: report-to-cabinet}}
"""
)


def test_a_file_using_every_new_field_parses_into_what_it_means() -> None:
    protocol = parse_protocol(FULL, "f.yaml")
    assert (protocol.partnership.agreed, protocol.partnership.next_review) == (
        date(2014, 10, 28),
        date(2026, 10, 28),
    )
    guests = protocol.board("lscb").guests
    assert [(g.board, g.roles, g.partner) for g in guests] == [
        ("hwb", ["chair", "business_manager"], None),
        (None, ["chair"], "cabinet"),
    ]
    specs = {spec.key: spec for spec in duty_specs(protocol)}
    assert specs["protocol-review"].owners == ("hwb", "lscb")  # owners: all
    assert specs["protocol-review"].counterparts == ()
    assert specs["protocol-review"].schedule.every == "year"
    assert specs["report-to-cabinet"].partners == ("cabinet",)
    assert specs["cabinet-response"].schedule.triggered is not None
    assert specs["cabinet-response"].schedule.triggered.by == "report-to-cabinet"


def test_a_schedule_with_an_anchor_dumps_and_validates_again_as_written() -> None:
    protocol = parse_protocol(FULL, "f.yaml")
    stored = {spec.key: spec.as_json()["schedule"] for spec in duty_specs(protocol)}
    assert stored["report-to-cabinet"] == {"every": "2 years", "from": "2015-04-01"}
    assert stored["cabinet-response"] == {
        "triggered": {"within_working_days": 15, "by": "report-to-cabinet"}
    }
    again = parse_protocol(protocol.model_dump_json(), "again.json")
    assert again == protocol


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            BASE + duty('{every: "2 years"}'),
            'f.yaml:21: duties[0].schedule: every: "2 years" does not divide a year, so it needs '
            "from: the date the periods count from, e.g. "
            '{every: "2 years", from: 2014-10-28}',
        ),
        (
            BASE + duty("{every: fortnight}"),
            "f.yaml:21: duties[0].schedule.every: 'fortnight' is not a period; write quarter, "
            'half-year, year, "N months" or "N years", e.g. every: "2 years"',
        ),
        (
            BASE + duty("{every: 2}"),
            'f.yaml:21: duties[0].schedule.every: 2 has no unit; write "2 months" or "2 years", '
            "in quotes",
        ),
        (
            BASE + duty('{every: "20 years", from: 2014-10-28}'),
            "f.yaml:21: duties[0].schedule.every: '20 years' is not from 1 month to 10 years; "
            'write e.g. "2 years"',
        ),
        (
            BASE + duty("{every: year, from: 28/10/2014}"),
            "f.yaml:21: duties[0].schedule.from: '28/10/2014' is not a date; write a date, "
            "YYYY-MM-DD, e.g. from: 2014-10-28",
        ),
        (
            BASE + duty("{windows: [{opens: sep, closes: nov}], from: 2014-10-28}"),
            "f.yaml:21: duties[0].schedule: from goes only with every, e.g. "
            '{every: "2 years", from: 2014-10-28}',
        ),
        (
            BASE + duty("{every: year, month: jun, from: 2014-10-28}"),
            "f.yaml:21: duties[0].schedule: write month or from, not both: from already fixes "
            "the day each period starts",
        ),
    ],
)
def test_it_explains_every_and_from_mistakes(text: str, expected: str) -> None:
    assert rendered(text) == [expected]


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (
            "{triggered: {}}",
            "duties[0].schedule.triggered.within_working_days: is required but missing; "
            "write a whole number of working days, e.g. 10",
        ),
        (
            "{triggered: true}",
            "duties[0].schedule.triggered: should be a mapping (key: value lines), not true; "
            "write {within_working_days: 10}, or {within_working_days: 10, by: DUTY_ID}",
        ),
        (
            "{triggered: {within_working_days: 5, by: a}}",
            "duties[0].schedule.triggered.by: a duty cannot be triggered by itself; "
            "name another duty",
        ),
        (
            "{triggered: {within_working_days: 5, by: nothing}}",
            "duties[0].schedule.triggered.by: unknown duty id 'nothing'; "
            "this protocol has no other duty to name",
        ),
        (
            "{triggered: {within_working_days: 5}, every: year}",
            "duties[0].schedule: give exactly one of windows, every, after_meetings, triggered "
            "or on_demand (found every, triggered); e.g. windows: [{opens: sep, closes: nov}]",
        ),
    ],
)
def test_it_explains_triggered_mistakes(schedule: str, expected: str) -> None:
    assert rendered(BASE + duty(schedule)) == [f"f.yaml:21: {expected}"]


def second_duty(schedule: str, duty_id: str = "b") -> str:
    """A second duty after duty(): its schedule is on line 28."""
    return duty(schedule, id=duty_id).removeprefix("duties:\n")


def test_it_names_the_duties_a_trigger_may_hang_off() -> None:
    text = BASE + duty() + second_duty("{triggered: {within_working_days: 5, by: c}}")
    assert rendered(text) == [
        "f.yaml:28: duties[1].schedule.triggered.by: unknown duty id 'c'; "
        "use the id of another duty: a"
    ]


def test_it_refuses_a_trigger_on_a_duty_that_is_never_done() -> None:
    text = (
        BASE
        + duty("{on_demand: true}")
        + second_duty("{triggered: {within_working_days: 5, by: a}}")
    )
    assert rendered(text) == [
        "f.yaml:28: duties[1].schedule.triggered.by: a is on demand, so it is never marked done "
        "and could not trigger this; name a dated or triggered duty"
    ]


def test_it_refuses_duties_that_trigger_each_other_in_a_loop() -> None:
    text = (
        BASE
        + duty("{triggered: {within_working_days: 5, by: b}}")
        + second_duty("{triggered: {within_working_days: 5, by: a}}")
    )
    assert rendered(text) == [
        "f.yaml:21: duties[0].schedule.triggered.by: b is itself triggered, in the end, by a: "
        "a loop never closes",
        "f.yaml:28: duties[1].schedule.triggered.by: a is itself triggered, in the end, by b: "
        "a loop never closes",
    ]


def test_it_explains_owners_all_mistakes() -> None:
    assert rendered(BASE + duty(owners="all")) == [
        "f.yaml:18: duties[0].counterparts: owners: all already names every board, so nobody is "
        "left to owe it to; leave counterparts out, or list the owners by key"
    ]
    assert rendered(BASE + duty(owners="everyone")) == [
        "f.yaml:17: duties[0].owners: should be a list, e.g. [a, b], not 'everyone'; write a list "
        "of board or partner keys, e.g. [lscb], or all for every board"
    ]


def test_it_explains_partner_mistakes() -> None:
    assert rendered(BASE + "  - {key: hwb, name: Another}\n") == [
        "f.yaml:14: partners[1].key: 'hwb' is already a board's key; each board and partner "
        "needs a key of its own"
    ]
    assert rendered(BASE + "  - {key: cabinet, name: Again}\n") == [
        "f.yaml:14: partners[1].key: 'cabinet' is used twice; each key must be unique"
    ]
    assert rendered(BASE + "  - leader\n") == [
        "f.yaml:14: partners[1]: should be a mapping (key: value lines), not 'leader'; write a "
        "list of partners, each {key: cabinet, name: Suffolk County Council Cabinet}"
    ]
    assert rendered(BASE + duty(owners="[cabinett]")) == [
        "f.yaml:17: duties[0].owners[0]: unknown board or partner key 'cabinett'; use one of "
        "hwb, lscb, cabinet"
    ]
    schedule = "{after_meetings: {of: [cabinet], within_working_days: 5}}"
    assert rendered(BASE + duty(schedule)) == [
        "f.yaml:21: duties[0].schedule.after_meetings.of[0]: cabinet is a partner, not a board; "
        "only boards belong here"
    ]


def with_guests(guests: str) -> str:
    """The LSCB's guests on line 11."""
    return BASE.replace(
        "    kind: safeguarding_children\n",
        f"    kind: safeguarding_children\n    guests: {guests}\n",
    )


@pytest.mark.parametrize(
    ("guests", "expected"),
    [
        (
            "[{board: lscb}]",
            "boards[1].guests[0].board: lscb cannot be a guest at its own meetings; "
            "name another board",
        ),
        (
            "[{board: iscb}]",
            "boards[1].guests[0].board: unknown board key 'iscb'; use one of hwb, lscb",
        ),
        (
            "[{board: cabinet}]",
            "boards[1].guests[0].board: cabinet is a partner, not a board; only boards belong here",
        ),
        (
            "[{partner: leader}]",
            "boards[1].guests[0].partner: unknown partner key 'leader'; use one of cabinet",
        ),
        (
            "[{board: hwb, partner: cabinet}]",
            "boards[1].guests[0]: give a board (with its roles) or a partner, e.g. "
            "{board: iscb, roles: [chair]} or {partner: lead-member}",
        ),
        (
            "[{partner: cabinet, roles: [chair]}]",
            "boards[1].guests[0]: roles go with a guest board; a partner's people attend as they "
            "are, e.g. {partner: lead-member}",
        ),
        (
            "[{board: hwb}, {board: hwb, roles: [member]}]",
            "boards[1].guests[1].board: hwb is a guest twice; name each guest once",
        ),
        (
            "[{board: hwb, roles: [chairs]}]",
            "boards[1].guests[0].roles[0]: 'chairs' is not one of the allowed values; write role "
            "names chair, business_manager, secretariat, member",
        ),
        (
            "[hwb]",
            "boards[1].guests[0]: should be a mapping (key: value lines), not 'hwb'; write a list "
            "of guests, each {board: iscb, roles: [chair]} or {partner: lead-member}",
        ),
    ],
)
def test_it_explains_guest_mistakes(guests: str, expected: str) -> None:
    assert rendered(with_guests(guests)) == [f"f.yaml:11: {expected}"]


def with_agreement(lines: str) -> str:
    return BASE.replace("  name: Demo partnership\n", f"  name: Demo partnership\n{lines}")


def test_it_explains_agreement_mistakes() -> None:
    assert rendered(with_agreement("  agreed: October 2014\n")) == [
        "f.yaml:4: partnership.agreed: 'October 2014' is not a date; write a date, YYYY-MM-DD, "
        "e.g. agreed: 2014-10-28"
    ]
    assert rendered(with_agreement("  agreed: 2014-10-28\n  next_review: 2014-01-01\n")) == [
        "f.yaml:5: partnership.next_review: 2014-01-01 is not after the agreement of 2014-10-28; "
        "the next review comes after it"
    ]
    assert rendered(with_agreement("  next_review: 2026-10-28 14:00:00\n")) == [
        "f.yaml:4: partnership.next_review: 2026-10-28 14:00:00 has a time of day; write the day "
        "alone, e.g. 2014-10-28"
    ]


def test_it_says_to_quote_a_title_cut_short_by_a_comma() -> None:
    text = BASE + (
        "duties:\n"
        "  - {id: d, title: Report to HWB, CSP, owners: [hwb], evidence: e, clause: c, "
        "schedule: {every: year}}\n"
    )
    assert rendered(text) == [
        "f.yaml:15: duties[0].title: an unquoted comma ended the text before CSP; quote the whole "
        'text, e.g. title: "Report to HWB, CSP"'
    ]


def test_it_says_to_quote_a_role_title_cut_short_by_a_comma() -> None:
    text = with_guests("[]").replace(
        "    guests: []\n",
        "    roles: {chair: Chief Executive, Borough Commander, business_manager: LSCB manager}\n",
    )
    assert rendered(text) == [
        "f.yaml:11: boards[1].roles.chair: an unquoted comma ended the text before Borough "
        'Commander; quote the whole text, e.g. chair: "Chief Executive, Borough Commander"'
    ]


def test_it_asks_for_one_title_where_a_list_was_written() -> None:
    text = with_guests("[]").replace(
        "    guests: []\n", "    roles: {chair: [Chief Executive, Borough Commander]}\n"
    )
    assert rendered(text) == [
        "f.yaml:11: boards[1].roles.chair: a list where one title is expected; write one title, "
        "e.g. 'Co-chairs: the Chief Executive and the Borough Commander'"
    ]
    assert rendered(BASE + duty(title="[Report, Plan]")) == [
        "f.yaml:16: duties[0].title: a list where one title is expected; write one title, e.g. "
        "'LSCB annual report to the HWB and CSP'"
    ]


def test_it_says_to_quote_a_title_with_a_colon_in_it() -> None:
    text = with_guests("[]").replace(
        "    guests: []\n", "    roles:\n      chair: Co-chairs: the two directors\n"
    )
    (problem,) = rendered(text)
    # libyaml says "in this context" where PyYAML's own parser says "here".
    assert problem.startswith("f.yaml:12: not valid YAML: mapping values are not allowed ")
    assert problem.endswith(
        "; text with ': ' in it must be quoted, "
        "e.g. chair: 'Co-chairs: the Chief Executive and the Borough Commander'"
    )


def test_it_says_a_date_was_written_where_a_month_is_expected() -> None:
    assert rendered(BASE + duty("{every: year, month: 2026-06-01}")) == [
        "f.yaml:21: duties[0].schedule.month: 2026-06-01 is a date where a month is expected; "
        "write the month alone, e.g. jun or 6"
    ]
    assert rendered(BASE + duty("{windows: [{opens: 2026-09-01, closes: nov}]}")) == [
        "f.yaml:21: duties[0].schedule.windows[0].opens: 2026-09-01 is a date where a month is "
        "expected; write the month alone, e.g. sep or 9"
    ]


def test_it_says_when_a_duty_is_owed_to_its_own_owners() -> None:
    assert rendered(BASE + duty(owners="[hwb, lscb]", counterparts="[lscb, hwb]")) == [
        "f.yaml:18: duties[0].counterparts: this duty is owed to its own owners; when the boards "
        "owe each other the same thing, list them all as owners and leave counterparts out"
    ]


def test_it_refuses_two_windows_opening_in_the_same_month() -> None:
    schedule = "{windows: [{opens: sep, closes: oct}, {opens: sep, closes: nov}]}"
    assert rendered(BASE + duty(schedule)) == [
        "f.yaml:21: duties[0].schedule.windows: two windows open in the same month; each window "
        "of a duty needs its own first month"
    ]


# Values as Python would print them: a list or mapping of strings, a date, None, True, a class.
PYTHON_REPR = re.compile(
    r"\[\s*['\"]|\{\s*['\"]|datetime\.|\bNone\b|\bTrue\b|\bFalse\b|<class|\\n"
    r"|\b(?:not|type) (?:str|int|float|bool|dict|list|NoneType|date|datetime)\b"
)
ODD_VALUES: list[Any] = [
    None,
    True,
    7,
    2.5,
    "two words",
    "it's",
    ["a", "b"],
    {"a": "b"},
    date(2026, 6, 1),
    datetime(2026, 6, 1, 10, 30),
]


def leaves(data: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `data`, branches and leaves alike."""
    found = [loc] if loc else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += leaves(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += leaves(value, (*loc, index))
    return found


def replaced(data: Any, loc: tuple[Any, ...], value: Any) -> Any:
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    if isinstance(data, dict):
        return {k: replaced(v, rest, value) if k == head else v for k, v in data.items()}
    return [replaced(v, rest, value) if i == head else v for i, v in enumerate(data)]


def test_no_message_ever_shows_a_python_value() -> None:
    """Every field of a file using every feature, given each odd value in turn."""
    data = yaml.safe_load(
        FULL + "ladders: [{id: l, name: L, stages: [{name: s, who_acts: w, "
        "response_working_days: 5}]}]\njoint_meetings: [{id: m, title: M, "
        "clause: c, attendees: {boards: [hwb], roles: [chair]}, "
        "schedule: {windows: [{opens: apr, closes: may}]}}]\n"
    )
    checked = 0
    for loc in leaves(data):
        for value in ODD_VALUES:
            text = yaml.safe_dump(replaced(data, loc, value), sort_keys=False)
            try:
                parse_protocol(text, "f.yaml")
            except ProtocolInvalid as exc:
                checked += 1
                for line in exc.render().splitlines():
                    assert not PYTHON_REPR.search(line.split(": ", 1)[1]), (loc, value, line)
    assert checked > 300


def test_a_joint_meetings_schedule_is_checked_like_a_duties() -> None:
    text = BASE + (
        "joint_meetings:\n"
        "  - id: chairs\n"
        "    title: Chairs meet after each review\n"
        "    clause: '8'\n"
        "    schedule: {triggered: {within_working_days: 10, by: review}}\n"
        "  - id: managers\n"
        "    title: Managers meet after each Cabinet meeting\n"
        "    clause: '8'\n"
        "    schedule: {after_meetings: {of: [cabinet], within_working_days: 5}}\n"
    )
    assert rendered(text) == [
        "f.yaml:18: joint_meetings[0].schedule.triggered.by: unknown duty id 'review'; use the "
        "id of another duty: managers",
        "f.yaml:22: joint_meetings[1].schedule.after_meetings.of[0]: cabinet is a partner, not a "
        "board; only boards belong here",
    ]
