"""Socket Mode (`boardbot run`): the same Bolt app, its requests over the WebSocket Slack opens.

Each envelope is acknowledged with its envelope_id (with the form's errors, for a view
submission that has them) and answered as over HTTP: replies to the response_url, Web API calls
to SLACK_API_URL. No public address and no signing secret are needed; SLACK_APP_TOKEN opens
the connection (`apps.connections.open`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.app import build_app
from bot.oauth import check_mode
from bot.settings import Settings
from schedules.calendar import utcnow
from storage.errors import BoardbotError


def socket_mode_handler(
    settings: Settings, engine: Engine, *, now: Callable[[], datetime] = utcnow
) -> SocketModeHandler:
    """Bolt's Socket Mode handler for boardbot's app; connect() opens the WebSocket."""
    check_mode(settings, socket_mode=True)
    bolt = build_app(settings, engine, now=now, socket_mode=True)
    return SocketModeHandler(bolt, settings.slack_app_token)


def serve(settings: Settings, engine: Engine) -> None:
    """Run until SIGTERM or SIGINT, then close the connection and finish the work in flight."""
    from bot.web import warm_up

    handler = socket_mode_handler(settings, engine)
    warm_up()
    try:
        handler.connect()
    except SlackApiError as refused:
        handler.close()
        error = refused.response.get("error") or f"HTTP {refused.response.status_code}"
        raise BoardbotError(
            f"Slack refused to open a Socket Mode connection ({error}); check SLACK_APP_TOKEN "
            "(an app-level token, xapp-…, with connections:write)"
        ) from None
    stopping = threading.Event()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        stopping.set()

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, stop)
    stopping.wait()
    handler.close()
    handler.app.listener_runner.listener_executor.shutdown(wait=True)
