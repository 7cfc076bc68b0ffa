"""The `boardbot` console script: exit codes, messages and JSON that other tools rely on.

Most tests run the CLI in this process (`bot.cli.run`), usage errors too. A few run the
installed script of the project's virtualenv (built from the lock): a smoke test, a usage error,
and what start-up imports.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from bot.cli import run
from bot.cli.common import SCHEMA_BEHIND, database_trouble
from storage.db import make_engine
from tests.schedules.test_yamlsource import HOSTILE

SCRIPT = Path(sys.executable).with_name("boardbot")  # the virtualenv's console script


@dataclass
class Result:
    code: int
    out: str
    err: str


Boardbot = Callable[..., Result]


@pytest.fixture
def boardbot(capsys: pytest.CaptureFixture[str]) -> Boardbot:
    """`boardbot ARGS` in this process: exit code, stdout and stderr."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = run(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


def script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_the_installed_script_lists_the_bundled_protocols() -> None:
    from schedules.protocol import template_names

    result = script("protocols", "list")
    assert (result.returncode, result.stderr) == (0, "")
    assert [line.split()[0] for line in result.stdout.splitlines()] == template_names()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        pytest.param(
            ["--bogus"],
            {},
            "error: No such option: --bogus (`boardbot --help` shows the usage)",
            id="unknown-option",
        ),
        pytest.param(
            ["nosuchcommand"], {}, "error: No such command 'nosuchcommand'.", id="unknown-command"
        ),
        pytest.param(
            ["outbox", "retry", "notanumber"],
            {},
            "error: Invalid value for 'ID': ",
            id="not-a-number",
        ),
        pytest.param(
            ["web", "--workers", "0"],
            {},
            "error: Invalid value for '--workers': ",
            id="out-of-range",
        ),
        pytest.param(
            ["outbox"],
            {"DATABASE_URL": "notaurl"},
            "error: DATABASE_URL is not a database URL",
            id="not-a-database-url",
        ),
        pytest.param(
            ["protocols", "show"], {}, "error: Missing argument 'NAME'.", id="missing-argument"
        ),
        pytest.param(
            ["simulate", "--from", "2026-04-01"],
            {},
            "error: Missing option '--protocol'.",
            id="missing-option",
        ),
    ],
)
def test_a_usage_error_is_one_line_and_exit_two(
    boardbot: Boardbot,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = boardbot(*args)
    assert (result.code, result.out) == (2, "")
    assert len(result.err.splitlines()) == 1, result.err
    assert result.err.startswith(message)


def test_the_installed_script_says_a_usage_error_in_one_line_with_exit_two() -> None:
    result = script("--bogus")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: No such option: --bogus (`boardbot --help` shows the usage)\n"


def test_help_and_protocols_list_start_without_the_heavy_libraries() -> None:
    heavy = ["sqlalchemy", "sqlmodel", "slack_bolt", "slack_sdk", "apscheduler", "dateparser"]
    heavy += ["gunicorn", "alembic", "psycopg", "holidays", "bot.settings"]
    probe = (
        "import contextlib, io, sys\n"
        "from bot.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = run(sys.argv[1:])\n"
        f"print(code, [name for name in {heavy!r} if name in sys.modules])\n"
    )
    for args in (["--help"], ["protocols", "list"]):
        result = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60
        )
        assert result.stdout == "0 []\n", (args, result.stdout, result.stderr)


def test_bare_commands_print_their_help(boardbot: Boardbot) -> None:
    top = boardbot()
    assert top.code == 0 and top.out.startswith("Usage: boardbot [OPTIONS] COMMAND")
    listed = {line.split()[0] for line in top.out.split("Commands:")[1].splitlines() if line}
    assert {
        "protocols",
        "simulate",
        "setup",
        "db",
        "sandbox",
        "clock",
        "outbox",
        "digest",
    } <= listed
    assert "demo" not in listed
    family = boardbot("protocols")
    assert family.code == 0 and "validate" in family.out


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["simulate"],
        ["sandbox"],
        ["web"],
        ["run"],
        ["db"],
        ["db", "upgrade"],
        ["protocols"],
        ["protocols", "show"],
        ["protocols", "validate"],
        ["setup", "apply"],
        ["setup", "show"],
        ["clock"],
        ["outbox"],
        ["outbox", "retry"],
        ["digest"],
        ["audit"],
        ["evidence"],
        ["meetings"],
        ["meetings", "import"],
        ["meetings", "feeds"],
        ["calendar"],
        ["calendar", "url"],
        ["calendar", "revoke"],
        ["workspaces"],
        ["workspaces", "remove"],
    ],
    ids=lambda command: " ".join(command) or "boardbot",
)
def test_help_shows_no_type_tags(boardbot: Boardbot, command: list[str]) -> None:
    result = boardbot(*command, "--help")
    assert result.code == 0
    assert not re.search(r"<[a-z][a-z ]*>", result.out), result.out  # <bool>, <int range>


def test_it_validates_a_good_file_with_exit_zero(boardbot: Boardbot) -> None:
    result = boardbot("protocols", "validate", "rutland")
    assert result.code == 0, result.out
    assert "valid" in result.out


def test_it_rejects_a_broken_file_with_exit_two_and_file_line_messages(
    boardbot: Boardbot, tmp_path: Path
) -> None:
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
    assert result.code == 2
    assert result.out.strip() == (
        f"{broken}:7: duties[0].owners[0]: unknown board key 'lscb'; use one of hwb"
    )


