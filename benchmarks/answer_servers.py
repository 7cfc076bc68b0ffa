"""The servers answer_latency.py measures, each a process it starts and always stops.

- The stand-in Slack (bot/fakeslack) in a process of its own, stamping each response_url POST
  as it arrives.
- `boardbot web` itself, and two bare Bolt apps under the same gunicorn settings: the floor
  (ack, then a fixed answer through respond()) and the no-op (ack only). Run as a script, this
  module serves one of the bare apps: `python benchmarks/answer_servers.py floor|noop PORT API`.
"""

from __future__ import annotations

import contextlib
import ctypes
import inspect
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any, Self

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_load import clock

from bot.fakeslack import FakeSlack
from bot.fakeslack.wire import RESPONSE_URL_METHOD
from bot.sandbox.demo import DemoSetup, add_to_fake

TOKEN, SECRET = "xoxb-fake-benchmark", "fake-benchmark-signing-secret"
FLOOR_TEXT = "Nothing is due for this board."
STOP_WAIT = 15.0  # seconds for a graceful stop before the process group is killed
PR_SET_PDEATHSIG = 1


# -- the stand-in Slack -------------------------------------------------------------------


class StampingSlack(FakeSlack):
    """The stand-in Slack, noting when each response_url POST arrives (before it is handled)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arrivals: deque[tuple[str, float]] = deque()

    def handle(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> Any:
        if method == RESPONSE_URL_METHOD:
            self.arrivals.append((str(params.get("_key")), clock()))
        return super().handle(method, params, headers)


def _stand_in(demo: DemoSetup, pipe: Connection) -> None:
    """The stand-in's process: serves until told to stop or until its parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with StampingSlack(tokens={TOKEN}) as fake:
        add_to_fake(demo, fake)
        pipe.send(fake.url)
        while True:
            try:
                request = pipe.recv()
            except EOFError:
                return
            if request == "stop":
                return
            taken = []
            while fake.arrivals:
                taken.append(fake.arrivals.popleft())
            fake.reset()  # forget the recorded traffic, so that its memory stays small
            times = os.times()
            pipe.send((taken, times.user + times.system))


class StandIn:
    """The stand-in Slack's process, seen from the benchmark."""

    def __init__(self, demo: DemoSetup) -> None:
        spawn = multiprocessing.get_context("spawn")
        self._pipe, child = spawn.Pipe()
        self._process = spawn.Process(target=_stand_in, args=(demo, child), daemon=True)
        self.url = ""

    def __enter__(self) -> Self:
        self._process.start()
        self.url = self._pipe.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._pipe.send("stop")
        self._process.join(STOP_WAIT)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def take(self) -> tuple[list[tuple[str, float]], float]:
        """response_url arrivals since the last call, and the stand-in's CPU seconds so far."""
        self._pipe.send("take")
        arrivals, cpu = self._pipe.recv()
        return arrivals, cpu


# -- web processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


NICENESS = os.getpriority(os.PRIO_PROCESS, 0)  # the servers' priority, whatever the benchmark's


def ahead_of_servers() -> bool:
    """Give the load generator and the stand-in Slack (what stands for Slack, which is on other
    machines) the cores first, where allowed (as root), so that servers busy on both cores do not
    delay the schedule or the stamps; the web processes keep the priority it started with."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, NICENESS - 5)
    except OSError:
        return False
    return True


def _as_a_server() -> None:
    """In the child before exec: the original priority, and SIGTERM when the benchmark dies,
    even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, NICENESS)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class WebProcess:
    """A gunicorn master in a session of its own, with its workers; stopped on exit."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, list(argv), env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def __enter__(self) -> Self:
        if self.process is not None:
            raise RuntimeError(f"{self.name} is already started")
        self.started = time.monotonic()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the benchmark, which stops this
                preexec_fn=_as_a_server,
            )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn: finish what is in flight, then exit
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(STOP_WAIT)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever of the group is left
        process.wait()

    def check(self) -> None:
        """Raise, with the end of its log, if the server has stopped by itself."""
        if self.process is not None and self.process.poll() is not None:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
            raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{tail}")

    def workers(self) -> list[int]:
        """The master's processes and theirs: workers, and boardbot's answer processes."""
        assert self.process is not None
        found, parents = [], [self.process.pid]
        while parents:
            below = [pid for parent in parents for pid in children(parent)]
            found += below
            parents = below
        return sorted(found)

    def cpu(self) -> float:
        """CPU seconds the master and every live process under it have used."""
        assert self.process is not None
        return sum(cpu_seconds(pid) for pid in (self.process.pid, *self.workers()))


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return sorted(found)


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0  # gone since it was listed
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def boardbot_web(port: int, database_url: str, api_url: str, log: Path) -> WebProcess:
    """`boardbot web` with its default workers and threads, on the stand-in Slack."""
    script = Path(sys.executable).with_name("boardbot")
    if not script.exists():
        raise SystemExit(f"{script} is missing: install boardbot first (make test builds .venv)")
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
    }
    return WebProcess("boardbot web", [str(script), "web", "--host", "127.0.0.1"], env, log)


def bare_bolt(kind: str, port: int, api_url: str, log: Path) -> WebProcess:
    argv = [sys.executable, str(Path(__file__).resolve()), kind, str(port), api_url]
    return WebProcess(f"bare Bolt ({kind})", argv, dict(os.environ), log)


# -- the bare Bolt apps, served like boardbot -----------------------------------------------


def web_defaults() -> tuple[int, int]:
    """`boardbot web`'s default --workers and --threads, read from the command itself."""
    from bot.cli.slack import web_command

    options = inspect.signature(web_command).parameters
    return options["workers"].default.default, options["threads"].default.default


def bare_app(kind: str, api_url: str) -> Callable[..., Any]:
    """Bolt as boardbot builds it (ack, return, work on a pool), with nothing of boardbot's."""
    from slack_bolt import Ack, App, Respond
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.app import WORKERS

    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="floor")
    app = App(
        client=WebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        token_verification_enabled=False,
        process_before_response=True,
        listener_executor=pool,
    )

    @app.command("/duties")
    def duties(ack: Ack, respond: Respond) -> None:
        ack()
        if kind == "floor":
            pool.submit(respond, text=FLOOR_TEXT, response_type="in_channel")

    return SlackRequestHandler(app)


def serve_bare(kind: str, port: int, api_url: str) -> None:
    """Serve a bare app through `boardbot web`'s own serve(): the same gunicorn options."""
    from bot import web
    from bot.settings import Settings

    class BareServer(web.WebServer):
        def load(self) -> Any:
            return bare_app(kind, api_url)

    web.WebServer = BareServer  # type: ignore[misc]  # serve() builds this one instead
    workers, threads = web_defaults()
    web.serve(Settings(PORT=port), host="127.0.0.1", workers=workers, threads=threads)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("floor", "noop"):
        raise SystemExit("usage: python benchmarks/answer_servers.py floor|noop PORT API_URL")
    serve_bare(sys.argv[1], int(sys.argv[2]), sys.argv[3])
