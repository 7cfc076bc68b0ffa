"""The escalation ladder a partnership uses when its protocol spells out none."""

from __future__ import annotations

from typing import Any

from schedules.protocol.model import Ladder, LadderStage, Protocol

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
DEFAULT_LADDER_NAME = DEFAULT_LADDER.name
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
