"""The protocol file format: pydantic models are the single source of truth."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from schedules.protocol.fields import KEY_PATTERN, Key, Month, Strict, parse_month
from schedules.protocol.schedule import AfterMeetings, MonthWindow, Schedule, Triggered
from storage.roles import CHAIRS_ONLY, ROLES, Role

__all__ = [
    "KEY_PATTERN",
    "ROLES",
    "AfterMeetings",
    "Board",
    "Duty",
    "Guest",
    "JointMeeting",
    "Key",
    "Ladder",
    "Month",
    "MonthWindow",
    "Partner",
    "Partnership",
    "PromptSettings",
    "Protocol",
    "Role",
    "Schedule",
    "Strict",
    "Triggered",
    "parse_month",
]

DEFAULT_ROLE_TITLES = {role: role.label.capitalize() for role in Role}


def sexagesimal_time(value: object) -> object:
    """YAML 1.1 reads an unquoted 10:30 as the number 630: read it back as the time meant."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        hours, minutes = divmod(value, 60)
        return f"{hours:02d}:{minutes:02d}"
    return value


class Partnership(Strict):
    key: Key
    name: str = Field(min_length=1, max_length=200)
    timezone: Literal["Europe/London"] = "Europe/London"
    year_start_month: Month = 4
    source: str = Field(default="", max_length=500)
    agreed: date | None = None
    next_review: date | None = None


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


class Guest(Strict):
    """Someone at a board's meetings who is not on it: another board's role holders, or a partner.

    Guests get the board's agenda packs and meeting notices."""

    board: Key | None = None
    roles: list[Role] = Field(default_factory=lambda: list(CHAIRS_ONLY), min_length=1)
    partner: Key | None = None

    @model_validator(mode="after")
    def _board_or_partner(self) -> Guest:
        if (self.board is None) == (self.partner is None):
            raise ValueError(
                "give a board (with its roles) or a partner, e.g. {board: iscb, roles: [chair]} "
                "or {partner: lead-member}"
            )
        if self.partner is not None and "roles" in self.model_fields_set:
            raise ValueError(
                "roles go with a guest board; a partner's people attend as they are, "
                "e.g. {partner: lead-member}"
            )
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.partner is not None:
            data.pop("roles", None)  # a partner guest has no roles: a dump validates again
        return {key: value for key, value in data.items() if value is not None}


class Partner(Strict):
    """A party to the protocol that is not a board: Cabinet, the Leader, the Chief Executive.

    A partner may own duties or receive them; its people hear by direct message."""

    key: Key
    name: str = Field(min_length=1, max_length=200)


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
    guests: list[Guest] = Field(default_factory=list)


class Duty(Strict):
    id: Key
    title: str = Field(min_length=1, max_length=150)
    # `all`: every board of the partnership (and then no counterparts).
    owners: Annotated[list[Key], Field(min_length=1)] | Literal["all"]
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
    partners: list[Partner] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    joint_meetings: list[JointMeeting] = Field(default_factory=list)
    ladders: list[Ladder] = Field(default_factory=list)

    @property
    def board_keys(self) -> list[str]:
        return [board.key for board in self.boards]

    @property
    def partner_keys(self) -> list[str]:
        return [partner.key for partner in self.partners]

    def owners_of(self, duty: Duty) -> list[str]:
        """The duty's owners, with `all` spelt out as every board."""
        return self.board_keys if duty.owners == "all" else list(duty.owners)

    def board(self, key: str) -> Board:
        for board in self.boards:
            if board.key == key:
                return board
        raise KeyError(key)

    def attendee_boards(self, meeting: JointMeeting) -> list[str]:
        if meeting.attendees.boards == "all":
            return self.board_keys
        return list(meeting.attendees.boards)
