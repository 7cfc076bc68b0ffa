"""Rows the migration tests write as SQL, in columns every revision since the first has."""

from __future__ import annotations

AT = "2026-11-23 10:00:00+00"


def partnership_row(pid: int = 1, key: str = "p", loaded_at: str = AT) -> str:
    """One partnership, as `INSERT` SQL that any revision of the schema accepts."""
    return (
        "INSERT INTO partnership (id, key, name, timezone, year_start_month, source, protocol,"
        f" loaded_at) VALUES ({pid}, '{key}', 'P', 'Europe/London', 4, '', '{{}}', '{loaded_at}')"
    )


PARTNERSHIP = partnership_row()
