"""Answers in processes of their own, so that a web worker's acks never wait behind them.

In the worker that acks, an answer's work holds the interpreter lock: under a burst, acks queue
behind answers. `boardbot web` hands every answer to processes of its own instead, started by
the worker and scheduled below everything else (Linux's SCHED_IDLE), so the kernel gives acks
the CPU first and answers every cycle left over. When the machine is not busy an answer starts
at once: nothing waits on purpose.

A job travels pickled, as one message on a local socket pair (SOCK_SEQPACKET: one job a message,
read by whichever answer thread is free), as a module-level function and its arguments. The
request's WebClient and respond() travel as what rebuilds them (token, team, response_url); the
worker's Answers travels as a marker the answer process replaces with its own, built from the
same settings. The worker keeps answering in its own threads what cannot travel (it names
something only the worker holds, or is larger than the socket's buffer) and what finds the buffer
full (the answer processes are far behind).

The socket outlives any one answer process: when one dies, the jobs waiting for it stay queued
for the others and for the one started in its place; only the job it was running is lost (and
logged). When the worker stops it closes its end; the answer processes finish every job queued,
then exit, and the worker waits for them.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import Respond
from slack_sdk import WebClient

if TYPE_CHECKING:
    from bot.answers import Answers
    from bot.settings import Settings

log = logging.getLogger(__name__)
NICENESS = 19  # where SCHED_IDLE is missing: the lowest priority nice gives
BUFFER = 4 * 1024 * 1024  # bytes of jobs the socket holds; the kernel may allow less
LARGEST = 1024 * 1024  # bytes of one job (Slack's largest payloads are far smaller)
SHORT_LIFE = 5.0  # seconds: an answer process that exits sooner did not start
GIVE_UP_AFTER = 3  # answer processes in a row that did not start
STOP_WAIT = 60.0  # seconds the worker waits at exit for queued answers to go
SOCKET_ENV = "BOARDBOT_ANSWER_SOCKET"
CHILD = "from bot.answer_processes import serve; serve()"


@dataclass(frozen=True)
class ClientSpec:
    """A request's WebClient, as the answer process rebuilds it: the same token and team."""

    token: str | None
    team_id: str | None


@dataclass(frozen=True)
class RespondSpec:
    response_url: str | None


class TheAnswers:
    """Stands for the worker's Answers; the answer process puts its own in its place."""


def portable(arg: object, answers: object) -> object:
    if arg is answers:
        return TheAnswers()
    if isinstance(arg, WebClient):
        return ClientSpec(arg.token, arg.default_params.get("team_id"))
    if isinstance(arg, Respond):
        return RespondSpec(arg.response_url)
    return arg


def rebuilt(arg: object, answers: Answers, settings: Settings) -> object:
    from bot.slack_client import make_client

    if isinstance(arg, TheAnswers):
        return answers
    if isinstance(arg, ClientSpec):
        return make_client(settings, token=arg.token, team_id=arg.team_id)
    if isinstance(arg, RespondSpec):
        return Respond(response_url=arg.response_url)
    return arg


@dataclass
class Child:
    process: subprocess.Popen[bytes]
    started: float


