"""Before Bolt: a request's size from its headers, then its signature, then that it parses.

Nothing expensive happens to a request nobody signed: a body over the limit is refused from
its Content-Length before a byte is read (or after a bounded read when it is chunked), and a
malformed body is refused with a status, never a traceback. Bolt checks the signature again.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # bytes; Slack's payloads are a few kilobytes
TIMESTAMP_DIGITS = 12


@dataclass(frozen=True)
class Refusal:
    status: str
    reason: str


TOO_LARGE = Refusal("413 Payload Too Large", "request body too large")
BAD_LENGTH = Refusal("400 Bad Request", "invalid Content-Length")
NOT_UTF8 = Refusal("400 Bad Request", "request body is not UTF-8")
UNSIGNED = Refusal("401 Unauthorized", "invalid request signature")
BAD_TIMESTAMP = Refusal("401 Unauthorized", "invalid request timestamp")
MALFORMED = Refusal("400 Bad Request", "malformed request body")


class SignedRequests:
    """Admits a POST to Bolt only when it is small, signed with our secret and well formed."""

    def __init__(self, signing_secret: str, *, limit: int = MAX_BODY) -> None:
        self.verifier, self.limit = SignatureVerifier(signing_secret), limit

    def admit(self, environ: dict[str, Any]) -> Refusal | None:
        """None when the request may go on; its body is then in environ for Bolt to read."""
        raw = self.body(environ)
        if isinstance(raw, Refusal):
            return self.refused(raw)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self.refused(NOT_UTF8)
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        if not (timestamp and signature):
            return self.refused(UNSIGNED)
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= TIMESTAMP_DIGITS):
            return self.refused(BAD_TIMESTAMP)
        if not self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            return self.refused(UNSIGNED)
        if not well_formed(body, str(environ.get("CONTENT_TYPE") or "")):
            return self.refused(MALFORMED)
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(raw), str(len(raw))
        return None

    def body(self, environ: dict[str, Any]) -> bytes | Refusal:
        """At most `limit` bytes: refused from Content-Length, or by a bounded read without it."""
        stream = environ.get("wsgi.input")
        declared = str(environ.get("CONTENT_LENGTH") or "").strip()
        if declared:
            if not (declared.isascii() and declared.isdigit()):
                return BAD_LENGTH
            if int(declared) > self.limit:
                return TOO_LARGE
            return stream.read(int(declared)) if stream is not None and int(declared) else b""
        if stream is None:
            return b""
        raw: bytes = stream.read(self.limit + 1)  # chunked: the server decodes, we bound it
        return TOO_LARGE if len(raw) > self.limit else raw

    @staticmethod
    def refused(refusal: Refusal) -> Refusal:
        log.info("refused a request to /slack/events: %s", refusal.reason)
        return refusal


def well_formed(body: str, content_type: str) -> bool:
    """A JSON object (events), a form whose `payload` is a JSON object (interactions), or a
    plain form (slash commands): the shapes Bolt reads."""
    if content_type.split(";")[0].strip() == "application/json" or body.startswith("{"):
        return is_json_object(body)
    if not (body.startswith("payload=") or "&payload=" in body):
        return True  # a slash command's form: Bolt reads any form (an "=" in a value is %3D)
    payloads = parse_qs(body, keep_blank_values=True).get("payload")
    return payloads is None or (len(payloads) == 1 and is_json_object(payloads[0]))


def is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
