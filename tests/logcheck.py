"""A pytest plugin: the whole run's log records, searched at the end for the free texts sent.

Tests register the free text they send (an agenda item, a concern, a reason) with `private`.
Every record logged at INFO or above during the run, in any thread, is kept formatted with
its traceback; when the run ends, a registered text found in any of them fails the run.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import pytest

MIN_LENGTH = 12  # shorter texts ("hwb", "done") appear in logs for honest reasons
REGISTERED: set[str] = set()


def private(text: str) -> str:
    """Register `text` as something a person typed that must never reach the logs."""
    if len(text) < MIN_LENGTH:
        raise ValueError(f"register a distinctive text of {MIN_LENGTH}+ characters: {text!r}")
    REGISTERED.add(text)
    return text


@dataclass(frozen=True)
class Logged:
    test: str
    text: str


class SessionLog(logging.Handler):
    """Keeps every record of the run, formatted as a log file would show it."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.records: list[Logged] = []
        self.current = "(outside a test)"
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is kept raw
            text = f"{record.msg!r} {record.args!r}"
        with self._guard:
            self.records.append(Logged(self.current, text))

    def leaks(self, texts: set[str]) -> list[tuple[str, Logged]]:
        with self._guard:
            kept = list(self.records)
        return [(text, logged) for logged in kept for text in texts if text in logged.text]


class LogCheck:
    def __init__(self) -> None:
        self.handler = SessionLog()
        self.level = logging.WARNING
        self.found: list[tuple[str, Logged]] = []

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        root = logging.getLogger()
        self.level = root.level
        root.setLevel(min(root.level or logging.WARNING, logging.INFO))
        root.addHandler(self.handler)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> object:
        self.handler.current = item.nodeid
        try:
            return (yield)
        finally:
            self.handler.current = "(outside a test)"

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self.level)
        self.found = self.handler.leaks(REGISTERED)
        if self.found:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.found:
            return
        terminalreporter.section("free text reached the logs", sep="=", red=True, bold=True)
        for text, logged in self.found[:20]:
            first = logged.text.splitlines()[0][:160]
            terminalreporter.line(f"{text!r} logged during {logged.test}: {first}")
        if len(self.found) > 20:
            terminalreporter.line(f"... and {len(self.found) - 20} more")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(LogCheck(), "boardbot-logcheck")
