"""`boardbot sandbox`: a local Slack look-alike in the browser, driving the real bot."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer

from bot.cli.common import app, settings
from storage.errors import BoardbotError


@app.command("sandbox")
def sandbox_command(
    port: int = typer.Option(
        8000, "--port", min=1, max=65535, metavar="PORT", help="Port for the page, on 127.0.0.1."
    ),
    protocol: str = typer.Option(
        "rutland", "--protocol", metavar="NAME", help="A bundled protocol or a protocol file."
    ),
) -> None:
    """Try boardbot in a browser, without a Slack workspace.

    Open the printed URL; Ctrl-C stops it.
    """
    from bot.sandbox.server import Sandbox  # the sandbox's imports are for this command only

    stopping = threading.Event()

    def on_terminate(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    sandbox = Sandbox(port=port, protocol=protocol, base=settings())
    try:
        sandbox.start()
    except OSError as exc:
        raise BoardbotError(
            f"cannot serve on 127.0.0.1:{port} ({exc.strerror}); try --port"
        ) from None
    previous = signal.signal(signal.SIGTERM, on_terminate)
    typer.echo(f"boardbot sandbox: {sandbox.url}")
    typer.echo("Pick who you are, type a slash command, or jump to a date. Ctrl-C stops it.")
    try:
        stopping.wait()
    except KeyboardInterrupt:
        typer.echo("")
    finally:
        signal.signal(signal.SIGTERM, previous)
        typer.echo("stopping the sandbox")
        sandbox.stop()
