"""Read a protocol from a bundled template name or a file, or say precisely what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from schedules.protocol import checks
from schedules.protocol.errors import PROTOCOL_HINTS, problems_from, syntax_hint
from schedules.protocol.model import Protocol
from schedules.protocol.yamlsource import (
    MAX_FILE_BYTES,
    Problem,
    YamlSource,
    YamlSyntaxError,
    dotted,
    parse_yaml,
)
from storage.errors import BoardbotError

TEMPLATE_PACKAGE = "schedules.protocol.templates"
MAX_PROBLEMS_SHOWN = 20  # a file that is wrong everywhere is not another format's echo chamber


@dataclass
class ProtocolInvalid(BoardbotError):
    """A protocol file with problems; each renders as FILE:LINE: field: message."""

    filename: str
    problems: list[Problem]

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        shown = [problem.render(self.filename) for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = self.problems[MAX_PROBLEMS_SHOWN:]
        if hidden:
            shown.append(f"{self.filename}:{hidden[0].line}: and {len(hidden)} more problems")
        return "\n".join(shown)


def template_names() -> list[str]:
    folder = resources.files(TEMPLATE_PACKAGE)
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def read_source(name_or_path: str) -> tuple[str, str]:
    """(display filename, text) for a template name or a path."""
    if name_or_path in template_names():
        resource = resources.files(TEMPLATE_PACKAGE) / f"{name_or_path}.yaml"
        return f"{name_or_path}.yaml", resource.read_text(encoding="utf-8")
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(template_names())
        raise BoardbotError(
            f"no protocol called '{name_or_path}': give a bundled name ({known}) "
            "or the path of a protocol YAML file"
        )
    return str(path), read_file(path, "protocol files")


def read_file(path: Path, kind: str) -> str:
    """A YAML file's text: at most MAX_FILE_BYTES of UTF-8, or one line saying why not."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BoardbotError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        limit = f"{kind} are at most {MAX_FILE_BYTES // 1_000_000} MB"
        raise ProtocolInvalid(str(path), [Problem(1, "", f"the file is too large; {limit}")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (byte 0x{data[exc.start]:02x}); {kind} are UTF-8 YAML"
        raise ProtocolInvalid(str(path), [Problem(line, "", message)]) from None


def load_protocol(name_or_path: str) -> Protocol:
    filename, text = read_source(name_or_path)
    return parse_protocol(text, filename)


def parse_protocol(text: str, filename: str = "<protocol>") -> Protocol:
    try:
        source = parse_yaml(text, "protocol files")
    except YamlSyntaxError as exc:
        raise ProtocolInvalid(filename, [syntax_hint(exc.problem)]) from None
    if source.data is None:
        raise ProtocolInvalid(
            filename, [Problem(1, "", "the file is empty; start with a partnership: mapping")]
        )
    if not isinstance(source.data, dict):
        message = "the file should be a mapping with partnership:, boards:"
        raise ProtocolInvalid(filename, [Problem(1, "", message)])
    if not any(str(key) in Protocol.model_fields for key in source.data):
        sections = ", ".join(f"{name}:" for name in Protocol.model_fields)
        message = f"not a protocol file: it has none of the sections {sections}"
        raise ProtocolInvalid(filename, [Problem(source.line_of(()), "", message)])
    problems = list(source.duplicates)
    try:
        protocol = Protocol.model_validate(source.data)
    except ValidationError as exc:
        problems += problems_from(exc, source, Protocol, PROTOCOL_HINTS)
        raise ProtocolInvalid(filename, sorted(problems, key=lambda p: p.line)) from None
    problems += list(cross_check(protocol, source))
    if problems:
        raise ProtocolInvalid(filename, sorted(problems, key=lambda p: p.line))
    return protocol


def cross_check(protocol: Protocol, source: YamlSource) -> Iterator[Problem]:
    """What one field cannot know alone: unknown keys, duplicate ids, triggers, guests."""

    def problem(loc: tuple[str | int, ...], message: str) -> Problem:
        return Problem(source.line_of(loc), dotted(loc), message)

    yield from _duplicates(protocol.board_keys, "boards", "key", problem)
    yield from checks.check_parties(protocol, problem)
    yield from checks.check_agreement(protocol, problem)
    yield from checks.check_guests(protocol, problem)
    ids = [d.id for d in protocol.duties] + [m.id for m in protocol.joint_meetings]
    yield from _duplicates(
        ids, "duties", "id", problem, offset_split=len(protocol.duties), other="joint_meetings"
    )
    yield from _duplicates([lad.id for lad in protocol.ladders], "ladders", "id", problem)
    for index, duty in enumerate(protocol.duties):
        yield from checks.check_duty_parties(protocol, index, duty, problem)
        where = ("duties", index, "schedule")
        yield from checks.check_schedule(protocol, where, duty.id, duty.schedule, problem)
    yield from _repeats_within(protocol, problem)
    for index, meeting in enumerate(protocol.joint_meetings):
        where = ("joint_meetings", index, "schedule")
        yield from checks.check_schedule(protocol, where, meeting.id, meeting.schedule, problem)
        boards = meeting.attendees.boards
        for pos, key in enumerate([] if boards == "all" else boards):
            reason = checks.unknown_party(protocol, key, boards_only=True)
            if reason:
                yield problem(("joint_meetings", index, "attendees", "boards", pos), reason)


def _repeats_within(
    protocol: Protocol, problem: Callable[[tuple[str | int, ...], str], Problem]
) -> Iterator[Problem]:
    """A board named twice in one list is a slip: say where."""
    lists: list[tuple[tuple[str | int, ...], list[str]]] = []
    for index, duty in enumerate(protocol.duties):
        if duty.owners != "all":
            lists += [(("duties", index, "owners"), duty.owners)]
        lists += [(("duties", index, "counterparts"), duty.counterparts)]
        if duty.schedule.after_meetings:
            lists += [
                (
                    ("duties", index, "schedule", "after_meetings", "of"),
                    duty.schedule.after_meetings.of,
                )
            ]
    for index, meeting in enumerate(protocol.joint_meetings):
        if meeting.attendees.boards != "all":
            lists += [(("joint_meetings", index, "attendees", "boards"), meeting.attendees.boards)]
    for loc, keys in lists:
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            yield problem(loc, f"{', '.join(repeated)} is listed twice; name each board once")


def _duplicates(
    values: list[str],
    section: str,
    field: str,
    problem: Callable[[tuple[str | int, ...], str], Problem],
    offset_split: int | None = None,
    other: str = "",
) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            where: tuple[str | int, ...] = (section, index, field)
            if offset_split is not None and index >= offset_split:
                where = (other, index - offset_split, field)
            yield problem(where, f"'{value}' is used twice; each {field} must be unique")
        seen.add(value)
