"""Two workspaces install one boardbot over real HTTP; each sees and changes only its own records,
and the clock posts each workspace's prompts with that workspace's own token."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from bot.settings import Settings
from bot.tokens import TeamSenders, clock_senders
from schedules.clock import tick
from storage.models import AgendaRequest, AuditEntry, DutyOccurrence, OutboxPrompt, Partnership
from storage.status import AgendaStatus, OccurrenceStatus
from tests.bot.cli_run import boardbot
from tests.bot.conftest import SECRET, Sent, annual_report_id
from tests.bot.installing import (
    CLIENT_ID,
    CLIENT_SECRET,
    TEAM_A,
    TEAM_B,
    Hosted,
    oauth_fake,
    serve_hosted,
)
from tests.commands.conftest import NOW

Json = dict[str, Any]
# Workspace B's partnership, set up from a file of #names and e-mail addresses.
SUFFOLK = {"lscb": "C0SUFLSCB", "hwb": "C0SUFHWB", "digest": "C0SUFDIGEST"}
B_PEOPLE = {
    "U0BLSCBCHAIR": "lscb-chair@suffolk.example",
    "U0BLSCBBM": "lscb-manager@suffolk.example",
    "U0BHWBBM": "hwb-manager@suffolk.example",
}
SETUP_B = """\
team: T0BBB
partnership: suffolk
digest_channel: "#suffolk-digest"
boards:
  lscb:
    channel: "#suffolk-lscb"
    people:
      lscb-chair@suffolk.example: chair
      lscb-manager@suffolk.example: business_manager
  hwb:
    channel: "#suffolk-hwb"
    people: {hwb-manager@suffolk.example: business_manager}
"""
SETUP_A = """\
team: T0AAA
partnership: rutland
digest_channel: C0DIGEST
boards:
  lrlscb:
    channel: C0LSCB
    people: {U0LSCBCHAIR: chair, U0LSCBBM: business_manager, U0LSCBSEC: secretariat}
"""
FILLER = 250  # more channels than one page of conversations.list


def tenancy_fake() -> FakeSlack:
    fake = oauth_fake()
    for number in range(FILLER):
        fake.add_channel(f"C0FILL{number:03d}", f"filler-{number:03d}")
    for key, channel in SUFFOLK.items():
        fake.add_channel(channel, f"suffolk-{key}")
    for user, email in B_PEOPLE.items():
        fake.add_user(user, email=email)
    return fake


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with tenancy_fake() as server:
        yield server


def cli_env(hosted: Hosted) -> dict[str, str]:
    return {
        "DATABASE_URL": str(hosted.engine.url.render_as_string(hide_password=False)),
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": hosted.fake.base_url,
        "SLACK_BOT_TOKEN": "",
    }


def settings_of(hosted: Hosted) -> Settings:
    return Settings(**cli_env(hosted))  # type: ignore[arg-type]


@dataclass
class Workspace:
    """One workspace's side of Slack: signed requests carrying its team id."""

    hosted: Hosted
    team: str

    def command(self, command: str, text: str, user: str, channel: str) -> str:
        key = f"{self.team}-{time.monotonic_ns()}"
        form = {
            "team_id": self.team,
            "channel_id": channel,
            "user_id": user,
            "command": command,
            "text": text,
            "api_app_id": "A0FAKE",
            "response_url": self.hosted.fake.response_url(key),
            "trigger_id": f"{key}.trigger",
            "is_enterprise_install": "false",
        }
        body = urllib.parse.urlencode(form)
        assert self.hosted.slack().send(body, "application/x-www-form-urlencoded").status == 200
        return self.answer(key)

    def button(self, action_id: str, value: str, user: str, channel: str) -> str:
        key = f"{self.team}-{time.monotonic_ns()}"
        payload = {
            "type": "block_actions",
            "team": {"id": self.team, "domain": self.team.lower()},
            "user": {"id": user, "team_id": self.team},
            "api_app_id": "A0FAKE",
            "container": {"type": "message", "message_ts": "1.000100", "channel_id": channel},
            "trigger_id": f"{key}.trigger",
            "channel": {"id": channel},
            "message": {"type": "message", "ts": "1.000100", "text": "prompt", "blocks": []},
            "response_url": self.hosted.fake.response_url(key),
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
            ],
        }
        self.interaction(payload)
        return self.answer(key)

    def decline(self, request_id: str, user: str) -> Sent:
        """Submit the decline form with `request_id` in its private metadata."""
        view = {
            "id": "V0DECLINE",
            "type": "modal",
            "team_id": self.team,
            "callback_id": "agenda_decline_reason",
            "private_metadata": request_id,
            "blocks": [
                {
                    "type": "input",
                    "block_id": "reason",
                    "label": {"type": "plain_text", "text": "Reason"},
                    "element": {"type": "plain_text_input", "action_id": "value"},
                }
            ],
            "state": {"values": {"reason": {"value": {"type": "plain_text_input", "value": "No"}}}},
        }
        payload = {
            "type": "view_submission",
            "team": {"id": self.team, "domain": self.team.lower()},
            "user": {"id": user, "team_id": self.team},
            "api_app_id": "A0FAKE",
            "trigger_id": f"{self.team}-{time.monotonic_ns()}.trigger",
            "view": view,
            "response_urls": [],
        }
        return self.interaction(payload)

    def interaction(self, payload: Json) -> Sent:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        sent = self.hosted.slack().send(body, "application/x-www-form-urlencoded")
        assert sent.status == 200
        return sent

    def answer(self, key: str) -> str:
        response = self.hosted.slack().response(key)
        return f"{response.text} {json.dumps(response.blocks)}"


