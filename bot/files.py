"""Files sent to a person's DM (or a channel) as one message, with slack_sdk's files_upload_v2.

files_upload_v2 asks Slack for an upload URL per file (files.getUploadURLExternal), POSTs each
file's bytes there, then shares them all in one message (files.completeUploadExternal with the
channel and the comment). Whatever goes wrong comes back as one line a person can act on.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from storage.errors import BoardbotError

log = logging.getLogger(__name__)

# What Slack's refusals mean for the person who asked for the files.
REASONS = {
    "file_uploads_disabled": "this workspace has turned file uploads off",
    "file_uploads_except_images_disabled": "this workspace takes only images as uploads",
    "file_upload_size_restricted": "a file is larger than this workspace allows",
    "file_type_not_allowed": "this workspace does not take files of this type",
    "missing_scope": "boardbot may not upload files here yet (an admin must reinstall it "
    "so that it has the files:write scope)",
    "channel_not_found": "boardbot cannot find that conversation",
    "not_in_channel": "boardbot is not a member of that channel",
    "is_archived": "that channel is archived",
    "user_not_found": "Slack does not know that person",
    "cannot_dm_bot": "Slack does not let boardbot send files to a bot",
    "ratelimited": "Slack is busy; try again in a minute",
}


@dataclass(frozen=True)
class OutgoingFile:
    """A file to send: its name (with the extension that says its type), title and bytes."""

    filename: str
    title: str
    content: bytes


@dataclass(frozen=True)
class SentFiles:
    """Where the files went and the ids Slack gave them, in the order they were given."""

    channel: str
    file_ids: tuple[str, ...]


class UploadFailed(BoardbotError):
    """The files did not reach the conversation; the message says why in one line."""


def send_files(
    client: WebClient, to: str, files: Sequence[OutgoingFile], *, comment: str = ""
) -> SentFiles:
    """Share `files` in one message in `to`: a user id (their DM with boardbot) or a channel."""
    if not files:
        raise ValueError("send_files needs at least one file")
    try:
        channel = conversation(client, to)
        response = client.files_upload_v2(
            file_uploads=[
                {"file": f.content, "filename": f.filename, "title": f.title} for f in files
            ],
            channel=channel,
            initial_comment=comment or None,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
        raise failed(REASONS.get(error, f"Slack refused them ({error}); try again later")) from None
    except urllib.error.HTTPError as exc:  # the upload URL refused the bytes
        exc.close()  # it holds the refused response's connection
        raise failed(f"Slack did not take a file's bytes (HTTP {exc.code}); try again") from None
    except SlackRequestError as exc:  # slack_sdk's own checks, such as Slack's size limit
        raise failed(f"{exc}".rstrip(".")) from None
    except OSError as exc:
        raise failed(f"Slack could not be reached ({type(exc).__name__}); try again") from None
    ids = tuple(str(f["id"]) for f in response.get("files") or [])
    return SentFiles(channel, ids)


def conversation(client: WebClient, to: str) -> str:
    """A user id means their DM with boardbot: opened (or found) first."""
    if to[:1] in ("U", "W"):
        return str(client.conversations_open(users=to)["channel"]["id"])
    return to


def failed(reason: str) -> UploadFailed:
    log.warning("files not sent: %s", reason)
    return UploadFailed(f"the files could not be sent: {reason}")
