"""The console script on the format's newer parts: show, validate, simulate with meetings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bot.cli_run import boardbot


def test_show_names_the_default_ladder_of_a_protocol_without_one() -> None:
    result = boardbot("protocols", "show", "westminster")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.rstrip()
        .splitlines()[-1]
        .startswith(
            "No ladder in this protocol; escalations use the default: Resolution between chairs: "
            "1. Chairs meet to resolve the concern"
        )
    )
    data = json.loads(boardbot("protocols", "show", "westminster", "--json").stdout)
    assert data["escalation_ladder"]["default"] is True


def test_validate_explains_a_new_fields_mistake_as_file_line_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "partnership: {key: x, name: X, agreed: 2014-10-28}\n"
        "boards:\n"
        "  - {key: hwb, name: H, kind: health_and_wellbeing, guests: [{board: hwb}]}\n"
        "duties:\n"
        "  - {id: a, title: A, owners: all, evidence: e, clause: c,\n"
        '     schedule: {every: "2 years"}}\n'
    )
    result = boardbot("protocols", "validate", str(bad))
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        f'{bad}:6: duties[0].schedule: every: "2 years" does not divide a year, so it needs '
        "from: the date the periods count from, e.g. "
        '{every: "2 years", from: 2014-10-28}'
    ]


def test_simulate_shows_meetings_and_triggers_one_row_per_event(tmp_path: Path) -> None:
    meetings = tmp_path / "meetings.yaml"
    meetings.write_text("- {board: iscb, date: 2026-11-11}\n")
    args = ["--protocol", "islington", "--from", "2026-11-01", "--to", "2026-11-30"]
    trigger = ["--trigger", "hwbb-strategy-progress-report@2026-11-05"]
    result = boardbot("simulate", *args, "--meetings", str(meetings), *trigger)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    rows = [line.split("  ")[0:2] for line in lines[4:]]
    assert ["2026-11-04", "agenda_pack"] in rows
    assert ["2026-11-05", "window_opens"] in rows
    assert ["2026-11-25", "minutes_nudge"] in rows
    as_json = json.loads(
        boardbot("simulate", *args, "--meetings", str(meetings), *trigger, "--json").stdout
    )
    packs = [p["recipient"] for p in as_json if p["kind"] == "agenda_pack"]
    assert packs == ["business_manager:iscb", "chair:hwbb"]  # one object per recipient


def test_simulate_refuses_a_bad_meetings_file_with_its_line(tmp_path: Path) -> None:
    meetings = tmp_path / "meetings.yaml"
    meetings.write_text("- {board: iscb, date: 2026-11-11}\n- {board: csp, date: 2026-11-12}\n")
    args = ["--protocol", "islington", "--from", "2026-11-01", "--to", "2026-11-30"]
    result = boardbot("simulate", *args, "--meetings", str(meetings))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{meetings}:2: [1].board: unknown board key 'csp'; use one of hwbb, iscb"
    )
    missing = boardbot("simulate", *args, "--meetings", str(tmp_path / "none.yaml"))
    assert missing.returncode == 2 and "--meetings: cannot read" in missing.stderr
