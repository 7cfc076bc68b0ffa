"""A web process's start-up: what it built is set aside, so no collection walks it mid-request."""

from __future__ import annotations

import gc

from bot.web import warm_up


def test_what_start_up_built_is_frozen_and_later_objects_are_not() -> None:
    built_at_start = [object()]  # a container: the collector tracks it
    try:
        warm_up()
        made_later = [object()]
        tracked = gc.get_objects()  # what a collection walks; frozen objects are not among them
        assert not any(o is built_at_start for o in tracked)
        assert any(o is made_later for o in tracked)
    finally:
        gc.unfreeze()
