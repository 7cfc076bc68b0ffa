"""Turn pydantic's validation errors into `field: what is wrong and how to write it`.

Messages show values as the file wrote them (`'sepp'`, `2014-10-28`, `a list`), never as Python
prints them: a person reading them has written YAML, not Python."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from schedules.protocol.yamlsource import (
    EXCERPT_CHARS,
    Loc,
    Problem,
    YamlSource,
    dotted,
    excerpt,
)

# How to write a field, shown after what was wrong with it.
FIELD_HINTS: dict[str, str] = {
    "key": "a short lower-case key such as hwb or lscb (letters, digits, hyphens)",
    "id": "a short lower-case id such as lscb-annual-report (letters, digits, hyphens)",
    "owners": "a list of board or partner keys, e.g. [lscb], or all for every board",
    "counterparts": "a list of board or partner keys, e.g. [hwb]",
    "of": "a list of board keys, e.g. [hwb, lscb]",
    "boards": "all, or a list of board keys, e.g. [hwb, lscb]",
    "board": "the key of another board, e.g. iscb",
    "partner": "the key of a partner, e.g. lead-member",
    "partners": "a list of partners, each {key: cabinet, name: Suffolk County Council Cabinet}",
    "guests": "a list of guests, each {board: iscb, roles: [chair]} or {partner: lead-member}",
    "opens": "a month name or number, e.g. sep or 9",
    "closes": "a month name or number, e.g. nov or 11",
    "month": "a month name or number, e.g. jun or 6",
    "year_start_month": "a month name or number, e.g. apr",
    "every": 'quarter, half-year, year, "N months" or "N years", e.g. every: "2 years"',
    "from": "a date, YYYY-MM-DD, e.g. from: 2014-10-28",
    "agreed": "a date, YYYY-MM-DD, e.g. agreed: 2014-10-28",
    "next_review": "a date, YYYY-MM-DD, e.g. next_review: 2026-10-28",
    "triggered": "{within_working_days: 10}, or {within_working_days: 10, by: DUTY_ID}",
    "by": "the id of another duty of this protocol",
    "kind": "one of health_and_wellbeing, safeguarding_children, safeguarding_adults, "
    "community_safety, childrens_trust, corporate_parenting, other",
    "roles": "role names chair, business_manager, secretariat, member",
    "timezone": "Europe/London",
    "send_time": 'a 24-hour time in quotes, e.g. send_time: "09:00"',
    "schedule": "e.g. {windows: [{opens: sep, closes: nov}]}, {every: quarter} or "
    "{triggered: {within_working_days: 10}}",
    "stages": "a list of stages, each {name, who_acts, response_working_days}",
    "within_working_days": "a whole number of working days, e.g. 10",
    "clause": 'text; quote numbers so that 5.10 stays 5.10, e.g. clause: "5.3"',
    "title": "text, e.g. LSCB annual report to the HWB",
    "name": "text, e.g. Anytown Health and Wellbeing Board",
    "evidence": "text, e.g. Annual report presented at an HWB meeting",
    "who_acts": "text, e.g. Either board chair",
    "source": "text, e.g. Anytown inter-board protocol, agreed by all three boards",
    "reminders_working_days": "a list of working days, e.g. [10, 3]",
    "overdue_repeat_days": "a whole number of days from 1 to 31, e.g. 7",
    "agenda_pack_working_days": "a whole number of working days from 1 to 20, e.g. 5",
    "agenda_request_nudge_working_days": "a whole number of working days from 1 to 20, e.g. 5",
    "windows": "a list of windows, e.g. [{opens: sep, closes: nov}]",
    "after_meetings": "{of: [lscb], within_working_days: 10}",
    "attendees": "{boards: all, roles: [chair]}",
    "response_working_days": "a whole number of working days, e.g. 10",
    "on_demand": "true",
    "close_on_working_day": "true or false",
}

# Hints for the top-level sections of a protocol file; nested fields use FIELD_HINTS.
PROTOCOL_HINTS: dict[str, str] = {
    "partnership": "a mapping such as {key: rutland, name: Rutland partnership}",
    "boards": "a list of boards, each {key: hwb, name: ..., kind: health_and_wellbeing}",
    "duties": "a list of duties, each {id, title, owners, evidence, clause, schedule}",
}

# One text where a list was written: what to call it and an example, by field.
ONE_TEXT_EXAMPLES: dict[str, tuple[str, str]] = {
    "roles": ("title", "'Co-chairs: the Chief Executive and the Borough Commander'"),
    "title": ("title", "'LSCB annual report to the HWB and CSP'"),
    "name": ("name", "'Safer City Partnership'"),
}
# What a value of the wrong type should have been, by pydantic's error type.
EXPECTED = {
    "string_type": "text",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "date_type": "a date",
    "date_parsing": "a date",
    "date_from_datetime_parsing": "a date",
}
NUMBER_BOUNDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
LONGEST_SHOWN = 60


def shown(value: Any) -> str:
    """A value as a person wrote it in YAML: 'sepp', 13, true, 2014-10-28, a list, a mapping."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = " ".join(value.split())
        if len(text) > LONGEST_SHOWN:
            text = text[: LONGEST_SHOWN - 1] + "…"
        return f"'{text}'"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "this value"


def _hint(loc: Loc, top_level: dict[str, str]) -> str:
    """How to write the field at `loc`: its own hint (a role title's is the roles' hint)."""
    names = [part for part in loc if isinstance(part, str)]
    if len(names) == 1 and names[0] in top_level:
        return top_level[names[0]]
    if len(names) >= 2 and names[-2] == "roles":
        return FIELD_HINTS["roles"]
    return FIELD_HINTS.get(names[-1], "") if names else ""


