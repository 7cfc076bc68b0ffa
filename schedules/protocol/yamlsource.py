"""YAML with line numbers: parse once, remember where every path starts, catch duplicate keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Loc = tuple[str | int, ...]


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


def dotted(loc: Loc) -> str:
    """('duties', 2, 'schedule') -> 'duties[2].schedule'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_yaml(text: str) -> YamlSource:
    """Parse `text`; raise YamlSyntaxError (with a line) when it is not YAML."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(line, f"not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"not valid YAML: {exc}") from None
    source = YamlSource(data=None)
    if node is None:
        return source
    source.data = _walk(node, (), source, yaml.SafeLoader(""))
    return source


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(line, "", message)


def _walk(node: yaml.Node, loc: Loc, source: YamlSource, loader: yaml.SafeLoader) -> Any:
    source.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)  # our formats use scalar keys only
            child = (*loc, str(key))
            if key in result:
                source.duplicates.append(
                    Problem(key_node.start_mark.line + 1, dotted(child), "this key appears twice")
                )
            source.lines[child] = key_node.start_mark.line + 1
            result[key] = _walk(value_node, child, source, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*loc, i), source, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node)
