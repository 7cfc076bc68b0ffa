"""`boardbot web` (HTTP, gunicorn) and `boardbot run` (Socket Mode): the Slack-facing processes."""

from __future__ import annotations

import typer

from bot.cli.common import app, engine, settings


@app.command("web")
def web_command(
    workers: int = typer.Option(2, "--workers", min=1, metavar="N", help="Worker processes."),
    threads: int = typer.Option(8, "--threads", min=1, metavar="N", help="Threads per worker."),
    host: str = typer.Option(
        "0.0.0.0", "--host", metavar="ADDRESS", help="Address to bind; the port is $PORT."
    ),
    answer_processes: int = typer.Option(
        1,
        "--answer-processes",
        min=0,
        metavar="N",
        help="Processes per worker that answer after the ack, at a lower priority than acks "
        "(0: the worker's own threads answer).",
    ),
) -> None:
    """Serve Slack over HTTP, with gunicorn.

    POST /slack/events and GET /healthz on $PORT; needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET,
    or, to be installed by OAuth (GET /slack/install), SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and
    SLACK_SIGNING_SECRET.
    """
    from bot.oauth import check_mode
    from bot.web import serve

    config = settings()
    check_mode(config)
    serve(config, host=host, workers=workers, threads=threads, answer_processes=answer_processes)


@app.command("run")
def run_command() -> None:
    """Serve Slack over Socket Mode (no public URL needed).

    Needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN.
    """
    from bot.oauth import check_mode
    from bot.socket_mode import serve

    config = settings()
    check_mode(config, socket_mode=True)
    serve(config, engine(config))
