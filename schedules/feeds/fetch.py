"""Reading a feed's bytes: over HTTP(S) with a conditional GET, or from a file; never past 5 MB.

Every failure is a FeedError whose message says, in one line, what went wrong.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Protocol

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 10.0  # seconds to connect, and for the whole body
CHUNK = 64 * 1024
WEB_SCHEMES = ("http://", "https://", "webcal://", "webcals://")
USER_AGENT = "boardbot (calendar feed reader)"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class FeedError(Exception):
    """A feed that could not be read or understood; nothing was changed."""


@dataclass(frozen=True)
class Fetched:
    """A feed's body, or None when the server said it has not changed since the last read."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


def is_web_address(location: str) -> bool:
    return location.strip().lower().startswith(WEB_SCHEMES)


def web_address(location: str) -> str:
    """webcal:// is how calendar links are often written; it means https:// (or http://)."""
    text = location.strip()
    lower = text.lower()
    if lower.startswith("webcals://"):
        return "https://" + text[len("webcals://") :]
    if lower.startswith("webcal://"):
        return "https://" + text[len("webcal://") :]
    if not lower.startswith(("http://", "https://")):
        raise FeedError(f"'{text}' is not a web address; give one starting https://")
    return text


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = TIMEOUT,
    limit: int = MAX_BYTES,
) -> Fetched:
    """GET `url`; with `etag` / `last_modified` the server may answer 304 (body None)."""
    address = web_address(url)
    request = urllib.request.Request(address, headers=request_headers(etag, last_modified))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            headers = response.headers
            body = read_capped(response, headers, limit, timeout)
            return Fetched(body, headers.get("ETag"), headers.get("Last-Modified"))
    except urllib.error.HTTPError as answer:
        with answer:
            if answer.code == 304:
                headers = answer.headers
                return Fetched(None, headers.get("ETag") or etag, last_modified)
            raise FeedError(f"the feed answered HTTP {answer.code} {answer.reason}") from None
    except urllib.error.URLError as trouble:
        if isinstance(trouble.reason, TimeoutError):
            raise FeedError(f"the feed did not answer within {timeout:g} seconds") from None
        raise FeedError(f"could not reach the feed ({trouble.reason})") from None
    except TimeoutError:
        raise FeedError(f"the feed did not answer within {timeout:g} seconds") from None
    except (OSError, ValueError) as trouble:
        raise FeedError(f"could not read the feed ({type(trouble).__name__}: {trouble})") from None


def request_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def read_capped(stream: Readable, headers: Message, limit: int, timeout: float) -> bytes:
    """The body, a chunk at a time: over `limit` bytes, or slower than `timeout`, it fails."""
    declared = headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FeedError(too_big(limit))
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise FeedError(too_big(limit))
        if time.monotonic() > deadline:
            raise FeedError(f"the feed did not arrive within {timeout:g} seconds")
        chunks.append(chunk)
    return b"".join(chunks)


def too_big(limit: int) -> str:
    return f"the feed is larger than {limit // (1024 * 1024)} MB"


def read_file(path: str, *, limit: int = MAX_BYTES) -> bytes:
    """A feed saved as a file, with the same size limit as one fetched."""
    file = Path(path).expanduser()
    try:
        with file.open("rb") as opened:
            return read_capped(opened, Message(), limit, TIMEOUT)
    except FileNotFoundError:
        raise FeedError("there is no such file") from None
    except IsADirectoryError:
        raise FeedError(f"{file} is a folder, not a calendar file") from None
    except OSError as trouble:
        raise FeedError(f"could not read {file} ({trouble.strerror or trouble})") from None


def read_location(location: str) -> bytes:
    """A web address is fetched; anything else is a file."""
    if is_web_address(location):
        fetched = fetch(location)
        assert fetched.body is not None  # no conditional headers, so never 304
        return fetched.body
    return read_file(location)
