"""A bot token per workspace for the clock, and prompts that wait out an uninstall."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from bot.oauth import UNINSTALLED, installation_store
from bot.settings import Settings
from bot.tokens import (
    NOT_INSTALLED,
    EnvironmentToken,
    InstalledTokens,
    TeamSender,
    clock_clients,
    token_provider,
)
from schedules.clock import tick
from storage.errors import BoardbotError
from storage.models import OutboxPrompt, SendingPause
from tests.bot.installing import CLIENT_ID, ORG, ORG_TEAM, TEAM_A, TEAM_B, Hosted, serve_hosted
from tests.bot.installing import oauth_fake as stand_in

SEPT_1 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # 09:00 in London: rutland's windows open
PROMPTS = 9  # 6 window openings, 2 counterpart notices, 1 digest


def oauth_settings(**extra: str) -> Settings:
    return Settings(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET="secret", **extra)


def installed(
    team: str | None, token: str, *, enterprise: str | None = None, at: int = 0
) -> Installation:
    return Installation(
        app_id="A0FAKE",
        enterprise_id=enterprise,
        team_id=team,
        bot_token=token,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        bot_scopes="commands,chat:write",
        user_id="U0INSTALLER",
        is_enterprise_install=team is None,
        installed_at=1_790_000_000.0 + at,
    )


@pytest.fixture
def tokens(engine: Engine) -> InstalledTokens:
    return InstalledTokens(installation_store(oauth_settings(), engine))


# -- the providers -------------------------------------------------------------------------------


def test_the_environment_token_serves_whichever_workspace_asks() -> None:
    provider = EnvironmentToken("xoxb-one")
    assert provider.bot_token(TEAM_A) == provider.bot_token(TEAM_B, ORG) == "xoxb-one"


def test_the_provider_follows_the_mode_and_names_what_is_missing(engine: Engine) -> None:
    assert isinstance(
        token_provider(Settings(SLACK_BOT_TOKEN="xoxb-one"), engine), EnvironmentToken
    )
    assert isinstance(token_provider(oauth_settings(), engine), InstalledTokens)
    with pytest.raises(BoardbotError, match="SLACK_BOT_TOKEN"):
        token_provider(Settings(), engine)


def test_each_installed_workspace_has_its_own_token_and_others_none(
    tokens: InstalledTokens,
) -> None:
    tokens.store.save(installed(TEAM_A, "xoxb-a"))
    tokens.store.save(installed(TEAM_B, "xoxb-b"))
    assert (tokens.bot_token(TEAM_A), tokens.bot_token(TEAM_B)) == ("xoxb-a", "xoxb-b")
    assert tokens.bot_token("T0NEVER") is None


def test_a_workspace_of_an_org_wide_install_gets_the_orgs_token_unless_it_has_its_own(
    tokens: InstalledTokens,
) -> None:
    tokens.store.save(installed(None, "xoxb-org", enterprise=ORG))
    assert tokens.bot_token(ORG_TEAM, ORG) == "xoxb-org"
    assert tokens.bot_token(ORG_TEAM) is None  # without its org, nothing says it is in one
    tokens.store.save(installed(ORG_TEAM, "xoxb-own", enterprise=ORG))
    assert tokens.bot_token(ORG_TEAM, ORG) == "xoxb-own"


def test_the_newest_install_wins_and_an_uninstall_leaves_no_token(
    tokens: InstalledTokens,
) -> None:
    tokens.store.save(installed(TEAM_A, "xoxb-first"))
    tokens.store.save(installed(TEAM_A, "xoxb-again", at=60))
    assert tokens.bot_token(TEAM_A) == "xoxb-again"
    tokens.store.delete_all(enterprise_id=None, team_id=TEAM_A)
    assert tokens.bot_token(TEAM_A) is None


def test_a_team_sender_without_a_token_refuses_without_calling_slack(
    tokens: InstalledTokens,
) -> None:
    def no_client(token: str) -> WebClient:
        raise AssertionError("without a token there is nothing to call Slack with")

    sender = TeamSender(tokens, no_client, TEAM_A)
    assert sender.workspace == TEAM_A
    assert sender.check() == NOT_INSTALLED
    delivery = sender.send(OutboxPrompt())
    assert (delivery.error, delivery.refused) == (NOT_INSTALLED, True)


# -- the clock through an uninstall and a reinstall ------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with stand_in() as server:
        yield server


@pytest.fixture
def hosted(fake: FakeSlack, database_url: str) -> Iterator[Hosted]:
    yield from serve_hosted(fake, database_url)


def clock_sender(hosted: Hosted) -> TeamSender:
    settings = oauth_settings(SLACK_API_URL=hosted.fake.base_url)
    provider = InstalledTokens(installation_store(settings, hosted.engine))
    return TeamSender(provider, clock_clients(settings), TEAM_A)


def prompts(engine: Engine) -> list[OutboxPrompt]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxPrompt)))


def posted_with(fake: FakeSlack) -> list[str]:
    return [c.headers["Authorization"] for c in fake.calls_to("chat.postMessage") if not c.error]


@pytest.mark.parametrize("event", ["delivered", "missed"])
def test_an_uninstalled_workspaces_prompts_wait_and_go_out_once_after_a_reinstall(
    hosted: Hosted, event: str
) -> None:
    hosted.install(TEAM_A)
    hosted.fake.uninstall(TEAM_A)
    if event == "delivered":
        assert hosted.event(TEAM_A, {"type": "app_uninstalled"}).status == 200
    sender = clock_sender(hosted)
    for minutes in (0, 5):
        report = tick(hosted.engine, SEPT_1 + timedelta(minutes=minutes), sender)
        expected = UNINSTALLED if event == "delivered" else "token_revoked"
        assert (report.paused, report.sent, report.failed) == (expected, 0, 0)
    assert {(row.status, row.attempts) for row in prompts(hosted.engine)} == {("pending", 0)}
    with Session(hosted.engine) as session:
        assert [p.workspace for p in session.exec(select(SendingPause))] == [TEAM_A]
    assert posted_with(hosted.fake) == []
    hosted.install(TEAM_A)
    after = tick(hosted.engine, SEPT_1 + timedelta(minutes=10), sender)
    assert (after.paused, after.sent) == (None, PROMPTS)
    assert posted_with(hosted.fake) == [f"Bearer {hosted.token_of(TEAM_A)}"] * PROMPTS
    assert tick(hosted.engine, SEPT_1 + timedelta(minutes=15), sender).sent == 0
    with Session(hosted.engine) as session:
        assert session.exec(select(SendingPause)).all() == []
