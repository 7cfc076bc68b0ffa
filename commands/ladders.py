"""Escalation ladders: the protocol's stages, and a default for a protocol that has none."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from commands.context import Invocation
from schedules import calendar
from schedules.calendar import short_date
from schedules.ladders import DEFAULT_LADDER_KEY, DEFAULT_LADDER_NAME, DEFAULT_STAGES
from storage.models import Escalation, Ladder
from storage.queries.escalations import first_ladder
from storage.upsert import insert_if_absent


def partnership_ladder(inv: Invocation) -> Ladder:
    """The protocol's first ladder; a single stage between chairs when its protocol has none.

    A protocol ladder loaded after the default was made takes over for new escalations."""
    ladder = first_ladder(inv.partnership_id, DEFAULT_LADDER_KEY, session=inv.session)
    if ladder is None:
        made = make_default_ladder(inv)
        ladder = first_ladder(inv.partnership_id, DEFAULT_LADDER_KEY, session=inv.session)
        assert ladder is not None, "the default ladder exists once made, by us or another"
        if made:
            after = {"key": ladder.key, "name": ladder.name, "stages": ladder.stages}
            inv.audit("ladder.created", "ladder", ladder.id, after=after)
    return ladder


def make_default_ladder(inv: Invocation) -> bool:
    """Insert the default ladder unless another request already has: True when this one did.

    Two first escalations at once both find no ladder; the unique key lets one insert win and
    the other do nothing, instead of failing on the constraint."""
    default = {
        "partnership_id": inv.partnership_id,
        "key": DEFAULT_LADDER_KEY,
        "name": DEFAULT_LADDER_NAME,
        "clause": "",
        "stages": copy.deepcopy(DEFAULT_STAGES),
    }
    made = insert_if_absent(
        Ladder, [default], unique=["partnership_id", "key"], session=inv.session
    )
    return made == 1


def ladder_of(inv: Invocation, row: Escalation) -> Ladder:
    ladder = inv.session.get(Ladder, row.ladder_id)
    assert ladder is not None
    return ladder


def deadline_for(inv: Invocation, ladder: Ladder, stage: int) -> date:
    """The stage's response time in working days, counted from today in London."""
    days = int(ladder.stages[stage - 1]["response_working_days"])
    return calendar.add_working_days(calendar.london_date(inv.now), days)


def stage_of(ladder: Ladder, number: int) -> dict[str, Any]:
    """Stage `number` (from 1); a reloaded, shorter ladder gives its last stage, never an error."""
    return ladder.stages[min(max(number, 1), len(ladder.stages)) - 1]


def stage_label(row: Escalation, ladder: Ladder) -> str:
    return f"{row.stage}/{len(ladder.stages)} {stage_of(ladder, row.stage)['name']}"


def stage_text(row: Escalation, ladder: Ladder) -> str:
    stage = stage_of(ladder, row.stage)
    return (
        f"Stage {stage_label(row, ladder)}; who acts: {stage['who_acts']}; "
        f"respond by {short_date(row.stage_deadline)}."
    )
