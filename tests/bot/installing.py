"""Installing boardbot by OAuth over real HTTP: a browser, the stand-in Slack, the web app."""

from __future__ import annotations

import html
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.client import HTTPConnection
from typing import Any

from slack_bolt import App
from sqlalchemy import Engine, select
from sqlmodel import Session

from bot.app import build_app
from bot.fakeslack import FakeSlack
from bot.settings import Settings
from bot.web import wsgi_app
from schedules.protocol import load_protocol
from schedules.protocol.store import store_protocol
from storage.db import make_engine
from storage.installations import bots, oauth_states
from storage.queries.partnerships import partnership_by_key
from tests.bot.conftest import SECRET, Sent, Served, SlackSim
from tests.commands.conftest import NOW, bind_rutland

CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"
TEAM_A, TEAM_B = "T0AAA", "T0BBB"
ORG, ORG_TEAM = "E0GRID", "T0GRIDA"  # an Enterprise Grid org and one of its workspaces
STATE_COOKIE = "slack-app-oauth-state"
Json = dict[str, Any]


@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]
    body: str

    def link(self) -> str:
        """The "Add to Slack" link of an install page."""
        found = re.search(r'<a href="([^"]+)"><img alt="Add to Slack"', self.body)
        assert found, self.body
        return html.unescape(found.group(1))


@dataclass
class Browser:
    """One person's browser: follows nothing by itself, keeps the cookies each site sets."""

    cookies: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, url: str) -> Page:
        parts = urllib.parse.urlsplit(url)
        site = parts.netloc
        jar = self.cookies.setdefault(site, {})
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        connection = HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                jar[name.strip()] = rest.split(";")[0]
            body = response.read().decode("utf-8")
            return Page(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()


@dataclass
class Hosted:
    """boardbot installed by OAuth, served over HTTP, and the stand-in Slack it talks to."""

    fake: FakeSlack
    engine: Engine
    app: App | None  # None when a separate `boardbot web` process serves it
    url: str
    browser: Browser = field(default_factory=Browser)

    def own(self, team: str, key: str = "rutland") -> None:
        """Bind the bundled partnership `key` (loading it if need be) to the workspace `team`:
        where workspaces install by OAuth, a partnership bound to none is seen by none."""
        with Session(self.engine) as session:
            partnership = partnership_by_key(key, session=session)
            if partnership is None:
                store_protocol(load_protocol(key), session=session, now=NOW)
                session.flush()
                partnership = partnership_by_key(key, session=session)
            assert partnership is not None
            partnership.team_id = team
            session.commit()

    def drain(self) -> None:
        """Wait for the work after the acks."""
        assert self.app is not None
        self.app.listener_runner.listener_executor.shutdown(wait=True)

    def install_page(self, team: str) -> Page:
        return self.browser.get(f"{self.url}/slack/install?team={team}")

    def allow(self, link: str) -> Page:
        """The person presses Allow on Slack's page: Slack redirects the browser back."""
        page = self.browser.get(link)
        assert page.status == 302, page.body
        return page

    def install(self, team: str) -> Page:
        """The whole install, as a person does it; the page boardbot shows at the end."""
        redirect = self.allow(self.install_page(team).link())
        return self.browser.get(redirect.headers["location"])

    def bots(self) -> list[Json]:
        with Session(self.engine) as session:
            rows = session.execute(select(bots).order_by(bots.c.id)).mappings().all()
        return [dict(row) for row in rows]

    def states(self) -> list[str]:
        with Session(self.engine) as session:
            return list(session.execute(select(oauth_states.c.state)).scalars())

    def token_of(self, team: str) -> str:
        tokens = [t for t, owner in self.fake.installed_tokens().items() if owner == team]
        assert len(tokens) == 1, self.fake.installed_tokens()
        return tokens[0]

    def slack(self) -> SlackSim:
        return SlackSim(self.fake, self.url)

    def command(self, team: str, text: str, *, enterprise: str | None = None) -> Sent:
        """A signed slash command from a workspace (or a workspace of an org-wide install)."""
        key = f"{team}-{time.monotonic_ns()}"
        form = {
            "team_id": team,
            "team_domain": team.lower(),
            "channel_id": "C0ELSEWHERE",
            "user_id": "U0LSCBBM",
            "command": "/agenda",
            "text": text,
            "api_app_id": "A0FAKE",
            "response_url": self.fake.response_url(key),
            "trigger_id": f"{key}.trigger",
            "is_enterprise_install": "true" if enterprise else "false",
            **({"enterprise_id": enterprise} if enterprise else {}),
        }
        body = urllib.parse.urlencode(form)
        sent = self.slack().send(body, "application/x-www-form-urlencoded")
        return Sent(sent.status, sent.body, sent.seconds, key)

    def event(self, team: str, event: Json, *, enterprise: str | None = None) -> Sent:
        """A signed Events API delivery, with the authorizations Slack sends."""
        authorization = {
            "enterprise_id": enterprise,
            "team_id": team,
            "user_id": "U0BOT",
            "is_bot": True,
            "is_enterprise_install": enterprise is not None,
        }
        envelope = {
            "team_id": team,
            "enterprise_id": enterprise,
            "api_app_id": "A0FAKE",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "authorizations": [authorization],
        }
        return self.slack().send(json.dumps(envelope), "application/json")


def oauth_fake() -> FakeSlack:
    """The stand-in Slack with two workspaces, an Enterprise Grid org and one of its workspaces."""
    fake = FakeSlack(tokens=())
    fake.add_workspace(TEAM_A, "Rutland partnership")
    fake.add_workspace(TEAM_B, "Suffolk partnership", installer="U0BBBADMIN")
    fake.add_workspace(ORG, "County Grid", installer="W0ORGADMIN")
    fake.add_workspace(ORG_TEAM, "County Grid: boards", enterprise_id=ORG)
    return fake


def serve_hosted(fake: FakeSlack, database_url: str, *, public: bool = True) -> Iterator[Hosted]:
    """boardbot's web app installed by OAuth; with `public`, BOARDBOT_PUBLIC_URL is its address."""
    engine = make_engine(database_url)
    late: dict[str, Callable[..., Any]] = {}
    served = Served(lambda environ, start: late["app"](environ, start))
    try:
        fake.register_app(CLIENT_ID, CLIENT_SECRET, [f"{served.url}/slack/oauth_redirect"])
        with Session(engine, expire_on_commit=False) as session:
            bind_rutland(session)
        settings = Settings(
            DATABASE_URL=database_url,
            SLACK_CLIENT_ID=CLIENT_ID,
            SLACK_CLIENT_SECRET=CLIENT_SECRET,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
            BOARDBOT_PUBLIC_URL=served.url if public else None,
        )
        app = build_app(settings, engine, now=lambda: NOW)
        late["app"] = wsgi_app(app, engine=engine, signing_secret=SECRET)
        yield Hosted(fake, engine, app, served.url)
        app.listener_runner.listener_executor.shutdown(wait=True)
    finally:
        served.stop()
        engine.dispose()
