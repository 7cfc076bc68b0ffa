"""Installation by OAuth: "Add to Slack", the token exchange, and each workspace's own token.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, Bolt's OAuth flow serves the install page and
the redirect; slack_sdk's SQLAlchemy stores keep the installations (bot token, team, enterprise)
and the installs under way (their states) in boardbot's own database, in tables its migrations
build (storage/installations.py). Each request is answered with its own workspace's token; an
Enterprise Grid org-wide install is stored by enterprise id and answers for every workspace of
the org. With SLACK_BOT_TOKEN set instead, boardbot serves that one workspace, as it always has.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.settings import Settings
from bot.slack_client import DEFAULT_BASE_URL
from storage.db import transaction
from storage.errors import BoardbotError
from storage.installations import BOTS, INSTALLATIONS, OAUTH_STATES, forget_expired_states
from storage.queries.outbox import begin_pause

log = logging.getLogger(__name__)
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"
# The bot scopes the install asks for: manifest.yml's (tests/bot/test_manifest.py keeps them one).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "channels:history",
    "groups:history",
    "im:history",
    "files:write",
    "canvases:write",
    "channels:read",
    "groups:read",
    "channels:join",
    "files:read",
    "users:read.email",
)
STATE_SECONDS = 600  # an install begun on the install page must finish within ten minutes
UNINSTALLED = "app_uninstalled"  # why a workspace's prompts wait, until it installs again


def check_mode(settings: Settings, *, socket_mode: bool = False) -> None:
    """Stop start-up, naming what is missing, unless exactly one way to reach Slack is set."""
    if not settings.installed_by_oauth:
        settings.require(
            "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN" if socket_mode else "SLACK_SIGNING_SECRET"
        )
        return
    if settings.slack_bot_token:
        raise BoardbotError(
            "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
            "(workspaces install boardbot through /slack/install), not both"
        )
    if socket_mode:
        raise BoardbotError(
            "Socket Mode (`boardbot run`) serves the one workspace of SLACK_BOT_TOKEN; "
            "to be installed by OAuth, run `boardbot web`"
        )
    settings.require("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET")


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """The installations of this app (its client id), in boardbot's database."""
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id or "",
        engine=engine,
        bots_table_name=BOTS,
        installations_table_name=INSTALLATIONS,
        logger=log,
    )


class StateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's state store, which also forgets the installs people began and abandoned:
    anyone may open the install page, so its states must not pile up."""

    def issue(self, *args: Any, **kwargs: Any) -> str:
        now = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as slack_sdk stores it
        forget_expired_states(self.engine, now)
        return super().issue(*args, **kwargs)


def app_options(settings: Settings, engine: Engine) -> dict[str, Any]:
    """What Bolt's App takes to be installed by OAuth: the flow, and the authorize step."""
    store = installation_store(settings, engine)
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=f"{settings.public_url}{REDIRECT_PATH}" if settings.public_url else None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings.slack_api_url),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=StateStore(
            expiration_seconds=STATE_SECONDS, engine=engine, table_name=OAUTH_STATES, logger=log
        ),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )
    # The authorize step runs before every ack; its cache (by token) spares each request an
    # auth.test. A workspace that uninstalls has no token to find, so the cache cannot outlive it.
    authorize = InstallationStoreAuthorize(
        logger=log,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        installation_store=store,
        bot_only=True,
        cache_enabled=True,
    )
    return {
        "oauth_settings": oauth,
        "installation_store": store,
        "installation_store_bot_only": True,
        "authorize": authorize,
    }


def authorization_url(api_url: str | None) -> str:
    """Slack's authorize page beside its Web API (https://slack.com/oauth/v2/authorize), so that
    a stand-in Slack at SLACK_API_URL serves the whole install."""
    base = api_url or DEFAULT_BASE_URL
    return base.removesuffix("api/") + "oauth/v2/authorize"


def forget(app: App, context: BoltContext, engine: Engine, at: datetime, why: str) -> None:
    """Delete the tokens (an org-wide install's are the org's) and pause the workspace's prompts.

    Without an installation store (SLACK_BOT_TOKEN) there is nothing stored to delete; the
    prompts wait all the same until the token works again."""
    enterprise, org_wide = context.enterprise_id, bool(context.is_enterprise_install)
    team = None if org_wide else context.team_id
    store = app.installation_store
    if store is not None:
        store.delete_all(enterprise_id=enterprise, team_id=team)
    workspace = context.team_id or enterprise
    if workspace is None:
        return
    with transaction(engine) as session:
        started = begin_pause(workspace, why, at, session=session)
    if started:
        log.warning(
            "workspace %s: %s; its tokens are deleted and its prompts wait, pending, until it "
            "installs boardbot again",
            workspace,
            why,
        )