@pytest.mark.parametrize(
    "content",
    ["", "\x00\x01", "a: [", "- just\n- a list\n", "partnership: 3\nboards: 4\n", "{{{{"],
)
def test_it_never_prints_a_traceback_for_any_input_file(
    boardbot: Boardbot, tmp_path: Path, content: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = boardbot("protocols", "validate", str(bad))
    assert result.code == 2
    assert result.out.startswith(f"{bad}:")


def test_it_shows_a_protocol_as_json_with_ladders_and_stages(boardbot: Boardbot) -> None:
    data = json.loads(boardbot("protocols", "show", "rutland", "--json").out)
    assert data["key"] == "rutland"
    assert [b["key"] for b in data["boards"]] == ["hwb", "lrlscb", "lrsab"]
    assert {"id", "title", "owners", "counterparts", "clause", "schedule"} <= set(data["duties"][0])
    assert data["ladders"] == []


def test_it_simulates_a_year_as_one_json_array(boardbot: Boardbot) -> None:
    result = boardbot(
        "simulate", "--protocol", "rutland", "--from", "2026-04-01", "--to", "2027-03-31", "--json"
    )
    assert result.code == 0, result.err
    prompts = json.loads(result.out)
    fields = {"date", "kind", "duty", "title", "owners", "counterparts", "window", "recipient"}
    assert fields | {"text"} <= set(prompts[0])
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
def test_it_refuses_bad_dates_with_the_right_form(
    boardbot: Boardbot, args: list[str], message: str
) -> None:
    result = boardbot("simulate", "--protocol", "rutland", *args)
    assert result.code == 2
    assert result.err.startswith(f"error: {message}") and len(result.err.splitlines()) == 1
    assert "YYYY-MM-DD" in result.err or "--from" in result.err


def test_it_migrates_and_loads_a_protocol_into_the_database_given(
    boardbot: Boardbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    assert boardbot("db", "upgrade").code == 0
    first = boardbot("protocols", "load", "rutland")
    again = boardbot("protocols", "load", "rutland")
    assert first.code == 0 and again.code == 0
    assert "rutland: " in first.out and "0 created, 0 updated, 0 retired" in again.out
    assert "agree" in boardbot("db", "check").out


def test_it_names_a_malformed_environment_variable(
    boardbot: Boardbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "eighty")
    result = boardbot("db", "current")
    assert result.code == 2
    assert "PORT" in result.err and len(result.err.splitlines()) == 1


def test_it_asks_for_a_migration_when_the_database_is_empty(
    boardbot: Boardbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/empty.sqlite3")
    result = boardbot("outbox")
    assert (result.code, result.err) == (2, f"error: {SCHEMA_BEHIND}\n")


def test_it_asks_for_a_migration_when_the_schema_is_behind_the_code(
    boardbot: Boardbot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
        connection.execute("ALTER TABLE outboxprompt DROP COLUMN late")  # as an older release
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    result = boardbot("outbox")
    assert (result.code, result.err) == (2, f"error: {SCHEMA_BEHIND}\n")


@pytest.mark.parametrize(
    "query", ["SELECT no_such_column FROM outboxprompt", "SELECT 1 FROM no_such_table"]
)
def test_a_missing_column_or_table_means_the_schema_is_behind(
    database_url: str, query: str
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session, pytest.raises(DBAPIError) as raised:
        session.execute(text(query))
    engine.dispose()
    assert database_trouble(raised.value) == SCHEMA_BEHIND


def test_it_says_when_the_database_cannot_be_reached(
    boardbot: Boardbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = boardbot("outbox")
    assert result.code == 2
    assert "check DATABASE_URL" in result.err and len(result.err.splitlines()) == 1


@pytest.mark.parametrize("name", HOSTILE)
def test_validate_refuses_a_hostile_file_in_one_line(
    boardbot: Boardbot, tmp_path: Path, name: str
) -> None:
    case, file = HOSTILE[name], tmp_path / f"{name}.yaml"
    file.write_text(case.text)
    result = boardbot("protocols", "validate", str(file))
    expected = f"{file}:{case.line}: " + case.message.format(kind="protocol files")
    assert (result.code, result.out, result.err) == (2, expected + "\n", "")


PASSWD = "root:x:0:0:root:/root:/bin/bash\nsecretary:x:1000:1000:Secretary:/home/s:/bin/sh\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(PASSWD.encode(), ":1: the file should be a mapping", id="passwd"),
        pytest.param(
            b"user: secretary\npassword: s3cret-value\n", ":1: not a protocol file", id="settings"
        ),
        pytest.param(bytes(range(256)) * 8, ":2: not UTF-8 text (byte 0x80)", id="binary"),
        pytest.param(
            b"partnership:\n  name: " + b"s3cret-value" * 1_000_000,
            ":1: the file is too large; protocol files are at most 1 MB",
            id="ten-megabytes",
        ),
    ],
)
def test_load_refuses_a_file_that_is_not_a_protocol_without_echoing_it(
    boardbot: Boardbot, tmp_path: Path, content: bytes, message: str
) -> None:
    file = tmp_path / "not-a-protocol"
    file.write_bytes(content)
    result = boardbot("protocols", "load", str(file))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"{file}{message}") and len(result.err.splitlines()) == 1
    assert "s3cret" not in result.err and "/bin/bash" not in result.err