class AnswerProcesses:
    """The worker's side: `processes` answer processes reading one socket, started with the
    worker, replaced when one dies, and waited for when the worker exits."""

    def __init__(self, processes: int, settings: Settings) -> None:
        self.settings = settings
        self._ours, self._theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)
        self.largest = min(LARGEST, self._ours.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
        self._owner: Answers | None = None  # the worker's, for what is left queued
        self._lock = threading.Lock()
        self._failed_starts, self._open = 0, True
        self._children = [self._start() for _ in range(processes)]
        atexit.register(self.shutdown)

    def _start(self) -> Child:
        fd = self._theirs.fileno()
        env = {**os.environ, SOCKET_ENV: str(fd), "PYTHONPATH": os.pathsep.join(sys.path)}
        command = [sys.executable, "-c", CHILD]
        process = subprocess.Popen(command, env=env, pass_fds=(fd,), stdin=subprocess.DEVNULL)
        return Child(process, time.monotonic())

    def take(self, job: Callable[..., None], args: tuple[Any, ...], answers: Answers) -> bool:
        """Queue `job(*args)` for an answer process; False when the worker should answer it."""
        if not self._open or not self._running():
            return False
        self._owner = answers
        try:
            packed = pickle.dumps((job, tuple(portable(a, answers) for a in args)), protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            log.debug("answered in the worker: %s cannot travel", _name(job))
            return False
        if len(packed) > self.largest:
            return False
        try:
            self._ours.send(packed, socket.MSG_DONTWAIT)
        except BlockingIOError:  # the answer processes are far behind: this one is the worker's
            log.info("answer processes busy: %s answered in the worker", _name(job))
            return False
        except OSError as refused:  # too large for the kernel's limit, or closed meanwhile
            log.info("answered in the worker: %s (%s)", _name(job), refused)
            return False
        return True

    def _running(self) -> bool:
        """Whether answer processes are there to read; replaces any that has exited."""
        if all(child.process.poll() is None for child in self._children):
            return True
        with self._lock:
            for index, child in enumerate(self._children):
                code = child.process.poll()
                if code is None or not self._open:
                    continue
                short = time.monotonic() - child.started < SHORT_LIFE
                self._failed_starts = self._failed_starts + 1 if short else 0
                if self._failed_starts >= GIVE_UP_AFTER:
                    self._give_up()
                    return False
                log.error("an answer process exited (%s); starting another", code)
                self._children[index] = self._start()
        return self._open

    def _give_up(self) -> None:
        """Answer processes cannot start: stop using them, and answer what they left queued."""
        log.error("answer processes do not start; this worker answers in its own threads")
        self._open = False
        self._ours.close()
        waiting: list[bytes] = []
        while True:
            try:
                packed = self._theirs.recv(self.largest, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            if not packed:
                break  # our end is closed and the queue empty
            waiting.append(packed)
        self._theirs.close()
        owner = self._owner
        if owner is None:
            return  # nothing was ever queued
        for packed in waiting:
            job, args = pickle.loads(packed)
            owner.pool.submit(owner.run_job, job, *(rebuilt(a, owner, self.settings) for a in args))

    def shutdown(self) -> None:
        """Close the queue; the answer processes finish every job in it, then exit."""
        with self._lock:
            if not self._open:
                return
            self._open = False
            self._ours.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + STOP_WAIT
        for child in self._children:
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("an answer process was still answering after %.0f s", STOP_WAIT)
        self._ours.close()
        self._theirs.close()


def _name(job: Callable[..., None]) -> str:
    return getattr(job, "__qualname__", None) or repr(job)


# -- in the answer process ------------------------------------------------------------------


def serve() -> None:
    """An answer process: lower priority, its own engine and Answers, and a few threads reading
    the socket, so that answers waiting on Slack or the database overlap. It starts at the
    worker's priority (a busy machine does not hold up its start) and drops below everything
    else once ready. Ctrl-C reaches the whole process group: the worker ends these processes
    itself by closing the socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from bot.answers import WORKERS
    from bot.app import answers_for
    from bot.settings import load_settings
    from bot.web import warm_up
    from storage.db import make_engine
    from storage.errors import BoardbotError

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    jobs = socket.socket(fileno=int(os.environ.pop(SOCKET_ENV)))
    try:
        settings = load_settings()
    except BoardbotError as wrong:
        log.error("an answer process cannot start: %s", wrong.message)
        raise SystemExit(2) from None
    logging.getLogger().setLevel(settings.log_level.upper())
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer")
    answers = answers_for(settings, make_engine(settings.database_url), pool)
    warm_up()
    below_everything_else()
    readers = [
        threading.Thread(target=_read, args=(jobs, answers, settings), name=f"answer-{i}")
        for i in range(WORKERS)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()


def below_everything_else() -> None:
    """Run only on CPU that nothing else wants: SCHED_IDLE where the kernel has it (Linux). A
    process at nice 10 still took CPU from the acks whenever a worker woke to ack; answers that
    queue meanwhile wait in the socket, and once it is full the worker answers in its own
    threads, at its own priority."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or refused
        os.nice(NICENESS)


def _read(jobs: socket.socket, answers: Answers, settings: Settings) -> None:
    while True:
        packed = jobs.recv(LARGEST)
        if not packed:
            return  # the worker has closed the queue and it is empty
        try:
            job, args = pickle.loads(packed)
        except Exception:  # one unreadable job must not stop the others
            log.exception("an answer could not be read")
            continue
        answers.run_job(job, *(rebuilt(a, answers, settings) for a in args))
