"""Time the clock's refresh of the digest channels' tracker canvases over tick.py's synthetic
10 partnerships of 50 boards (420 quarterly duties each, 50,400 occurrences in all).

Usage: python benchmarks/trackers.py [--postgres URL]
Prints, for each database: the first refresh (every canvas built and made), a quiet refresh
(nothing changed: what every tick pays), and a refresh after one duty is done in one
partnership. Slack answers instantly: the figures are boardbot's own work.
"""

from __future__ import annotations

import importlib.util
import statistics
from datetime import timedelta
from pathlib import Path
from types import ModuleType

from sqlalchemy import Engine
from sqlmodel import Session, select

from schedules.canvases import CanvasAnswer, refresh_trackers
from storage.models import Partnership
from storage.queries.audit import Auditor


def tick_benchmark() -> ModuleType:
    """benchmarks/tick.py, for its synthetic workspace (this folder is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "tick_benchmark", Path(__file__).parent / "tick.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TICK = tick_benchmark()


class InstantKeeper:
    def __init__(self) -> None:
        self.sizes: list[int] = []

    def create(self, channel: str, markdown: str) -> CanvasAnswer:
        self.sizes.append(len(markdown))
        return CanvasAnswer(canvas_id=f"F{channel}")

    def replace(self, canvas_id: str, markdown: str) -> CanvasAnswer:
        self.sizes.append(len(markdown))
        return CanvasAnswer(canvas_id=canvas_id)

    def find(self, channel: str) -> CanvasAnswer:
        return CanvasAnswer()


def measure(engine: Engine, label: str) -> None:
    print(f"\n{label}: populating {TICK.PARTNERSHIPS} partnerships …", flush=True)
    TICK.populate(engine)
    keeper = InstantKeeper()
    first = TICK.timed(lambda: refresh_trackers(engine, TICK.NOW, keeper))
    biggest = max(keeper.sizes) / 1024
    print(
        f"  first refresh ({TICK.PARTNERSHIPS} canvases, largest {biggest:.0f} KiB): {first:.2f} s"
    )
    quiet = [
        TICK.timed(
            lambda at=TICK.NOW + timedelta(minutes=5 * step): refresh_trackers(engine, at, keeper)
        )
        for step in range(1, 6)
    ]
    print(f"  quiet refresh: median {statistics.median(quiet) * 1000:.0f} ms")
    with Session(engine) as session:
        partnership = session.exec(select(Partnership)).first()
        assert partnership is not None and partnership.id is not None
        Auditor(session, TICK.NOW, "bench", partnership.id).record(
            "duty.done", "dutyoccurrence", None
        )
        session.commit()
    one = TICK.timed(lambda: refresh_trackers(engine, TICK.NOW + timedelta(minutes=30), keeper))
    print(f"  refresh after a change in one partnership: {one * 1000:.0f} ms")


def main() -> None:
    TICK.on_each_database(measure, __doc__ or "")


if __name__ == "__main__":
    main()
