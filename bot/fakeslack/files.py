"""Files in the stand-in Slack: the external upload (files.getUploadURLExternal, the bytes
POSTed to the upload URL, files.completeUploadExternal), files.info, and each file's bytes
served back at its url_private (inline) and url_private_download (as an attachment).

The upload URL takes the raw bytes, as slack_sdk sends them, and holds Slack's size checks: a
length of 0 is refused as a missing argument, one over the workspace's limit with
`file_upload_size_restricted`, and bytes that are not the length announced with HTTP 400.
"""

from __future__ import annotations

import json
import mimetypes
import secrets
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from bot.fakeslack.state import SlackState, public
from bot.fakeslack.wire import ApiError, Json

UPLOAD_METHOD = "upload"  # the upload URL, as a method name for faults and recorded calls
UPLOAD_PREFIX, FILES_PREFIX = "/upload/v1/", "/files/"


@dataclass
class RawReply:
    """An answer that is bytes, not JSON: the upload URL's and a file's."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def get_upload_url(ws: SlackState, params: Json) -> Json:
    filename = str(params.get("filename") or "").strip()
    try:
        length = int(str(params.get("length") or 0))
    except ValueError:
        raise ApiError("invalid_arguments") from None
    if not filename or length <= 0:
        raise ApiError("missing_argument")
    if length > ws.max_file_bytes:
        raise ApiError("file_upload_size_restricted")
    file_id, key = ws.next_file_id(), secrets.token_urlsafe(12)
    ws.files.uploads[key] = file_id
    ws.files.records[file_id] = file_record(ws, file_id, filename, length)
    return {"upload_url": f"{ws.base_url.rstrip('/')}{UPLOAD_PREFIX}{key}", "file_id": file_id}


def file_record(ws: SlackState, file_id: str, filename: str, length: int) -> Json:
    created = int(float(ws.next_ts()))
    suffix = PurePosixPath(filename).suffix.lower().lstrip(".")
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    base = f"{ws.base_url.rstrip('/')}{FILES_PREFIX}{file_id}"
    return {
        "id": file_id,
        "created": created,
        "timestamp": created,
        "name": filename,
        "title": filename,
        "mimetype": mimetype,
        "filetype": suffix or "binary",
        "pretty_type": suffix.upper() or "Binary",
        "user": ws.bot_user_id,
        "user_team": ws.team_id,
        "mode": "hosted",
        "is_external": False,
        "size": length,
        "url_private": f"{base}/{quote(filename)}",
        "url_private_download": f"{base}/download/{quote(filename)}",
        "permalink": f"{base}/{quote(filename)}",
        "channels": [],
        "ims": [],
    }


def upload_by(ws: SlackState, user_id: str, filename: str, content: bytes) -> Json:
    """A file a person uploaded (not the bot): its record, with its bytes kept."""
    file_id = ws.next_file_id()
    record = {**file_record(ws, file_id, filename, len(content)), "user": user_id}
    ws.files.records[file_id] = record
    ws.files.data[file_id] = content
    return public(record)


def receive_upload(ws: SlackState, key: str, body: bytes) -> RawReply:
    file_id = ws.files.uploads.pop(key, None)
    if file_id is None:
        return RawReply(404, b"upload URL unknown or already used")
    expected = ws.files.records[file_id]["size"]
    if len(body) != expected:
        ws.files.uploads[key] = file_id  # a failed upload may be sent again
        message = f"length mismatch: announced {expected} bytes, received {len(body)}"
        return RawReply(400, message.encode())
    ws.files.data[file_id] = body
    return RawReply(200, f"OK - {len(body)}".encode())


def complete_upload(ws: SlackState, params: Json) -> Json:
    wanted = decoded(params.get("files"))
    if not isinstance(wanted, list) or not wanted:
        raise ApiError("invalid_arguments")
    shared = []
    for entry in wanted:
        file_id = str(entry.get("id") or "") if isinstance(entry, dict) else ""
        if file_id not in ws.files.data:  # unknown, or its bytes never arrived
            raise ApiError("file_not_found")
        shared.append(ws.files.records[file_id])
        if entry.get("title"):
            ws.files.records[file_id]["title"] = str(entry["title"])
    for channel in channels_of(params):
        share(ws, ws.writable(channel), shared, params)
    return {"files": [{"id": f["id"], "title": f["title"]} for f in shared]}


def channels_of(params: Json) -> list[str]:
    """Where to share: channel_id, or the comma-separated channels; none keeps them private."""
    if params.get("channel_id"):
        return [str(params["channel_id"])]
    return [c for c in str(params.get("channels") or "").split(",") if c]


def share(ws: SlackState, channel_id: str, files: list[Json], params: Json) -> None:
    """One message carrying the files, as Slack posts it: the comment as its text."""
    comment = params.get("initial_comment")
    message = ws.append(
        channel_id,
        {
            "text": comment or "",
            "blocks": None if comment else params.get("blocks"),
            "thread_ts": params.get("thread_ts"),
        },
    )
    is_dm = ws.channels[channel_id]["is_im"]
    for record in files:
        record["ims" if is_dm else "channels"].append(channel_id)
    message["files"] = [public(record) for record in files]
    message["upload"] = True


def file_info(ws: SlackState, params: Json) -> Json:
    record = ws.files.records.get(str(params.get("file") or ""))
    if record is None:
        raise ApiError("file_not_found")
    return {"file": public(record)}


def serve_file(ws: SlackState, path: str) -> RawReply:
    """GET /files/ID/NAME (inline) or /files/ID/download/NAME (an attachment)."""
    parts = path.removeprefix(FILES_PREFIX).split("/")
    record = ws.files.records.get(parts[0])
    if record is None or parts[0] not in ws.files.data or len(parts) not in (2, 3):
        return RawReply(404, b"no such file")
    attachment = len(parts) == 3 and parts[1] == "download"
    if unquote(parts[-1]) != record["name"] or (len(parts) == 3 and not attachment):
        return RawReply(404, b"no such file")
    return RawReply(
        200, ws.files.data[parts[0]], content_type(record), file_headers(record, attachment)
    )


def content_type(record: Json) -> str:
    mimetype = str(record["mimetype"])
    return f"{mimetype}; charset=utf-8" if mimetype.startswith("text/") else mimetype


def file_headers(record: Json, attachment: bool) -> dict[str, str]:
    name = quote(str(record["name"]))
    headers = {"X-Content-Type-Options": "nosniff"}
    if attachment or record["filetype"] != "html":
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    else:
        # An uploaded page opens in the browser, walled off from the stand-in's own origin.
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
        headers["Content-Security-Policy"] = "sandbox"
    return headers


def decoded(value: Any) -> Any:
    """Form-encoded clients send structured arguments as JSON strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError("invalid_arguments") from None
    return value
