"""`boardbot audit` and `boardbot evidence`: output, filters, exit codes and one-line refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlmodel import Session

from storage.db import make_engine
from tests.bot.cli_run import boardbot
from tests.commands.conftest import BoundPartnership, bind_rutland, row_counts
from tests.schedules.evidence.year_of_activity import seed_year

AT = "2027-03-10T12:00:00+00:00"


@pytest.fixture
def env(database_url: str, bound: BoundPartnership) -> dict[str, str]:
    """The rutland partnership, loaded but never ticked, in the database the CLI will use."""
    return {"DATABASE_URL": database_url}


@pytest.fixture
def sqlite_env(sqlite_url: str) -> dict[str, str]:
    """The same on SQLite only, for refusals that do not depend on the database."""
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        bind_rutland(session)
    engine.dispose()
    return {"DATABASE_URL": sqlite_url}


def counts(bound: BoundPartnership) -> dict[str, int]:
    bound.session.rollback()  # see what the other process committed
    return row_counts(bound.session)


def test_a_fresh_database_gives_a_header_and_a_row_per_occurrence_and_writes_nothing(
    env: dict[str, str], bound: BoundPartnership
) -> None:
    before = counts(bound)
    result = boardbot("evidence", "rutland", "--year", "2026/27", "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["partnership", "duty_id", "title"] and len(rows[0]) == 15
    assert sorted(r[1] for r in rows[1:]) == [
        "hwb-strategy-review-to-safeguarding-boards",
        "lrlscb-annual-report-to-hwb",
        "lrsab-annual-report-to-hwb",
        "refreshed-plans-shared",
    ]
    assert counts(bound) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["rutland", "--year", "2026/28"],
            "error: --year: '2026/28' is not a year; write it as 2026/27",
        ),
        (["rutland", "--year", "2026"], "error: --year: '2026' is not a year"),
        (
            ["nowhere", "--year", "2026/27"],
            "error: there is no partnership 'nowhere' (known: rutland)",
        ),
        (
            ["rutland", "--format", "pdf"],
            "error: --format: 'pdf' is not a format of the evidence pack; use html, csv or json",
        ),
        (["rutland", "--at", "soon"], "error: --at: 'soon' is not a date and time"),
    ],
)
def test_a_bad_year_partnership_or_format_gets_one_line_and_exit_two(
    sqlite_env: dict[str, str], args: list[str], message: str
) -> None:
    result = boardbot("evidence", *args, env=sqlite_env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(message)


def test_it_writes_the_pack_to_a_file(sqlite_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "pack.json"
    result = boardbot(
        "evidence", "rutland", "--year", "2026/27", "--format", "json", "--out", str(out),
        "--at", AT, env=sqlite_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out}: json evidence pack of rutland 2026/27\n"
    document = json.loads(out.read_text())
    assert (document["year"], len(document["duties"])) == ("2026/27", 4)


def test_an_unwritable_out_file_is_refused_in_one_line(
    sqlite_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "missing" / "pack.html"
    result = boardbot("evidence", "rutland", "--out", str(out), env=sqlite_env)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: --out: cannot write {out} (No such file or directory)"


def test_html_is_the_default_on_standard_output(sqlite_env: dict[str, str]) -> None:
    result = boardbot("evidence", "rutland", "--year", "2026/27", "--at", AT, env=sqlite_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!doctype html>") and '<svg class="timeline"' in result.stdout


def test_audit_lists_the_trail_and_keeps_to_the_days_asked_for(
    env: dict[str, str], bound: BoundPartnership
) -> None:
    seed_year(bound)
    everything = boardbot("audit", "rutland", env=env)
    assert everything.returncode == 0, everything.stderr
    head, *entries = everything.stdout.splitlines()
    assert head.endswith("21 audit entries from the start to now (London time, oldest first)")
    assert entries[0].startswith("2026-05-20 11:00  U0HWBBM (HWB business manager)  duty.done")
    july = boardbot(
        "audit", "rutland", "--from", "2026-07-02", "--to", "2026-07-03", "--json", env=env
    )
    assert july.returncode == 0, july.stderr
    found = json.loads(july.stdout)
    assert [(e["action"], e["at_london"]) for e in found] == [
        ("agenda.accepted", "2026-07-02 11:00"),
        ("agenda.declined", "2026-07-03 11:00"),
    ]
    assert found[1]["actor_name"] == "HWB business manager"
    assert found[1]["record"] == "LRSAB → HWB: Transitions to adult care"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "error: there is no partnership 'nowhere' (known: rutland)"),
        (["rutland", "--from", "2026-13-01"], "error: --from: '2026-13-01' is not a date"),
        (
            ["rutland", "--from", "2026-07-02", "--to", "2026-07-01"],
            "error: --to is before --from",
        ),
    ],
)
def test_audit_refuses_a_bad_partnership_or_date_in_one_line(
    sqlite_env: dict[str, str], args: list[str], message: str
) -> None:
    result = boardbot("audit", *args, env=sqlite_env)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(message)


def test_audit_of_a_quiet_span_says_so(sqlite_env: dict[str, str]) -> None:
    result = boardbot("audit", "rutland", "--from", "2030-01-01", env=sqlite_env)
    assert (result.returncode, result.stdout) == (
        0,
        "No audit entries for rutland from 2030-01-01 to now.\n",
    )
