"""Answers handed to processes of their own: the job, its client and respond() travel; what
cannot travel is answered in the worker; a process that dies is replaced; nothing handed over is
lost when the worker stops."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from slack_bolt import Respond
from slack_sdk import WebClient

from bot.answer_processes import AnswerProcesses
from bot.answers import Answers
from bot.settings import load_settings
from schedules.calendar import utcnow
from storage.db import make_engine
from tests.bot.conftest import SECRET, TOKEN


def where_answered(answers: Answers, client: WebClient, respond: Respond, path: str) -> None:
    """A job: writes down where and how it ran."""
    seen = {
        "pid": os.getpid(),
        "policy": os.sched_getscheduler(0),
        "answers": type(answers).__name__,
        "database": answers.engine.url.render_as_string(hide_password=False),
        "token": client.token,
        "team": client.default_params.get("team_id"),
        "response_url": respond.response_url,
    }
    part = f"{path}.{threading.get_native_id()}"
    Path(part).write_text(json.dumps(seen))
    os.replace(part, path)


def slowly_answered(answers: Answers, path: str) -> None:
    threading.Event().wait(1.0)  # still answering when the worker is told to stop
    Path(path).write_text(str(os.getpid()))


def dies(answers: Answers) -> None:
    os._exit(3)


def wait_for(path: Path, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # polling a file another process writes
    return True


@pytest.fixture
def processes(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AnswerProcesses]:
    # the answer processes build their settings from the environment, as the worker did
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    started = AnswerProcesses(1, load_settings())
    yield started
    started.shutdown()


@pytest.fixture
def answers(sqlite_url: str, processes: AnswerProcesses) -> Iterator[Answers]:
    engine = make_engine(sqlite_url)
    with ThreadPoolExecutor(2) as pool:
        yield Answers(engine, utcnow, pool, elsewhere=processes)
    engine.dispose()


def test_an_answer_runs_in_a_process_of_its_own_below_the_acks_priority(
    answers: Answers, sqlite_url: str, tmp_path: Path
) -> None:
    client = WebClient(token="xoxb-another-workspace", team_id="T0OTHER")
    respond = Respond(response_url="https://hooks.slack.com/commands/T0OTHER/1/abc")
    path = tmp_path / "seen.json"

    answers.after_ack(where_answered, answers, client, respond, str(path))

    assert wait_for(path)
    seen = json.loads(path.read_text())
    assert seen["pid"] != os.getpid()
    assert seen["policy"] == os.SCHED_IDLE  # the CPU nothing else wants
    assert os.sched_getscheduler(0) != os.SCHED_IDLE
    assert seen["answers"] == "Answers" and seen["database"] == sqlite_url
    # the request's own workspace token, not SLACK_BOT_TOKEN
    assert (seen["token"], seen["team"]) == ("xoxb-another-workspace", "T0OTHER")
    assert seen["response_url"] == respond.response_url


def test_a_job_that_cannot_travel_is_answered_in_the_worker(
    answers: Answers, tmp_path: Path
) -> None:
    path = tmp_path / "here"
    pid = os.getpid()
    local = threading.Lock()  # a lock cannot be pickled, so this job stays in the worker

    def job(lock: threading.Lock) -> None:
        with lock:
            path.write_text(str(os.getpid()))

    answers.after_ack(job, local)

    assert wait_for(path)
    assert path.read_text() == str(pid)


def test_a_process_that_dies_is_replaced_and_later_answers_still_go(
    answers: Answers, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client, respond = WebClient(token=TOKEN), Respond(response_url=None)
    first = tmp_path / "first.json"
    answers.after_ack(where_answered, answers, client, respond, str(first))
    assert wait_for(first)
    dead = json.loads(first.read_text())["pid"]

    answers.after_ack(dies, answers)
    assert exited(dead)
    later = tmp_path / "later.json"
    answers.after_ack(where_answered, answers, client, respond, str(later))

    assert wait_for(later)
    assert json.loads(later.read_text())["pid"] not in (dead, os.getpid())
    assert "an answer process exited (3); starting another" in caplog.text


def exited(pid: int) -> bool:
    """Gone, or exited and not yet waited for by the worker."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return True
        if "State:\tZ" in status:
            return True
        time.sleep(0.05)  # polling another process's state
    return False


def test_stopping_waits_for_every_answer_handed_over(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    paths = [tmp_path / f"answered-{i}" for i in range(10)]  # more than its threads: some queue
    engine = make_engine(sqlite_url)
    processes = AnswerProcesses(1, load_settings())
    with ThreadPoolExecutor(1) as pool:
        answers = Answers(engine, utcnow, pool, elsewhere=processes)
        for path in paths:
            answers.after_ack(slowly_answered, answers, str(path))
        processes.shutdown()
    answered_by = {path.read_text() for path in paths}  # every one, by the answer process
    assert len(answered_by) == 1 and str(os.getpid()) not in answered_by
    engine.dispose()


def test_processes_that_cannot_start_leave_the_answers_to_the_worker(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    settings = load_settings()
    monkeypatch.setenv("BOARDBOT_RETENTION_DAYS", "1")  # refused by the settings they load
    engine = make_engine(sqlite_url)
    processes = AnswerProcesses(1, settings)
    path = tmp_path / "seen.json"
    client, respond = WebClient(token=TOKEN), Respond(response_url=None)
    with ThreadPoolExecutor(1) as pool:
        answers = Answers(engine, utcnow, pool, elsewhere=processes)
        for _ in range(60):
            answers.after_ack(where_answered, answers, client, respond, str(path))
            if wait_for(path, timeout=0.5):
                break
    processes.shutdown()
    engine.dispose()
    assert json.loads(path.read_text())["pid"] == os.getpid()
    assert "this worker answers in its own threads" in caplog.text
