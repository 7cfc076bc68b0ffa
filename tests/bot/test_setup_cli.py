"""`boardbot setup apply|show`: the report, exit codes and YAML that operators' scripts rely on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from bot.cli.setup import binding_of, render_setup
from bot.setup_file import apply_setup, parse_setup
from storage.db import make_engine
from tests.bot.test_cli import Boardbot, boardbot
from tests.bot.test_setup_file import NOW, SETUP
from tests.schedules.test_yamlsource import HOSTILE

__all__ = ["boardbot"]  # the fixture


@pytest.fixture(autouse=True)
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's `boardbot` uses its own migrated SQLite database."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)


def test_it_applies_a_setup_file_once_and_then_reports_no_changes(
    boardbot: Boardbot, tmp_path: Path
) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP)
    first = boardbot("setup", "apply", str(setup))
    assert first.code == 0, first.err
    lines = first.out.splitlines()
    assert lines[0].startswith("protocol loaded: rutland: ")
    assert "hwb: U0HWBCHAIR added as chair" in lines
    assert lines[-1] == "rutland: 9 changes"
    again = boardbot("setup", "apply", str(setup))
    assert (again.code, again.out) == (0, "rutland: no changes\n")


def test_show_prints_the_binding_in_the_setup_files_shape(
    boardbot: Boardbot, tmp_path: Path
) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP)
    boardbot("setup", "apply", str(setup))
    shown = boardbot("setup", "show", "rutland")
    assert shown.code == 0, shown.err
    assert shown.out == (
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
    copy.write_text(shown.out)
    assert boardbot("setup", "apply", str(copy)).out == "rutland: no changes\n"


def test_a_bad_file_exits_two_with_file_line_messages_and_writes_nothing(
    boardbot: Boardbot, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SETUP.replace("  lrlscb:", "  lscb:").replace("C0DIGEST", "digest"))
    result = boardbot("setup", "apply", str(bad))
    assert result.code == 2
    assert result.err.splitlines() == [
        f"{bad}:2: digest_channel: 'digest' is not a Slack channel id; "
        "write an id such as C0123ABCD, or #its-name",
        f"{bad}:7: boards.lscb: unknown board key 'lscb'; use one of hwb, lrlscb, lrsab",
    ]
    nothing = boardbot("setup", "show", "rutland")
    assert nothing.code == 2 and "no partnership 'rutland' is loaded" in nothing.err


@pytest.mark.parametrize("content", ["", "\x00\x01", "a: [", "partnership: 3\n", "{{{{"])
def test_it_never_prints_a_traceback_for_any_setup_file(
    boardbot: Boardbot, tmp_path: Path, content: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = boardbot("setup", "apply", str(bad))
    assert result.code == 2
    assert result.err.startswith(f"{bad}:")


@pytest.mark.parametrize("name", HOSTILE)
def test_apply_refuses_a_hostile_file_in_one_line(
    boardbot: Boardbot, tmp_path: Path, name: str
) -> None:
    case, file = HOSTILE[name], tmp_path / f"{name}.yaml"
    file.write_text(case.text)
    result = boardbot("setup", "apply", str(file))
    expected = f"{file}:{case.line}: " + case.message.format(kind="setup files")
    assert (result.code, result.out, result.err) == (2, "", expected + "\n")


def test_apply_refuses_a_file_too_large_without_reading_it_all(
    boardbot: Boardbot, tmp_path: Path
) -> None:
    file = tmp_path / "large.yaml"
    file.write_text("partnership: rutland\n# " + "x" * 2_000_000 + "\n")
    result = boardbot("setup", "apply", str(file))
    assert (result.code, result.err) == (
        2,
        f"{file}:1: the file is too large; setup files are at most 1 MB\n",
    )


def test_a_missing_file_is_named(boardbot: Boardbot, tmp_path: Path) -> None:
    result = boardbot("setup", "apply", str(tmp_path / "absent.yaml"))
    assert result.code == 2
    assert "absent.yaml: cannot be read" in result.err


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
