"""A workspace's channels by name and people by e-mail, from Slack, for setup files."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.errors import BoardbotError

PAGE = 200  # conversations.list's page; Slack recommends no more than 200
MAX_PAGES = 100  # 20,000 channels: enough for any workspace a partnership lives in
NOT_FOUND = frozenset({"users_not_found", "user_not_found"})


class SlackDirectory:
    """Asks Slack once per name: every channel (conversations.list, page by page) the first
    time a channel is named, and users.lookupByEmail for each address."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._channels: dict[str, str] | None = None

    def channel_id(self, name: str) -> str | None:
        if self._channels is None:
            self._channels = self.channels()
        return self._channels.get(name)

    def channels(self) -> dict[str, str]:
        """Name -> id of the public channels and the private ones boardbot is in."""
        found: dict[str, str] = {}
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            try:
                response = self.client.conversations_list(
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=PAGE,
                    cursor=cursor,
                )
            except SlackApiError as exc:
                raise refused("conversations.list", exc) from None
            except OSError as exc:
                raise BoardbotError(f"could not reach Slack ({type(exc).__name__})") from None
            for channel in response.get("channels") or []:
                found.setdefault(str(channel["name"]), str(channel["id"]))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return found

    def user_id(self, email: str) -> str | None:
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") in NOT_FOUND:
                return None
            raise refused("users.lookupByEmail", exc) from None
        except OSError as exc:
            raise BoardbotError(f"could not reach Slack ({type(exc).__name__})") from None
        return str(response["user"]["id"])


def refused(method: str, exc: SlackApiError) -> BoardbotError:
    error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
    hint = " (reinstall boardbot to grant it)" if error == "missing_scope" else ""
    return BoardbotError(f"Slack refused {method}: {error}{hint}; nothing was applied")
