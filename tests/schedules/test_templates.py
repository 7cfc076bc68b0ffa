"""The bundled protocols load, keep their board keys and say what their source protocols say."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from schedules.cycle import duty_specs, occurrences
from schedules.protocol import Protocol, load_protocol, template_names
from schedules.protocol.model import Duty, JointMeeting

BOARD_KEYS = {
    "rutland": {"hwb", "lrlscb", "lrsab"},
    "city-of-london": {"chwb", "scp", "chscb", "chsab"},
    "westminster": {"hwb", "lscb"},
    "islington": {"hwbb", "iscb"},
    "suffolk": {"ctjcg", "lscb", "ssab", "hwb", "cpb"},
}
# Nine or more digits, allowing the spaces and hyphens people put in telephone numbers.
PHONE_NUMBER = re.compile(r"\d(?:[ -]?\d){8,}")
# The source protocols sit beside the repository; people named there are found by pattern,
# so that no name is ever written into this repository, even in a test.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
NAMED = re.compile(
    r"(?:Chair: |chair, |author: |contact: |Contact Details:\s)([A-Z][a-z]+) ([A-Z][a-z]+)"
    r"|([a-z]+)\.([a-z]+)@"
)


def people_in_seeds() -> set[str]:
    found: set[str] = set()
    for seed in sorted(SEEDS.glob("*.txt")):
        for match in NAMED.finditer(seed.read_text(encoding="utf-8")):
            found |= {part.capitalize() for part in match.groups() if part}
    return found


def template_text(name: str) -> str:
    return (resources.files("schedules.protocol.templates") / f"{name}.yaml").read_text("utf-8")


def duty(protocol: Protocol, duty_id: str) -> Duty:
    return next(d for d in protocol.duties if d.id == duty_id)


def meeting(protocol: Protocol, meeting_id: str) -> JointMeeting:
    return next(m for m in protocol.joint_meetings if m.id == meeting_id)


def months(item: Duty | JointMeeting) -> list[tuple[int, int]]:
    return [(w.opens, w.closes) for w in item.schedule.windows or []]


def stage_names(protocol: Protocol) -> list[str]:
    (ladder,) = protocol.ladders
    assert ladder.id == "mutual-challenge"
    return [stage.name.lower() for stage in ladder.stages]


def test_it_bundles_the_five_protocols() -> None:
    assert template_names() == sorted(BOARD_KEYS)


@pytest.mark.parametrize("name", template_names())
def test_each_template_loads_with_its_own_name_as_key(name: str) -> None:
    assert load_protocol(name).partnership.key == name


@pytest.mark.parametrize("name", template_names())
def test_each_template_has_exactly_the_agreed_board_keys(name: str) -> None:
    keys = load_protocol(name).board_keys
    assert set(keys) == BOARD_KEYS[name]
    assert len(keys) == len(BOARD_KEYS[name])


@pytest.mark.parametrize("name", template_names())
def test_every_duty_and_joint_meeting_names_its_clause(name: str) -> None:
    protocol = load_protocol(name)
    for item in [*protocol.duties, *protocol.joint_meetings]:
        assert item.clause.strip(), item.id


@pytest.mark.parametrize("name", template_names())
def test_no_template_holds_an_email_address_or_a_phone_number(name: str) -> None:
    text = template_text(name)
    assert "@" not in text
    assert PHONE_NUMBER.search(text) is None


@pytest.mark.parametrize("name", template_names())
def test_no_template_names_a_person_from_its_source(name: str) -> None:
    people = people_in_seeds()
    if not people:
        pytest.skip("the source protocols are not beside this checkout")
    text = template_text(name)
    assert [person for person in sorted(people) if re.search(rf"\b{person}\b", text)] == []


def test_city_of_london_chairs_meet_in_april_may_and_september_october() -> None:
    chairs = meeting(load_protocol("city-of-london"), "chairs-meeting")
    assert chairs.title == "Chairs' meeting"
    assert months(chairs) == [(4, 5), (9, 10)]
    assert chairs.attendees.boards == "all" and chairs.attendees.roles == ["chair"]
    assert chairs.clause == "5.2"


def test_city_of_london_safeguarding_boards_each_report_to_the_chwb_and_scp() -> None:
    protocol = load_protocol("city-of-london")
    for board in ("chscb", "chsab"):
        report = duty(protocol, f"{board}-annual-report-to-chwb-and-scp")
        assert report.owners == [board]
        assert set(report.counterparts) == {"chwb", "scp"}
        assert months(report) == [(9, 11)]
        assert "position statement" in report.evidence


def test_city_of_london_chwb_and_scp_each_take_their_review_to_the_safeguarding_boards() -> None:
    protocol = load_protocol("city-of-london")
    for board in ("chwb", "scp"):
        review = duty(protocol, f"{board}-strategy-review-to-safeguarding-boards")
        assert review.owners == [board]
        assert set(review.counterparts) == {"chscb", "chsab"}
        assert months(review) == [(10, 2)]


def test_city_of_london_shares_plans_in_april_may_and_learning_on_demand() -> None:
    protocol = load_protocol("city-of-london")
    plans = duty(protocol, "refreshed-plans-shared")
    assert set(plans.owners) == {"chwb", "scp", "chscb", "chsab"}
    assert months(plans) == [(4, 5)]
    assert duty(protocol, "review-learning-shared").schedule.on_demand
    assert duty(protocol, "safeguarding-plans-shared-in-formulation").schedule.on_demand
    assert protocol.ladders == []


def test_westminster_follows_the_annual_cycle_of_its_working_agreement() -> None:
    protocol = load_protocol("westminster")
    report = duty(protocol, "lscb-annual-report-to-hwb")
    assert (report.owners, report.counterparts, months(report)) == (["lscb"], ["hwb"], [(9, 11)])
    review = duty(protocol, "hwb-strategy-and-jsna-review-with-lscb")
    assert (review.owners, review.counterparts, months(review)) == (["hwb"], ["lscb"], [(10, 2)])
    plan = duty(protocol, "lscb-business-plan-to-hwb")
    assert (plan.owners, plan.counterparts, months(plan)) == (["lscb"], ["hwb"], [(3, 5)])
    assert duty(protocol, "lscb-chair-raises-matters").schedule.on_demand
    assert protocol.ladders == []


def test_islington_reports_twice_a_year_the_second_time_with_the_annual_report() -> None:
    protocol = load_protocol("islington")
    scrutiny = duty(protocol, "iscb-scrutiny-report-to-hwbb")
    assert months(scrutiny) == [(4, 9)]
    annual = duty(protocol, "iscb-annual-report-to-hwbb")
    assert months(annual) == [(10, 3)]
    assert "six-monthly" in annual.title and "annual report" in annual.title
    assert "Leader" in annual.evidence and "Chief Executive" in annual.evidence
    assert set(annual.counterparts) == {"hwbb", "leader", "chief-executive"}
    assert {p.key for p in protocol.partners} == {"leader", "chief-executive"}


def test_islington_chairs_attend_each_others_boards_as_guests() -> None:
    protocol = load_protocol("islington")
    for board, other in (("hwbb", "iscb"), ("iscb", "hwbb")):
        [guest] = protocol.board(board).guests
        assert (guest.board, guest.roles) == (other, ["chair"])


def test_islington_progress_report_is_triggered_at_each_strategy_review() -> None:
    report = duty(load_protocol("islington"), "hwbb-strategy-progress-report")
    assert report.schedule.triggered is not None
    assert report.schedule.triggered.by is None
    assert "local choice" in template_text("islington")


def test_islington_business_managers_meet_every_quarter() -> None:
    managers = meeting(load_protocol("islington"), "business-managers-meeting")
    assert managers.schedule.every == "quarter"
    assert managers.attendees.roles == ["business_manager"]


def test_islington_each_board_shares_its_minutes_with_the_other() -> None:
    protocol = load_protocol("islington")
    for board, other in (("hwbb", "iscb"), ("iscb", "hwbb")):
        minutes = duty(protocol, f"{board}-minutes-shared")
        assert (minutes.owners, minutes.counterparts) == ([board], [other])
        rule = minutes.schedule.after_meetings
        assert rule is not None and rule.of == [board]


def test_islington_ladder_climbs_its_four_routes_in_order() -> None:
    names = stage_names(load_protocol("islington"))
    assert len(names) == 4
    assert "written request" in names[0]
    assert "agenda" in names[1]
    assert "chairs" in names[2]
    assert "resolution" in names[3]
    (ladder,) = load_protocol("islington").ladders
    assert "Director of Children's Services" in ladder.stages[3].who_acts
    assert "Chief Executive" in ladder.stages[3].who_acts


def test_suffolk_lscb_chair_meets_the_other_chairs_once_a_year() -> None:
    chairs = meeting(load_protocol("suffolk"), "chairs-annual-meeting")
    assert chairs.schedule.every == "year"
    assert set(chairs.attendees.boards) == {"lscb", "ctjcg", "cpb", "hwb"}
    assert chairs.attendees.roles == ["chair"]
    assert chairs.clause == "6.1"


def test_suffolk_annual_reports_go_where_the_protocol_sends_them() -> None:
    protocol = load_protocol("suffolk")
    lscb = duty(protocol, "lscb-annual-report")
    ssab = duty(protocol, "ssab-annual-report")
    for report in (lscb, ssab):
        assert report.schedule.every == "year"
        for reader in ("Chief Executive", "Leader", "Police and Crime Commissioner"):
            assert reader in report.evidence
    readers = {"chief-executive", "leader", "pcc"}  # 4.7
    assert set(lscb.counterparts) == {"hwb", "ctjcg", "cpb", *readers}
    assert set(ssab.counterparts) == {"hwb", *readers}
    assert duty(protocol, "cpb-annual-report-to-lscb").counterparts == ["lscb"]
    cabinet = duty(protocol, "cpb-annual-report-to-cabinet")
    assert cabinet.counterparts == ["cabinet"] and "Cabinet" in cabinet.evidence
    assert duty(protocol, "lscb-consulted-on-cypp").schedule.on_demand


def test_suffolk_hwb_annual_report_has_the_counterparts_clause_11_gives_it() -> None:
    protocol = load_protocol("suffolk")
    report = duty(protocol, "hwb-annual-report")
    assert report.counterparts == []  # 11.4 names what it holds, not who receives it
    assessment = duty(protocol, "leader-and-chief-executive-assessment")
    assert (assessment.owners, assessment.counterparts) == (["leader", "chief-executive"], ["hwb"])
    assert assessment.clause == "11.3, 11.4"


def test_suffolk_lead_member_is_a_participant_observer_of_the_lscb() -> None:
    protocol = load_protocol("suffolk")
    [guest] = protocol.board("lscb").guests
    assert guest.partner == "lead-member"
    partners = {p.key: p.name for p in protocol.partners}
    assert partners["lead-member"] == "Lead Member for Children, Young People & Education"
    assert partners["cabinet"] == "Suffolk County Council Cabinet"
    matters = duty(protocol, "lead-member-brings-matters-to-lscb")
    assert (matters.owners, matters.counterparts, matters.clause) == (
        ["lead-member"],
        ["lscb"],
        "6.1",
    )
    assert matters.schedule.on_demand  # the Lead Member "can": nothing is due on a date


def test_rutland_safeguarding_boards_share_one_independent_chair() -> None:
    protocol = load_protocol("rutland")
    titles = {protocol.board(key).roles["chair"] for key in ("lrlscb", "lrsab")}
    assert titles == {"Independent Chair of the safeguarding boards"}
    assert "names the same\n  # person as chair of each" in template_text("rutland")


def test_suffolk_ladder_climbs_its_five_stages_in_order() -> None:
    names = stage_names(load_protocol("suffolk"))
    assert len(names) == 5
    assert "written request" in names[0]
    assert "agenda" in names[1]
    assert "chairs" in names[2]
    assert "resolution" in names[3]
    assert "chief executive" in names[4]


@pytest.mark.parametrize("name", ["islington", "suffolk"])
def test_ladder_response_times_are_marked_as_a_local_choice(name: str) -> None:
    assert "local choice" in template_text(name)


def test_islington_makes_two_report_occurrences_in_2026_27() -> None:
    reports = [
        spec for spec in duty_specs(load_protocol("islington")) if spec.key.endswith("-to-hwbb")
    ]
    found = sorted(occ.due for spec in reports for occ in occurrences(spec, [2026]))
    assert found == [date(2026, 9, 30), date(2027, 3, 31)]
