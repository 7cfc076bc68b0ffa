"""Escalation nudge: a stage past its deadline goes to those who act at that stage."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from schedules import calendar, ladders
from schedules.calendar import long_date
from schedules.prompts.actions import ADVANCE
from schedules.prompts.base import Prompt, Recipient
from storage.models import Partnership
from storage.queries.boards import keys_by_id
from storage.queries.escalations import open_escalations
from storage.roles import Role

KIND = "escalation_nudge"


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    today = calendar.london_date(now)
    assert partnership.id is not None
    keys_of_boards = keys_by_id(partnership.id, session=session)
    late = open_escalations(partnership.id, session=session, past_deadline_on=today)
    prompts = []
    for escalation, ladder in late:
        stage = ladders.stage_of(ladder, escalation.stage)
        send_on = calendar.add_working_days(escalation.stage_deadline, 1)
        keys = [keys_of_boards[escalation.from_board_id], keys_of_boards[escalation.to_board_id]]
        text = (
            f"Escalation #{escalation.id} ({' → '.join(k.upper() for k in keys)}) passed its "
            f"deadline of {long_date(escalation.stage_deadline)} at stage {escalation.stage} of "
            f"{len(ladder.stages)}, {stage.name}. "
            f"Who acts: {stage.who_acts}. "
            "Advance it to the next stage, or resolve it with /escalate resolve."
        )
        subject = f"escalation:{escalation.id}:stage:{escalation.stage}"
        title = f"Escalation #{escalation.id} is past its deadline"
        about = {"escalation_id": escalation.id}
        prompts += [
            Prompt(KIND, send_on, subject, chair, title, text, actions=(ADVANCE,), extra=about)
            for chair in (Recipient(Role.CHAIR, key) for key in keys)
        ]
    return prompts
