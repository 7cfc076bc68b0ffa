"""Column types: datetimes are stored as UTC and always come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """Refuses naive datetimes on the way in; SQLite's naive values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_field(*, nullable: bool = False, index: bool = False, **kwargs: Any) -> Any:
    """A timezone-aware datetime column."""
    from sqlalchemy import Column

    return Field(
        default=kwargs.pop("default", None),
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
        **kwargs,
    )


def json_field(*, default_factory: Any = list) -> Any:
    from sqlalchemy import Column

    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))
