"""The log check can fail: a run that logs a registered free text, in any way, exits 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.logcheck import private

ROOT = Path(__file__).resolve().parents[1]
LEAKY = """
import logging
import threading

from tests.logcheck import private

WARNED = private("a concern logged as a warning")
INFORMED = private("an agenda item logged at info")
RAISED = private("a reason inside a traceback")
THREADED = private("a note logged from a thread")


def test_logs_them():
    log = logging.getLogger("boardbot.example")
    log.warning("saw %s", WARNED)
    log.info("saw %s", INFORMED)
    try:
        raise ValueError(RAISED)
    except ValueError:
        log.exception("unexpected error")
    worker = threading.Thread(target=log.error, args=("saw %s", THREADED))
    worker.start()
    worker.join()
"""
QUIET = """
import logging

from tests.logcheck import private

KEPT = private("an agenda item nobody logs")


def test_logs_around_it():
    logging.getLogger("boardbot.example").warning("refused an agenda request (%d characters)", 26)
    logging.getLogger("boardbot.example").debug("debug may say %s", KEPT)
"""


def run_pytest(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_example.py").write_text(source)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.logcheck", "-p", "no:cacheprovider",
         "-q", "test_example.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_run_that_logs_a_registered_text_fails_and_names_it(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, LEAKY)

    assert result.returncode == 1, result.stdout
    assert "1 passed" in result.stdout  # the test itself passed; the log check failed the run
    assert "free text reached the logs" in result.stdout
    for text in ("a concern logged", "an agenda item logged", "a reason inside", "a note logged"):
        assert text in result.stdout, result.stdout
    assert "test_example.py::test_logs_them" in result.stdout


def test_a_run_that_keeps_registered_texts_out_of_the_logs_passes(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, QUIET)

    assert result.returncode == 0, result.stdout
    assert "free text reached the logs" not in result.stdout


def test_it_refuses_to_register_a_text_too_short_to_search_for() -> None:
    with pytest.raises(ValueError, match="distinctive"):
        private("lrlscb")
