"""The protocol file format: pydantic models are the single source of truth."""

from __future__ import annotations

import calendar
from datetime import time
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

KEY_PATTERN = r"^[a-z][a-z0-9-]{0,59}$"
ROLES = ("chair", "business_manager", "secretariat", "member")
BOARD_KINDS = (
    "health_and_wellbeing",
    "safeguarding_children",
    "safeguarding_adults",
    "community_safety",
    "childrens_trust",
    "corporate_parenting",
    "other",
)


def parse_month(value: object) -> object:
    """Accept 9, "9", "sep", "Sept", "September"; leave anything else for the int check."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text.isdigit():
            return int(text)
        for number in range(1, 13):
            if len(text) >= 3 and calendar.month_name[number].lower().startswith(text):
                return number
        raise ValueError(f"'{value}' is not a month; write a month name or number, e.g. sep or 9")
    return value


def sexagesimal_time(value: object) -> object:
    """YAML 1.1 reads an unquoted 10:30 as the number 630: read it back as the time meant."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        hours, minutes = divmod(value, 60)
        return f"{hours:02d}:{minutes:02d}"
    return value


Month = Annotated[int, BeforeValidator(parse_month), Field(ge=1, le=12)]
Key = Annotated[str, Field(pattern=KEY_PATTERN)]
Role = Literal["chair", "business_manager", "secretariat", "member"]
DEFAULT_ROLE_TITLES: dict[Role, str] = {
    "chair": "Chair",
    "business_manager": "Business manager",
    "secretariat": "Secretariat",
    "member": "Member",
}
CHAIRS_ONLY: tuple[Role, ...] = ("chair",)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MonthWindow(Strict):
    """From the first day of `opens` to the last day of `closes`; may cross the New Year."""

    opens: Month
    closes: Month


class AfterMeetings(Strict):
    """Due within N working days after each meeting of the named boards."""

    of: list[Key] = Field(min_length=1)
    within_working_days: int = Field(ge=1, le=60)


class Schedule(Strict):
    """Exactly one of: windows, every, after_meetings, on_demand."""

    windows: list[MonthWindow] | None = Field(default=None, min_length=1)
    every: Literal["quarter", "half-year", "year"] | None = None
    month: Month | None = None
    after_meetings: AfterMeetings | None = None
    on_demand: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        chosen = [
            name
            for name, value in (
                ("windows", self.windows),
                ("every", self.every),
                ("after_meetings", self.after_meetings),
                ("on_demand", self.on_demand or None),
            )
            if value is not None
        ]
        if len(chosen) != 1:
            found = ", ".join(chosen) if chosen else "none"
            raise ValueError(
                "give exactly one of windows, every, after_meetings or on_demand "
                f"(found {found}); e.g. windows: [{{opens: sep, closes: nov}}]"
            )
        if self.month is not None and self.every != "year":
            raise ValueError("month goes only with every: year, e.g. {every: year, month: jun}")
        return self

    @property
    def kind(self) -> str:
        if self.windows:
            return "windows"
        if self.every:
            return "every"
        if self.after_meetings:
            return "after_meetings"
        return "on_demand"


class Partnership(Strict):
    key: Key
    name: str = Field(min_length=1, max_length=200)
    timezone: Literal["Europe/London"] = "Europe/London"
    year_start_month: Month = 4
    source: str = Field(default="", max_length=500)


class PromptSettings(Strict):
    """When and how often the cycle speaks; defaults suit most partnerships."""

    send_time: Annotated[str, BeforeValidator(sexagesimal_time)] = Field(
        default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$"
    )
    reminders_working_days: list[Annotated[int, Field(ge=1, le=60)]] = Field(
        default=[10, 3], max_length=5
    )
    overdue_repeat_days: int = Field(default=7, ge=1, le=31)
    close_on_working_day: bool = True
    agenda_pack_working_days: int = Field(default=5, ge=1, le=20)
    agenda_request_nudge_working_days: int = Field(default=5, ge=1, le=20)

    @property
    def send_clock(self) -> time:
        """send_time as a time of day (London)."""
        hours, minutes = self.send_time.split(":")
        return time(int(hours), int(minutes))


class Board(Strict):
    key: Key
    name: str = Field(min_length=1, max_length=200)
    kind: Literal[
        "health_and_wellbeing",
        "safeguarding_children",
        "safeguarding_adults",
        "community_safety",
        "childrens_trust",
        "corporate_parenting",
        "other",
    ]
    roles: dict[Role, str] = Field(default_factory=lambda: dict(DEFAULT_ROLE_TITLES))


class Duty(Strict):
    id: Key
    title: str = Field(min_length=1, max_length=150)
    owners: list[Key] = Field(min_length=1)
    counterparts: list[Key] = Field(default_factory=list)
    evidence: str = Field(min_length=1, max_length=500)
    clause: str = Field(min_length=1, max_length=200)
    schedule: Schedule


class Attendees(Strict):
    boards: list[Key] | Literal["all"] = "all"
    roles: list[Role] = Field(default_factory=lambda: list(CHAIRS_ONLY), min_length=1)


class JointMeeting(Strict):
    """A meeting boards hold together: chairs' meetings, business managers' meetings."""

    id: Key
    title: str = Field(min_length=1, max_length=150)
    attendees: Attendees = Field(default_factory=Attendees)
    evidence: str = Field(default="Meeting held and notes circulated", max_length=500)
    clause: str = Field(min_length=1, max_length=200)
    schedule: Schedule


class LadderStage(Strict):
    name: str = Field(min_length=1, max_length=150)
    who_acts: str = Field(min_length=1, max_length=200)
    response_working_days: int = Field(ge=1, le=120)


class Ladder(Strict):
    id: Key
    name: str = Field(min_length=1, max_length=150)
    clause: str = Field(default="", max_length=200)
    stages: list[LadderStage] = Field(min_length=1)


class Protocol(Strict):
    """One partnership's inter-board protocol."""

    partnership: Partnership
    prompts: PromptSettings = Field(default_factory=PromptSettings)
    boards: list[Board] = Field(min_length=1)
    duties: list[Duty] = Field(default_factory=list)
    joint_meetings: list[JointMeeting] = Field(default_factory=list)
    ladders: list[Ladder] = Field(default_factory=list)

    @property
    def board_keys(self) -> list[str]:
        return [board.key for board in self.boards]

    def board(self, key: str) -> Board:
        for board in self.boards:
            if board.key == key:
                return board
        raise KeyError(key)

    def attendee_boards(self, meeting: JointMeeting) -> list[str]:
        if meeting.attendees.boards == "all":
            return self.board_keys
        return list(meeting.attendees.boards)
