"""The Bolt app: every listener acks at once; the work behind it runs after (bot/answers.py)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from slack_bolt import App
from sqlalchemy import Engine

from bot.answer_processes import AnswerProcesses
from bot.answers import WORKERS, Answers
from bot.listeners import register_all
from bot.oauth import app_options, check_mode
from bot.settings import Settings
from bot.slack_client import make_client
from schedules.calendar import utcnow

Clock = Callable[[], datetime]


def build_app(
    settings: Settings,
    engine: Engine,
    *,
    now: Clock = utcnow,
    socket_mode: bool = False,
    answer_processes: int = 0,
) -> App:
    """The Bolt app over `engine`; no network or database until the first request.

    Over HTTP every request's signature is checked; Socket Mode needs no signing secret. With
    SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, workspaces install it by OAuth (bot/oauth.py) and
    each request is answered with its own workspace's token. With `answer_processes`, answers
    run in that many processes of their own (bot/answer_processes.py), on the real clock."""
    check_mode(settings, socket_mode=socket_mode)
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="boardbot")
    app = App(
        client=make_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        token_verification_enabled=False,
        process_before_response=True,  # the ack returns at once; the pool does the work
        listener_executor=pool,
        **(app_options(settings, engine) if settings.installed_by_oauth else {}),
    )
    elsewhere = AnswerProcesses(answer_processes, settings) if answer_processes else None
    register_all(app, answers_for(settings, engine, pool, now=now, elsewhere=elsewhere))
    return app


def answers_for(
    settings: Settings,
    engine: Engine,
    pool: ThreadPoolExecutor,
    *,
    now: Clock = utcnow,
    elsewhere: AnswerProcesses | None = None,
) -> Answers:
    """The work after every ack, as a web worker and an answer process both build it."""
    unbound = not settings.installed_by_oauth  # one workspace: every partnership is its own
    return Answers(
        engine, now, pool, settings.public_url, unbound_visible=unbound, elsewhere=elsewhere
    )
