"""Installation by OAuth over real HTTP: the install page, the redirect, a token per workspace."""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from bot.oauth import BOT_SCOPES, UNINSTALLED
from storage.db import make_engine
from storage.installations import installations, oauth_states
from storage.models import SendingPause
from tests.bot.cli_run import boardbot
from tests.bot.conftest import SECRET, TEAM, TOKEN, serve_edge
from tests.bot.installing import (
    CLIENT_ID,
    CLIENT_SECRET,
    ORG,
    ORG_TEAM,
    STATE_COOKIE,
    TEAM_A,
    TEAM_B,
    Browser,
    Hosted,
    oauth_fake,
    serve_hosted,
)
from tests.bot.test_http_app import boardbot_script, free_port, wait_until_healthy


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with oauth_fake() as server:
        yield server


@pytest.fixture
def hosted(fake: FakeSlack, sqlite_url: str) -> Iterator[Hosted]:
    yield from serve_hosted(fake, sqlite_url)


@pytest.fixture
def any_db_hosted(fake: FakeSlack, database_url: str) -> Iterator[Hosted]:
    yield from serve_hosted(fake, database_url)


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def bearer_tokens(fake: FakeSlack, method: str) -> list[str]:
    return [call.headers.get("Authorization", "") for call in fake.calls_to(method)]


# -- the install page ----------------------------------------------------------------------------


def test_the_install_page_links_to_slack_with_the_client_id_scopes_redirect_and_a_state(
    hosted: Hosted,
) -> None:
    page = hosted.install_page(TEAM_A)
    assert page.status == 200
    assert "text/html" in page.headers["content-type"]
    link = page.link()
    assert link.startswith(hosted.fake.authorize_url + "?")
    asked = query_of(link)
    assert asked["client_id"] == CLIENT_ID
    assert asked["scope"].split(",") == list(BOT_SCOPES)
    assert asked["redirect_uri"] == f"{hosted.url}/slack/oauth_redirect"
    assert asked["team"] == TEAM_A
    assert hosted.states() == [asked["state"]]
    assert hosted.browser.cookies[urllib.parse.urlsplit(hosted.url).netloc] == {
        STATE_COOKIE: asked["state"]
    }


def test_each_visit_to_the_install_page_gets_its_own_state(hosted: Hosted) -> None:
    first = query_of(hosted.install_page(TEAM_A).link())["state"]
    second = query_of(hosted.install_page(TEAM_A).link())["state"]
    assert first != second
    assert sorted(hosted.states()) == sorted([first, second])


def test_abandoned_installs_are_forgotten_when_their_states_expire(hosted: Hosted) -> None:
    abandoned = query_of(hosted.install_page(TEAM_A).link())["state"]
    with Session(hosted.engine) as session:
        past = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
        session.execute(update(oauth_states).values(expire_at=past))
        session.commit()
    fresh = query_of(hosted.install_page(TEAM_B).link())["state"]
    assert hosted.states() == [fresh] and fresh != abandoned


def test_without_a_public_url_slack_redirects_to_the_apps_configured_address(
    fake: FakeSlack, sqlite_url: str
) -> None:
    for hosted in serve_hosted(fake, sqlite_url, public=False):
        link = hosted.install_page(TEAM_A).link()
        assert "redirect_uri" not in query_of(link)
        assert hosted.browser.get(hosted.allow(link).headers["location"]).status == 200
        assert [bot["team_id"] for bot in hosted.bots()] == [TEAM_A]


# -- the redirect ----------------------------------------------------------------------------------


def test_installing_exchanges_the_code_at_slack_and_stores_the_workspaces_bot_token(
    any_db_hosted: Hosted,
) -> None:
    hosted = any_db_hosted
    done = hosted.install(TEAM_A)
    assert done.status == 200, done.body
    [exchange] = hosted.fake.calls_to("oauth.v2.access")
    assert exchange.error is None and exchange.headers["Authorization"].startswith("Basic ")
    assert exchange.params["redirect_uri"] == f"{hosted.url}/slack/oauth_redirect"
    [bot] = hosted.bots()
    assert bot["bot_token"] == hosted.token_of(TEAM_A)
    assert (bot["team_id"], bot["team_name"]) == (TEAM_A, "Rutland partnership")
    assert (bot["enterprise_id"], bot["is_enterprise_install"]) == (None, False)
    assert (bot["client_id"], bot["app_id"]) == (CLIENT_ID, "A0FAKE")
    assert (bot["bot_user_id"], bot["bot_id"]) == ("U0AAABOT", "B0AAA")
    assert bot["bot_scopes"].split(",") == list(BOT_SCOPES)
    assert hosted.states() == []  # the state is spent


def test_a_workspace_of_an_enterprise_grid_org_is_stored_with_its_enterprise(
    hosted: Hosted,
) -> None:
    assert hosted.install(ORG_TEAM).status == 200
    [bot] = hosted.bots()
    assert (bot["team_id"], bot["enterprise_id"], bot["enterprise_name"]) == (
        ORG_TEAM,
        ORG,
        "County Grid",
    )
    assert bot["is_enterprise_install"] is False


