"""The `boardbot` console script: exit codes, messages and JSON that other tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def boardbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_it_lists_the_bundled_protocols() -> None:
    from schedules.protocol import template_names

    result = boardbot("protocols", "list")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == template_names()


def test_it_validates_a_good_file_with_exit_zero(tmp_path: Path) -> None:
    result = boardbot("protocols", "validate", "rutland")
    assert result.returncode == 0, result.stdout
    assert "valid" in result.stdout


def test_it_rejects_a_broken_file_with_exit_two_and_file_line_messages(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "partnership: {key: x, name: X}\n"
        "boards:\n"
        "  - {key: hwb, name: H, kind: health_and_wellbeing}\n"
        "duties:\n"
        "  - id: a\n"
        "    title: A\n"
        "    owners: [lscb]\n"
        "    evidence: e\n"
        "    clause: c\n"
        "    schedule: {windows: [{opens: sep, closes: nov}]}\n"
    )
    result = boardbot("protocols", "validate", str(broken))
    assert result.returncode == 2
    assert result.stdout.strip() == (
        f"{broken}:7: duties[0].owners[0]: unknown board key 'lscb'; use one of hwb"
    )
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "content",
    ["", "\x00\x01", "a: [", "- just\n- a list\n", "partnership: 3\nboards: 4\n", "{{{{"],
)
def test_it_never_prints_a_traceback_for_any_input_file(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = boardbot("protocols", "validate", str(bad))
    assert result.returncode == 2
    assert result.stdout.startswith(f"{bad}:")
    assert "Traceback" not in result.stdout + result.stderr


def test_it_shows_a_protocol_as_json_with_ladders_and_stages() -> None:
    result = boardbot("protocols", "show", "rutland", "--json")
    data = json.loads(result.stdout)
    assert data["key"] == "rutland"
    assert [b["key"] for b in data["boards"]] == ["hwb", "lrlscb", "lrsab"]
    assert {"id", "title", "owners", "counterparts", "clause", "schedule"} <= set(data["duties"][0])
    assert data["ladders"] == []


def test_it_simulates_a_year_as_one_json_array() -> None:
    result = boardbot(
        "simulate", "--protocol", "rutland", "--from", "2026-04-01", "--to", "2027-03-31", "--json"
    )
    assert result.returncode == 0, result.stderr
    prompts = json.loads(result.stdout)
    first = prompts[0]
    assert {
        "date",
        "kind",
        "duty",
        "title",
        "owners",
        "counterparts",
        "window",
        "recipient",
        "text",
    } <= set(first)
    assert [p["date"] for p in prompts] == sorted(p["date"] for p in prompts)
    opening = next(p for p in prompts if p["duty"] == "lrlscb-annual-report-to-hwb")
    assert opening == {
        **opening,
        "date": "2026-09-01",
        "kind": "window_opens",
        "owners": ["lrlscb"],
        "counterparts": ["hwb"],
        "window": {"opens": "2026-09-01", "closes": "2026-11-30"},
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2027-03-31"], "--from: '2026-13-01' is not a date"),
        (["--from", "2026-04-01", "--to", "yesterday"], "--to: 'yesterday' is not a date"),
        (["--from", "2027-04-01", "--to", "2026-03-31"], "--to is before --from"),
    ],
)
def test_it_refuses_bad_dates_with_the_right_form(args: list[str], message: str) -> None:
    result = boardbot("simulate", "--protocol", "rutland", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "YYYY-MM-DD" in result.stderr or "--from" in result.stderr


def test_it_migrates_and_loads_a_protocol_into_the_database_given(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3"}
    assert boardbot("db", "upgrade", env=env).returncode == 0
    first = boardbot("protocols", "load", "rutland", env=env)
    again = boardbot("protocols", "load", "rutland", env=env)
    assert first.returncode == 0 and again.returncode == 0
    assert "rutland: " in first.stdout and "0 created, 0 updated, 0 retired" in again.stdout
    assert "agree" in boardbot("db", "check", env=env).stdout


def test_it_names_a_malformed_environment_variable() -> None:
    result = boardbot("db", "current", env={"PORT": "eighty"})
    assert result.returncode == 2
    assert "PORT" in result.stderr


def test_it_asks_for_a_migration_instead_of_printing_a_traceback(tmp_path: Path) -> None:
    result = boardbot("outbox", env={"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"})
    assert result.returncode == 2
    assert "run `boardbot db upgrade` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_says_when_the_database_cannot_be_reached() -> None:
    result = boardbot("outbox", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode == 2
    assert "check DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
