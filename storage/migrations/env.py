"""Alembic environment: the URL comes from the caller, the metadata from storage.models."""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.installations  # Slack's OAuth tables, on the same metadata
import storage.models  # noqa: F401 - registers the tables on SQLModel.metadata
from storage.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn, foreign_keys_off(conn):
        _run(conn)
    engine.dispose()


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite's batch mode copies a table, drops it and renames the copy: with rows that refer
    to it (a duty's occurrences, say) and foreign keys enforced, the drop would fail. Off for
    the migration, on again after; the pragma only takes effect outside a transaction."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
