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
