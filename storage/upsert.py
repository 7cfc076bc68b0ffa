"""The two writes that must be single under concurrency: insert-if-absent and update-one-if.

Both let the database decide, so two clocks or two people at once cannot both win: a unique
key makes the second insert do nothing, a condition makes the second update change nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

# Bound parameters one statement may carry: SQLite builds before 3.32 allow 999, PostgreSQL 65,535.
PARAMETER_LIMITS = {"sqlite": 999, "postgresql": 65_535}
MAX_BATCH_ROWS = 200  # drivers prepare a few short statements faster than one long one
Row = TypeVar("Row")


def insert_if_absent(
    model: type[SQLModel],
    rows: Sequence[Mapping[str, Any]],
    *,
    unique: Sequence[str],
    session: Session,
) -> int:
    """Insert the rows whose `unique` columns are not taken yet; the others are left alone.

    Returns how many were inserted, counted from the keys the database returns (a driver's
    rowcount is not reliable for INSERT … ON CONFLICT DO NOTHING). Rows go in batches within
    the database's limit on bound parameters: a catch-up can hold thousands."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Any = model.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(*table.primary_key.columns)
    )
    size = rows_per_statement(dialect, columns=max(len(row) for row in rows))
    return sum(len(session.execute(statement, list(batch)).all()) for batch in batches(rows, size))


def rows_per_statement(dialect: str, *, columns: int) -> int:
    limit = PARAMETER_LIMITS.get(dialect, PARAMETER_LIMITS["sqlite"]) // max(1, columns)
    return max(1, min(limit, MAX_BATCH_ROWS))


def batches(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def update_one_if(
    model: type[SQLModel],
    row_id: int | str | None,
    *conditions: ColumnElement[bool],
    session: Session,
    **values: Any,
) -> bool:
    """Set `values` on the row whose primary key is `row_id` while `conditions` hold; True
    when this call changed it.

    Of two callers racing for the same row (two clocks claiming a prompt, two people pressing
    Done), exactly one gets True."""
    (key,) = model.__table__.primary_key.columns  # type: ignore[attr-defined]
    result = session.execute(update(model).where(key == row_id, *conditions).values(**values))
    return int(getattr(result, "rowcount", 0) or 0) == 1
