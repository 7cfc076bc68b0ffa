"""What the stand-in Slack keeps of files: records, bytes and open upload URLs."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.fakeslack.wire import Json

MAX_FILE_BYTES = 1024 * 1024 * 1024  # Slack's own limit; a test may set a workspace's lower


@dataclass
class FileStore:
    """Files announced, their bytes once uploaded, and the upload keys still open."""

    records: dict[str, Json] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)  # upload key -> file id