@pytest.fixture
def hosted(fake: FakeSlack, database_url: str, tmp_path: Path) -> Iterator[Hosted]:
    """Two workspaces installed through /slack/install and /slack/oauth_redirect, each set up
    from a setup file: A's (rutland, loaded already) with ids, B's (suffolk) with #names and
    e-mail addresses."""
    for hosted in serve_hosted(fake, database_url):
        assert hosted.install(TEAM_A).status == 200
        assert hosted.install(TEAM_B).status == 200
        for name, text in (("a.yaml", SETUP_A), ("b.yaml", SETUP_B)):
            (tmp_path / name).write_text(text)
            applied = boardbot("setup", "apply", str(tmp_path / name), env=cli_env(hosted))
            assert applied.returncode == 0, applied.stderr
        yield hosted


def partnership_teams(hosted: Hosted) -> dict[str, str | None]:
    with Session(hosted.engine) as session:
        return {p.key: p.team_id for p in session.exec(select(Partnership))}


def test_each_workspace_is_set_up_from_its_file_and_names_are_asked_of_slack_with_its_token(
    hosted: Hosted,
) -> None:
    assert partnership_teams(hosted) == {"rutland": TEAM_A, "suffolk": TEAM_B}
    token_b = f"Bearer {hosted.token_of(TEAM_B)}"
    pages = hosted.fake.calls_to("conversations.list")
    assert len(pages) == 2 and {c.headers["Authorization"] for c in pages} == {token_b}
    lookups = hosted.fake.calls_to("users.lookupByEmail")
    assert sorted(c.params["email"] for c in lookups) == sorted(B_PEOPLE.values())
    with Session(hosted.engine) as session:
        suffolk = session.exec(select(Partnership).where(Partnership.key == "suffolk")).one()
    assert suffolk.digest_channel == SUFFOLK["digest"]
    shown = boardbot("setup", "show", "suffolk", env=cli_env(hosted))
    assert shown.stdout.startswith("team: T0BBB\npartnership: suffolk\n")
    assert "C0SUFLSCB" in shown.stdout and "U0BLSCBCHAIR: chair" in shown.stdout


