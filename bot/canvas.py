"""The clock's way to digest channels' canvases: create one, replace its content, find it.

Slack's answers are sorted for schedules/canvases.py: the workspace or channel cannot have the
canvas (stop trying), the create may have happened (look before creating again), the canvas is
gone or the channel has one already, or a failure a later tick may get past.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from schedules import calendar
from schedules.canvases import CanvasAnswer
from storage.queries import trackers

# The workspace or the channel cannot have this canvas: no later try will do better.
OFF_ERRORS = frozenset(
    {
        "team_tier_cannot_create_channel_canvases",
        "canvas_disabled_user_team",
        "not_allowed_token_type",
        "free_team_canvas_tab_already_exists",
        "free_teams_cannot_edit_standalone_canvases",
        "restricted_action",
        "missing_scope",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
    }
)
# Slack documents these as possibly partly done.
MAYBE_DONE_ERRORS = frozenset({"fatal_error", "internal_error", "service_unavailable"})


class SlackCanvasKeeper:
    """Canvases through one workspace's client (the clock's: one try, a short timeout)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def create(self, channel: str, markdown: str) -> CanvasAnswer:
        try:
            response = self.client.conversations_canvases_create(
                channel_id=channel, document_content={"type": "markdown", "markdown": markdown}
            )
        except SlackApiError as exc:
            error, status = error_of(exc), exc.response.status_code
            if error == "channel_canvas_already_exists":
                return CanvasAnswer(error=error, taken=True)
            maybe = status >= 500 or error in MAYBE_DONE_ERRORS
            return CanvasAnswer(error=error, off=error in OFF_ERRORS, uncertain=maybe)
        except OSError as exc:  # a timeout or a dropped line: Slack may have made it
            return CanvasAnswer(error=f"network: {type(exc).__name__}", uncertain=True)
        return CanvasAnswer(canvas_id=str(response["canvas_id"]))

    def replace(self, canvas_id: str, markdown: str) -> CanvasAnswer:
        content = {"type": "markdown", "markdown": markdown}
        try:
            self.client.canvases_edit(
                canvas_id=canvas_id, changes=[{"operation": "replace", "document_content": content}]
            )
        except SlackApiError as exc:
            error = error_of(exc)
            return CanvasAnswer(
                error=error, off=error in OFF_ERRORS, gone=error in ("canvas_not_found",)
            )
        except OSError as exc:  # an edit repeated next tick does no harm
            return CanvasAnswer(error=f"network: {type(exc).__name__}")
        return CanvasAnswer(canvas_id=canvas_id)

    def find(self, channel: str) -> CanvasAnswer:
        try:
            response = self.client.conversations_info(channel=channel)
        except SlackApiError as exc:
            return CanvasAnswer(error=error_of(exc))
        except OSError as exc:
            return CanvasAnswer(error=f"network: {type(exc).__name__}")
        properties = (response.get("channel") or {}).get("properties") or {}
        canvas_id = (properties.get("canvas") or {}).get("file_id")
        return CanvasAnswer(canvas_id=str(canvas_id) if canvas_id else None)


def error_of(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or f"http_{exc.response.status_code}")


# Why a channel's canvas is off, for `boardbot outbox`.
OFF_REASONS = {
    "team_tier_cannot_create_channel_canvases": "the workspace's plan has no channel canvases",
    "canvas_disabled_user_team": "the workspace's admins have turned canvases off",
    "not_allowed_token_type": "Slack takes no canvases from this kind of token",
    "free_team_canvas_tab_already_exists": "the workspace's plan allows one canvas tab, taken",
    "channel_canvas_already_exists": "the channel has a canvas boardbot did not make; it is "
    "left alone",
    "missing_scope": "the app lacks the canvases:write scope (reinstall it)",
    "restricted_action": "boardbot may not edit the channel's canvas",
    "channel_not_found": "boardbot cannot find the channel",
    "not_in_channel": "boardbot is not a member of the channel",
    "is_archived": "the channel is archived",
}


def canvases_off(*, session: Session) -> list[str]:
    """A line for each digest channel whose tracker canvas is off, for `boardbot outbox`."""
    lines = []
    for row in trackers.switched_off(session=session):
        since = row.off_since.astimezone(calendar.LONDON) if row.off_since else None
        when = f" since {since:%Y-%m-%d %H:%M}" if since else ""
        reason = row.off_reason or ""
        lines.append(
            f"tracker canvas off for {row.channel}{when}: "
            f"{OFF_REASONS.get(reason, 'Slack refused it')} ({reason}); the digest carries on"
            f" (`boardbot outbox canvas-retry {row.channel}` tries again)"
        )
    return lines
