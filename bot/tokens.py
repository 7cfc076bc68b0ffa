"""A bot token per workspace, for the clock: SLACK_BOT_TOKEN, or the one its installation stored.

The web process gets each request's token from Bolt's authorize step; the clock has no request,
so it asks a TokenProvider by team id (and enterprise id, for a workspace of an Enterprise Grid
org installed org-wide). TeamSender is the clock's sender for one workspace: it looks the token
up at every use, so an uninstalled workspace (no token) pauses, its prompts pending, through the
clock's pause per workspace (storage/queries/outbox.py), and a reinstall's new token resumes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy import Engine

from bot.canvas import SlackCanvasKeeper
from bot.oauth import installation_store
from bot.sender import SlackSender
from bot.settings import Settings
from bot.slack_client import CLOCK_CALL_TIMEOUT, client_for, clock_client
from schedules.sending import Delivery, LookupFailed
from storage.models import OutboxPrompt

# Why a workspace's prompts wait when its installation holds no token (the clock's pause reason).
NOT_INSTALLED = "not_installed"


class TokenProvider(Protocol):
    def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        """The workspace's bot token, or None when boardbot is not installed there."""
        ...


class EnvironmentToken:
    """One workspace (SLACK_BOT_TOKEN): the same token whichever team asks."""

    def __init__(self, token: str) -> None:
        self.token = token

    def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        return self.token


class InstalledTokens:
    """Installed by OAuth: the workspace's own installation, else its org's org-wide one."""

    def __init__(self, store: InstallationStore) -> None:
        self.store = store

    def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None and enterprise_id is not None:
            bot = self.store.find_bot(
                enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
            )
        return bot.bot_token if bot is not None else None


def token_provider(settings: Settings, engine: Engine) -> TokenProvider:
    """SLACK_BOT_TOKEN's, or the installations' (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)."""
    if settings.installed_by_oauth:
        return InstalledTokens(installation_store(settings, engine))
    settings.require("SLACK_BOT_TOKEN")
    return EnvironmentToken(settings.slack_bot_token or "")


def clock_clients(settings: Settings) -> Callable[[str], WebClient]:
    """A clock client (one try per call, a short timeout) for a given token."""

    def client(token: str) -> WebClient:
        made = client_for(settings, timeout=CLOCK_CALL_TIMEOUT, retry_handlers=[])
        made.token = token
        return made

    return client


class TeamSender:
    """The clock's sender for one workspace, with whatever token its installation has now."""

    def __init__(
        self,
        provider: TokenProvider,
        client: Callable[[str], WebClient],
        team_id: str,
        enterprise_id: str | None = None,
    ) -> None:
        self.provider, self.client = provider, client
        self.team_id, self.enterprise_id = team_id, enterprise_id
        self._senders: dict[str, SlackSender] = {}

    @property
    def workspace(self) -> str:
        return self.team_id

    def sender(self) -> SlackSender | None:
        """A sender with the current token (kept per token), or None when there is none."""
        token = self.provider.bot_token(self.team_id, self.enterprise_id)
        if token is None:
            return None
        if token not in self._senders:
            self._senders = {token: SlackSender(self.client(token), self.team_id)}
        return self._senders[token]

    def send(self, row: OutboxPrompt) -> Delivery:
        sender = self.sender()
        if sender is None:
            return Delivery(error=NOT_INSTALLED, refused=True)
        return sender.send(row)

    def find_sent(self, row: OutboxPrompt) -> tuple[str, str] | None:
        sender = self.sender()
        if sender is None:
            raise LookupFailed(NOT_INSTALLED, refused=True)
        return sender.find_sent(row)

    def check(self) -> str | None:
        sender = self.sender()
        return NOT_INSTALLED if sender is None else sender.check()


class TeamSenders:
    """The clock's senders (and canvas keepers) when workspaces install boardbot by OAuth: one
    per workspace, each with its own installation's token (schedules/clock.py sends a round per
    workspace)."""

    def __init__(self, provider: TokenProvider, client: Callable[[str], WebClient]) -> None:
        self.provider, self.client = provider, client
        self._teams: dict[tuple[str, str | None], TeamSender] = {}

    def for_team(self, team_id: str, enterprise_id: str | None = None) -> TeamSender:
        key = (team_id, enterprise_id)
        if key not in self._teams:
            self._teams[key] = TeamSender(self.provider, self.client, team_id, enterprise_id)
        return self._teams[key]

    def keeper_for(
        self, team_id: str, enterprise_id: str | None = None
    ) -> SlackCanvasKeeper | None:
        """The workspace's tracker canvases, with its current token (None without one)."""
        sender = self.for_team(team_id, enterprise_id).sender()
        return SlackCanvasKeeper(sender.client) if sender is not None else None


def clock_senders(settings: Settings, engine: Engine) -> SlackSender | TeamSenders:
    """SLACK_BOT_TOKEN's one sender (exactly as a single workspace always was), or a sender per
    installed workspace (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)."""
    if settings.installed_by_oauth:
        return TeamSenders(token_provider(settings, engine), clock_clients(settings))
    settings.require("SLACK_BOT_TOKEN")
    return SlackSender(clock_client(settings))