def test_two_workspaces_that_install_get_two_installations(any_db_hosted: Hosted) -> None:
    hosted = any_db_hosted
    assert hosted.install(TEAM_A).status == 200
    assert hosted.install(TEAM_B).status == 200
    stored = {bot["team_id"]: bot["bot_token"] for bot in hosted.bots()}
    assert stored == {TEAM_A: hosted.token_of(TEAM_A), TEAM_B: hosted.token_of(TEAM_B)}
    assert stored[TEAM_A] != stored[TEAM_B]
    with Session(hosted.engine) as session:
        installers = session.execute(select(installations.c.team_id, installations.c.user_id))
        assert sorted(installers) == [(TEAM_A, "U0INSTALLER"), (TEAM_B, "U0BBBADMIN")]


def test_an_org_wide_install_is_stored_by_enterprise_id(any_db_hosted: Hosted) -> None:
    hosted = any_db_hosted
    assert hosted.install(ORG).status == 200
    [bot] = hosted.bots()
    assert (bot["team_id"], bot["enterprise_id"], bot["is_enterprise_install"]) == (
        None,
        ORG,
        True,
    )
    assert bot["bot_token"] == hosted.token_of(ORG)


@pytest.mark.parametrize("how", ["never issued", "expired", "other browser", "used already"])
def test_a_bad_state_is_refused_with_a_page_saying_so_and_stores_nothing(
    hosted: Hosted, how: str
) -> None:
    page = hosted.install_page(TEAM_A)
    location = hosted.allow(page.link()).headers["location"]
    if how == "never issued":
        location = location.replace(query_of(location)["state"], "a-state-boardbot-never-gave")
        site = urllib.parse.urlsplit(hosted.url).netloc
        hosted.browser.cookies[site][STATE_COOKIE] = "a-state-boardbot-never-gave"
    elif how == "expired":  # eleven minutes later
        with Session(hosted.engine) as session:
            past = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
            session.execute(update(oauth_states).values(expire_at=past))
            session.commit()
    elif how == "other browser":
        hosted.browser.cookies.clear()
    else:
        assert hosted.browser.get(location).status == 200
        hosted.fake.uninstall(TEAM_A)  # so that a second exchange would store a new token
    before = hosted.bots()
    refused = hosted.browser.get(location)
    assert refused.status in (400, 401)
    assert "Something Went Wrong" in refused.body
    assert "/slack/install" in refused.body  # where to start again
    assert hosted.bots() == before
    assert len(hosted.fake.calls_to("oauth.v2.access")) == (how == "used already")


def test_a_person_who_cancels_on_slacks_page_is_told_and_nothing_is_stored(
    hosted: Hosted,
) -> None:
    state = query_of(hosted.install_page(TEAM_A).link())["state"]
    page = hosted.browser.get(
        f"{hosted.url}/slack/oauth_redirect?error=access_denied&state={state}"
    )
    assert "access_denied" in page.body and hosted.bots() == []


# -- requests from installed workspaces ----------------------------------------------------------


def test_each_workspace_is_answered_with_its_own_token(any_db_hosted: Hosted) -> None:
    hosted = any_db_hosted
    hosted.install(TEAM_A)
    hosted.install(TEAM_B)
    hosted.own(TEAM_A)
    hosted.own(TEAM_B, "westminster")
    for team in (TEAM_A, TEAM_B, TEAM_A):
        assert hosted.command(team, "").status == 200
        hosted.fake.wait_for(lambda: len(hosted.fake.calls_to("views.open")) >= 1)
        [opened] = hosted.fake.calls_to("views.open")
        assert opened.headers["Authorization"] == f"Bearer {hosted.token_of(team)}"
        hosted.fake.reset()


def test_every_workspace_of_an_org_wide_install_is_answered_with_the_orgs_token(
    hosted: Hosted,
) -> None:
    hosted.install(ORG)
    hosted.own(ORG_TEAM)
    assert hosted.command(ORG_TEAM, "", enterprise=ORG).status == 200
    [opened] = hosted.fake.wait_for(lambda: hosted.fake.calls_to("views.open"))
    assert opened.headers["Authorization"] == f"Bearer {hosted.token_of(ORG)}"


def test_a_workspace_that_never_installed_is_told_to_install(hosted: Hosted) -> None:
    hosted.install(TEAM_A)
    sent = hosted.command(TEAM_B, "")
    assert sent.status == 200
    assert "reinstall" in hosted.slack().response(sent.key).text.lower()
    assert hosted.fake.calls_to("views.open") == []


def test_the_authorize_step_asks_slack_about_a_token_once(hosted: Hosted) -> None:
    hosted.install(TEAM_A)
    tests_before = len(hosted.fake.calls_to("auth.test"))
    for _ in range(3):
        hosted.command(TEAM_A, "list")
    hosted.drain()
    assert len(hosted.fake.calls_to("auth.test")) == tests_before + 1


