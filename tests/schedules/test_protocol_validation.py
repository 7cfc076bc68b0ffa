"""A protocol file with mistakes is refused with FILE:LINE: field: message for each one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schedules.protocol import ProtocolInvalid, parse_protocol
from schedules.protocol.yamlsource import Problem

# Lines 1-10; the cases below add sections from line 11 on.
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
"""
DOCS = Path(__file__).resolve().parents[2] / "docs" / "protocol-format.md"


def duty(schedule: str = "{on_demand: true}", **fields: str) -> str:
    """duties: with one duty: duties: on line 11, id 12, title 13, owners 14 ... schedule 18."""
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


def problems(text: str) -> list[Problem]:
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(text, "f.yaml")
    return caught.value.problems


def only_problem(text: str) -> Problem:
    (problem,) = problems(text)
    return problem


def test_a_valid_file_parses() -> None:
    protocol = parse_protocol(BASE + duty(), "f.yaml")
    assert [d.id for d in protocol.duties] == ["a"]


def test_it_renders_each_problem_as_file_line_field_message() -> None:
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(BASE + duty(owners="[csp]"), "f.yaml")
    assert caught.value.render() == (
        "f.yaml:14: duties[0].owners[0]: unknown board key 'csp'; use one of hwb, lscb"
    )
    assert str(caught.value) == caught.value.render()


def test_it_names_the_line_of_a_yaml_syntax_error() -> None:
    text = "partnership:\n  key: demo\n   name: indented too far\n"
    problem = only_problem(text)
    assert problem.line == 3
    assert problem.field == ""
    assert problem.message.startswith("not valid YAML: mapping values are not allowed")
    assert problem.render("f.yaml").startswith("f.yaml:3: not valid YAML")


def test_it_names_the_line_of_a_tab_used_for_indentation() -> None:
    problem = only_problem(BASE + "duties:\n\t- id: a\n")
    assert problem.line == 12
    assert "'\\t'" in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_it_refuses_an_empty_file_at_line_one(text: str) -> None:
    problem = only_problem(text)
    assert (problem.line, problem.field) == (1, "")
    assert "empty" in problem.message and "partnership:" in problem.message


def test_it_refuses_a_file_that_is_a_list_not_a_mapping() -> None:
    assert "should be a mapping" in only_problem("- hwb\n- lscb\n").message


def test_it_lists_the_allowed_sections_for_an_unknown_top_level_field() -> None:
    problem = only_problem(BASE + "colour: blue\n")
    assert (problem.line, problem.field) == (11, "colour")
    assert problem.message == (
        "unknown field; allowed here: partnership, prompts, boards, partners, duties, "
        "joint_meetings, ladders"
    )


def test_it_lists_the_allowed_fields_for_an_unknown_duty_field() -> None:
    problem = only_problem(BASE + duty() + "    colour: blue\n")
    assert (problem.line, problem.field) == (19, "duties[0].colour")
    assert problem.message.startswith("unknown field; allowed here: id, title, owners,")
    assert "schedule" in problem.message


def test_it_lists_the_allowed_fields_for_an_unknown_window_field() -> None:
    found = problems(BASE + duty("{windows: [{opens: apr, close: may}]}"))
    assert (
        Problem(
            18, "duties[0].schedule.windows[0].close", "unknown field; allowed here: opens, closes"
        )
        in found
    )


def test_it_names_the_line_of_an_unknown_board_key() -> None:
    problem = only_problem(BASE + duty(owners="[lscb, csp]"))
    assert problem == Problem(
        14, "duties[0].owners[1]", "unknown board key 'csp'; use one of hwb, lscb"
    )


def test_it_names_the_line_of_an_unknown_counterpart() -> None:
    problem = only_problem(BASE + duty(counterparts="[hwbb]"))
    assert (problem.line, problem.field) == (15, "duties[0].counterparts[0]")
    assert "unknown board key 'hwbb'" in problem.message


def test_it_names_the_line_of_an_unknown_board_in_after_meetings() -> None:
    schedule = "\n      after_meetings:\n        of: [hwb, iscb]\n        within_working_days: 10"
    problem = only_problem(BASE + duty(schedule))
    assert (problem.line, problem.field) == (20, "duties[0].schedule.after_meetings.of[1]")
    assert "unknown board key 'iscb'" in problem.message


