"""Column types: datetimes are stored as UTC and always come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON, DateTime, String, TypeDecorator
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


S = TypeVar("S", bound=StrEnum)


class EnumText(TypeDecorator[S], Generic[S]):
    """A column of an enum's values (a status, a role): text in the database, members here."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[S], length: int = 20) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: S | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> S | None:
        return None if value is None else self.enum(value)


def enum_field(
    enum: type[StrEnum], default: StrEnum | None = None, *, length: int = 20, index: bool = False
) -> Any:
    """A non-null column holding members of `enum` (as their text)."""
    from sqlalchemy import Column

    column: Column[Any] = Column(EnumText(enum, length), nullable=False, index=index)
    return Field(default=default, sa_column=column)
