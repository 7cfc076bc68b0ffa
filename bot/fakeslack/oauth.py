"""The fake's OAuth: Slack's authorize page, `oauth.v2.access`, and the bot tokens it issues.

A test (or the sandbox) registers the app's credentials and the workspaces and Enterprise Grid
orgs that exist; a visit to the authorize page with `team=T…` (or `team=E…`, an org admin
installing org-wide) is a person pressing "Allow": Slack redirects to the app with a one-time
code, and `oauth.v2.access` exchanges it for a bot token, as Slack does.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from bot.fakeslack.wire import ApiError, Json, Reply

if TYPE_CHECKING:
    from bot.fakeslack.faults import FaultPlan

AUTHORIZE_PAGE = "oauth.v2.authorize"  # the page a person's browser opens, not an API method
APP_ID = "A0FAKE"


@dataclass(frozen=True)
class Org:
    """A workspace (T…) or an Enterprise Grid org (E…), and who installs apps there."""

    id: str
    name: str
    installer: str
    enterprise_id: str | None = None  # the org a workspace belongs to


@dataclass(frozen=True)
class Grant:
    """What a person allowed on the authorize page, waiting to be exchanged for a token."""

    client_id: str
    scopes: str
    redirect_uri: str | None
    team: Org | None  # None for an org-wide install
    enterprise: Org | None
    installer: str


@dataclass(frozen=True)
class BotToken:
    """A bot token the fake issued, and whose it is."""

    token: str
    team_id: str | None
    team_name: str | None
    enterprise_id: str | None
    bot_user_id: str
    bot_id: str

    @property
    def org_wide(self) -> bool:
        return self.team_id is None

    def auth_test(self) -> Json:
        """What auth.test answers for this token."""
        owner = self.team_id or self.enterprise_id or ""
        return {
            "url": f"https://{owner.lower()}.fake-slack.invalid/",
            "team": self.team_name,
            "user": "boardbot",
            "team_id": owner,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "enterprise_id": self.enterprise_id,
            "is_enterprise_install": self.org_wide,
        }


@dataclass
class FakeOAuth:
    """Apps, workspaces, one-time codes and issued tokens; the fake holds its lock around use."""

    apps: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    orgs: dict[str, Org] = field(default_factory=dict)
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, BotToken] = field(default_factory=dict)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def register_app(
        self, client_id: str, client_secret: str, redirect_urls: tuple[str, ...]
    ) -> None:
        self.apps[client_id] = (client_secret, redirect_urls)

    def add_org(self, org: Org) -> None:
        self.orgs[org.id] = org

    # -- the authorize page ----------------------------------------------------------------

    def authorize_page(self, query: Json) -> Reply:
        """A person allows the install: a redirect to the app with a code and the app's state."""
        try:
            grant, target = self.grant(query)
        except ApiError as refused:
            return Reply(400, {"ok": False, "error": refused.error, **refused.extra})
        code = f"code-{next(self._serial)}"
        self.codes[code] = grant
        answer = {"code": code, "state": str(query.get("state") or "")}
        return Reply(302, {"ok": True}, {"Location": f"{target}?{urlencode(answer)}"})

    def grant(self, query: Json) -> tuple[Grant, str]:
        client_id = str(query.get("client_id") or "")
        if client_id not in self.apps:
            raise ApiError("invalid_client_id")
        redirect_urls = self.apps[client_id][1]
        redirect_uri = query.get("redirect_uri") or None
        if redirect_uri is not None and redirect_uri not in redirect_urls:
            raise ApiError("bad_redirect_uri")
        if not query.get("scope"):
            raise ApiError("invalid_scope")
        chosen = self.orgs.get(str(query.get("team") or ""))
        if chosen is None:
            raise ApiError("invalid_team", needed="team=T… (a workspace) or team=E… (an org)")
        org_wide = chosen.id.startswith("E")
        enterprise_id = chosen.id if org_wide else chosen.enterprise_id
        grant = Grant(
            client_id=client_id,
            scopes=str(query["scope"]),
            redirect_uri=redirect_uri,
            team=None if org_wide else chosen,
            enterprise=self.orgs.get(enterprise_id or ""),
            installer=chosen.installer,
        )
        return grant, str(redirect_uri or redirect_urls[0])

    # -- oauth.v2.access -------------------------------------------------------------------

    def access(self, params: Json, headers: dict[str, str]) -> Json:
        """Exchange a code once for a bot token: the workspace's (or org's) current one."""
        client_id, secret = client_credentials(params, headers)
        if client_id not in self.apps:
            raise ApiError("invalid_client_id")
        if self.apps[client_id][0] != secret:
            raise ApiError("bad_client_secret")
        grant = self.codes.pop(str(params.get("code") or ""), None)
        if grant is None or grant.client_id != client_id:
            raise ApiError("invalid_code")
        if (params.get("redirect_uri") or None) != grant.redirect_uri:
            raise ApiError("bad_redirect_uri")
        bot = self.bot_for(grant)
        team, enterprise = grant.team, grant.enterprise
        return {
            "access_token": bot.token,
            "token_type": "bot",
            "scope": grant.scopes,
            "bot_user_id": bot.bot_user_id,
            "app_id": APP_ID,
            "team": {"id": team.id, "name": team.name} if team else None,
            "enterprise": {"id": enterprise.id, "name": enterprise.name} if enterprise else None,
            "authed_user": {"id": grant.installer},
            "is_enterprise_install": team is None,
        }

    def bot_for(self, grant: Grant) -> BotToken:
        """A reinstall keeps the bot token the workspace has; an uninstalled one gets a new one."""
        team, enterprise = grant.team, grant.enterprise
        owner = team.id if team else enterprise.id if enterprise else ""
        for issued in self.tokens.values():
            if (issued.team_id or issued.enterprise_id) == owner:
                return issued
        bot = BotToken(
            token=f"xoxb-{owner}-{next(self._serial)}",
            team_id=team.id if team else None,
            team_name=team.name if team else None,
            enterprise_id=enterprise.id if enterprise else None,
            bot_user_id=f"U{owner[1:]}BOT",
            bot_id=f"B{owner[1:]}",
        )
        self.tokens[bot.token] = bot
        return bot

    def uninstall(self, owner: str) -> list[str]:
        """The app is removed from a workspace or org: its tokens stop working."""
        gone = [t for t, bot in self.tokens.items() if (bot.team_id or bot.enterprise_id) == owner]
        for token in gone:
            del self.tokens[token]
        return gone


