"""The sandbox's demo: its channels and role holders, and how Slack's requests describe them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.fakeslack import FakeSlack
from schedules.protocol import Protocol
from storage.roles import Role

DIGEST = ("C0DIGEST", "digest")
# (role in storage, id suffix, how the person is named)
ROLES = (
    (Role.CHAIR, "CHAIR", "chair"),
    (Role.BUSINESS_MANAGER, "BM", "business manager"),
    (Role.SECRETARIAT, "SEC", "secretariat officer"),
)
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

    def channel_of(self, board_key: str) -> str:
        return next(c.id for c in self.channels if c.board_key == board_key)

    @property
    def board_keys(self) -> tuple[str, ...]:
        return tuple(c.board_key for c in self.channels if c.board_key)

    def person(self, board_key: str, role: str) -> DemoPerson:
        return next(p for p in self.people if p.board_key == board_key and p.role == role)

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


SECOND_TEAM, SECOND_ADMIN = "T0SECOND", "U1ADMIN"
SECOND_PRIVATE = ("C1PRIVATE", "leaders-private")


def second_setup(protocol: Protocol) -> DemoSetup:
    """A second workspace with channels and people but no partnership: where "Set up a
    partnership" is tried. Its people will hold the roles their names say once it is set up."""
    keys = protocol.board_keys
    channels = [DemoChannel(f"C1{_id_part(key)}", f"{key}-board") for key in keys]
    people = [
        DemoPerson(f"U1{_id_part(key)}{suffix}", f"{key.upper()} {label}", key, role)
        for key in keys
        for role, suffix, label in ROLES
    ]
    admin = DemoPerson(SECOND_ADMIN, "Workspace admin", "workspace", Role.MEMBER)
    return DemoSetup(
        team_name="Second workspace (empty)",
        partnership_key="",
        channels=(*channels, DemoChannel("C1DIGEST", "digest"), DemoChannel(*SECOND_PRIVATE)),
        people=(admin, *people),
    )


def add_to_second(demo: DemoSetup, fake: FakeSlack) -> None:
    """boardbot is in none of its channels yet; one is private; one person is an admin."""
    for channel in demo.channels:
        private = channel.id == SECOND_PRIVATE[0]
        fake.add_channel(channel.id, channel.name, member=False, private=private)
    for person in demo.people:
        fake.add_user(person.id, person.name, is_admin=person.id == SECOND_ADMIN)


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


def button_action(request: Json, now: datetime) -> Json:
    return {
        "type": "button",
        "action_id": request.get("action_id"),
        "block_id": request.get("block_id"),
        "value": request.get("value"),
        "text": {"type": "plain_text", "text": str(request.get("label") or "")},
        "action_ts": f"{now.timestamp():.6f}",
    }


def home_opened_event(user: str, home: Json | None, team: str, now: datetime) -> Json:
    event: Json = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user[1:]}",
        "tab": "home",
        "event_ts": f"{now.timestamp():.6f}",
    }
    if home:
        event["view"] = home
    return {
        "token": "sandbox",
        "team_id": team,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": f"Ev{secrets.token_hex(6).upper()}",
        "event_time": int(now.timestamp()),
        "event": event,
    }
