"""The clock's keeping of each digest channel's tracker canvas, against a keeper that answers as
scripted: made once, redrawn only on a change, retried after a failure, never made twice, and
switched off once where the channel cannot have it."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from schedules.canvases import CanvasAnswer, refresh_trackers
from storage.models import TrackerCanvas
from storage.queries.partnerships import partnership_by_key
from storage.queries.trackers import switched_off
from tests.commands.conftest import BoundPartnership
from tests.schedules.evidence.year_of_activity import moment, occurrence, run

DIGEST = "C0DIGEST"
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@dataclass
class ScriptedKeeper:
    """Keeps canvases in memory; `script` answers the next calls of a kind instead."""

    canvases: dict[str, str] = field(default_factory=dict)  # canvas id -> markdown
    channels: dict[str, str] = field(default_factory=dict)  # channel -> canvas id
    script: dict[str, list[CanvasAnswer]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    made_anyway: bool = False  # a scripted create failure happened in Slack all the same
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def scripted(self, kind: str) -> CanvasAnswer | None:
        queue = self.script.get(kind) or []
        return queue.pop(0) if queue else None

    def create(self, channel: str, markdown: str) -> CanvasAnswer:
        self.calls.append(("create", channel))
        answer = self.scripted("create")
        if answer is None and channel in self.channels:
            return CanvasAnswer(error="channel_canvas_already_exists", taken=True)
        if answer is None or self.made_anyway:
            canvas_id = f"F{next(self._ids):04d}"
            self.canvases[canvas_id], self.channels[channel] = markdown, canvas_id
            return answer or CanvasAnswer(canvas_id=canvas_id)
        return answer

    def replace(self, canvas_id: str, markdown: str) -> CanvasAnswer:
        self.calls.append(("replace", canvas_id))
        answer = self.scripted("replace")
        if answer is None and canvas_id not in self.canvases:
            return CanvasAnswer(error="canvas_not_found", gone=True)
        if answer is None:
            self.canvases[canvas_id] = markdown
        return answer or CanvasAnswer(canvas_id=canvas_id)

    def find(self, channel: str) -> CanvasAnswer:
        self.calls.append(("find", channel))
        return self.scripted("find") or CanvasAnswer(canvas_id=self.channels.get(channel))

    def shown(self, channel: str = DIGEST) -> str:
        return self.canvases[self.channels[channel]]

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.calls]


def row(engine: Engine, channel: str = DIGEST) -> TrackerCanvas:
    with Session(engine) as session:
        found = session.get(TrackerCanvas, channel)
        assert found is not None
        return found


@pytest.fixture
def keeper() -> ScriptedKeeper:
    return ScriptedKeeper()


def test_the_canvas_is_made_once_and_redrawn_only_when_the_record_changes(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    assert refresh_trackers(engine, NOON, keeper) == 1
    assert keeper.kinds() == ["create"]
    assert keeper.shown().startswith("# Rutland Health and Well-Being Board")
    for minutes in (5, 10, 60 * 5):
        assert refresh_trackers(engine, NOON + timedelta(minutes=minutes), keeper) == 0
    assert keeper.kinds() == ["create"]
    run(bound, NOON, "/duties", "lrlscb", "U0LSCBBM")
    assert refresh_trackers(engine, NOON + timedelta(minutes=15), keeper) == 0  # a read: same
    lscb = occurrence(bound, "lrlscb-annual-report-to-hwb", date(2026, 9, 1))
    run(bound, NOON, "/duties", f"done {lscb.id} https://example.org/r.pdf", "U0LSCBBM")
    assert refresh_trackers(engine, NOON + timedelta(minutes=20), keeper) == 1
    assert keeper.kinds() == ["create", "replace"]
    assert "**Done on time**: LRLSCB annual report" in keeper.shown()
    assert len(keeper.canvases) == 1


def test_a_new_day_redraws_only_when_a_status_moved(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    refresh_trackers(engine, moment(2026, 11, 27, 12), keeper)  # a Friday
    refresh_trackers(engine, moment(2026, 11, 28, 12), keeper)  # nothing falls due
    assert keeper.kinds() == ["create"]
    refresh_trackers(engine, moment(2026, 12, 1, 12), keeper)  # the annual reports overdue
    assert keeper.kinds() == ["create", "replace"]
    for board in ("LRLSCB", "LRSAB"):
        assert f"**Overdue**: {board} annual report" in keeper.shown()


def test_a_failure_is_tried_again_next_tick_and_logged_once(
    bound: BoundPartnership,
    engine: Engine,
    keeper: ScriptedKeeper,
    caplog: pytest.LogCaptureFixture,
) -> None:
    keeper.script["create"] = [CanvasAnswer(error="ratelimited")] * 3
    with caplog.at_level(logging.WARNING, logger="schedules.canvases"):
        for minutes in (0, 5, 10, 15):
            refresh_trackers(engine, NOON + timedelta(minutes=minutes), keeper)
    assert keeper.kinds() == ["create"] * 4
    assert len(keeper.canvases) == 1 and row(engine).last_error is None
    assert sum("ratelimited" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize(
    "error",
    [
        "team_tier_cannot_create_channel_canvases",
        "canvas_disabled_user_team",
        "not_allowed_token_type",
    ],
)
def test_a_workspace_without_canvases_switches_the_channel_off_once(
    bound: BoundPartnership,
    engine: Engine,
    keeper: ScriptedKeeper,
    caplog: pytest.LogCaptureFixture,
    error: str,
) -> None:
    keeper.script["create"] = [CanvasAnswer(error=error, off=True)]
    with caplog.at_level(logging.WARNING, logger="schedules.canvases"):
        for minutes in (0, 5, 10):
            assert refresh_trackers(engine, NOON + timedelta(minutes=minutes), keeper) == 0
    assert keeper.kinds() == ["create"]  # and never again for that channel
    assert sum(error in r.getMessage() for r in caplog.records) == 1
    with Session(engine) as session:
        off = switched_off(session=session)
    assert [(r.channel, r.off_reason, r.off_since) for r in off] == [(DIGEST, error, NOON)]


def test_an_edit_refused_for_good_switches_the_channel_off(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    refresh_trackers(engine, NOON, keeper)
    keeper.script["replace"] = [CanvasAnswer(error="canvas_disabled_user_team", off=True)]
    refresh_trackers(engine, NOON + timedelta(days=8), keeper)
    refresh_trackers(engine, NOON + timedelta(days=9), keeper)
    assert keeper.kinds() == ["create", "replace"]
    assert row(engine).off_reason == "canvas_disabled_user_team"


def test_a_create_whose_answer_was_lost_is_found_not_made_again(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    keeper.made_anyway = True  # Slack made it, and the answer never came back
    keeper.script["create"] = [CanvasAnswer(error="network: TimeoutError", uncertain=True)]
    refresh_trackers(engine, NOON, keeper)
    assert row(engine).creating is True and row(engine).canvas_id is None
    keeper.made_anyway = False
    refresh_trackers(engine, NOON + timedelta(minutes=5), keeper)
    assert keeper.kinds() == ["create", "find", "replace"]
    assert len(keeper.canvases) == 1
    assert row(engine).canvas_id == keeper.channels[DIGEST] and row(engine).creating is False


def test_a_create_that_did_not_happen_after_all_is_made_once_after_looking(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    keeper.script["create"] = [CanvasAnswer(error="internal_error", uncertain=True)]
    refresh_trackers(engine, NOON, keeper)
    keeper.script["find"] = [CanvasAnswer(error="ratelimited")]
    refresh_trackers(engine, NOON + timedelta(minutes=5), keeper)  # cannot look: waits
    refresh_trackers(engine, NOON + timedelta(minutes=10), keeper)
    assert keeper.kinds() == ["create", "find", "find", "create"]
    assert len(keeper.canvases) == 1 and row(engine).creating is False


def test_a_late_create_of_ours_is_adopted_when_slack_says_the_channel_has_one(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    keeper.script["create"] = [CanvasAnswer(error="network: TimeoutError", uncertain=True)]
    keeper.script["find"] = [CanvasAnswer()]  # not there yet when looked up
    refresh_trackers(engine, NOON, keeper)
    keeper.channels[DIGEST] = "F9999"  # then the first create lands
    keeper.canvases["F9999"] = "# old"
    refresh_trackers(engine, NOON + timedelta(minutes=5), keeper)
    assert keeper.kinds() == ["create", "find", "create", "find"]
    assert row(engine).canvas_id == "F9999" and row(engine).off_reason is None
    refresh_trackers(engine, NOON + timedelta(minutes=10), keeper)
    assert keeper.shown().startswith("# Rutland")


def test_a_channel_with_a_canvas_of_someone_elses_is_left_alone(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    keeper.channels[DIGEST], keeper.canvases["F0PERSON"] = "F0PERSON", "# Our notes"
    refresh_trackers(engine, NOON, keeper)
    refresh_trackers(engine, NOON + timedelta(days=1), keeper)
    assert keeper.kinds() == ["create"]
    assert keeper.canvases["F0PERSON"] == "# Our notes"
    assert row(engine).off_reason == "channel_canvas_already_exists"


def test_a_canvas_deleted_in_slack_is_made_again(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    refresh_trackers(engine, NOON, keeper)
    first = keeper.channels.pop(DIGEST)
    del keeper.canvases[first]
    refresh_trackers(engine, NOON + timedelta(days=8), keeper)  # its edit finds it gone
    refresh_trackers(engine, NOON + timedelta(days=8, minutes=5), keeper)
    assert keeper.kinds() == ["create", "replace", "create"]
    assert row(engine).canvas_id == keeper.channels[DIGEST] != first


def test_a_second_clock_never_makes_a_second_canvas(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    other = ScriptedKeeper()

    class Racing(ScriptedKeeper):
        def create(self, channel: str, markdown: str) -> CanvasAnswer:
            refresh_trackers(engine, NOON, other)  # another clock, while this create is out
            return keeper.create(channel, markdown)

    refresh_trackers(engine, NOON, Racing())
    assert other.calls == [] and keeper.kinds() == ["create"]
    keeper.script["create"] = []
    assert row(engine).canvas_id == keeper.channels[DIGEST]


def test_partnerships_sharing_a_digest_channel_share_its_canvas(
    bound: BoundPartnership, engine: Engine, keeper: ScriptedKeeper
) -> None:
    from schedules.protocol import load_protocol
    from schedules.protocol.store import store_protocol

    store_protocol(load_protocol("islington"), session=bound.session, now=NOON)
    bound.session.flush()
    other = partnership_by_key("islington", session=bound.session)
    assert other is not None
    other.digest_channel = DIGEST
    bound.session.commit()
    refresh_trackers(engine, NOON, keeper)
    shown = keeper.shown()
    assert keeper.kinds() == ["create"]
    assert shown.index("# Islington") < shown.index("# Rutland") and "\n---\n" in shown
