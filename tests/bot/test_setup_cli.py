"""`boardbot setup apply|show`: the report, exit codes and YAML that operators' scripts rely on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.cli.setup import binding_of, render_setup
from schedules.workspace import apply_setup, parse_setup
from storage.db import make_engine
from tests.bot.test_cli import boardbot
from tests.schedules.test_workspace import NOW, SETUP


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated by `boardbot db upgrade`; each test gets a copy."""
    path = tmp_path_factory.mktemp("setup-cli") / "cli.sqlite3"
    assert boardbot("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{path}"}).returncode == 0
    return path


@pytest.fixture
def env(tmp_path: Path, upgraded: Path) -> dict[str, str]:
    shutil.copy(upgraded, tmp_path / "cli.sqlite3")
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3"}


def test_it_applies_a_setup_file_once_and_then_reports_no_changes(
    tmp_path: Path, env: dict[str, str]
) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP)
    first = boardbot("setup", "apply", str(setup), env=env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("protocol loaded: rutland: ")
    assert "hwb: U0HWBCHAIR added as chair" in lines
    assert lines[-1] == "rutland: 9 changes"
    again = boardbot("setup", "apply", str(setup), env=env)
    assert (again.returncode, again.stdout) == (0, "rutland: no changes\n")


def test_show_prints_the_binding_in_the_setup_files_shape(
    tmp_path: Path, env: dict[str, str]
) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP)
    boardbot("setup", "apply", str(setup), env=env)
    shown = boardbot("setup", "show", "rutland", env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == (
        "partnership: rutland\n"
        "digest_channel: C0DIGEST\n"
        "boards:\n"
        "  hwb:\n"
        "    channel: C0HWB\n"
        "    people: {U0HWBCHAIR: chair, U0HWBBM: business_manager}\n"
        "  lrlscb:\n"
        "    channel: C0LSCB\n"
        "    people: {U0LSCBCHAIR: chair, U0LSCBBM: business_manager, U0SEC: secretariat}\n"
        "  lrsab:\n"
        "    people: {}\n"
    )
    copy = tmp_path / "shown.yaml"
    copy.write_text(shown.stdout)
    assert boardbot("setup", "apply", str(copy), env=env).stdout == "rutland: no changes\n"


def test_a_bad_file_exits_two_with_file_line_messages_and_writes_nothing(
    tmp_path: Path, env: dict[str, str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SETUP.replace("  lrlscb:", "  lscb:").replace("C0DIGEST", "digest"))
    result = boardbot("setup", "apply", str(bad), env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{bad}:2: digest_channel: 'digest' is not a Slack channel id; "
        "write an id such as C0123ABCD",
        f"{bad}:7: boards.lscb: unknown board key 'lscb'; use one of hwb, lrlscb, lrsab",
    ]
    assert "Traceback" not in result.stdout + result.stderr
    nothing = boardbot("setup", "show", "rutland", env=env)
    assert nothing.returncode == 2 and "no partnership 'rutland' is loaded" in nothing.stderr


@pytest.mark.parametrize("content", ["", "\x00\x01", "a: [", "partnership: 3\n", "{{{{"])
def test_it_never_prints_a_traceback_for_any_setup_file(
    tmp_path: Path, env: dict[str, str], content: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = boardbot("setup", "apply", str(bad), env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"{bad}:")
    assert "Traceback" not in result.stdout + result.stderr


def test_a_missing_file_is_named(tmp_path: Path, env: dict[str, str]) -> None:
    result = boardbot("setup", "apply", str(tmp_path / "absent.yaml"), env=env)
    assert result.returncode == 2
    assert "absent.yaml: cannot be read" in result.stderr


def test_show_round_trips_several_roles_on_both_databases(database_url: str) -> None:
    engine = make_engine(database_url)
    text = SETUP.replace("U0HWBCHAIR: chair", "U0HWBCHAIR: [chair, member]")
    with Session(engine, expire_on_commit=False) as session:
        apply_setup(parse_setup(text, session=session), session=session, now=NOW)
        shown = render_setup(binding_of("rutland", session=session))
        assert "U0HWBCHAIR: [chair, member]" in shown
        again = apply_setup(parse_setup(shown, session=session), session=session, now=NOW)
        assert again.render() == "rutland: no changes"
        session.commit()
    engine.dispose()