def test_commands_see_only_their_own_workspaces_boards(hosted: Hosted) -> None:
    a, b = Workspace(hosted, TEAM_A), Workspace(hosted, TEAM_B)
    listed_b = b.command("/boards", "", "U0BLSCBBM", SUFFOLK["lscb"]).lower()
    assert "ctjcg" in listed_b and "lrlscb" not in listed_b
    listed_a = a.command("/boards", "", "U0LSCBBM", "C0LSCB").lower()
    assert "lrlscb" in listed_a and "ctjcg" not in listed_a
    # Naming the other workspace's board, even from a channel of it, finds nothing.
    refused = b.command("/boards", "role lrlscb @U0BHWBBM member", "U0BLSCBBM", "C0LSCB")
    assert "no board called 'lrlscb'" in refused
    with Session(hosted.engine) as session:
        added = session.exec(select(AuditEntry).where(AuditEntry.action == "board.role_added"))
        on_lrlscb = {(e.after or {}).get("user") for e in added if e.partnership_id == 1}
    assert "U0BHWBBM" not in on_lrlscb


def test_a_partnership_bound_to_no_workspace_yet_is_seen_by_none(hosted: Hosted) -> None:
    loaded = boardbot("protocols", "load", "islington", env=cli_env(hosted))
    assert loaded.returncode == 0, loaded.stderr
    assert partnership_teams(hosted)["islington"] is None
    b = Workspace(hosted, TEAM_B)
    refused = b.command("/duties", "islington:iscb", "U0BLSCBBM", SUFFOLK["lscb"])
    assert "no board called 'islington:iscb'" in refused
    assert "ISCB" not in b.command("/duties", "iscb", "U0BLSCBBM", SUFFOLK["lscb"])


def test_a_forged_button_naming_the_other_workspaces_duty_is_not_found(hosted: Hosted) -> None:
    a, b = Workspace(hosted, TEAM_A), Workspace(hosted, TEAM_B)
    occ_id = annual_report_id(hosted.engine)
    # From workspace B, naming A's channel and a person who holds a role in A: still B's.
    forged = b.button("duty_done", str(occ_id), "U0LSCBSEC", "C0LSCB")
    assert "is done" not in forged and f"#{occ_id}" in forged
    assert "is done" not in b.button("duty_done", str(occ_id), "U0BLSCBBM", SUFFOLK["lscb"])
    with Session(hosted.engine) as session:
        row = session.get(DutyOccurrence, occ_id)
        assert row is not None and row.status == OccurrenceStatus.PENDING
    assert "snoozed" not in b.button("duty_snooze", str(occ_id), "U0LSCBSEC", "C0LSCB")
    with Session(hosted.engine) as session:
        row = session.get(DutyOccurrence, occ_id)
        assert row is not None and row.snoozed_until is None
    # A button from its own workspace works: the refusals above were the workspace's. (Done
    # opens its form there; Snooze answers at once.)
    assert "snoozed" in a.button("duty_snooze", str(occ_id), "U0LSCBSEC", "C0LSCB")


def test_a_forged_form_naming_the_other_workspaces_request_is_not_found(hosted: Hosted) -> None:
    a, b = Workspace(hosted, TEAM_A), Workspace(hosted, TEAM_B)
    asked = a.command("/agenda", "request hwb lrlscb The JSNA refresh", "U0HWBBM", "C0HWB")
    assert "#1" in asked
    for person in ("U0BHWBBM", "U0LSCBCHAIR"):  # B's officer; one who holds A's roles too
        forged = json.loads(b.decline("1", person).body)
        assert forged["response_action"] == "errors"
        assert "no agenda request #1" in forged["errors"]["reason"]
    with Session(hosted.engine) as session:
        assert session.exec(select(AgendaRequest)).one().status == AgendaStatus.OPEN
    assert a.decline("1", "U0LSCBCHAIR").body == ""
    hosted.fake.wait_for(lambda: hosted.fake.messages("U0HWBBM"))
    with Session(hosted.engine) as session:
        assert session.exec(select(AgendaRequest)).one().status == AgendaStatus.DECLINED


