"""YAML with line numbers, read safely: the line of every path, duplicate keys, and limits.

The document is built from the parser's events, one at a time, so a hostile file is refused
where it turns hostile: an alias (a billion-laughs file) before anything is expanded, nesting
past a depth before it is read further, a tag that is not plain data, a huge value or number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Loc = tuple[str | int, ...]

# Limits, far above any real protocol or setup file (docs/protocol-format.md lists them).
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_SCALAR_CHARS = 10_000
MAX_INT_DIGITS = 20
EXCERPT_CHARS = 40

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is installed
_CORE = "tag:yaml.org,2002:"
SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
COLLECTION_TAGS = {f"{_CORE}seq", f"{_CORE}map"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, at a line, for a field."""

    line: int
    field: str
    message: str

    def render(self, filename: str) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{filename}:{self.line}: {where}{self.message}"


@dataclass
class YamlSource:
    """A parsed YAML document and the line of each path in it (1-based)."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, or of its nearest ancestor that the file spells out."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


class YamlSyntaxError(Exception):
    """The text is not YAML, or not the plain data these files hold: one problem, at a line."""

    def __init__(self, line: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.problem = Problem(line, field, message)


def excerpt(value: object) -> str:
    """`value` as repr() shows it, cut short: messages never echo much of a file."""
    text = repr(value)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def dotted(loc: Loc) -> str:
    """('duties', 2, 'schedule') -> 'duties[2].schedule' (long keys cut short)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = part if len(part) <= EXCERPT_CHARS else part[: EXCERPT_CHARS - 1] + "…"
            text += f".{name}" if text else name
    return text


def parse_yaml(text: str, kind: str = "protocol files") -> YamlSource:
    """Parse `text`; raise YamlSyntaxError (with a line) when it is not plain YAML data.

    `kind` names the files in messages, e.g. "aliases are not allowed in setup files".
    """
    if len(text) > MAX_FILE_BYTES:
        raise YamlSyntaxError(1, f"{kind} are at most {MAX_FILE_BYTES // 1_000_000} MB")
    builder = _Builder(kind)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.take(event)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, kind) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"not valid YAML: character #x{code:04x} is not allowed in text"
        raise YamlSyntaxError(line, message) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"not valid YAML: {_one_line(str(exc))}") from None
    except UnicodeEncodeError as exc:  # a lone surrogate, which no file can hold
        line = text.count("\n", 0, exc.start) + 1
        message = f"not valid YAML: character #x{ord(text[exc.start]):04x} is not allowed in text"
        raise YamlSyntaxError(line, message) from None
    return builder.source


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, kind: str) -> YamlSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = _one_line(exc.problem or str(exc))
    if "maximum nesting depth" in problem:  # libyaml's own limit, met while reading ahead
        return YamlSyntaxError(line, _too_deep(kind))
    if mark is not None and problem == "found character that cannot start any token":
        # libyaml does not say which character: a tab, usually.
        rows = text.split("\n")
        row = rows[mark.line] if mark.line < len(rows) else ""
        found = row[mark.column] if mark.column < len(row) else ""
        problem = f"found character {found!r} that cannot start any token"
        if found == "\t":
            problem += " (indent with spaces, not tabs)"
    return YamlSyntaxError(line, f"not valid YAML: {problem}")


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


def _too_deep(kind: str) -> str:
    return f"nesting deeper than {MAX_DEPTH} levels is not allowed in {kind}"


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


@dataclass
class _Open:
    """A mapping or sequence being read, and where its next child goes."""

    loc: Loc
    value: dict[Any, Any] | list[Any]
    key: Any = None
    has_key: bool = False


class _Builder:
    """Builds the document from parser events, refusing what plain data does not need."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.source = YamlSource(data=None)
        self.stack: list[_Open] = []
        self.documents = 0
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()

    def refuse(self, event: yaml.Event, message: str, loc: Loc | None = None) -> YamlSyntaxError:
        field = dotted(loc) if loc else ""
        return YamlSyntaxError(_line(event), message, field)

    def take(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                message = "not valid YAML: a file holds one document; remove the second ---"
                raise self.refuse(event, message)
        elif isinstance(event, yaml.AliasEvent):
            raise self.refuse(event, f"aliases are not allowed in {self.kind}")
        elif isinstance(event, yaml.ScalarEvent):
            self.place(event, self.scalar(event))
        elif isinstance(event, yaml.CollectionStartEvent):
            self.open(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            self.stack.pop()

    def open(self, event: yaml.CollectionStartEvent) -> None:
        if event.tag not in (None, "!", *COLLECTION_TAGS):
            raise self.refuse(event, self.tag_refused(str(event.tag)))
        if len(self.stack) >= MAX_DEPTH:
            raise self.refuse(event, _too_deep(self.kind))
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and not top.has_key:
            message = "a key must be a single value such as a word, not a list or mapping"
            raise self.refuse(event, message, top.loc)
        value: dict[Any, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        loc = self.place(event, value)
        self.stack.append(_Open(loc, value))

    def place(self, event: yaml.Event, value: Any) -> Loc:
        """Put a value where the document expects its next node; return its path."""
        line = _line(event)
        if not self.stack:
            self.source.data = value
            self.source.lines.setdefault((), line)
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            loc = (*top.loc, len(top.value))
            top.value.append(value)
        elif not top.has_key:  # a key: scalars only (open() refuses the others)
            loc = (*top.loc, str(value))
            if value in top.value:
                self.source.duplicates.append(Problem(line, dotted(loc), "this key appears twice"))
            self.source.lines[loc] = line
            top.key, top.has_key = value, True
            return loc
        else:
            loc = (*top.loc, str(top.key))
            top.value[top.key] = value
            top.has_key = False
        self.source.lines.setdefault(loc, line)
        return loc

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == f"{_CORE}value":  # YAML 1.1's bare '=' is just text here
            tag = f"{_CORE}str"
        if tag not in SCALAR_TAGS:
            raise self.refuse(event, self.tag_refused(tag))
        if len(event.value) > MAX_SCALAR_CHARS:
            message = f"a value longer than {MAX_SCALAR_CHARS:,} characters is not allowed"
            raise self.refuse(event, f"{message} in {self.kind}", self.here())
        digits = event.value.lstrip("+-").replace("_", "")
        if tag == f"{_CORE}int" and len(digits) > MAX_INT_DIGITS:
            message = f"a number longer than {MAX_INT_DIGITS} digits is not allowed"
            raise self.refuse(event, f"{message} in {self.kind}", self.here())
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            kind = tag.removeprefix(_CORE)
            message = f"{excerpt(event.value)} is not a valid {kind} ({_one_line(str(exc))})"
            raise self.refuse(event, message, self.here()) from None

    def here(self) -> Loc:
        """The path of the node about to be placed (a key's own path is its parent's)."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.loc, len(top.value))
        return (*top.loc, str(top.key)) if top.has_key else top.loc

    def tag_refused(self, tag: str) -> str:
        if tag == f"{_CORE}merge":
            return f"merge keys (<<) are not allowed in {self.kind}; write each field out"
        shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
        return f"the tag {excerpt(shown)} is not allowed in {self.kind}; write plain values"