class Installations:
    """The fake's OAuth side, mixed into FakeSlack: its lock guards every use."""

    _cond: threading.Condition
    _faults: FaultPlan
    _oauth: FakeOAuth
    url: str

    def register_app(
        self, client_id: str, client_secret: str, redirect_urls: Iterable[str]
    ) -> None:
        """The app's credentials and redirect URLs, as set in its Slack settings."""
        with self._cond:
            self._oauth.register_app(client_id, client_secret, tuple(redirect_urls))

    def add_workspace(
        self,
        team_id: str,
        name: str,
        *,
        installer: str = "U0INSTALLER",
        enterprise_id: str | None = None,
    ) -> None:
        """A workspace (T…) or an Enterprise Grid org (E…) that can install the app."""
        with self._cond:
            self._oauth.add_org(Org(team_id, name, installer, enterprise_id))

    @property
    def authorize_url(self) -> str:
        """Slack's authorize page on this fake (https://slack.com/oauth/v2/authorize)."""
        return f"{self.url}oauth/v2/authorize"

    def installed_tokens(self) -> dict[str, str]:
        """Each working bot token `oauth.v2.access` issued, with its workspace (or org) id."""
        with self._cond:
            return {
                t: bot.team_id or bot.enterprise_id or "" for t, bot in self._oauth.tokens.items()
            }

    def uninstall(self, owner: str, error: str = "token_revoked") -> list[str]:
        """The app is removed from a workspace or org: its bot tokens are refused from now on."""
        with self._cond:
            gone = self._oauth.uninstall(owner)
            for token in gone:
                self._faults.revoked[token] = error
            return gone


def client_credentials(params: Json, headers: dict[str, str]) -> tuple[str, str]:
    """The client id and secret, from HTTP Basic auth (preferred by Slack) or the form."""
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(params.get("client_id") or ""), str(params.get("client_secret") or "")
