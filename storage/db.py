"""The engine and sessions: SQLite by default, PostgreSQL through DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlmodel import Session, create_engine

DEFAULT_SQLITE_PATH = Path("var") / "boardbot.sqlite3"


def normalise_url(url: str | None) -> str:
    """Default to the local SQLite file; send postgres:// URLs to psycopg 3."""
    if not url:
        DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str | None) -> Engine:
    """An engine whose errors never carry statement parameters: they hold what people typed."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the clock write while web processes read; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def advisory_lock(engine: Engine, key: int) -> Iterator[bool]:
    """Whether this process holds the lock `key` while inside; another holder makes it False.

    On PostgreSQL a session-level advisory lock, one per key and schema (boardbot's tables
    live in one schema; the tests give each worker its own); elsewhere (SQLite, one machine)
    always True, and the outbox's claims keep each send single."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    this = {"k": key}
    with engine.connect() as connection:
        taken = connection.execute(text(f"SELECT pg_try_advisory_lock({LOCK})"), this)
        held = bool(taken.scalar())
        try:
            yield held
        finally:
            if held:
                connection.execute(text(f"SELECT pg_advisory_unlock({LOCK})"), this)
            connection.commit()


LOCK = "CAST(:k AS integer), hashtext(current_schema())"  # (int, int): the key and the schema


def answers(engine: Engine) -> None:
    """A trivial query: raises SQLAlchemyError when the database cannot be reached."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
