"""The format's documentation shows files and schedules that mean what it says they mean."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from schedules.cycle import DutySpec, duty_specs, occurrences
from schedules.protocol import ProtocolInvalid, parse_protocol
from schedules.protocol.model import Schedule

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "protocol-format.md").read_text()


def section(heading: str, until: str) -> str:
    start = DOCS.index(heading)
    return DOCS[start : DOCS.index(until, start)]


def test_the_second_example_uses_partners_guests_and_triggers() -> None:
    example = re.search(r"## A second example.*?```yaml\n(.*?)```", DOCS, re.S)
    assert example is not None
    protocol = parse_protocol(example.group(1), "example.yaml")
    assert protocol.partnership.agreed == date(2014, 10, 28)
    assert protocol.partner_keys == ["cabinet", "lead-member"]
    assert [g.partner for g in protocol.board("scb").guests] == [None, "lead-member"]
    assert protocol.board("scb").roles["chair"].startswith("Co-chairs: ")
    kinds = {spec.key: spec.schedule.kind for spec in duty_specs(protocol)}
    assert kinds["protocol-review"] == "every"
    assert kinds["cabinet-response"] == kinds["strategy-progress-report"] == "triggered"


SCHEDULE_LINE = re.compile(r"^schedule: (\{.*\})\s*(?:#.*)?$", re.M)
GOOD = section("### A regular cadence", "### When needed") + section(
    "### Month windows", "### A regular cadence"
)


@pytest.mark.parametrize("written", SCHEDULE_LINE.findall(GOOD))
def test_each_documented_schedule_is_valid(written: str) -> None:
    Schedule.model_validate(yaml.safe_load(written))


@pytest.mark.parametrize(
    "written", SCHEDULE_LINE.findall(section("### Schedule mistakes", "## `joint_meetings`"))
)
def test_each_documented_schedule_mistake_is_refused(written: str) -> None:
    text = (
        "partnership: {key: x, name: X}\n"
        "boards: [{key: a, name: A, kind: other}]\n"
        "duties:\n"
        "  - {id: this-duty, title: T, owners: [a], evidence: e, clause: c,\n"
        f"     schedule: {written}}}\n"
    )
    with pytest.raises(ProtocolInvalid):
        parse_protocol(text, "mistake.yaml")


def test_the_two_yearly_example_falls_as_the_documentation_says() -> None:
    duty = DutySpec(
        "d",
        "duty",
        "T",
        ("a",),
        (),
        "e",
        "1",
        Schedule.model_validate({"every": "2 years", "from": "2014-10-28"}),
    )
    assert [(o.opens, o.due) for o in occurrences(duty, [2026])] == [
        (date(2024, 10, 28), date(2026, 10, 27)),
        (date(2026, 10, 28), date(2028, 10, 27)),
    ]
    assert "one due 27 Oct 2026, the next opens 28 Oct 2026" in DOCS
