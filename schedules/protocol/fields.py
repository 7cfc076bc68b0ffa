"""The small field types every part of a protocol file shares: keys and months (roles are
`storage.roles.Role`)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

KEY_PATTERN = r"^[a-z][a-z0-9-]{0,59}$"


def parse_month(value: object) -> object:
    """Accept 9, "9", "sep", "Sept", "September"; leave anything else for the int check."""
    if isinstance(value, date):
        abbr = calendar.month_abbr[value.month].lower()
        raise ValueError(
            f"{value.isoformat()} is a date where a month is expected; "
            f"write the month alone, e.g. {abbr} or {value.month}"
        )
    if isinstance(value, str):
        text = value.strip().lower()
        if text.isdigit():
            return int(text)
        for number in range(1, 13):
            if len(text) >= 3 and calendar.month_name[number].lower().startswith(text):
                return number
        raise ValueError(f"'{value}' is not a month; write a month name or number, e.g. sep or 9")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Month = Annotated[int, BeforeValidator(parse_month), Field(ge=1, le=12)]
Key = Annotated[str, Field(pattern=KEY_PATTERN)]
