"""What the import contracts cannot see: where queries are written, and where Slack's markup is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUERY = re.compile(r"(?<![.\w])(?:select|update|delete|insert)\(|\.exec\(|\.execute\(")


def sources(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def offending_lines(paths: list[Path], pattern: re.Pattern[str]) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{path.name}:{number}: {line.strip()}")
    return found


def test_queries_are_written_only_in_storage() -> None:
    paths = [p for p in sources("commands", "schedules", "bot") if "fakeslack" not in p.parts]
    assert offending_lines(paths, QUERY) == []


@pytest.mark.parametrize("line", ["x = select(Board)", "session.exec(query)", "    .exec(q)"])
def test_the_query_check_finds_a_query_written_elsewhere(tmp_path: Path, line: str) -> None:
    module = tmp_path / "module.py"
    module.write_text(f"{line}\n", encoding="utf-8")
    assert len(offending_lines([module], QUERY)) == 1


# Slack's markup for a mention, a channel or a special mention; `(?<!` is a regex lookbehind.
SLACK_MARKUP = re.compile(r"(?<!\(\?)<[@#!]")


def test_commands_schedules_and_storage_know_nothing_of_slacks_markup() -> None:
    """The edge turns Slack's escapes into plain tokens and renders replies; nothing else
    writes or reads `<@U…>`, `<#C…>` or `<!here>`."""
    assert offending_lines(sources("commands", "schedules", "storage"), SLACK_MARKUP) == []


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ('MENTION = re.compile(r"^<@([UW][A-Z0-9]+)>$")', True),
        ('said = f"<#{channel}|{name}>"', True),
        ('"<!here> the board meets"', True),
        ('AT = re.compile(r"(?<![\\d./:])at")', False),
        ('text = "a < b"', False),
    ],
)
def test_the_markup_check_finds_slacks_markup_and_nothing_else(
    tmp_path: Path, line: str, found: bool
) -> None:
    module = tmp_path / "module.py"
    module.write_text(f"{line}\n", encoding="utf-8")
    assert bool(offending_lines([module], SLACK_MARKUP)) is found