def _one_text(loc: Loc) -> str:
    """What to say when a list was written where one text belongs."""
    names = [part for part in loc if isinstance(part, str)]
    field = "roles" if len(names) >= 2 and names[-2] == "roles" else (names[-1] if names else "")
    noun, example = ONE_TEXT_EXAMPLES.get(field, ("text", "'one line of text'"))
    return f"a list where one {noun} is expected; write one {noun}, e.g. {example}"


def _message(error: dict[str, Any]) -> str | None:
    """What is wrong, before the hint; None when the message is complete without one."""
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "is required but missing"
    if value is None and kind.endswith("_type"):
        return "is empty"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"should be a mapping (key: value lines), not {shown(value)}"
    if kind == "list_type":
        return f"should be a list, e.g. [a, b], not {shown(value)}"
    expected = EXPECTED.get(kind)
    if expected and isinstance(value, list | dict):
        return f"should be {expected}, not {shown(value)}"
    if expected:
        return f"{shown(value)} is not {expected}"
    if kind == "string_pattern_mismatch":
        return f"{shown(value)} is not a valid key or time"
    if kind in {"literal_error", "enum"}:
        return f"{shown(value)} is not one of the allowed values"
    if kind in {"too_short", "too_long"}:
        return str(error["msg"]).lower()
    if kind in NUMBER_BOUNDS:
        return f"{shown(value)} is not allowed: {str(error['msg']).lower()}"
    return f"{shown(value)} is not allowed here"


def _describe(error: dict[str, Any], allowed: list[str], hints: dict[str, str]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown field; allowed here: {', '.join(allowed)}" if allowed else "unknown field"
    if kind in {"value_error", "assertion_error"}:  # our validators quote the value: cut it short
        said = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        text = str(error.get("input"))
        return said.replace(text, excerpt(text)[1:-1]) if len(text) > EXCERPT_CHARS else said
    if kind == "string_type" and isinstance(error.get("input"), list | tuple):
        return _one_text(error["loc"])
    if kind == "date_from_datetime_inexact":
        value = shown(error.get("input"))
        return f"{value} has a time of day; write the day alone, e.g. 2014-10-28"
    message = _message(error)
    hint = _hint(error["loc"], hints)
    return f"{message}; write {hint}" if hint else str(message)


def _allowed_fields(model: type, loc: Loc) -> list[str]:
    """The field names accepted at the parent of `loc`, for 'unknown field' messages."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        fields = _fields_by_name(current)
        annotation = fields[part].annotation if part in fields else None
        current = _model_in(annotation)
    return list(_fields_by_name(current))


def _fields_by_name(model: Any) -> dict[str, Any]:
    """A model's fields under the names a file uses (`from`, not the attribute `anchor`)."""
    fields = getattr(model, "model_fields", {})
    return {(info.alias or name): info for name, info in fields.items()}


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        in_mapping = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and part < len(data)
        if not (in_mapping or in_list):
            return None
        data = data[part]
    return data


def comma_slip(loc: Loc, source: YamlSource) -> Problem | None:
    """`{title: Report to HWB, CSP}` reads CSP as a field with no value: say to quote the text.

    An unquoted comma ends a value inside `{...}`; what follows it becomes a field of its own."""
    if not loc or not isinstance(loc[-1], str) or _value_at(source.data, loc) is not None:
        return None
    parent = _value_at(source.data, loc[:-1])
    if not isinstance(parent, dict) or loc[-1] not in parent:
        return None
    keys = list(parent)
    position = keys.index(loc[-1])
    before = parent[keys[position - 1]] if position else None
    if not isinstance(before, str):
        return None
    field = (*loc[:-1], keys[position - 1])
    same_line = source.lines.get(loc) == source.lines.get(field)
    if not same_line and " " not in loc[-1] and loc[-1].islower():
        return None  # a field of its own on its own line: an unknown or empty field, not a slip
    return Problem(
        source.line_of(loc),
        dotted(field),
        f"an unquoted comma ended the text before {loc[-1]}; quote the whole text, "
        f'e.g. {keys[position - 1]}: "{before}, {loc[-1]}"',
    )


def problems_from(
    exc: ValidationError, source: YamlSource, model: type, hints: dict[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for error in exc.errors():
        loc: Loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        problem = comma_slip(loc, source) if error["type"] in COMMA_KINDS else None
        if problem is None:
            message = _describe({**error, "loc": loc}, _allowed_fields(model, loc), hints)
            problem = Problem(source.line_of(loc), dotted(loc), message)
        if (problem.line, problem.field) in seen:
            continue  # one message per field, even when pydantic tried several types
        seen.add((problem.line, problem.field))
        problems.append(problem)
    return problems


# The errors a stray `, rest of the text` in a flow mapping produces.
COMMA_KINDS = {"extra_forbidden", "literal_error", "enum", "string_type"}


def syntax_hint(problem: Problem) -> Problem:
    """Add how to fix the YAML slips people make most when writing a protocol by hand."""
    if "mapping values are not allowed" in problem.message:
        return Problem(
            problem.line,
            problem.field,
            f"{problem.message}; text with ': ' in it must be quoted, e.g. "
            "chair: 'Co-chairs: the Chief Executive and the Borough Commander'",
        )
    return problem


def _is_union_tag(part: str | int) -> bool:
    # pydantic names the union branch it tried (e.g. 'list[str]') inside the location.
    return isinstance(part, str) and ("[" in part or part in {"literal['all']", "str", "int"})
