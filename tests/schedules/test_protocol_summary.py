"""`protocols show` tells the truth: the agreement, guests, partners and the ladder in use."""

from __future__ import annotations

from schedules.ladders import DEFAULT_LADDER, DEFAULT_STAGES, default_ladder_text
from schedules.protocol import load_protocol, parse_protocol
from schedules.protocol.summary import protocol_json, show_lines
from tests.schedules.test_protocol_format import FULL


def test_a_protocol_without_a_ladder_names_the_default_escalate_uses() -> None:
    lines = show_lines(load_protocol("rutland"))
    assert lines[-1] == (
        "No ladder in this protocol; escalations use the default: Resolution between chairs: "
        "1. Chairs meet to resolve the concern — The chairs of both boards (20 working days)"
    )
    assert lines[-1] == default_ladder_text()


def test_the_default_ladder_is_defined_once_for_escalate_and_show() -> None:
    assert [stage.model_dump() for stage in DEFAULT_LADDER.stages] == DEFAULT_STAGES
    assert default_ladder_text().endswith(
        f"{DEFAULT_LADDER.name}: 1. {DEFAULT_LADDER.stages[0].name} — "
        f"{DEFAULT_LADDER.stages[0].who_acts} (20 working days)"
    )


def test_a_protocol_with_a_ladder_lists_its_stages() -> None:
    lines = show_lines(load_protocol("islington"))
    start = lines.index("Escalation ladders")
    assert lines[start + 1] == "  mutual-challenge: Routes for an unresolved area of concern"
    assert lines[start + 2].startswith("    1. Formal written request")
    assert not any(line.startswith("No ladder") for line in lines)


def test_it_shows_the_agreement_guests_partners_and_new_schedules() -> None:
    lines = show_lines(parse_protocol(FULL, "demo.yaml"))
    assert lines[1] == "Agreed 28 October 2014; next review 28 October 2026"
    assert "           guests: chair and business manager of hwb, cabinet (partner)" in lines
    assert lines[lines.index("Partners") + 1] == "  cabinet  Demo Council Cabinet"
    assert "      when: every year from 28 Oct 2014; clause 9" in lines
    assert "      Protocol reviewed [hwb, lscb]" in lines
    assert "      when: every 2 years from 1 Apr 2015; clause 4" in lines
    assert (
        "      when: within 15 working days of being triggered, and when report-to-cabinet is "
        "done; clause 5"
    ) in lines


def test_a_protocol_without_an_agreement_date_says_nothing_of_one() -> None:
    lines = show_lines(load_protocol("suffolk"))
    assert lines[1] == "" and lines[2] == "Boards"


def test_the_json_carries_the_agreement_partners_and_the_ladder_in_use() -> None:
    data = protocol_json(parse_protocol(FULL, "demo.yaml"))
    assert (data["agreed"], data["next_review"]) == ("2014-10-28", "2026-10-28")
    assert data["partners"] == [{"key": "cabinet", "name": "Demo Council Cabinet"}]
    assert data["boards"][1]["guests"] == [
        {"board": "hwb", "roles": ["chair", "business_manager"]},
        {"partner": "cabinet"},
    ]
    assert data["escalation_ladder"]["default"] is True
    assert data["escalation_ladder"]["name"] == "Resolution between chairs"
    suffolk = protocol_json(load_protocol("suffolk"))
    assert suffolk["escalation_ladder"]["id"] == "mutual-challenge"
    assert suffolk["escalation_ladder"]["default"] is False
    assert suffolk["agreed"] is None