# -- uninstalls ----------------------------------------------------------------------------------


def test_app_uninstalled_deletes_that_workspaces_tokens_and_pauses_its_prompts(
    any_db_hosted: Hosted,
) -> None:
    hosted = any_db_hosted
    hosted.install(TEAM_A)
    hosted.install(TEAM_B)
    assert hosted.event(TEAM_A, {"type": "app_uninstalled", "event_ts": "1.1"}).status == 200
    assert [bot["team_id"] for bot in hosted.bots()] == [TEAM_B]
    with Session(hosted.engine) as session:
        teams = session.execute(select(installations.c.team_id)).scalars().all()
        pauses = session.exec(select(SendingPause)).all()
    assert teams == [TEAM_B]
    assert [(p.workspace, p.error) for p in pauses] == [(TEAM_A, UNINSTALLED)]
    sent = hosted.command(TEAM_A, "")
    assert "reinstall" in hosted.slack().response(sent.key).text.lower()


def test_tokens_revoked_deletes_the_bot_token_but_a_users_alone_does_not(
    hosted: Hosted,
) -> None:
    hosted.install(TEAM_A)
    users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0INSTALLER"], "bot": []}}
    assert hosted.event(TEAM_A, users_only).status == 200
    assert [bot["team_id"] for bot in hosted.bots()] == [TEAM_A]
    bot_revoked = {"type": "tokens_revoked", "tokens": {"bot": ["U0AAABOT"]}}
    assert hosted.event(TEAM_A, bot_revoked).status == 200
    assert hosted.bots() == []


def test_an_org_wide_uninstall_deletes_the_orgs_token(hosted: Hosted) -> None:
    hosted.install(ORG)
    hosted.install(TEAM_A)
    assert hosted.event(ORG_TEAM, {"type": "app_uninstalled"}, enterprise=ORG).status == 200
    assert [bot["team_id"] for bot in hosted.bots()] == [TEAM_A]


def test_a_reinstall_after_an_uninstall_stores_the_new_token_and_answers_with_it(
    hosted: Hosted,
) -> None:
    hosted.install(TEAM_A)
    old = hosted.token_of(TEAM_A)
    hosted.fake.uninstall(TEAM_A)
    hosted.event(TEAM_A, {"type": "app_uninstalled"})
    assert hosted.install(TEAM_A).status == 200
    new = hosted.token_of(TEAM_A)
    assert new != old and [bot["bot_token"] for bot in hosted.bots()] == [new]
    hosted.own(TEAM_A)
    hosted.command(TEAM_A, "")
    [opened] = hosted.fake.wait_for(lambda: hosted.fake.calls_to("views.open"))
    assert opened.headers["Authorization"] == f"Bearer {new}"


def test_in_one_workspace_there_is_no_install_page_and_an_uninstall_pauses_its_prompts(
    sqlite_url: str,
) -> None:
    with FakeSlack(tokens={TOKEN}) as single:
        for edge in serve_edge(single, sqlite_url):
            assert edge.app.installation_store is None
            for path in ("/slack/install", "/slack/oauth_redirect?code=c&state=s"):
                assert Browser().get(f"{edge.slack.url}{path}").status == 404
            assert edge.slack.event({"type": "app_uninstalled"}, "Ev0GONE").status == 200
            with Session(edge.engine) as session:
                pauses = session.exec(select(SendingPause)).all()
            assert [(p.workspace, p.error) for p in pauses] == [(TEAM, UNINSTALLED)]


# -- start-up ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, "missing environment variable(s): SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET"),
        ({"SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET"),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"},
            "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET",
        ),
    ],
    ids=["nothing", "half of oauth", "both ways"],
)
def test_boardbot_web_names_what_is_missing_or_contradictory_in_one_line(
    env: dict[str, str], said: str
) -> None:
    result = boardbot("web", env=env)
    assert result.returncode == 2
    assert said in result.stderr and result.stderr.count("\n") == 1


def test_boardbot_web_serves_the_install_page_through_gunicorn(
    fake: FakeSlack, sqlite_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": sqlite_url,
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "BOARDBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    base = f"http://127.0.0.1:{port}"
    fake.register_app(CLIENT_ID, CLIENT_SECRET, [f"{base}/slack/oauth_redirect"])
    command = [boardbot_script(), "web", "--workers", "1", "--threads", "2", "--host", "127.0.0.1"]
    with (
        (tmp_path / "web.log").open("w") as log,
        subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT) as web,
    ):
        try:
            assert wait_until_healthy(base, web), (tmp_path / "web.log").read_text()
            hosted = Hosted(fake, make_engine(sqlite_url), app=None, url=base)
            assert hosted.install(TEAM_A).status == 200
            assert [bot["team_id"] for bot in hosted.bots()] == [TEAM_A]
            hosted.engine.dispose()
        finally:
            web.send_signal(signal.SIGTERM)
            assert web.wait(timeout=30) == 0
    assert "Traceback" not in (tmp_path / "web.log").read_text()