def posts_by_team(hosted: Hosted) -> list[tuple[str, str]]:
    """(team of the token, team of the prompt's partnership) of every prompt posted."""
    owners = hosted.fake.installed_tokens()
    with Session(hosted.engine) as session:
        teams = {p.id: p.team_id for p in session.exec(select(Partnership))}
        rows = {r.key: teams[r.partnership_id] for r in session.exec(select(OutboxPrompt))}
    found = []
    for call in hosted.fake.calls_to("chat.postMessage"):
        metadata = call.params.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        key = (metadata.get("event_payload") or {}).get("key")
        if key in rows and call.error is None:
            token = call.headers["Authorization"].removeprefix("Bearer ")
            found.append((str(owners.get(token)), str(rows[key])))
    return found


def test_the_clock_posts_each_workspaces_prompts_with_its_own_token(hosted: Hosted) -> None:
    senders = clock_senders(settings_of(hosted), hosted.engine)
    assert isinstance(senders, TeamSenders)
    report = tick(hosted.engine, NOW, senders, keeper=senders)
    assert report.sent > 0 and not report.paused
    posted = posts_by_team(hosted)
    assert {pair for pair in posted} == {(TEAM_A, TEAM_A), (TEAM_B, TEAM_B)}
    assert len(posted) == report.sent
    assert canvases_by_token(hosted) == {
        ("C0DIGEST", hosted.token_of(TEAM_A)),
        (SUFFOLK["digest"], hosted.token_of(TEAM_B)),
    }


def canvases_by_token(hosted: Hosted) -> set[tuple[str, str]]:
    """(channel, token) of each tracker canvas made."""
    return {
        (str(c.params["channel_id"]), c.headers["Authorization"].removeprefix("Bearer "))
        for c in hosted.fake.calls_to("conversations.canvases.create")
        if c.error is None
    }


def test_an_uninstall_pauses_a_workspaces_prompts_and_a_reinstall_delivers_them_once(
    hosted: Hosted,
) -> None:
    senders = clock_senders(settings_of(hosted), hosted.engine)
    hosted.fake.uninstall(TEAM_B)
    assert hosted.event(TEAM_B, {"type": "app_uninstalled", "event_ts": "1.1"}).status == 200
    first = tick(hosted.engine, NOW, senders, keeper=senders)
    assert first.paused and {b for _, b in posts_by_team(hosted)} == {TEAM_A}
    assert {channel for channel, _ in canvases_by_token(hosted)} == {"C0DIGEST"}
    with Session(hosted.engine) as session:
        waiting = session.exec(
            select(OutboxPrompt).join(Partnership).where(Partnership.team_id == TEAM_B)
        ).all()
    assert waiting and {row.status for row in waiting} == {"pending"}

    assert hosted.install(TEAM_B).status == 200
    second = tick(hosted.engine, NOW + timedelta(minutes=5), senders, keeper=senders)
    third = tick(hosted.engine, NOW + timedelta(minutes=10), senders)
    assert not second.paused and third.sent == 0
    from_b = [token for token, team in posts_by_team(hosted) if team == TEAM_B]
    assert len(from_b) == len(waiting) and set(from_b) == {TEAM_B}
    new_token = hosted.token_of(TEAM_B)
    used = {
        c.headers["Authorization"]
        for c in hosted.fake.calls_to("chat.postMessage")
        if c.error is None and c.params.get("channel") in (SUFFOLK["lscb"], SUFFOLK["digest"])
    }
    assert used <= {f"Bearer {new_token}"}
    with Session(hosted.engine) as session:
        keys = [row.key for row in session.exec(select(OutboxPrompt))]
    assert len(keys) == len(set(keys))
