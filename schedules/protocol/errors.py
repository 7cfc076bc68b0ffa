"""Turn pydantic's validation errors into `field: what is wrong and how to write it`."""

from __future__ import annotations

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
    "owners": "a list of board keys, e.g. [lscb]",
    "counterparts": "a list of board keys, e.g. [hwb]",
    "of": "a list of board keys, e.g. [hwb, lscb]",
    "boards": "all, or a list of board keys, e.g. [hwb, lscb]",
    "opens": "a month name or number, e.g. sep or 9",
    "closes": "a month name or number, e.g. nov or 11",
    "month": "a month name or number, e.g. jun or 6",
    "year_start_month": "a month name or number, e.g. apr",
    "every": "one of quarter, half-year, year",
    "kind": "one of health_and_wellbeing, safeguarding_children, safeguarding_adults, "
    "community_safety, childrens_trust, corporate_parenting, other",
    "roles": "role names chair, business_manager, secretariat, member",
    "timezone": "Europe/London",
    "send_time": "a 24-hour time such as 09:00",
    "schedule": "e.g. {windows: [{opens: sep, closes: nov}]} or {every: quarter}",
    "stages": "a list of stages, each {name, who_acts, response_working_days}",
    "within_working_days": "a whole number of working days, e.g. 10",
    "clause": 'text; quote numbers so that 5.10 stays 5.10, e.g. clause: "5.3"',
    "title": "text, e.g. LSCB annual report to the HWB",
    "response_working_days": "a whole number of working days, e.g. 10",
}

# Hints for the top-level sections of a protocol file; nested fields use FIELD_HINTS.
PROTOCOL_HINTS: dict[str, str] = {
    "partnership": "a mapping such as {key: rutland, name: Rutland partnership}",
    "boards": "a list of boards, each {key: hwb, name: ..., kind: health_and_wellbeing}",
    "duties": "a list of duties, each {id, title, owners, evidence, clause, schedule}",
}


def _hint(loc: Loc, top_level: dict[str, str]) -> str:
    names = [part for part in loc if isinstance(part, str)]
    if len(loc) == 1 and names and names[0] in top_level:
        return top_level[names[0]]
    for name in reversed(names):
        if name in FIELD_HINTS:
            return FIELD_HINTS[name]
    return ""


def _describe(error: dict[str, Any], allowed: list[str], hints: dict[str, str]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        message = "is required but missing"
    elif kind == "extra_forbidden":
        return f"unknown field; allowed here: {', '.join(allowed)}" if allowed else "unknown field"
    elif kind == "value_error":  # our validators' messages quote the value: cut it short
        message = str(error["msg"]).removeprefix("Value error, ")
        text = str(value)
        return message.replace(text, excerpt(text)[1:-1]) if len(text) > EXCERPT_CHARS else message
    elif kind in {"model_type", "dict_type", "model_attributes_type"}:
        message = f"should be a mapping (key: value lines), not {type(value).__name__}"
    elif kind == "list_type":
        message = f"should be a list, e.g. [a, b], not {excerpt(value)}"
    elif kind == "string_pattern_mismatch":
        message = f"{excerpt(value)} is not a valid key or time"
    elif kind == "literal_error":
        message = f"{excerpt(value)} is not one of the allowed values"
    elif kind in {"int_parsing", "int_type", "int_from_float"}:
        message = f"{excerpt(value)} should be a whole number"
    elif kind in {"too_short", "too_long"}:
        message = str(error["msg"]).lower()
    else:
        message = f"{excerpt(value)} is not allowed: {str(error['msg']).lower()}"
    hint = _hint(error["loc"], hints)
    return f"{message}; write {hint}" if hint else message


def _allowed_fields(model: type, loc: Loc) -> list[str]:
    """The field names accepted at the parent of `loc`, for 'unknown field' messages."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", {})
        annotation = fields[part].annotation if part in fields else None
        current = _model_in(annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def problems_from(
    exc: ValidationError, source: YamlSource, model: type, hints: dict[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for error in exc.errors():
        loc: Loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        problem = Problem(source.line_of(loc), dotted(loc), "")
        if (problem.line, problem.field) in seen:
            continue  # one message per field, even when pydantic tried several types
        seen.add((problem.line, problem.field))
        message = _describe({**error, "loc": loc}, _allowed_fields(model, loc), hints)
        problems.append(Problem(problem.line, problem.field, message))
    return problems


def _is_union_tag(part: str | int) -> bool:
    # pydantic names the union branch it tried (e.g. 'list[str]') inside the location.
    return isinstance(part, str) and ("[" in part or part in {"literal['all']", "str", "int"})
