"""Run `boardbot ARGS` in this process with extra environment variables, as a script would."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from collections.abc import Iterator

from bot.cli import run


@contextlib.contextmanager
def environment(extra: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def boardbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Exit code, standard output and standard error, in the shape subprocess.run gives them."""
    out, err = _stream(), _stream()
    with environment(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return subprocess.CompletedProcess(list(args), code, _text(out), _text(err))


def _stream() -> io.TextIOWrapper:
    """A text stream with a byte buffer beneath, as sys.stdout has (the CLI writes bytes too)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")
