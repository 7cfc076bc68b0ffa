"""Financial year 2026/27 for each bundled protocol, checked against a reading of its seed."""

from __future__ import annotations

from collections import Counter
from datetime import date

from schedules.prompts import Prompt
from schedules.protocol import load_protocol
from schedules.simulate import simulate

YEAR = (date(2026, 4, 1), date(2027, 3, 31))


def year_of(name: str) -> list[Prompt]:
    return simulate(load_protocol(name), *YEAR)


def openings(prompts: list[Prompt]) -> dict[str, set[str]]:
    """Duty id -> the days its windows open (send dates of window_opens)."""
    found: dict[str, set[str]] = {}
    for p in prompts:
        if p.kind == "window_opens" and p.duty:
            found.setdefault(p.duty, set()).add(p.send_on.isoformat())
    return found


def recipients(prompts: list[Prompt], duty: str, kind: str) -> set[str]:
    return {p.recipient.label for p in prompts if p.duty == duty and p.kind == kind}


def test_rutland_safeguarding_boards_report_in_autumn_and_the_hwb_replies_over_winter() -> None:
    prompts = year_of("rutland")
    opened = openings(prompts)
    assert opened["lrlscb-annual-report-to-hwb"] == {"2026-09-01"}
    assert opened["lrsab-annual-report-to-hwb"] == {"2026-09-01"}
    assert opened["hwb-strategy-review-to-safeguarding-boards"] == {"2026-10-01"}
    assert opened["refreshed-plans-shared"] == {"2026-04-01"}
    assert recipients(prompts, "lrlscb-annual-report-to-hwb", "counterpart_notice") == {
        "business_manager:hwb"
    }
    assert recipients(
        prompts, "hwb-strategy-review-to-safeguarding-boards", "counterpart_notice"
    ) == {
        "business_manager:lrlscb",
        "business_manager:lrsab",
    }
    # 30 Nov 2026 is a Monday: reminders 10 and 3 working days before, overdue on 1 Dec.
    reminders = {
        p.send_on.isoformat()
        for p in prompts
        if p.duty == "lrsab-annual-report-to-hwb" and p.kind == "reminder"
    }
    assert reminders == {"2026-11-16", "2026-11-25"}
    overdue = {
        p.send_on.isoformat()
        for p in prompts
        if p.duty == "lrsab-annual-report-to-hwb" and p.kind == "overdue"
    }
    assert overdue == {"2026-12-01"}


def test_city_of_london_chairs_meet_twice_and_reports_go_to_two_boards() -> None:
    prompts = year_of("city-of-london")
    opened = openings(prompts)
    assert opened["chairs-meeting"] == {"2026-04-01", "2026-09-01"}
    assert recipients(prompts, "chairs-meeting", "window_opens") == {
        "chair:chwb",
        "chair:scp",
        "chair:chscb",
        "chair:chsab",
    }
    for board in ("chscb", "chsab"):
        duty = f"{board}-annual-report-to-chwb-and-scp"
        assert opened[duty] == {"2026-09-01"}
        assert recipients(prompts, duty, "counterpart_notice") == {
            "business_manager:chwb",
            "business_manager:scp",
        }
    assert opened["chwb-strategy-review-to-safeguarding-boards"] == {"2026-10-01"}
    assert opened["scp-strategy-review-to-safeguarding-boards"] == {"2026-10-01"}
    assert opened["refreshed-plans-shared"] == {"2026-04-01"}
    on_demand = {"review-learning-shared", "consultations-coordinated"}
    assert not on_demand & {p.duty for p in prompts}


def test_westminster_business_plan_window_opens_in_march_for_the_coming_year() -> None:
    prompts = year_of("westminster")
    opened = openings(prompts)
    assert opened["lscb-annual-report-to-hwb"] == {"2026-09-01"}
    assert opened["hwb-strategy-and-jsna-review-with-lscb"] == {"2026-10-01"}
    assert opened["lscb-business-plan-to-hwb"] == {"2027-03-01"}
    # The Mar–May 2026 window of the year before closes in this year: 29 May 2026 (a Friday).
    closing = [p for p in prompts if p.duty == "lscb-business-plan-to-hwb" and p.kind == "overdue"]
    assert [p.send_on.isoformat() for p in closing] == ["2026-06-01", "2026-06-01"]


