"""GET /healthz: the database answers and its schema is the one this code expects."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import answers
from storage.migrate import schema_problem

log = logging.getLogger(__name__)
SCHEMA_CHECKED_FOR = 5.0  # seconds a process trusts its last look at the schema
UNREACHABLE = "database unreachable"


class Health:
    """A trivial query on every check; the schema's revision at most every few seconds."""

    def __init__(self, engine: Engine, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.engine, self.monotonic = engine, monotonic
        self._lock = threading.Lock()
        self._schema: tuple[float, str | None] | None = None  # (checked at, problem)
        self._reported: str | None = None

    def problem(self) -> str | None:
        """Why this process should not be sent traffic, or None when it is fine."""
        try:
            answers(self.engine)
            found = self.schema()
        except SQLAlchemyError as exc:
            found = UNREACHABLE
            self.report(found, type(getattr(exc, "orig", None) or exc).__name__)
            return found
        self.report(found, "")
        return found

    def schema(self) -> str | None:
        now = self.monotonic()
        with self._lock:
            if self._schema is None or now - self._schema[0] >= SCHEMA_CHECKED_FOR:
                self._schema = (now, schema_problem(self.engine))
            return self._schema[1]

    def report(self, problem: str | None, detail: str) -> None:
        """One log line when the answer changes, not one per load balancer probe."""
        with self._lock:
            changed, self._reported = problem != self._reported, problem
        if changed and problem is not None:
            log.warning("health check failing: %s%s", problem, f" ({detail})" if detail else "")
        elif changed:
            log.info("health check passing again")
