"""Escalation ladders: one rule for a stage out of range, and ladders retire like duties."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from schedules.ladders import DEFAULT_LADDER_KEY, deadline, stage_label, stage_of
from schedules.protocol import load_protocol, parse_protocol
from schedules.protocol.model import Ladder as LadderSpec
from schedules.protocol.model import LadderStage, Protocol
from schedules.protocol.store import store_protocol
from storage.models import Escalation, Ladder
from tests.commands.conftest import NOW, BoundPartnership

STAGES = [
    {"name": "Formal written request", "who_acts": "Either chair", "response_working_days": 10},
    {"name": "Chairs meet", "who_acts": "Both chairs", "response_working_days": 20},
]


def stored_ladder(stages: list[dict[str, object]] = STAGES) -> Ladder:
    return Ladder(partnership_id=1, key="mutual", name="Mutual challenge", stages=stages)


def test_a_stage_out_of_range_is_the_nearest_one_never_an_error() -> None:
    ladder = stored_ladder()
    assert stage_of(ladder, 1).name == "Formal written request"
    assert stage_of(ladder, 2).who_acts == "Both chairs"
    assert stage_of(ladder, 3).name == "Chairs meet"  # reloaded shorter: its last stage
    assert stage_of(ladder, 0).name == "Formal written request"


def test_a_stage_is_labelled_with_its_number_of_how_many_and_its_name() -> None:
    escalation = Escalation(stage=3, stage_deadline=date(2026, 12, 7))
    assert stage_label(escalation, stored_ladder()) == "3/2 Chairs meet"


def test_a_stage_is_due_its_working_days_after_it_starts() -> None:
    # From Monday 21 Dec 2026: Christmas, Boxing Day (on Monday 28th) and New Year's Day are
    # not working days, nor are the weekends.
    assert deadline(stored_ladder(), 1, date(2026, 12, 21)) == date(2027, 1, 7)


def with_ladder(key: str) -> Protocol:
    rutland = load_protocol("rutland")
    ladder = LadderSpec(
        id=key,
        name=f"Ladder {key}",
        stages=[LadderStage.model_validate(stage) for stage in STAGES],
    )
    return parse_protocol(rutland.model_copy(update={"ladders": [ladder]}).model_dump_json())


def ladder_keys(bound: BoundPartnership, escalation_id: int) -> str:
    escalation = bound.session.get(Escalation, escalation_id)
    assert escalation is not None
    ladder = bound.session.get(Ladder, escalation.ladder_id)
    assert ladder is not None
    return ladder.key


def test_a_renamed_ladder_retires_the_old_and_new_escalations_climb_the_new(
    bound: BoundPartnership,
) -> None:
    session = bound.session
    store_protocol(with_ladder("first"), session=session, now=NOW)
    session.commit()
    bound.run("/escalate", "open hwb lrlscb JSNA data is late", "U0HWBBM")
    report = store_protocol(with_ladder("second"), session=session, now=NOW)
    session.commit()
    assert "ladder first" in report.retired and "ladder second" in report.created
    bound.run("/escalate", "open hwb lrsab Plans not shared", "U0HWBBM")
    assert (ladder_keys(bound, 1), ladder_keys(bound, 2)) == ("first", "second")
    retired = session.exec(select(Ladder).where(Ladder.key == "first")).one()
    assert retired.retired_at == NOW
    shown = bound.run("/escalate", "show 1", "U0HWBBM")  # the first keeps its ladder
    assert "Ladder first" in str(shown.message.blocks)


def test_the_default_ladder_stays_in_force_while_the_protocol_has_none(
    bound: BoundPartnership,
) -> None:
    bound.run("/escalate", "open hwb lrlscb JSNA data is late", "U0HWBBM")
    report = store_protocol(load_protocol("rutland"), session=bound.session, now=NOW)
    bound.session.commit()
    assert report.retired == []
    store_protocol(with_ladder("own"), session=bound.session, now=NOW)
    bound.session.commit()
    default = bound.session.exec(select(Ladder).where(Ladder.key == DEFAULT_LADDER_KEY)).one()
    assert default.retired_at == NOW  # the protocol has a ladder of its own now
    bound.run("/escalate", "open hwb lrsab Plans not shared", "U0HWBBM")
    assert ladder_keys(bound, 2) == "own"