def test_islington_meets_quarterly_reports_twice_a_year_and_climbs_four_stages() -> None:
    protocol = load_protocol("islington")
    prompts = year_of("islington")
    opened = openings(prompts)
    # 1 January 2027 is a bank holiday (a Friday): the quarter's prompt waits for Monday 4th.
    assert opened["business-managers-meeting"] == {
        "2026-04-01",
        "2026-07-01",
        "2026-10-01",
        "2027-01-04",
    }
    assert recipients(prompts, "business-managers-meeting", "window_opens") == {
        "business_manager:hwbb",
        "business_manager:iscb",
    }
    # Two six-monthly reports, the second with the annual report: one window each half-year.
    assert opened["iscb-scrutiny-report-to-hwbb"] == {"2026-04-01"}
    assert opened["iscb-annual-report-to-hwbb"] == {"2026-10-01"}
    assert recipients(prompts, "iscb-annual-report-to-hwbb", "counterpart_notice") == {
        "business_manager:hwbb",
        "partner:leader",
        "partner:chief-executive",
    }
    assert [len(ladder.stages) for ladder in protocol.ladders] == [4]
    # Minutes duties follow meetings; with none held, simulate has nothing to say about them.
    assert not {"hwbb-minutes-shared", "iscb-minutes-shared"} & {p.duty for p in prompts}


def test_suffolk_annual_duties_close_at_the_end_of_march_and_the_ladder_has_five_stages() -> None:
    protocol = load_protocol("suffolk")
    prompts = year_of("suffolk")
    opened = openings(prompts)
    for duty in (
        "lscb-annual-report",
        "ssab-annual-report",
        "cpb-annual-report-to-lscb",
        "hwb-annual-report",
    ):
        assert opened[duty] == {"2026-04-01"}
    assert opened["chairs-annual-meeting"] == {"2026-04-01"}
    assert recipients(prompts, "chairs-annual-meeting", "window_opens") == {
        "chair:lscb",
        "chair:ctjcg",
        "chair:cpb",
        "chair:hwb",
    }
    # 4.7: submitted to the Chief Executive, the Leader, the PCC and the Chair of the HWB.
    assert recipients(prompts, "lscb-annual-report", "counterpart_notice") == {
        "business_manager:hwb",
        "business_manager:ctjcg",
        "business_manager:cpb",
        "partner:chief-executive",
        "partner:leader",
        "partner:pcc",
    }
    assert recipients(prompts, "cpb-annual-report-to-cabinet", "counterpart_notice") == {
        "partner:cabinet"
    }
    # 11.4 says what the HWB's annual report holds, not who receives it.
    assert recipients(prompts, "hwb-annual-report", "counterpart_notice") == set()
    # The Leader and the Chief Executive owe their assessment to the HWB: they hear as owners.
    assert recipients(prompts, "leader-and-chief-executive-assessment", "window_opens") == {
        "partner:leader",
        "partner:chief-executive",
    }
    # Due Wednesday 31 March 2027; Good Friday (26th) and Easter Monday (29th) are not working
    # days, so 3 working days before is the 24th and 10 working days before is the 15th.
    reminders = {
        p.send_on.isoformat()
        for p in prompts
        if p.duty == "lscb-annual-report" and p.kind == "reminder"
    }
    assert reminders == {"2027-03-15", "2027-03-24"}
    [ladder] = protocol.ladders
    assert len(ladder.stages) == 5


def test_every_prompt_falls_on_a_working_day_in_every_protocol() -> None:
    from schedules import calendar

    for name in ("rutland", "city-of-london", "westminster", "islington", "suffolk"):
        days = Counter(p.send_on for p in year_of(name))
        assert all(calendar.is_working_day(day) for day in days), name


def test_islington_makes_two_report_occurrences_in_2026_27_the_second_with_the_annual_report() -> (
    None
):
    from schedules.cycle import duty_specs, occurrences

    reports = [
        occurrence
        for spec in duty_specs(load_protocol("islington"))
        if spec.key in {"iscb-scrutiny-report-to-hwbb", "iscb-annual-report-to-hwbb"}
        for occurrence in occurrences(spec, [2026])
    ]
    # 30 September 2026 is a Wednesday; 31 March 2027 a Wednesday.
    assert sorted((o.duty.key, o.due.isoformat()) for o in reports) == [
        ("iscb-annual-report-to-hwbb", "2027-03-31"),
        ("iscb-scrutiny-report-to-hwbb", "2026-09-30"),
    ]
    annual = next(o for o in reports if o.duty.key == "iscb-annual-report-to-hwbb")
    assert "annual report" in annual.duty.evidence


def test_islington_progress_report_waits_for_a_review_of_the_strategy() -> None:
    prompts = year_of("islington")
    assert "hwbb-strategy-progress-report" not in {p.duty for p in prompts}