def test_it_names_the_line_of_an_unknown_board_among_attendees() -> None:
    text = BASE + (
        "joint_meetings:\n"
        "  - id: chairs\n"
        "    title: Chairs' meeting\n"
        "    attendees:\n"
        "      boards: [hwb, cpb]\n"
        "    clause: '2'\n"
        "    schedule: {every: year}\n"
    )
    problem = only_problem(text)
    assert (problem.line, problem.field) == (15, "joint_meetings[0].attendees.boards[1]")
    assert problem.message == "unknown board key 'cpb'; use one of hwb, lscb"


def test_it_reports_every_unknown_board_key_in_one_go() -> None:
    found = problems(BASE + duty(owners="[csp]", counterparts="[ccg]"))
    assert [(p.line, p.field) for p in found] == [
        (14, "duties[0].owners[0]"),
        (15, "duties[0].counterparts[0]"),
    ]


def test_it_refuses_month_thirteen_at_its_line() -> None:
    schedule = "\n      windows:\n        - opens: 13\n          closes: nov"
    problem = only_problem(BASE + duty(schedule))
    assert (problem.line, problem.field) == (20, "duties[0].schedule.windows[0].opens")
    assert "13" in problem.message and "less than or equal to 12" in problem.message
    assert problem.message.endswith("write a month name or number, e.g. sep or 9")


def test_it_refuses_a_misspelt_month_name_at_its_line() -> None:
    schedule = "\n      windows:\n        - opens: sep\n          closes: sepp"
    problem = only_problem(BASE + duty(schedule))
    assert (problem.line, problem.field) == (21, "duties[0].schedule.windows[0].closes")
    assert problem.message == "'sepp' is not a month; write a month name or number, e.g. sep or 9"


@pytest.mark.parametrize("written", ["sep", "Sept", "September", "9", "'09'"])
def test_it_accepts_a_month_as_a_name_an_abbreviation_or_a_number(written: str) -> None:
    protocol = parse_protocol(BASE + duty(f"{{every: year, month: {written}}}"), "f.yaml")
    assert protocol.duties[0].schedule.month == 9


def test_it_refuses_two_boards_with_the_same_key() -> None:
    text = BASE + "  - key: hwb\n    name: Another board\n    kind: other\n"
    problem = only_problem(text)
    assert (problem.line, problem.field) == (11, "boards[2].key")
    assert problem.message == "'hwb' is used twice; each key must be unique"


def test_it_refuses_two_duties_with_the_same_id() -> None:
    text = BASE + duty() + duty(id="a").removeprefix("duties:\n")
    problem = only_problem(text)
    assert (problem.line, problem.field) == (19, "duties[1].id")
    assert problem.message == "'a' is used twice; each id must be unique"


def test_it_refuses_a_joint_meeting_that_reuses_a_duty_id() -> None:
    text = BASE + duty() + "joint_meetings:\n  - id: a\n    title: M\n    clause: '2'\n"
    text += "    schedule: {every: year}\n"
    problem = only_problem(text)
    assert (problem.line, problem.field) == (20, "joint_meetings[0].id")
    assert "'a' is used twice" in problem.message


def test_it_refuses_a_yaml_key_written_twice_in_one_mapping() -> None:
    text = BASE + duty().replace("    title: A duty\n", "    title: A duty\n    title: B duty\n")
    problem = only_problem(text)
    assert problem == Problem(14, "duties[0].title", "this key appears twice")


def test_it_refuses_a_ladder_with_no_stages() -> None:
    text = BASE + "ladders:\n  - id: challenge\n    name: Mutual challenge\n    stages: []\n"
    problem = only_problem(text)
    assert (problem.line, problem.field) == (14, "ladders[0].stages")
    assert "at least 1 item" in problem.message
    assert "name, who_acts, response_working_days" in problem.message


def test_it_refuses_a_ladder_without_a_stages_field() -> None:
    problem = only_problem(BASE + "ladders:\n  - id: challenge\n    name: Mutual challenge\n")
    assert (problem.line, problem.field) == (12, "ladders[0].stages")
    assert problem.message.startswith("is required but missing")


def test_it_refuses_a_schedule_with_two_forms() -> None:
    problem = only_problem(BASE + duty("\n      every: quarter\n      on_demand: true"))
    assert (problem.line, problem.field) == (18, "duties[0].schedule")
    assert problem.message.startswith(
        "give exactly one of windows, every, after_meetings, triggered or on_demand "
        "(found every, on_demand)"
    )


