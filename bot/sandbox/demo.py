"""The sandbox's demo: its channels, role holders and meetings, and how Slack describes them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.fakeslack import FakeSlack
from bot.setup_file import SetupFile, apply_setup
from schedules import calendar
from schedules.protocol import Protocol
from schedules.protocol.store import store_protocol
from storage.db import transaction
from storage.models import Meeting
from storage.queries.boards import boards_of
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from storage.roles import Role

DIGEST = ("C0DIGEST", "digest")
# (role in storage, id suffix, how the person is named)
ROLES = (
    (Role.CHAIR, "CHAIR", "chair"),
    (Role.BUSINESS_MANAGER, "BM", "business manager"),
    (Role.SECRETARIAT, "SEC", "secretariat officer"),
)
MEETING_TIME = time(14, 0)
MEETINGS_PER_BOARD = 8
MEETING_EVERY = timedelta(weeks=7)
SANDBOX_ACTOR = "sandbox"
APP_ID = "A0SANDBOX"
Json = dict[str, Any]


@dataclass(frozen=True)
class DemoChannel:
    id: str
    name: str
    board_key: str | None = None


@dataclass(frozen=True)
class DemoPerson:
    id: str
    name: str
    board_key: str
    role: Role


@dataclass(frozen=True)
class DemoSetup:
    """Who and where: what both the fake Slack and the database are told."""

    team_name: str
    partnership_key: str
    channels: tuple[DemoChannel, ...]
    people: tuple[DemoPerson, ...]

    def person_name(self, user: str) -> str:
        return next((p.name for p in self.people if p.id == user), user)

    def channel_name(self, channel: str) -> str:
        return next((c.name for c in self.channels if c.id == channel), "directmessage")

    def as_json(self) -> dict[str, object]:
        return {
            "team_name": self.team_name,
            "partnership": self.partnership_key,
            "channels": [c.__dict__ for c in self.channels],
            "people": [p.__dict__ for p in self.people],
        }


def demo_setup(protocol: Protocol) -> DemoSetup:
    keys = protocol.board_keys
    channels = [DemoChannel(f"C0{_id_part(key)}", key, key) for key in keys]
    people = [
        DemoPerson(f"U0{_id_part(key)}{suffix}", f"{key.upper()} {label}", key, role)
        for key in keys
        for role, suffix, label in ROLES
    ]
    return DemoSetup(
        team_name=protocol.partnership.name,
        partnership_key=protocol.partnership.key,
        channels=(*channels, DemoChannel(*DIGEST)),
        people=tuple(people),
    )


def _id_part(key: str) -> str:
    """Slack ids are upper-case letters and digits."""
    return re.sub(r"[^A-Z0-9]", "", key.upper())


def add_to_fake(demo: DemoSetup, fake: FakeSlack) -> None:
    for channel in demo.channels:
        fake.add_channel(channel.id, channel.name)
    for person in demo.people:
        fake.add_user(person.id, person.name)


def setup_document(demo: DemoSetup) -> dict[str, Any]:
    """The demo as a setup file would say it (`boardbot setup apply`)."""
    boards = {
        channel.board_key: {
            "channel": channel.id,
            "people": {p.id: p.role for p in demo.people if p.board_key == channel.board_key},
        }
        for channel in demo.channels
        if channel.board_key
    }
    return {"partnership": demo.partnership_key, "digest_channel": DIGEST[0], "boards": boards}


def apply_demo(demo: DemoSetup, protocol: Protocol, engine: Engine, now: datetime) -> None:
    """Load the protocol, apply the demo's setup, name the people and schedule meetings."""
    with transaction(engine) as session:
        store_protocol(protocol, session=session, now=now, actor=SANDBOX_ACTOR)
        session.flush()
        for person in demo.people:
            ensure_person(person.id, session=session, name=person.name)
        setup = SetupFile.model_validate(setup_document(demo))
        apply_setup(setup, session=session, now=now, actor=SANDBOX_ACTOR)
        partnership = partnership_by_key(demo.partnership_key, session=session)
        assert partnership is not None and partnership.id is not None
        for index, board in enumerate(boards_of(partnership.id, session=session)):
            assert board.id is not None
            venue = f"{board.key.upper()} meeting room"
            for starts_at in meeting_times(now, offset_weeks=index + 1):
                meeting = Meeting(
                    board_id=board.id, starts_at=starts_at, venue=venue, created_by=SANDBOX_ACTOR
                )
                session.add(meeting)


def meeting_times(now: datetime, *, offset_weeks: int) -> list[datetime]:
    """A board meets every few weeks, the first time in the coming weeks, on working days."""
    first = calendar.london_date(now) + timedelta(weeks=offset_weeks)
    days = [calendar.on_or_after(first + MEETING_EVERY * n) for n in range(MEETINGS_PER_BOARD)]
    return [calendar.at_local_time(day, MEETING_TIME) for day in days]


# -- how Slack's requests to the bot describe the demo ----------------------------------


def command_fields(demo: DemoSetup, team: str, user: str, channel: str) -> dict[str, str]:
    """The form fields of a slash command that say who and where."""
    return {
        "token": "sandbox",
        "team_id": team,
        "team_domain": "sandbox",
        "channel_id": channel,
        "channel_name": demo.channel_name(channel),
        "user_id": user,
        "user_name": demo.person_name(user),
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
    }


def interaction_fields(demo: DemoSetup, team: str, user: str) -> Json:
    """The fields of an interaction payload that say who."""
    name = demo.person_name(user)
    return {
        "token": "sandbox",
        "api_app_id": APP_ID,
        "team": {"id": team, "domain": "sandbox"},
        "user": {"id": user, "username": name, "name": name, "team_id": team},
        "is_enterprise_install": False,
    }


def button_action(request: Json) -> Json:
    return {
        "type": "button",
        "action_id": request.get("action_id"),
        "block_id": request.get("block_id"),
        "value": request.get("value"),
        "text": {"type": "plain_text", "text": str(request.get("label") or "")},
        "action_ts": f"{calendar.utcnow().timestamp():.6f}",
    }


def home_opened_event(user: str, home: Json | None, team: str) -> Json:
    event: Json = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user[1:]}",
        "tab": "home",
        "event_ts": f"{calendar.utcnow().timestamp():.6f}",
    }
    if home:
        event["view"] = home
    return {
        "token": "sandbox",
        "team_id": team,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": f"Ev{secrets.token_hex(6).upper()}",
        "event_time": int(calendar.utcnow().timestamp()),
        "event": event,
    }
