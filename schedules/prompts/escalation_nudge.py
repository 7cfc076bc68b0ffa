"""Escalation nudge: a stage past its deadline goes to those who act at that stage."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from schedules import calendar
from schedules.calendar import long_date
from schedules.prompts.base import Prompt, Recipient
from storage.models import Board, Escalation, Ladder, Partnership
from storage.roles import Role
from storage.status import EscalationStatus

KIND = "escalation_nudge"


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    today = calendar.london_date(now)
    query = (
        select(Escalation, Ladder)
        .join(Ladder, col(Ladder.id) == col(Escalation.ladder_id))
        .where(
            Escalation.partnership_id == partnership.id,
            Escalation.status == EscalationStatus.OPEN,
            col(Escalation.stage_deadline) < today,
        )
    )
    prompts = []
    for escalation, ladder in session.exec(query):
        stage = (
            ladder.stages[escalation.stage - 1] if escalation.stage <= len(ladder.stages) else {}
        )
        send_on = calendar.add_working_days(escalation.stage_deadline, 1)
        boards = [
            session.get(Board, escalation.from_board_id),
            session.get(Board, escalation.to_board_id),
        ]
        keys = [b.key for b in boards if b is not None]
        text = (
            f"Escalation #{escalation.id} ({' → '.join(k.upper() for k in keys)}) passed its "
            f"deadline of {long_date(escalation.stage_deadline)} at stage {escalation.stage} of "
            f"{len(ladder.stages)}, {stage.get('name', '')}. "
            f"Who acts: {stage.get('who_acts', 'the chairs')}. "
            "Advance it to the next stage, or resolve it with /escalate resolve."
        )
        for key in keys:
            prompts.append(
                Prompt(
                    KIND,
                    send_on,
                    subject=f"escalation:{escalation.id}:stage:{escalation.stage}",
                    recipient=Recipient(Role.CHAIR, key),
                    title=f"Escalation #{escalation.id} is past its deadline",
                    text=text,
                    actions=("advance",),
                    extra={"escalation_id": escalation.id},
                )
            )
    return prompts