def test_it_refuses_a_schedule_with_no_form() -> None:
    problem = only_problem(BASE + duty("{}"))
    assert (problem.line, problem.field) == (18, "duties[0].schedule")
    assert "(found none)" in problem.message


def test_it_refuses_a_month_without_every_year() -> None:
    problem = only_problem(BASE + duty("{every: quarter, month: jun}"))
    assert problem == Problem(
        18,
        "duties[0].schedule",
        "month goes only with every: year, e.g. {every: year, month: jun}",
    )


def test_it_refuses_a_board_that_owes_a_duty_to_itself() -> None:
    problem = only_problem(BASE + duty(counterparts="[hwb, lscb]"))
    assert (problem.line, problem.field) == (15, "duties[0].counterparts")
    assert problem.message == (
        "lscb cannot owe a duty to itself; remove it from owners or counterparts"
    )


def test_it_refuses_a_board_key_in_capitals_with_a_hint() -> None:
    problem = only_problem(BASE.replace("key: lscb", "key: LSCB"))
    assert (problem.line, problem.field) == (8, "boards[1].key")
    assert "'LSCB' is not a valid key" in problem.message
    assert "lower-case" in problem.message


def test_it_refuses_an_unquoted_numeric_clause() -> None:
    problem = only_problem(BASE + duty(clause="5.3"))
    assert (problem.line, problem.field) == (17, "duties[0].clause")


def test_it_names_the_line_of_each_problem_in_a_file_with_several() -> None:
    text = BASE + duty(owners="[csp]") + duty(id="a").removeprefix("duties:\n")
    found = problems(text)
    assert [(p.line, p.field) for p in found] == [
        (14, "duties[0].owners[0]"),
        (19, "duties[1].id"),
    ]


def test_the_documented_example_is_a_valid_protocol() -> None:
    example = re.search(r"## A complete example\s+```yaml\n(.*?)```", DOCS.read_text(), re.S)
    assert example is not None
    protocol = parse_protocol(example.group(1), "example.yaml")
    assert protocol.partnership.key == "anytown"
    assert {d.schedule.kind for d in protocol.duties} == {
        "windows",
        "after_meetings",
        "on_demand",
    }


def rendered(text: str) -> list[str]:
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(text, "f.yaml")
    return [p.render("f.yaml") for p in caught.value.problems]


TWO_BOARDS = (
    "partnership: {key: x, name: X}\n"
    "boards: [{key: a, name: A, kind: other}, {key: b, name: B, kind: other}]\n"
)


def test_it_refuses_reminders_on_or_after_the_close() -> None:
    [message] = rendered(TWO_BOARDS + "prompts: {reminders_working_days: [0, 3]}\n")
    assert message.startswith("f.yaml:3: prompts.reminders_working_days[0]: 0 is not allowed")


def test_it_reads_an_unquoted_send_time_as_the_time_meant() -> None:
    protocol = parse_protocol(TWO_BOARDS + "prompts: {send_time: 10:30}\n", "f.yaml")
    assert protocol.prompts.send_time == "10:30"


def test_it_asks_for_a_numeric_clause_to_be_quoted() -> None:
    text = TWO_BOARDS + (
        "duties:\n - {id: d, title: T, owners: [a], evidence: e, clause: 5.3, "
        "schedule: {every: year}}\n"
    )
    [message] = rendered(text)
    assert 'quote numbers so that 5.10 stays 5.10, e.g. clause: "5.3"' in message


def test_it_says_once_what_is_wrong_with_attendee_boards() -> None:
    text = TWO_BOARDS + (
        "joint_meetings:\n - {id: m, title: M, clause: c, attendees: {boards: everyone}, "
        "schedule: {every: year}}\n"
    )
    [message] = rendered(text)
    assert "joint_meetings[0].attendees.boards" in message and "list of board keys" in message


def test_it_names_a_board_listed_twice_in_one_list() -> None:
    text = TWO_BOARDS + (
        "duties:\n - {id: d, title: T, owners: [a, a], counterparts: [b], evidence: e, "
        "clause: c, schedule: {every: year}}\n"
    )
    assert rendered(text) == ["f.yaml:4: duties[0].owners: a is listed twice; name each board once"]
