"""Escalation ladders: the one module that knows a ladder's stages, which stage an escalation is
at, when that stage began and when it is due, and the ladder a protocol without one uses.

A ladder is stored with its stages as the protocol wrote them. Ladders retire like boards and
duties: a protocol loaded again without one (or with it renamed) retires it, new escalations
climb the protocol's first ladder in force, and an escalation keeps the ladder it opened on.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from schedules import calendar
from schedules.calendar import short_date
from schedules.protocol.model import Ladder, LadderStage, Protocol
from storage import models
from storage.queries.audit import Auditor
from storage.queries.escalations import first_ladder, stage_starts
from storage.upsert import insert_if_absent

# For a partnership whose protocol spells out no ladder: one stage, between the chairs.
DEFAULT_LADDER = Ladder(
    id="default",
    name="Resolution between chairs",
    stages=[
        LadderStage(
            name="Chairs meet to resolve the concern",
            who_acts="The chairs of both boards",
            response_working_days=20,
        )
    ],
)
DEFAULT_LADDER_KEY = DEFAULT_LADDER.id
DEFAULT_STAGES: list[dict[str, Any]] = [stage.model_dump() for stage in DEFAULT_LADDER.stages]


def escalation_ladder(protocol: Protocol) -> tuple[Ladder, bool]:
    """The ladder `/escalate` opens a concern on (the protocol's first), and whether it is the
    default because the protocol has none."""
    if protocol.ladders:
        return protocol.ladders[0], False
    return DEFAULT_LADDER, True


def stage_lines(ladder: Ladder) -> list[str]:
    """'1. Name — who acts (N working days)' for each stage, in the order they are climbed."""
    return [
        f"{number}. {stage.name} — {stage.who_acts} ({stage.response_working_days} working days)"
        for number, stage in enumerate(ladder.stages, start=1)
    ]


def default_ladder_text() -> str:
    """How `protocols show` tells the truth about a protocol without a ladder."""
    stages = "; ".join(stage_lines(DEFAULT_LADDER))
    name = DEFAULT_LADDER.name
    return f"No ladder in this protocol; escalations use the default: {name}: {stages}"


def default_said(ladder: models.Ladder, protocol: Mapping[str, Any]) -> str:
    """What `/escalate open` adds when `ladder` is the default, the protocol (as stored) having
    no ladder of its own."""
    if ladder.key != DEFAULT_LADDER_KEY or protocol.get("ladders"):
        return ""
    return f" The protocol has no ladder of its own, so this is the default: {DEFAULT_LADDER.name}."


# -- stored ladders and the escalations on them --------------------------------------------------


def stages_of(ladder: models.Ladder) -> list[LadderStage]:
    return [LadderStage.model_validate(stage) for stage in ladder.stages]


def stage_of(ladder: models.Ladder, number: int) -> LadderStage:
    """Stage `number` (from 1). Out of range (a ladder reloaded shorter) it is the nearest
    stage, the last or the first, never an error."""
    stages = stages_of(ladder)
    return stages[min(max(number, 1), len(stages)) - 1]


def stage_label(escalation: models.Escalation, ladder: models.Ladder) -> str:
    """'2/3 Chairs meet': the stage number, of how many, and its name."""
    name = stage_of(ladder, escalation.stage).name
    return f"{escalation.stage}/{len(ladder.stages)} {name}"


def stage_text(escalation: models.Escalation, ladder: models.Ladder) -> str:
    stage = stage_of(ladder, escalation.stage)
    return (
        f"Stage {stage_label(escalation, ladder)}; who acts: {stage.who_acts}; "
        f"respond by {short_date(escalation.stage_deadline)}."
    )


def deadline(ladder: models.Ladder, number: int, today: date) -> date:
    """When stage `number` must be answered if it starts on `today`: its working days on."""
    return calendar.add_working_days(today, stage_of(ladder, number).response_working_days)


def stage_started(escalation: models.Escalation, *, session: Session) -> datetime:
    """When the escalation reached its current stage (the step that opened or advanced it)."""
    assert escalation.id is not None
    started = stage_starts([escalation.id], session=session)
    return started.get(escalation.id, escalation.opened_at)


def ladder_of(escalation: models.Escalation, *, session: Session) -> models.Ladder:
    """The ladder the escalation opened on (retired since, perhaps: it keeps it)."""
    ladder = session.get(models.Ladder, escalation.ladder_id)
    assert ladder is not None
    return ladder


def ladder_for_new(
    partnership_id: int, *, session: Session, now: datetime, actor: str
) -> models.Ladder:
    """The ladder a new escalation climbs: the protocol's first in force, else the default,
    made (and audited) on first use.

    Two first escalations at once both find no ladder; the unique key lets one insert of the
    default win and the other do nothing, instead of failing on the constraint."""
    ladder = first_ladder(partnership_id, DEFAULT_LADDER_KEY, session=session)
    if ladder is not None:
        return ladder
    default = {
        "partnership_id": partnership_id,
        "key": DEFAULT_LADDER_KEY,
        "name": DEFAULT_LADDER.name,
        "clause": "",
        "stages": copy.deepcopy(DEFAULT_STAGES),
    }
    made = insert_if_absent(
        models.Ladder, [default], unique=["partnership_id", "key"], session=session
    )
    ladder = first_ladder(partnership_id, DEFAULT_LADDER_KEY, session=session)
    assert ladder is not None, "the default ladder exists once made, by us or another"
    if made:
        after = {"key": ladder.key, "name": ladder.name, "stages": ladder.stages}
        Auditor(session, now, actor, partnership_id).record(
            "ladder.created", "ladder", ladder.id, after=after
        )
    return ladder
